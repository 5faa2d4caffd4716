/* Timing model runs. */
#ifndef MOCC_RUN_BENCH_H
#define MOCC_RUN_BENCH_H

#include "error.h"
#include "model_api.h"

typedef struct mr_bench_result {
  double median_ms, min_ms;
} mr_bench_result;

/* Runs the model once to warm up, then `runs` timed times. */
int mr_bench(const mr_model_api *api, mocc_model *model,
             const mocc_tensor *inputs, size_t num_inputs, long runs,
             mr_bench_result *out_result, mr_error *error);

#endif /* MOCC_RUN_BENCH_H */
