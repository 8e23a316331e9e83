#include "call_site.h"

namespace spikesweep {

CallSite::CallSite(Napi::Env env) : error_(Napi::Persistent(Napi::Error::New(env, "").Value())) {}

Napi::Value CallSite::ErrorWith(Napi::Env env, const std::string &message) {
  Napi::Object error = error_.Value();
  std::string stack;
  Napi::Value captured = error.Get("stack");
  if (captured.IsString()) stack = captured.As<Napi::String>().Utf8Value();
  size_t newline = stack.find('\n');
  std::string frames = newline == std::string::npos ? std::string() : stack.substr(newline);
  error.Set("message", Napi::String::New(env, message));
  error.Set("stack", Napi::String::New(env, "Error: " + message + frames));
  return error;
}

}  // namespace spikesweep
