// Runs one generated network over the kernel C interface (native/include/spikesweep_abi.h) without
// Node: the GPU machine's stand-in for `spikesweep run`. Linked with a kernel's source (the cuda
// backend's, emulated or not, or the openmp backend's for the CPU goldens) and the shared runtime.
//
//   driver <setup.bin> <spikes.bin> <state.bin>
//
// setup.bin (bench/gpu/prepare.ts writes it; little-endian): seed u64, steps i64, the build-time
// values (count i64, f64 each), the named inputs (count i64; each name, dtype i32, length i64,
// data), the arrays to set after building (count i64; each name, length i64, f64 data) and the
// populations whose spikes are recorded (count i64; each index i32, start step i64). A name is its
// length i32 then its bytes.
//
// It writes every monitor's spikes to spikes.bin (per monitor: population i32, rows i64, steps
// i64 × rows, neurons i32 × rows), every state array to state.bin (name, dtype i32, length i64,
// bytes), and one JSON line of timings to stdout. bench/gpu/digest.py hashes both files.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "spikesweep_abi.h"

namespace {

class Reader {
 public:
  explicit Reader(const char *path) : file_(std::fopen(path, "rb")) {
    if (!file_) throw std::runtime_error(std::string("cannot open ") + path);
  }
  ~Reader() { std::fclose(file_); }
  template <class T> T value() {
    T x;
    bytes(&x, sizeof x);
    return x;
  }
  void bytes(void *out, size_t n) {
    if (n && std::fread(out, 1, n, file_) != n) throw std::runtime_error("setup file ends early");
  }
  std::string name() {
    std::string s(size_t(value<int32_t>()), '\0');
    bytes(&s[0], s.size());
    return s;
  }

 private:
  std::FILE *file_;
};

class Writer {
 public:
  explicit Writer(const char *path) : file_(std::fopen(path, "wb")) {
    if (!file_) throw std::runtime_error(std::string("cannot write ") + path);
  }
  ~Writer() { std::fclose(file_); }
  template <class T> void value(T x) { bytes(&x, sizeof x); }
  void bytes(const void *data, size_t n) {
    if (n && std::fwrite(data, 1, n, file_) != n) throw std::runtime_error("write failed");
  }
  void name(const char *s) {
    value(int32_t(std::strlen(s)));
    bytes(s, std::strlen(s));
  }

 private:
  std::FILE *file_;
};

size_t dtype_size(int32_t dtype) {
  switch (dtype) {
    case SS_F64: case SS_I64: return 8;
    case SS_F32: case SS_I32: return 4;
    case SS_U16: return 2;
    default: return 1;
  }
}

struct Input {
  std::string name;
  int32_t dtype;
  std::vector<char> data;
  int64_t length;
};

struct SpikeMonitor {
  int32_t population;
  int64_t start_step;
};

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

ss_array find_array(ss_sim *sim, const std::string &name) {
  ss_array a;
  for (int64_t i = 0; i < ss_array_count(sim); ++i)
    if (ss_array_at(sim, i, &a) == 0 && name == a.name) return a;
  throw std::runtime_error("the kernel has no array " + name);
}

int run(const char *setup_path, const char *spikes_path, const char *state_path) {
  Reader setup(setup_path);
  const uint64_t seed = setup.value<uint64_t>();
  const int64_t steps = setup.value<int64_t>();
  std::vector<double> values(size_t(setup.value<int64_t>()));
  setup.bytes(values.data(), values.size() * sizeof(double));
  std::vector<Input> inputs(size_t(setup.value<int64_t>()));
  for (Input &in : inputs) {
    in.name = setup.name();
    in.dtype = setup.value<int32_t>();
    in.length = setup.value<int64_t>();
    in.data.resize(size_t(in.length) * dtype_size(in.dtype));
    setup.bytes(in.data.data(), in.data.size());
  }
  std::vector<std::pair<std::string, std::vector<double>>> arrays(size_t(setup.value<int64_t>()));
  for (auto &a : arrays) {
    a.first = setup.name();
    a.second.resize(size_t(setup.value<int64_t>()));
    setup.bytes(a.second.data(), a.second.size() * sizeof(double));
  }
  std::vector<SpikeMonitor> monitors(size_t(setup.value<int64_t>()));
  for (SpikeMonitor &m : monitors) {
    m.population = setup.value<int32_t>();
    m.start_step = setup.value<int64_t>();
  }

  std::vector<ss_input> named(inputs.size());
  for (size_t k = 0; k < inputs.size(); ++k) named[k] = {inputs[k].name.c_str(), inputs[k].dtype, inputs[k].length, inputs[k].data.data()};
  const ss_create_args args{seed, 1, 0, values.data(), int64_t(values.size()), named.data(), int64_t(named.size())};
  char err[1024] = "";
  const auto build_start = std::chrono::steady_clock::now();
  ss_sim *sim = ss_create(&args, err, sizeof err);
  if (!sim) throw std::runtime_error(std::string("ss_create: ") + err);
  for (const auto &a : arrays) {
    const ss_array target = find_array(sim, a.first);
    if (target.dtype != SS_F64 || target.length != int64_t(a.second.size())) throw std::runtime_error("array " + a.first + " has another shape");
    std::memcpy(target.data, a.second.data(), a.second.size() * sizeof(double));
  }
  std::vector<int32_t> ids;
  for (const SpikeMonitor &m : monitors) {
    const ss_monitor_desc desc{SS_MONITOR_SPIKES, m.population, nullptr, nullptr, 0, 1, m.start_step};
    const int32_t id = ss_monitor_add(sim, &desc, err, sizeof err);
    if (id < 0) throw std::runtime_error(std::string("ss_monitor_add: ") + err);
    ids.push_back(id);
  }
  const double build_ms = ms_since(build_start);

  const ss_run_args run_args{steps, nullptr, nullptr, nullptr, 0, SS_STOP_NONE, 0, nullptr};
  ss_run_result result{};
  const auto run_start = std::chrono::steady_clock::now();
  if (ss_run(sim, &run_args, &result, err, sizeof err) != 0) throw std::runtime_error(std::string("ss_run: ") + err);
  const double simulate_ms = ms_since(run_start);

  Writer spikes(spikes_path);
  int64_t spike_count = 0;
  for (size_t k = 0; k < ids.size(); ++k) {
    ss_monitor_data data{};
    ss_monitor_take(sim, ids[k], &data);
    spikes.value(monitors[k].population);
    spikes.value(data.rows);
    spikes.bytes(data.steps, size_t(data.rows) * sizeof(int64_t));
    spikes.bytes(data.neurons, size_t(data.rows) * sizeof(int32_t));
    spike_count += data.rows;
  }
  Writer state(state_path);
  for (int64_t i = 0; i < ss_array_count(sim); ++i) {
    ss_array a;
    if (ss_array_at(sim, i, &a) != 0 || !(a.flags & SS_ARRAY_STATE)) continue;
    state.name(a.name);
    state.value(a.dtype);
    state.value(a.length);
    state.bytes(a.data, size_t(a.length) * dtype_size(a.dtype));
  }
  ss_destroy(sim);
  std::printf("{\"steps\":%lld,\"spikes\":%lld,\"buildMs\":%.3f,\"simulateMs\":%.3f}\n", (long long)result.steps_done, (long long)spike_count,
              build_ms, simulate_ms);
  return 0;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <setup.bin> <spikes.bin> <state.bin>\n", argv[0]);
    return 2;
  }
  try {
    return run(argv[1], argv[2], argv[3]);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "driver: %s\n", e.what());
    return 1;
  }
}
