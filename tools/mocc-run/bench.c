#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "bench.h"

#include <stdlib.h>
#include <time.h>

static double now_ms(void) {
  struct timespec time;
  clock_gettime(CLOCK_MONOTONIC, &time);
  return (double)time.tv_sec * 1e3 + (double)time.tv_nsec * 1e-6;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int mr_bench(const mr_model_api *api, mocc_model *model,
             const mocc_tensor *inputs, size_t num_inputs, long runs,
             mr_bench_result *out_result, mr_error *error) {
  double *times = malloc((size_t)runs * sizeof(double));
  if (!times)
    return mr_fail(error, "out of memory for %ld timings", runs);
  int failed = mr_check_status(api, api->run(model, inputs, num_inputs), error);
  for (long i = 0; i < runs && !failed; ++i) {
    double start = now_ms();
    failed = mr_check_status(api, api->run(model, inputs, num_inputs), error);
    times[i] = now_ms() - start;
  }
  if (!failed) {
    qsort(times, (size_t)runs, sizeof(double), compare_doubles);
    out_result->median_ms = runs % 2
                                ? times[runs / 2]
                                : (times[runs / 2 - 1] + times[runs / 2]) / 2;
    out_result->min_ms = times[0];
  }
  free(times);
  return failed;
}
