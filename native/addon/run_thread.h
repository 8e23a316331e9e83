// The one thread every run of a simulation executes on. libgomp keeps a pool of threads
// for each thread that opens a parallel region, and once it manages more threads than there are
// CPUs it sleeps at barriers instead of spinning. Runs taken by whichever libuv pool thread was
// free opened a pool per libuv thread: 256k-neuron CUBA on 2 threads took 1.4 s for a process's
// first run and 2.5–3.1 s for every later one.
#pragma once
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace spikesweep {

class RunThread {
 public:
  RunThread() = default;
  RunThread(const RunThread &) = delete;
  RunThread &operator=(const RunThread &) = delete;
  ~RunThread() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  // Runs `task` on the thread (started on first use) and returns when it has finished.
  void Run(const std::function<void()> &task) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
    task_ = &task;
    wake_.notify_all();
    wake_.wait(lock, [this] { return task_ == nullptr; });
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return task_ != nullptr || stopping_; });
      if (task_ == nullptr) return;
      lock.unlock();
      (*task_)();
      lock.lock();
      task_ = nullptr;
      wake_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  const std::function<void()> *task_ = nullptr;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace spikesweep
