/*
 * The fixed C interface every generated kernel library exports and the addon consumes.
 * The addon checks ss_abi_version() before any other call. All state the simulation owns is
 * reachable through the array table (name, dtype, length, pointer), which is what makes setting
 * values after compile, reset and checkpoints generic.
 */
#ifndef SPIKESWEEP_ABI_H
#define SPIKESWEEP_ABI_H
#include <stdint.h>

#define SS_ABI_VERSION 5u

#ifdef __cplusplus
extern "C" {
#endif

enum ss_dtype { SS_F64 = 0, SS_F32 = 1, SS_I32 = 2, SS_I64 = 3, SS_U16 = 4, SS_U8 = 5 };

/* flags of an array */
enum ss_array_flags {
  SS_ARRAY_STATE = 1,    /* evolves during simulation; part of a checkpoint */
  SS_ARRAY_SETTABLE = 2, /* the user may overwrite it between runs (parameters, variables, weights) */
  SS_ARRAY_SYNAPTIC = 4, /* one element per synapse of a projection (length known only after build) */
  SS_ARRAY_SHARED = 8    /* read-only, and held once for copies of a batch: this copy reads another's (ss_share) */
};

typedef struct ss_sim ss_sim;

typedef struct {
  const char *name; /* "<population>.<variable>", "<projection>.<variable>", "const.<name>", "<projection>.row_ptr", ... */
  int32_t dtype;    /* enum ss_dtype */
  int32_t flags;    /* enum ss_array_flags */
  int64_t length;   /* elements */
  void *data;
} ss_array;

/* An input handed to ss_create by name, e.g. "<projection>.sparse_pre" for fromSparse connectors. */
typedef struct {
  const char *name;
  int32_t dtype;
  int64_t length;
  const void *data;
} ss_input;

typedef struct {
  uint64_t seed;
  int32_t num_threads;
  int32_t device;       /* the GPU a cuda kernel runs on (cudaSetDevice); the CPU backends ignore it */
  const double *values; /* build-time values (connector and distribution arguments), layout chosen by codegen */
  int64_t num_values;
  const ss_input *inputs;
  int64_t num_inputs;
} ss_create_args;

enum ss_stop_mode { SS_STOP_NONE = 0, SS_STOP_ANY = 1, SS_STOP_ALL = 2 };

typedef struct {
  int64_t steps;              /* steps to run */
  const volatile int32_t *cancel; /* non-zero ⇒ stop at the next step boundary; may be NULL */
  void (*progress)(void *user, int64_t steps_done); /* called every progress_every steps from the running thread; may be NULL */
  void *user;
  int64_t progress_every;
  int32_t stop_mode;          /* enum ss_stop_mode: stop when the stop conditions of the listed populations hold */
  int32_t num_stop_populations;
  const int32_t *stop_populations;
} ss_run_args;

typedef struct {
  int64_t steps_done;
  int32_t cancelled;          /* 1 if stopped by the cancel flag */
  int32_t stopped;            /* 1 if stopped by a stop condition */
  int32_t resident;           /* 1 if a batch ran its steps in resident windows (the cuda backend's resident schedule) */
} ss_run_result;

enum ss_monitor_kind { SS_MONITOR_SPIKES = 0, SS_MONITOR_STATE = 1 };

typedef struct {
  int32_t kind;               /* enum ss_monitor_kind */
  int32_t population;         /* population index (spikes) */
  const char *array;          /* state monitors: the array to sample (per-neuron or per-population) */
  const int32_t *indices;     /* neurons to record; NULL ⇒ all */
  int64_t num_indices;
  int64_t period_steps;       /* sample every period_steps (state) */
  int64_t start_step;         /* first step recorded */
} ss_monitor_desc;

/* What a monitor recorded since the last take; pointers stay valid until the next call on the sim. */
typedef struct {
  int64_t rows;               /* spikes: number of spikes; state: number of samples */
  const int64_t *steps;       /* spikes: step of each spike; state: step of each sample */
  const int32_t *neurons;     /* spikes: neuron of each spike; state: NULL */
  const double *values;       /* state: rows × width values, row-major; spikes: NULL */
  int64_t width;              /* state: recorded neurons per sample */
} ss_monitor_data;

uint32_t ss_abi_version(void);
/* Structure hash the library was generated for (hex). */
const char *ss_structure_hash(void);

/* Allocates, builds connectivity and initial values. NULL on failure with a message in err. */
ss_sim *ss_create(const ss_create_args *args, char *err, int64_t errlen);
void ss_destroy(ss_sim *sim);

/* A batch: copies of this library's structure, each made by ss_create with its own values, seed
   and inputs, run together by ss_run on the batch (no stop conditions). The cuda backend steps
   them together, each kernel launched once over every copy (a copy dimension); the CPU backends
   run each copy's steps in turn. Every other call (arrays, monitors, the clock) goes to a copy's
   own handle, which must outlive the batch and not run on its own while the batch runs.
   ss_destroy on a batch frees the batch only. NULL on failure with a message in err. */
ss_sim *ss_join(ss_sim *const *copies, int64_t num_copies, char *err, int64_t errlen);

/* Makes `copy` read `first`'s read-only arrays (the connectivity create built: rows, columns,
   per-synapse delays, the postsynaptic index) wherever the two hold the same values, and frees
   its own: copies of a batch whose connectivity draws nothing from their seeds then hold it once.
   Both are copies of this library's structure, made by ss_create and not yet run. Only a schedule
   that keeps no pointer of its own into those arrays shares them (the cuda backend's); elsewhere
   it shares nothing. Returns the bytes `copy` now reads from another copy (SS_ARRAY_SHARED). */
int64_t ss_share(ss_sim *copy, ss_sim *first);

int64_t ss_array_count(const ss_sim *sim);
int32_t ss_array_at(ss_sim *sim, int64_t index, ss_array *out); /* 0 on success */

int32_t ss_set_threads(ss_sim *sim, int32_t num_threads);
int64_t ss_current_step(const ss_sim *sim);
void ss_set_current_step(ss_sim *sim, int64_t step);

/* Runs on the calling thread (the addon calls it from its run thread, native/addon/run_thread.h). 0 on success. */
int32_t ss_run(ss_sim *sim, const ss_run_args *args, ss_run_result *result, char *err, int64_t errlen);

/* Profiling (Brian2's profile=True): while on, ss_run times each block of the step (every
   population's update, every projection's delivery, psp and synaptic equations, the end of the
   step, the monitors); off, a block costs one predictable branch. Block i's name (valid while the
   sim lives) and its seconds so far, summed over runs while on and over the threads that ran it. */
void ss_profile_enable(ss_sim *sim, int32_t on);
int64_t ss_profile_count(const ss_sim *sim);
void ss_profile_at(const ss_sim *sim, int64_t index, const char **name, double *seconds);
void ss_profile_reset(ss_sim *sim);

int32_t ss_monitor_add(ss_sim *sim, const ss_monitor_desc *desc, char *err, int64_t errlen); /* id ≥ 0, or -1 */
int32_t ss_monitor_set_active(ss_sim *sim, int32_t monitor, int32_t active);
/* Hands back everything recorded since the last take and forgets it. */
int32_t ss_monitor_take(ss_sim *sim, int32_t monitor, ss_monitor_data *out);

#ifdef __cplusplus
}
#endif
#endif
