#include "library.h"

#include <dlfcn.h>
#include <sys/stat.h>

namespace spikesweep {

KernelLibrary::~KernelLibrary() {
  if (handle != nullptr) dlclose(handle);
}

namespace {

template <typename Fn>
bool Resolve(KernelLibrary &lib, const char *name, Fn &slot, std::string &error) {
  dlerror();
  void *symbol = dlsym(lib.handle, name);
  const char *message = dlerror();
  if (symbol == nullptr || message != nullptr) {
    error = "kernel library " + lib.path + " does not export " + name +
            " (every symbol of spikesweep_abi.h version " + std::to_string(SS_ABI_VERSION) +
            " is required)";
    if (message != nullptr) error += ": " + std::string(message);
    return false;
  }
  slot = reinterpret_cast<Fn>(symbol);
  return true;
}

}  // namespace

std::shared_ptr<KernelLibrary> LoadKernelLibrary(const std::string &path, std::string &error) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    error = "kernel library not found: " + path;
    return nullptr;
  }
  if (!S_ISREG(info.st_mode)) {
    error = "kernel library is not a regular file: " + path;
    return nullptr;
  }

  auto lib = std::make_shared<KernelLibrary>();
  lib->path = path;
  dlerror();
  lib->handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (lib->handle == nullptr) {
    const char *message = dlerror();
    error = "cannot load kernel library " + path + ": " + (message != nullptr ? message : "dlopen failed");
    return nullptr;
  }

  // The version symbol first, and call it before resolving anything else: a library of another
  // ABI version may not export the same set of symbols.
  if (!Resolve(*lib, "ss_abi_version", lib->abi_version, error)) return nullptr;
  lib->abiVersion = lib->abi_version();
  if (lib->abiVersion != SS_ABI_VERSION) {
    error = "kernel library " + path + " has ABI version " + std::to_string(lib->abiVersion) +
            ", expected " + std::to_string(SS_ABI_VERSION) +
            " (regenerate it with the current code generator)";
    return nullptr;
  }

  if (!Resolve(*lib, "ss_structure_hash", lib->structure_hash, error) ||
      !Resolve(*lib, "ss_create", lib->create, error) ||
      !Resolve(*lib, "ss_destroy", lib->destroy, error) ||
      !Resolve(*lib, "ss_join", lib->join, error) ||
      !Resolve(*lib, "ss_share", lib->share, error) ||
      !Resolve(*lib, "ss_array_count", lib->array_count, error) ||
      !Resolve(*lib, "ss_array_at", lib->array_at, error) ||
      !Resolve(*lib, "ss_set_threads", lib->set_threads, error) ||
      !Resolve(*lib, "ss_current_step", lib->current_step, error) ||
      !Resolve(*lib, "ss_set_current_step", lib->set_current_step, error) ||
      !Resolve(*lib, "ss_run", lib->run, error) ||
      !Resolve(*lib, "ss_monitor_add", lib->monitor_add, error) ||
      !Resolve(*lib, "ss_monitor_set_active", lib->monitor_set_active, error) ||
      !Resolve(*lib, "ss_monitor_take", lib->monitor_take, error) ||
      !Resolve(*lib, "ss_profile_enable", lib->profile_enable, error) ||
      !Resolve(*lib, "ss_profile_count", lib->profile_count, error) ||
      !Resolve(*lib, "ss_profile_at", lib->profile_at, error) ||
      !Resolve(*lib, "ss_profile_reset", lib->profile_reset, error)) {
    return nullptr;
  }
  const char *hash = lib->structure_hash();
  lib->structureHash = hash != nullptr ? hash : "";
  return lib;
}

}  // namespace spikesweep
