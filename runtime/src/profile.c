#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "profile.h"

#include "model_internal.h"
#include "status.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct mocc_profile {
  const mocc_compiled_profile *table;
  int64_t *calls, *total_ns;
  /* The last run: kernels in the order they ran, with their times from the
   * run's start. At most one call per kernel, as each is a top-level op of
   * the entry. */
  mocc_profile_event *events;
  size_t num_events;
  int64_t run_start_ns, kernel_start_ns;
  int64_t runs, run_ns;
};

/* The profile of the run in progress on this thread, if any. */
static _Thread_local mocc_profile *current;

static int64_t now_ns(void) {
  struct timespec time;
  clock_gettime(CLOCK_MONOTONIC, &time);
  return (int64_t)time.tv_sec * 1000000000 + time.tv_nsec;
}

mocc_profile *mocc_profile_create(const mocc_compiled_profile *table) {
  if (!table || !table->num_kernels)
    return NULL;
  mocc_profile *profile = calloc(1, sizeof(*profile));
  if (!profile)
    return NULL;
  profile->table = table;
  profile->calls = calloc(table->num_kernels, sizeof(int64_t));
  profile->total_ns = calloc(table->num_kernels, sizeof(int64_t));
  profile->events = calloc(table->num_kernels, sizeof(mocc_profile_event));
  if (!profile->calls || !profile->total_ns || !profile->events) {
    mocc_profile_destroy(profile);
    return NULL;
  }
  return profile;
}

void mocc_profile_destroy(mocc_profile *profile) {
  if (!profile)
    return;
  free(profile->calls);
  free(profile->total_ns);
  free(profile->events);
  free(profile);
}

void mocc_profile_start_run(mocc_profile *profile) {
  current = profile;
  if (!profile)
    return;
  profile->num_events = 0;
  profile->run_start_ns = now_ns();
}

void mocc_profile_finish_run(void) {
  if (current) {
    current->runs += 1;
    current->run_ns += now_ns() - current->run_start_ns;
  }
  current = NULL;
}

void mocc_profile_begin(int32_t kernel) {
  (void)kernel;
  if (current)
    current->kernel_start_ns = now_ns();
}

void mocc_profile_end(int32_t kernel) {
  mocc_profile *profile = current;
  if (!profile || kernel < 0 ||
      (uint32_t)kernel >= profile->table->num_kernels)
    return;
  int64_t end = now_ns(), duration = end - profile->kernel_start_ns;
  profile->calls[kernel] += 1;
  profile->total_ns[kernel] += duration;
  if (profile->num_events < profile->table->num_kernels)
    profile->events[profile->num_events++] = (mocc_profile_event){
        (uint32_t)kernel, profile->kernel_start_ns - profile->run_start_ns,
        duration};
}

size_t mocc_model_num_profiled_kernels(const mocc_model *model) {
  return model && model->profile ? model->profile->table->num_kernels : 0;
}

mocc_status mocc_model_kernel_profile(const mocc_model *model, size_t index,
                                      mocc_kernel_profile *out_profile) {
  if (!model || !out_profile)
    return mocc_status_format("model or out_profile is NULL");
  size_t count = mocc_model_num_profiled_kernels(model);
  if (index >= count)
    return mocc_status_format("kernel index %zu is out of range (the library "
                              "profiles %zu kernels%s)",
                              index, count,
                              count ? "" : ": compile it with mocc --profile");
  const mocc_profile *profile = model->profile;
  *out_profile = (mocc_kernel_profile){profile->table->names[index],
                                       profile->table->flops[index],
                                       profile->calls[index],
                                       profile->total_ns[index]};
  return NULL;
}

mocc_status mocc_model_profile_totals(const mocc_model *model,
                                      int64_t *out_runs, int64_t *out_run_ns) {
  if (!model || !out_runs || !out_run_ns)
    return mocc_status_format("model, out_runs or out_run_ns is NULL");
  *out_runs = model->profile ? model->profile->runs : 0;
  *out_run_ns = model->profile ? model->profile->run_ns : 0;
  return NULL;
}

mocc_status mocc_model_profile_reset(mocc_model *model) {
  if (!model)
    return mocc_status_format("model is NULL");
  mocc_profile *profile = model->profile;
  if (profile) {
    size_t count = profile->table->num_kernels;
    memset(profile->calls, 0, count * sizeof(int64_t));
    memset(profile->total_ns, 0, count * sizeof(int64_t));
    profile->runs = profile->run_ns = 0;
  }
  return NULL;
}

size_t mocc_model_num_profile_events(const mocc_model *model) {
  return model && model->profile && model->has_outputs
             ? model->profile->num_events
             : 0;
}

mocc_status mocc_model_profile_event(const mocc_model *model, size_t index,
                                     mocc_profile_event *out_event) {
  if (!model || !out_event)
    return mocc_status_format("model or out_event is NULL");
  size_t count = mocc_model_num_profile_events(model);
  if (index >= count)
    return mocc_status_format("event index %zu is out of range (the last run "
                              "has %zu)",
                              index, count);
  *out_event = model->profile->events[index];
  return NULL;
}
