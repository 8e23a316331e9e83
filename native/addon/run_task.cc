#include "run_task.h"

namespace spikesweep {

RunTask::RunTask(Napi::Env env, std::shared_ptr<SimHandle> handle, RunOptions options, Napi::Object simObject,
                     Napi::Function onProgress)
    : Napi::AsyncProgressWorker<int64_t>(env, "spikesweep.run"),
      handle_(std::move(handle)),
      options_(std::move(options)),
      simObject_(Napi::Persistent(simObject)),
      deferred_(Napi::Promise::Deferred::New(env)),
      callSite_(env) {
  if (!onProgress.IsEmpty()) onProgress_ = Napi::Persistent(onProgress);
  wantProgress_ = !onProgress.IsEmpty() && options_.progressEvery > 0;
}

void RunTask::ProgressThunk(void *user, int64_t stepsDone) noexcept {
  auto *self = static_cast<RunTask *>(user);
  // Send copies the value and signals the JS thread without waiting; values not yet delivered
  // are replaced by newer ones, so a slow JS callback never slows the simulation.
  self->progress_->Send(&stepsDone, 1);
}

void RunTask::Execute(const ExecutionProgress &progress) {
  progress_ = &progress;
  ss_run_args args{};
  args.steps = options_.steps;
  args.cancel = &handle_->cancel;
  args.progress = wantProgress_ ? &RunTask::ProgressThunk : nullptr;
  args.user = this;
  args.progress_every = wantProgress_ ? options_.progressEvery : 0;
  args.stop_mode = options_.stopMode;
  args.num_stop_populations = static_cast<int32_t>(options_.stopPopulations.size());
  args.stop_populations = options_.stopPopulations.empty() ? nullptr : options_.stopPopulations.data();

  char err[2048];
  err[0] = '\0';
  int32_t rc = 0;
  handle_->runThread.Run([&] { rc = handle_->lib->run(handle_->sim, &args, &result_, err, sizeof err); });
  err[sizeof err - 1] = '\0';
  if (rc != 0) {
    error_ = err[0] != '\0' ? std::string(err) : "ss_run returned " + std::to_string(rc) + " without a message";
    error_ = "run failed in kernel " + handle_->lib->path + ": " + error_;
  }
  progress_ = nullptr;
}

void RunTask::OnProgress(const int64_t *data, size_t count) {
  if (settled_ || data == nullptr || count == 0 || onProgress_.IsEmpty() || !progressError_.IsEmpty()) return;
  Napi::Env env = Env();
  try {
    onProgress_.Call({Napi::Number::New(env, static_cast<double>(data[count - 1]))});
  } catch (const Napi::Error &e) {
    progressError_ = Napi::Persistent(e.Value().As<Napi::Value>());
    handle_->RequestCancel();
  }
}

void RunTask::OnOK() {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  handle_->SetRunning(false);
  settled_ = true;
  if (!progressError_.IsEmpty()) {
    deferred_.Reject(progressError_.Value());
    return;
  }
  if (!error_.empty()) {
    deferred_.Reject(callSite_.ErrorWith(env, error_));
    return;
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("stepsDone", Napi::Number::New(env, static_cast<double>(result_.steps_done)));
  out.Set("cancelled", Napi::Boolean::New(env, result_.cancelled != 0));
  out.Set("stopped", Napi::Boolean::New(env, result_.stopped != 0));
  out.Set("resident", Napi::Boolean::New(env, result_.resident != 0));
  deferred_.Resolve(out);
}

void RunTask::OnError(const Napi::Error &error) {
  // Only reached if node-addon-api itself reports a failure (Execute never calls SetError).
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  handle_->SetRunning(false);
  settled_ = true;
  deferred_.Reject(callSite_.ErrorWith(env, error.Message()));
}

}  // namespace spikesweep
