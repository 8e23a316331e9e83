// The native side of one simulation: the ss_sim pointer, the library it came from, the cancel
// flag, the thread its runs execute on, and memory handed to the kernel that must outlive the call
// that passed it. Shared by the Sim JS object and a running RunTask, so an explicit destroy()
// during a run is deferred: the sim is freed (ss_destroy) when the last of them lets go, always on
// the JS thread. A batch's handle (ss_join) holds its copies' handles: they live while it does,
// and run while it runs.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "library.h"
#include "run_thread.h"

namespace spikesweep {

struct SimHandle {
  std::shared_ptr<KernelLibrary> lib;
  ss_sim *sim = nullptr;
  // Read by the kernel at step boundaries (ss_run_args.cancel); written from the JS thread.
  volatile int32_t cancel = 0;
  // JS thread only.
  bool running = false;
  std::map<int32_t, int32_t> monitorKinds;  // monitor id → enum ss_monitor_kind
  // Monitor descriptions point at these; kept for the sim's lifetime in case the kernel keeps them.
  std::deque<std::string> monitorArrays;
  std::deque<std::vector<int32_t>> monitorIndices;
  RunThread runThread;  // every ss_run of this sim (see run_thread.h)
  std::vector<std::shared_ptr<SimHandle>> copies;  // a batch's copies; empty for a sim

  SimHandle(std::shared_ptr<KernelLibrary> library, ss_sim *created) : lib(std::move(library)), sim(created) {}
  SimHandle(const SimHandle &) = delete;
  SimHandle &operator=(const SimHandle &) = delete;
  ~SimHandle() {
    if (sim != nullptr) lib->destroy(sim);
  }

  // JS thread only: a batch's copies refuse other calls while it runs.
  void SetRunning(bool on) {
    running = on;
    for (auto &c : copies) c->running = on;
  }

  void RequestCancel() { __atomic_store_n(const_cast<int32_t *>(&cancel), 1, __ATOMIC_SEQ_CST); }
  void ClearCancel() { __atomic_store_n(const_cast<int32_t *>(&cancel), 0, __ATOMIC_SEQ_CST); }
};

}  // namespace spikesweep
