// Runs one generated network over the kernel C interface (native/include/spikesweep_abi.h) without
// Node: the GPU machine's stand-in for `spikesweep run`. Linked with a kernel's source (the cuda
// backend's, emulated or not, or the openmp backend's for the CPU goldens) and the shared runtime.
//
//   driver <setup.bin> <spikes.bin> <state.bin> [copy]
//   driver --batch <setup.bin> <copies> <steps> <out-dir> [copy ...]
//
// setup.bin (bench/gpu/prepare.ts writes it; little-endian): seed u64, steps i64, the build-time
// values (count i64, f64 each), the named inputs (count i64; each name, dtype i32, length i64,
// data), the arrays to set after building (count i64; each name, length i64, f64 data), the
// populations whose spikes are recorded (count i64; each index i32, start step i64) and the arrays
// varied per copy (count i64; each name, step f64). A name is its length i32 then its bytes.
//
// Copy b of a setup (0 unless given) is the network with seed + b and every varied array multiplied
// by 1 + b × its step after building: what a sweep's copies differ in, a seed and uploaded values.
// The first form runs copy b alone; --batch creates copies 0 … copies-1, joins them (ss_join) and
// runs them together for <steps> (0: the setup's), then writes the listed copies' outputs as
// <out-dir>/copy-<b>.spikes and .state.
//
// It writes every monitor's spikes to spikes.bin (per monitor: population i32, rows i64, steps
// i64 × rows, neurons i32 × rows), every state array to state.bin (name, dtype i32, length i64,
// bytes), and one JSON line of timings to stdout (a batch's: its copies, steps, the schedule it ran, the spikes of each
// listed copy, buildMs over all copies and simulateMs of the one ss_run). bench/gpu/digest.py
// hashes both files.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <memory>
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

// What setup.bin holds: everything needed to create any copy of the network.
struct Setup {
  uint64_t seed;
  int64_t steps;
  std::vector<double> values;
  std::vector<Input> inputs;
  std::vector<std::pair<std::string, std::vector<double>>> arrays;
  std::vector<SpikeMonitor> monitors;
  std::vector<std::pair<std::string, double>> varied;
};

Setup read_setup(const char *path) {
  Reader setup(path);
  Setup s;
  s.seed = setup.value<uint64_t>();
  s.steps = setup.value<int64_t>();
  s.values.resize(size_t(setup.value<int64_t>()));
  setup.bytes(s.values.data(), s.values.size() * sizeof(double));
  s.inputs.resize(size_t(setup.value<int64_t>()));
  for (Input &in : s.inputs) {
    in.name = setup.name();
    in.dtype = setup.value<int32_t>();
    in.length = setup.value<int64_t>();
    in.data.resize(size_t(in.length) * dtype_size(in.dtype));
    setup.bytes(in.data.data(), in.data.size());
  }
  s.arrays.resize(size_t(setup.value<int64_t>()));
  for (auto &a : s.arrays) {
    a.first = setup.name();
    a.second.resize(size_t(setup.value<int64_t>()));
    setup.bytes(a.second.data(), a.second.size() * sizeof(double));
  }
  s.monitors.resize(size_t(setup.value<int64_t>()));
  for (SpikeMonitor &m : s.monitors) {
    m.population = setup.value<int32_t>();
    m.start_step = setup.value<int64_t>();
  }
  s.varied.resize(size_t(setup.value<int64_t>()));
  for (auto &v : s.varied) {
    v.first = setup.name();
    v.second = setup.value<double>();
  }
  return s;
}

// One copy of the network, built, with its values set and its spike monitors attached.
struct Copy {
  ss_sim *sim = nullptr;
  std::vector<int32_t> monitor_ids;
  Copy() = default;
  Copy(const Copy &) = delete;
  Copy &operator=(const Copy &) = delete;
  ~Copy() { ss_destroy(sim); }
};

std::unique_ptr<Copy> create_copy(const Setup &s, int64_t b) {
  std::vector<ss_input> named(s.inputs.size());
  for (size_t k = 0; k < s.inputs.size(); ++k) named[k] = {s.inputs[k].name.c_str(), s.inputs[k].dtype, s.inputs[k].length, s.inputs[k].data.data()};
  const ss_create_args args{s.seed + uint64_t(b), 1, 0, s.values.data(), int64_t(s.values.size()), named.data(), int64_t(named.size())};
  char err[1024] = "";
  auto copy = std::make_unique<Copy>();
  copy->sim = ss_create(&args, err, sizeof err);
  if (!copy->sim) throw std::runtime_error("ss_create (copy " + std::to_string(b) + "): " + err);
  for (const auto &a : s.arrays) {
    const ss_array target = find_array(copy->sim, a.first);
    if (target.dtype != SS_F64 || target.length != int64_t(a.second.size())) throw std::runtime_error("array " + a.first + " has another shape");
    std::memcpy(target.data, a.second.data(), a.second.size() * sizeof(double));
  }
  for (const auto &v : s.varied) {
    const ss_array target = find_array(copy->sim, v.first);
    if (target.dtype != SS_F64) throw std::runtime_error("varied array " + v.first + " is not f64");
    const double factor = 1.0 + double(b) * v.second;
    double *data = static_cast<double *>(target.data);
    for (int64_t i = 0; i < target.length; ++i) data[i] *= factor;
  }
  for (const SpikeMonitor &m : s.monitors) {
    const ss_monitor_desc desc{SS_MONITOR_SPIKES, m.population, nullptr, nullptr, 0, 1, m.start_step};
    const int32_t id = ss_monitor_add(copy->sim, &desc, err, sizeof err);
    if (id < 0) throw std::runtime_error(std::string("ss_monitor_add: ") + err);
    copy->monitor_ids.push_back(id);
  }
  return copy;
}

