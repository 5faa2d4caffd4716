/* The model ABI (mocc/model.h) of a model library opened at run time. */
#ifndef MOCC_RUN_MODEL_API_H
#define MOCC_RUN_MODEL_API_H

#include "error.h"
#include "mocc/model.h"

typedef struct mr_model_api {
  void *library;
  const char *(*status_message)(mocc_status);
  void (*status_release)(mocc_status);
  mocc_status (*create)(mocc_model **);
  void (*destroy)(mocc_model *);
  size_t (*num_inputs)(const mocc_model *);
  size_t (*num_outputs)(const mocc_model *);
  mocc_status (*input_info)(const mocc_model *, size_t, mocc_tensor_info *);
  mocc_status (*output_info)(const mocc_model *, size_t, mocc_tensor_info *);
  size_t (*num_input_values)(const mocc_model *);
  size_t (*num_output_values)(const mocc_model *);
  mocc_status (*input_value_info)(const mocc_model *, size_t,
                                  mocc_value_info *);
  mocc_status (*output_value_info)(const mocc_model *, size_t,
                                   mocc_value_info *);
  mocc_status (*run)(mocc_model *, const mocc_tensor *, size_t);
  mocc_status (*get_output)(const mocc_model *, size_t, mocc_tensor *);
  /* NULL in libraries older than them, which run on the CPU. */
  mocc_status (*create_on_device)(mocc_model **, int32_t);
  const char *(*device_name)(const mocc_model *);
  /* NULL in libraries older than it, which run on one thread. */
  mocc_status (*set_num_threads)(mocc_model *, int32_t);
  /* Profiling; NULL in libraries older than it. */
  size_t (*num_profiled_kernels)(const mocc_model *);
  mocc_status (*kernel_profile)(const mocc_model *, size_t,
                                mocc_kernel_profile *);
  mocc_status (*profile_totals)(const mocc_model *, int64_t *, int64_t *);
  mocc_status (*profile_reset)(mocc_model *);
  size_t (*num_profile_events)(const mocc_model *);
  mocc_status (*profile_event)(const mocc_model *, size_t,
                               mocc_profile_event *);
} mr_model_api;

/* dlopens `path` and resolves every function of the ABI (those that may be
 * missing to NULL). */
int mr_model_api_open(mr_model_api *api, const char *path, mr_error *error);
void mr_model_api_close(mr_model_api *api);

/* Turns a failed status into an error (releasing it); 0 for success. */
int mr_check_status(const mr_model_api *api, mocc_status status,
                    mr_error *error);

#endif /* MOCC_RUN_MODEL_API_H */
