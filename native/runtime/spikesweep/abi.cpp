// The C interface of spikesweep_abi.h, implemented once over SimBase and compiled once per
// compiler and flags; each kernel library links it and defines generated::create() and
// generated::structure_hash.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "sim.hpp"

namespace generated {
ss::SimBase *create(const ss_create_args *args);
extern const char *const structure_hash;
}  // namespace generated

// A sim, or a batch of copies (ss_join): impl null, copies the copies' own handles.
struct ss_sim {
  ss::SimBase *impl;
  std::vector<ss_sim *> copies;
};

namespace ss {
void write_error(char *err, int64_t errlen, const char *message) {
  if (err && errlen > 0) std::snprintf(err, size_t(errlen), "%s", message);
}
}  // namespace ss

extern "C" {

__attribute__((visibility("default"))) uint32_t ss_abi_version(void) { return SS_ABI_VERSION; }
__attribute__((visibility("default"))) const char *ss_structure_hash(void) { return generated::structure_hash; }

__attribute__((visibility("default"))) ss_sim *ss_create(const ss_create_args *args, char *err, int64_t errlen) {
  try {
    return new ss_sim{generated::create(args), {}};
  } catch (const std::bad_alloc &) {
    ss::write_error(err, errlen, "out of memory while building the network");
  } catch (const std::exception &e) {
    ss::write_error(err, errlen, e.what());
  }
  return nullptr;
}

__attribute__((visibility("default"))) ss_sim *ss_join(ss_sim *const *copies, int64_t num_copies, char *err, int64_t errlen) {
  if (num_copies < 1) {
    ss::write_error(err, errlen, "a batch needs at least one copy");
    return nullptr;
  }
  for (int64_t c = 0; c < num_copies; ++c)
    if (!copies[c] || !copies[c]->impl) {
      ss::write_error(err, errlen, ("copy " + std::to_string(c) + " of a batch must be a simulation, not a batch").c_str());
      return nullptr;
    }
  return new ss_sim{nullptr, std::vector<ss_sim *>(copies, copies + num_copies)};
}

__attribute__((visibility("default"))) int64_t ss_share(ss_sim *copy, ss_sim *first) {
  // Whatever the device computed so far, the host compares it (managed memory on a GPU).
  first->impl->wait_for_kernels();
  copy->impl->wait_for_kernels();
  copy->impl->share_read_only(*first->impl);
  return copy->impl->store.shared_bytes();
}

__attribute__((visibility("default"))) void ss_destroy(ss_sim *sim) {
  if (!sim) return;
  delete sim->impl;
  delete sim;
}

__attribute__((visibility("default"))) int64_t ss_array_count(const ss_sim *sim) { return sim->impl->store.count(); }

__attribute__((visibility("default"))) int32_t ss_array_at(ss_sim *sim, int64_t index, ss_array *out) {
  return sim->impl->store.at(index, out) ? 0 : -1;
}

__attribute__((visibility("default"))) int32_t ss_set_threads(ss_sim *sim, int32_t n) {
  sim->impl->set_threads(n);
  return 0;
}

__attribute__((visibility("default"))) int64_t ss_current_step(const ss_sim *sim) { return sim->impl->step; }
// Moving the clock discards spikes in flight: their delivery times belonged to the old timeline.
__attribute__((visibility("default"))) void ss_set_current_step(ss_sim *sim, int64_t step) {
  sim->impl->step = step;
  for (auto &p : sim->impl->populations) p.clear_history();
}

namespace ss {
// One step's bookkeeping after the model advanced: record, advance the clock, report progress,
// evaluate stop conditions. Returns whether the run must stop here.
// A step done: counted, and progress reported every progress_every steps.
static void report_step(const ss_run_args *args, ss_run_result *result) {
  ++result->steps_done;
  if (args->progress && args->progress_every > 0 && result->steps_done % args->progress_every == 0)
    args->progress(args->user, result->steps_done);
}

static bool finish_step(SimBase &s, const ss_run_args *args, ss_run_result *result) {
  s.profiled(s.record_block, [&] { s.record(); });
  ++s.step;
  report_step(args, result);
  if (args->stop_mode == SS_STOP_NONE || args->num_stop_populations <= 0) return false;
  s.wait_for_kernels();
  bool any = false, all = true;
  for (int32_t i = 0; i < args->num_stop_populations; ++i) {
    const bool holds = s.stop_condition(args->stop_populations[i], args->stop_mode);
    any = any || holds;
    all = all && holds;
  }
  result->stopped = (args->stop_mode == SS_STOP_ANY ? any : all) ? 1 : 0;
  return result->stopped != 0;
}

static bool cancelled(const ss_run_args *args, ss_run_result *result) {
  if (args->cancel && *args->cancel) result->cancelled = 1;
  return result->cancelled != 0;
}

// Test-only fault hook: SPIKESWEEP_FAULT_CRASH_STEP=<n> crashes the process (SIGSEGV) when the
// simulation reaches step n, so tests can show that a native crash fails one attempt only.
static int64_t fault_step() {
  const char *value = std::getenv("SPIKESWEEP_FAULT_CRASH_STEP");
  return value ? std::atoll(value) : -1;
}

// Before each step: the fault hook, then whether the run was cancelled.
static bool stop_before(const SimBase &s, const ss_run_args *args, ss_run_result *result, int64_t fault) {
  if (s.step == fault) std::raise(SIGSEGV);
  return cancelled(args, result);
}

// On one thread after step k's step_once: the step's serial end, then whether the run stops
// before step k + 1.
static bool after_step(SimBase &s, int64_t k, const ss_run_args *args, ss_run_result *result, int64_t fault) {
  s.profiled(s.end_step_block, [&] { s.end_step(); });
  return finish_step(s, args, result) || (k + 1 < args->steps && stop_before(s, args, result, fault));
}
}  // namespace ss

namespace ss {
// One sim's run on the calling thread (its team's, where the schedule shares work).
static void run_one(SimBase &s, const ss_run_args *args, ss_run_result *result, int64_t fault) {
  // Host-visible state is whole again however the run ends.
  struct RunScope {
    SimBase &s;
    explicit RunScope(SimBase &sim) : s(sim) { s.begin_run(); }
    ~RunScope() { s.end_run(); }
  } scope(s);
  if (args->steps <= 0 || stop_before(s, args, result, fault)) return;
  if (s.threads <= 1 || !s.worth_a_team()) {
    for (int64_t k = 0; k < args->steps; ++k) {
      s.step_once();
      if (after_step(s, k, args, result, fault)) break;
    }
    s.finish_window();
    return;
  }
  // One team for the whole run. Each decision is written by one thread (one_thread, whose barrier
  // publishes it) into alternating slots: a thread can be at most one barrier ahead of another,
  // so it never overwrites a slot someone has yet to read.
  bool stop[2] = {false, false};
  run_team(s.threads, [&] {
    int slot = 0;
    for (int64_t k = 0; k < args->steps; ++k) {
      s.step_once();
      one_thread([&] { stop[slot] = after_step(s, k, args, result, fault); });
      if (stop[slot]) break;
      slot ^= 1;
    }
  });
  s.finish_window();
}

#ifdef SS_COPY_STEPS
// A batch on a backend that steps copies together: in resident windows where the schedule runs
// them (SimBase::run_resident), else each step, every copy's step and record are recorded, then
// launched once over all copies (CopySteps); the clocks advance together.
static void run_batch(const std::vector<ss_sim *> &copies, const ss_run_args *args, ss_run_result *result, int64_t fault) {
  std::vector<SimBase *> sims;
  // Every copy that began its run ends it, however the run ends.
  struct Ends {
    std::vector<SimBase *> &begun;
    ~Ends() { for (SimBase *s : begun) s->end_run(); }
  } ends{sims};
  for (ss_sim *c : copies) {
    c->impl->begin_run();
    sims.push_back(c->impl);
  }
  SimBase &first = *sims[0];
  if (args->steps <= 0 || stop_before(first, args, result, fault)) return;
  int64_t k = 0;
  bool stopped = false;
  // Resident windows while the schedule runs them (the fault hook's step ends one), else one step at a time.
  while (k < args->steps && !stopped) {
    const int64_t window = fault > first.step ? std::min(args->steps - k, fault - first.step) : args->steps - k;
    const int64_t done = first.run_resident(sims, window);
    if (done < 0) break;
    result->resident = 1;
    for (SimBase *s : sims) s->step += done;
    for (int64_t i = 0; i < done; ++i) report_step(args, result);
    k += done;
    stopped = k < args->steps && stop_before(first, args, result, fault);
  }
  if (!stopped && k < args->steps) {
    CopySteps steps(int64_t(sims.size()));
    for (; k < args->steps; ++k) {
      for (size_t c = 0; c < sims.size(); ++c) {
        steps.select(int64_t(c));
        sims[c]->step_once();
        sims[c]->profiled(sims[c]->end_step_block, [&] { sims[c]->end_step(); });
        sims[c]->profiled(sims[c]->record_block, [&] { sims[c]->record(); });
      }
      steps.launch();
      for (SimBase *s : sims) ++s->step;
      report_step(args, result);
      if (k + 1 < args->steps && stop_before(first, args, result, fault)) break;
    }
  }
  for (SimBase *s : sims) s->finish_window();
}
#else
// A batch on a CPU backend: each copy runs the steps in turn; the batch has done the steps every
// copy has.
static void run_batch(const std::vector<ss_sim *> &copies, const ss_run_args *args, ss_run_result *result, int64_t fault) {
  int64_t done = args->steps;
  for (ss_sim *c : copies) {
    *result = ss_run_result{0, 0, 0};
    run_one(*c->impl, args, result, fault);
    done = std::min(done, result->steps_done);
    if (result->cancelled) break;
  }
  result->steps_done = done;
}
#endif
}  // namespace ss

__attribute__((visibility("default"))) int32_t ss_run(ss_sim *sim, const ss_run_args *args, ss_run_result *result,
                                                     char *err, int64_t errlen) {
  *result = ss_run_result{0, 0, 0};
  const int64_t fault = ss::fault_step();
  try {
    if (sim->impl) {
      ss::run_one(*sim->impl, args, result, fault);
      return 0;
    }
    if (args->stop_mode != SS_STOP_NONE && args->num_stop_populations > 0)
      throw std::runtime_error("a batch runs without stop conditions: give them to single runs");
    ss::run_batch(sim->copies, args, result, fault);
  } catch (const std::exception &e) {
    ss::write_error(err, errlen, e.what());
    return -1;
  }
  return 0;
}

__attribute__((visibility("default"))) void ss_profile_enable(ss_sim *sim, int32_t on) {
  sim->impl->profiling = on != 0;
  if (on) sim->impl->size_profile();
}

__attribute__((visibility("default"))) int64_t ss_profile_count(const ss_sim *sim) {
  return int64_t(sim->impl->profile_blocks.size());
}

__attribute__((visibility("default"))) void ss_profile_at(const ss_sim *sim, int64_t index, const char **name, double *seconds) {
  const ss::SimBase &s = *sim->impl;
  const size_t blocks = s.profile_blocks.size();
  *name = s.profile_blocks[size_t(index)].c_str();
  *seconds = 0;
  for (size_t k = size_t(index); k < s.profile_seconds.size(); k += blocks) *seconds += s.profile_seconds[k];
}

__attribute__((visibility("default"))) void ss_profile_reset(ss_sim *sim) {
  std::fill(sim->impl->profile_seconds.begin(), sim->impl->profile_seconds.end(), 0.0);
}

__attribute__((visibility("default"))) int32_t ss_monitor_add(ss_sim *sim, const ss_monitor_desc *desc, char *err,
                                                             int64_t errlen) {
  ss::SimBase &s = *sim->impl;
  ss::Monitor m;
  m.kind = desc->kind;
  m.period = desc->period_steps > 0 ? desc->period_steps : 1;
  m.start = desc->start_step;
  if (desc->kind == SS_MONITOR_SPIKES) {
    if (desc->population < 0 || size_t(desc->population) >= s.populations.size()) {
      ss::write_error(err, errlen, "spike monitor: no such population");
      return -1;
    }
    m.population = desc->population;
    if (desc->indices) {
      m.selected.assign(size_t(s.populations[size_t(desc->population)].size), 0);
      for (int64_t k = 0; k < desc->num_indices; ++k) m.selected[size_t(desc->indices[k])] = 1;
    }
  } else {
    if (!desc->array || !s.store.find(desc->array, &m.source)) {
      ss::write_error(err, errlen, "state monitor: no such array");
      return -1;
    }
    if (desc->indices) {
      m.indices.assign(desc->indices, desc->indices + desc->num_indices);
    } else {
      m.indices.resize(size_t(m.source.length));
      for (int64_t k = 0; k < m.source.length; ++k) m.indices[size_t(k)] = int32_t(k);
    }
    for (int32_t i : m.indices)
      if (i < 0 || i >= m.source.length) {
        ss::write_error(err, errlen, "state monitor: index outside the array");
        return -1;
      }
  }
  s.monitors.push_back(std::move(m));
  return int32_t(s.monitors.size() - 1);
}

__attribute__((visibility("default"))) int32_t ss_monitor_set_active(ss_sim *sim, int32_t monitor, int32_t active) {
  if (monitor < 0 || size_t(monitor) >= sim->impl->monitors.size()) return -1;
  sim->impl->monitors[size_t(monitor)].active = active != 0;
  return 0;
}

__attribute__((visibility("default"))) int32_t ss_monitor_take(ss_sim *sim, int32_t monitor, ss_monitor_data *out) {
  if (monitor < 0 || size_t(monitor) >= sim->impl->monitors.size()) return -1;
  sim->impl->monitors[size_t(monitor)].take(out);
  return 0;
}

}  // extern "C"
