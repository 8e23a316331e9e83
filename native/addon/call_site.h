// The sharp pattern for async errors: capture a JS Error (and so the JS stack) when a public call
// enters native code, and when the work fails later, reuse it with the real message so the stack
// points at the caller's line instead of at an empty async frame.
#pragma once
#include <napi.h>

#include <string>

namespace spikesweep {

class CallSite {
 public:
  explicit CallSite(Napi::Env env);
  // The captured error with `message` set and the first line of its stack rewritten.
  Napi::Value ErrorWith(Napi::Env env, const std::string &message);

 private:
  Napi::ObjectReference error_;
};

}  // namespace spikesweep