ss_run_result run_steps(ss_sim *sim, int64_t steps) {
  const ss_run_args run_args{steps, nullptr, nullptr, nullptr, 0, SS_STOP_NONE, 0, nullptr};
  ss_run_result result{};
  char err[1024] = "";
  if (ss_run(sim, &run_args, &result, err, sizeof err) != 0) throw std::runtime_error(std::string("ss_run: ") + err);
  return result;
}

// Writes a copy's spikes and state (the layout digest.py reads); returns its spike count.
int64_t write_outputs(const Setup &s, Copy &copy, const std::string &spikes_path, const std::string &state_path) {
  Writer spikes(spikes_path.c_str());
  int64_t spike_count = 0;
  for (size_t k = 0; k < copy.monitor_ids.size(); ++k) {
    ss_monitor_data data{};
    ss_monitor_take(copy.sim, copy.monitor_ids[k], &data);
    spikes.value(s.monitors[k].population);
    spikes.value(data.rows);
    spikes.bytes(data.steps, size_t(data.rows) * sizeof(int64_t));
    spikes.bytes(data.neurons, size_t(data.rows) * sizeof(int32_t));
    spike_count += data.rows;
  }
  Writer state(state_path.c_str());
  for (int64_t i = 0; i < ss_array_count(copy.sim); ++i) {
    ss_array a;
    if (ss_array_at(copy.sim, i, &a) != 0 || !(a.flags & SS_ARRAY_STATE)) continue;
    state.name(a.name);
    state.value(a.dtype);
    state.value(a.length);
    state.bytes(a.data, size_t(a.length) * dtype_size(a.dtype));
  }
  return spike_count;
}

int run_one(const char *setup_path, const char *spikes_path, const char *state_path, int64_t b) {
  const Setup s = read_setup(setup_path);
  const auto build_start = std::chrono::steady_clock::now();
  const auto copy = create_copy(s, b);
  const double build_ms = ms_since(build_start);
  const auto run_start = std::chrono::steady_clock::now();
  const int64_t steps = run_steps(copy->sim, s.steps).steps_done;
  const double simulate_ms = ms_since(run_start);
  const int64_t spike_count = write_outputs(s, *copy, spikes_path, state_path);
  std::printf("{\"steps\":%lld,\"spikes\":%lld,\"buildMs\":%.3f,\"simulateMs\":%.3f}\n", (long long)steps, (long long)spike_count,
              build_ms, simulate_ms);
  return 0;
}

int run_batch(const char *setup_path, int64_t copies, int64_t steps, const std::string &out_dir, const std::vector<int64_t> &kept) {
  Setup s = read_setup(setup_path);
  if (copies < 1) throw std::runtime_error("a batch needs at least one copy");
  for (int64_t b : kept)
    if (b < 0 || b >= copies) throw std::runtime_error("copy " + std::to_string(b) + " is not in a batch of " + std::to_string(copies));
  if (steps > 0) s.steps = steps;
  const auto build_start = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<Copy>> batch;
  std::vector<ss_sim *> handles;
  for (int64_t b = 0; b < copies; ++b) {
    batch.push_back(create_copy(s, b));
    handles.push_back(batch.back()->sim);
  }
  char err[1024] = "";
  ss_sim *joined = ss_join(handles.data(), copies, err, sizeof err);
  if (!joined) throw std::runtime_error(std::string("ss_join: ") + err);
  const double build_ms = ms_since(build_start);
  const auto run_start = std::chrono::steady_clock::now();
  const ss_run_result result = run_steps(joined, s.steps);
  const double simulate_ms = ms_since(run_start);
  ss_destroy(joined);
  std::string spikes_json;
  for (int64_t b : kept) {
    const std::string prefix = out_dir + "/copy-" + std::to_string(b);
    const int64_t n = write_outputs(s, *batch[size_t(b)], prefix + ".spikes", prefix + ".state");
    spikes_json += (spikes_json.empty() ? "" : ",") + ("\"" + std::to_string(b) + "\":" + std::to_string(n));
  }
  std::printf("{\"copies\":%lld,\"steps\":%lld,\"schedule\":\"%s\",\"spikes\":{%s},\"buildMs\":%.3f,\"simulateMs\":%.3f}\n", (long long)copies,
              (long long)result.steps_done, result.resident ? "resident" : "per-step", spikes_json.c_str(), build_ms, simulate_ms);
  return 0;
}

int64_t parse_count(const char *text, const char *what) {
  char *end = nullptr;
  const long long x = std::strtoll(text, &end, 10);
  if (!*text || *end || x < 0) throw std::runtime_error(std::string(what) + " must be a whole number ≥ 0, not " + text);
  return x;
}

}  // namespace

int main(int argc, char **argv) {
  try {
    if (argc >= 6 && std::strcmp(argv[1], "--batch") == 0) {
      std::vector<int64_t> kept;
      for (int k = 6; k < argc; ++k) kept.push_back(parse_count(argv[k], "a copy"));
      return run_batch(argv[2], parse_count(argv[3], "copies"), parse_count(argv[4], "steps"), argv[5], kept);
    }
    if (argc == 4 || argc == 5) return run_one(argv[1], argv[2], argv[3], argc == 5 ? parse_count(argv[4], "the copy") : 0);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "driver: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: %s <setup.bin> <spikes.bin> <state.bin> [copy]\n       %s --batch <setup.bin> <copies> <steps> <out-dir> [copy ...]\n", argv[0], argv[0]);
  return 2;
}
