// Runs ss_run off the event loop. Options are copied into a plain struct on the JS thread;
// progress is coalesced by AsyncProgressWorker (the kernel thread never waits for JS); errors come
// back as a string and become a JS Error with the caller's stack in OnOK.
#pragma once
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "call_site.h"
#include "sim_handle.h"

namespace spikesweep {

struct RunOptions {
  int64_t steps = 0;
  int64_t progressEvery = 0;  // 0 ⇒ no progress callbacks
  int32_t stopMode = SS_STOP_NONE;
  std::vector<int32_t> stopPopulations;
};

class RunTask : public Napi::AsyncProgressWorker<int64_t> {
 public:
  // `simObject` is kept referenced for the duration of the run so it cannot be collected.
  RunTask(Napi::Env env, std::shared_ptr<SimHandle> handle, RunOptions options, Napi::Object simObject,
            Napi::Function onProgress);
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute(const ExecutionProgress &progress) override;
  void OnProgress(const int64_t *data, size_t count) override;
  void OnOK() override;
  void OnError(const Napi::Error &error) override;

 private:
  static void ProgressThunk(void *user, int64_t stepsDone) noexcept;

  std::shared_ptr<SimHandle> handle_;
  RunOptions options_;
  Napi::ObjectReference simObject_;
  Napi::FunctionReference onProgress_;
  Napi::Promise::Deferred deferred_;
  CallSite callSite_;
  bool wantProgress_ = false;
  const ExecutionProgress *progress_ = nullptr;  // valid during Execute only
  // Results, written by Execute and read in OnOK (the task's completion orders them).
  ss_run_result result_{0, 0, 0, 0};
  std::string error_;
  Napi::Reference<Napi::Value> progressError_;  // a throw from onProgress: cancels, then rejects
  bool settled_ = false;
};

}  // namespace spikesweep
