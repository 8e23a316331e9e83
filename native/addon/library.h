// Loading a generated kernel library: dlopen, resolve every ss_* symbol, check the ABI version.
// A KernelLibrary is shared (std::shared_ptr) by the Kernel object and every Sim created from it,
// so the library stays mapped while any of them lives.
#pragma once
#include <memory>
#include <string>

#include "spikesweep_abi.h"

namespace spikesweep {

struct KernelLibrary {
  std::string path;
  void *handle = nullptr;
  uint32_t abiVersion = 0;
  std::string structureHash;

  decltype(&::ss_abi_version) abi_version = nullptr;
  decltype(&::ss_structure_hash) structure_hash = nullptr;
  decltype(&::ss_create) create = nullptr;
  decltype(&::ss_destroy) destroy = nullptr;
  decltype(&::ss_join) join = nullptr;
  decltype(&::ss_share) share = nullptr;
  decltype(&::ss_array_count) array_count = nullptr;
  decltype(&::ss_array_at) array_at = nullptr;
  decltype(&::ss_set_threads) set_threads = nullptr;
  decltype(&::ss_current_step) current_step = nullptr;
  decltype(&::ss_set_current_step) set_current_step = nullptr;
  decltype(&::ss_run) run = nullptr;
  decltype(&::ss_monitor_add) monitor_add = nullptr;
  decltype(&::ss_monitor_set_active) monitor_set_active = nullptr;
  decltype(&::ss_monitor_take) monitor_take = nullptr;
  decltype(&::ss_profile_enable) profile_enable = nullptr;
  decltype(&::ss_profile_count) profile_count = nullptr;
  decltype(&::ss_profile_at) profile_at = nullptr;
  decltype(&::ss_profile_reset) profile_reset = nullptr;

  KernelLibrary() = default;
  KernelLibrary(const KernelLibrary &) = delete;
  KernelLibrary &operator=(const KernelLibrary &) = delete;
  ~KernelLibrary();
};

// Loads the library at `path` (dlopen RTLD_NOW | RTLD_LOCAL). On failure returns nullptr and a
// message naming the path and what was expected in `error`. No other ss_* function is called
// before ss_abi_version() has returned SS_ABI_VERSION.
std::shared_ptr<KernelLibrary> LoadKernelLibrary(const std::string &path, std::string &error);

}  // namespace spikesweep
