#include "model_api.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* POSIX guarantees dlsym's object pointer converts to a function pointer;
 * memcpy does it without a cast ISO C does not define. */
static int resolve(void *library, const char *symbol, void *slot,
                   size_t slot_size, const char *path, mr_error *error) {
  void *address = dlsym(library, symbol);
  if (!address)
    return mr_fail(error, "'%s' does not export %s (not a mocc model?)", path,
                   symbol);
  memcpy(slot, &address, slot_size);
  return 0;
}

int mr_model_api_open(mr_model_api *api, const char *path, mr_error *error) {
  memset(api, 0, sizeof(*api));
  /* A bare file name would be searched on the library path, not here. */
  char local_path[4096];
  if (!strchr(path, '/')) {
    snprintf(local_path, sizeof(local_path), "./%s", path);
    path = local_path;
  }
  api->library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!api->library)
    return mr_fail(error, "cannot load model: %s", dlerror());

#define RESOLVE(field, symbol)                                                 \
  if (resolve(api->library, #symbol, &api->field, sizeof(api->field), path,    \
              error))                                                          \
    goto fail;
  RESOLVE(status_message, mocc_status_message)
  RESOLVE(status_release, mocc_status_release)
  RESOLVE(create, mocc_model_create)
  RESOLVE(destroy, mocc_model_destroy)
  RESOLVE(num_inputs, mocc_model_num_inputs)
  RESOLVE(num_outputs, mocc_model_num_outputs)
  RESOLVE(input_info, mocc_model_input_info)
  RESOLVE(output_info, mocc_model_output_info)
  RESOLVE(num_input_values, mocc_model_num_input_values)
  RESOLVE(num_output_values, mocc_model_num_output_values)
  RESOLVE(input_value_info, mocc_model_input_value_info)
  RESOLVE(output_value_info, mocc_model_output_value_info)
  RESOLVE(run, mocc_model_run)
  RESOLVE(get_output, mocc_model_get_output)
#undef RESOLVE
#define RESOLVE_OPTIONAL(field, symbol)                                        \
  {                                                                            \
    void *address = dlsym(api->library, #symbol);                              \
    memcpy(&api->field, &address, sizeof(address));                           \
  }
  RESOLVE_OPTIONAL(create_on_device, mocc_model_create_on_device)
  RESOLVE_OPTIONAL(device_name, mocc_model_device_name)
  RESOLVE_OPTIONAL(set_num_threads, mocc_model_set_num_threads)
  RESOLVE_OPTIONAL(num_profiled_kernels, mocc_model_num_profiled_kernels)
  RESOLVE_OPTIONAL(kernel_profile, mocc_model_kernel_profile)
  RESOLVE_OPTIONAL(profile_totals, mocc_model_profile_totals)
  RESOLVE_OPTIONAL(profile_reset, mocc_model_profile_reset)
  RESOLVE_OPTIONAL(num_profile_events, mocc_model_num_profile_events)
  RESOLVE_OPTIONAL(profile_event, mocc_model_profile_event)
#undef RESOLVE_OPTIONAL
  return 0;

fail:
  mr_model_api_close(api);
  return -1;
}

void mr_model_api_close(mr_model_api *api) {
  if (api->library)
    dlclose(api->library);
  memset(api, 0, sizeof(*api));
}

int mr_check_status(const mr_model_api *api, mocc_status status,
                    mr_error *error) {
  if (!status)
    return 0;
  mr_fail(error, "%s", api->status_message(status));
  api->status_release(status);
  return -1;
}
