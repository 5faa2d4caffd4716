/* The per-kernel profile of a library compiled with mocc --profile. */
#ifndef MOCC_RUN_PROFILE_REPORT_H
#define MOCC_RUN_PROFILE_REPORT_H

#include "error.h"
#include "model_api.h"

#include <stdio.h>

/* Fails unless the library times its kernels (compiled with --profile). */
int mr_profile_check(const mr_model_api *api, const mocc_model *model,
                     const char *path, mr_error *error);

/* Prints one line per kernel, the most expensive first: time per run, share
 * of the runs' time, calls, GFLOP/s where the kernel has a FLOP count, and
 * the ONNX nodes it computes. */
int mr_profile_print(const mr_model_api *api, const mocc_model *model,
                     FILE *out, mr_error *error);

/* Writes the last run's kernels as a Chrome trace (JSON; chrome://tracing
 * and Perfetto open it). */
int mr_profile_write_trace(const mr_model_api *api, const mocc_model *model,
                           const char *path, mr_error *error);

#endif /* MOCC_RUN_PROFILE_REPORT_H */
