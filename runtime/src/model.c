/* Instance lifetime and queries; running is in run.c, the value table in
 * values.c. */
#include "memref.h"
#include "model_internal.h"
#include "shape.h"
#include "status.h"

#include <stdlib.h>
#include <unistd.h>

/* Rejects a description the runtime cannot serve. `kind` is "input" or
 * "output". */
static mocc_status check_tensor_desc(const mocc_compiled_tensor *tensor,
                                     const char *kind, size_t index) {
  const char *name = mocc_tensor_name(tensor);
  if (tensor->rank < 0 || (tensor->rank > 0 && !tensor->dims))
    return mocc_status_format("%s '%s' (index %zu): malformed shape in the "
                              "compiled model",
                              kind, name, index);
  if (mocc_dtype_size((mocc_dtype)tensor->dtype) == 0)
    return mocc_status_format("%s '%s' (index %zu): unsupported dtype %d", kind,
                              name, index, (int)tensor->dtype);
  for (int32_t i = 0; i < tensor->rank; ++i)
    if (tensor->dims[i] < -1)
      return mocc_status_format("%s '%s' (index %zu): malformed dimension "
                                "%lld in the compiled model",
                                kind, name, index, (long long)tensor->dims[i]);
  return NULL;
}

int mocc_tensor_is_dynamic(const mocc_compiled_tensor *tensor) {
  for (int32_t i = 0; i < tensor->rank; ++i)
    if (tensor->dims[i] == -1)
      return 1;
  return 0;
}

static mocc_status check_desc(const mocc_compiled_model_desc *desc) {
  if (desc->abi_version != MOCC_ABI_VERSION)
    return mocc_status_format("model was compiled for ABI version %u, the "
                              "runtime implements version %d",
                              (unsigned)desc->abi_version, MOCC_ABI_VERSION);
  if ((desc->num_inputs && !desc->inputs) ||
      (desc->num_outputs && !desc->outputs) || !desc->entry)
    return mocc_status_format("malformed compiled model description");
  for (uint32_t i = 0; i < desc->num_inputs; ++i) {
    mocc_status status = check_tensor_desc(&desc->inputs[i], "input", i);
    if (status)
      return status;
  }
  for (uint32_t i = 0; i < desc->num_outputs; ++i) {
    mocc_status status = check_tensor_desc(&desc->outputs[i], "output", i);
    if (status)
      return status;
  }
  return mocc_check_value_tables(desc);
}

/* The arena of a GPU model is in memory the device addresses too. */
static mocc_status allocate_arena(mocc_model *model) {
  const mocc_compiled_model_desc *desc = model->desc;
  if ((size_t)desc->arena_bytes != desc->arena_bytes)
    return mocc_status_format("cannot allocate the %llu-byte activation arena",
                              (unsigned long long)desc->arena_bytes);
  if (model->gpu)
    return mocc_gpu_alloc_arena(model->gpu, (size_t)desc->arena_bytes,
                                &model->arena);
  if (mocc_buffer_alloc(&model->arena, (size_t)desc->arena_bytes))
    return mocc_status_format("cannot allocate the %llu-byte activation arena",
                              (unsigned long long)desc->arena_bytes);
  return NULL;
}

static mocc_status allocate_buffers(mocc_model *model) {
  const mocc_compiled_model_desc *desc = model->desc;
  mocc_status status = allocate_arena(model);
  if (status)
    return status;

  model->outputs =
      calloc(desc->num_outputs ? desc->num_outputs : 1, sizeof(mocc_buffer));
  if (!model->outputs)
    return mocc_status_format("out of memory");
  for (uint32_t i = 0; i < desc->num_outputs; ++i) {
    const mocc_compiled_tensor *output = &desc->outputs[i];
    /* Known only when the model runs: the entry allocates it. */
    if (mocc_tensor_is_dynamic(output))
      continue;
    size_t element_size = mocc_dtype_size((mocc_dtype)output->dtype);
    uint64_t count;
    if (mocc_shape_num_elements(output->rank, output->dims,
                                SIZE_MAX / element_size, &count) ||
        mocc_buffer_alloc(&model->outputs[i], (size_t)count * element_size))
      return mocc_status_format("output '%s' (index %u): cannot allocate its "
                                "buffer",
                                mocc_tensor_name(output), (unsigned)i);
  }
  return NULL;
}

/* Lays out all descriptors in one block and fills those that never change:
 * outputs, the arena and the GPU. The thread pool's slot stays NULL until
 * mocc_model_start_threads. */
static mocc_status allocate_descriptors(mocc_model *model) {
  const mocc_compiled_model_desc *desc = model->desc;
  size_t count =
      (size_t)desc->num_inputs + desc->num_outputs + 2 + (desc->gpu != NULL);
  size_t bytes = mocc_memref_bytes(1);
  for (uint32_t i = 0; i < desc->num_inputs; ++i)
    bytes += mocc_memref_bytes(desc->inputs[i].rank);
  for (uint32_t i = 0; i < desc->num_outputs; ++i)
    bytes += mocc_memref_bytes(desc->outputs[i].rank);
  model->descriptors = malloc(count * sizeof(void *));
  model->descriptor_storage = malloc(bytes);
  if (!model->descriptors || !model->descriptor_storage)
    return mocc_status_format("out of memory");

  char *next = (char *)model->descriptor_storage;
  size_t slot = 0;
  for (uint32_t i = 0; i < desc->num_inputs; ++i) {
    model->descriptors[slot++] = next;
    next += mocc_memref_bytes(desc->inputs[i].rank);
  }
  for (uint32_t i = 0; i < desc->num_outputs; ++i) {
    const mocc_compiled_tensor *output = &desc->outputs[i];
    mocc_memref_set((mocc_memref *)next, model->outputs[i].allocated,
                    model->outputs[i].aligned, output->rank, output->dims);
    model->descriptors[slot++] = next;
    next += mocc_memref_bytes(output->rank);
  }
  int64_t arena_size = (int64_t)model->arena.bytes;
  mocc_memref_set((mocc_memref *)next, model->arena.allocated,
                  model->arena.aligned, 1, &arena_size);
  model->descriptors[slot] = next;
  model->descriptors[slot + 1] = NULL;
  if (desc->gpu)
    model->descriptors[slot + 2] = model->gpu;
  return NULL;
}

/* The entry's argument slot for the thread pool: after the arena. */
static void **pool_slot(mocc_model *model) {
  return &model->descriptors[model->desc->num_inputs +
                             model->desc->num_outputs + 1];
}

static int32_t default_num_threads(void) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return cores < 1 ? 1 : cores > INT32_MAX ? INT32_MAX : (int32_t)cores;
}

mocc_status mocc_model_start_threads(mocc_model *model) {
  if (model->num_threads > 1 && !model->pool) {
    mocc_status status =
        mocc_thread_pool_create(model->num_threads, &model->pool);
    if (status)
      return status;
    *pool_slot(model) = model->pool;
  }
  return NULL;
}

mocc_status mocc_model_set_num_threads(mocc_model *model,
                                       int32_t num_threads) {
  if (!model)
    return mocc_status_format("model is NULL");
  if (num_threads < 0)
    return mocc_status_format("num_threads must be 0 (one per core) or "
                              "positive, got %d",
                              (int)num_threads);
  int32_t resolved = num_threads ? num_threads : default_num_threads();
  if (resolved != model->num_threads) {
    mocc_thread_pool_destroy(model->pool);
    model->pool = NULL;
    *pool_slot(model) = NULL;
    model->num_threads = resolved;
  }
  return NULL;
}

int32_t mocc_model_num_threads(const mocc_model *model) {
  return model ? model->num_threads : 0;
}

mocc_status
mocc_model_create_from_desc_on_device(const mocc_compiled_model_desc *desc,
                                      int32_t device, mocc_model **out_model) {
  if (!out_model)
    return mocc_status_format("out_model is NULL");
  *out_model = NULL;
  mocc_status status = check_desc(desc);
  if (status)
    return status;
  if (!desc->gpu && device != 0)
    return mocc_status_format("device %d does not exist: a CPU model runs on "
                              "device 0 only",
                              (int)device);

  mocc_model *model = calloc(1, sizeof(*model));
  if (!model)
    return mocc_status_format("out of memory");
  model->desc = desc;
  model->num_threads = default_num_threads();
  if (desc->gpu) {
    status = mocc_gpu_open(desc->gpu, device, &model->gpu);
    model->close_gpu = mocc_gpu_close;
  }
  if (!status)
    status = allocate_buffers(model);
  if (!status)
    status = allocate_descriptors(model);
  if (!status && desc->profile &&
      !(model->profile = mocc_profile_create(desc->profile)))
    status = mocc_status_format("out of memory");
  if (!status && !(model->memory = mocc_run_memory_create()))
    status = mocc_status_format("out of memory");
  if (status) {
    mocc_model_destroy(model);
    return status;
  }
  *out_model = model;
  return NULL;
}

mocc_status mocc_model_create_from_desc(const mocc_compiled_model_desc *desc,
                                        mocc_model **out_model) {
  return mocc_model_create_from_desc_on_device(desc, 0, out_model);
}

mocc_status mocc_model_create(mocc_model **out_model) {
  return mocc_model_create_from_desc(&mocc_compiled_model, out_model);
}

mocc_status mocc_model_create_on_device(mocc_model **out_model,
                                        int32_t device) {
  return mocc_model_create_from_desc_on_device(&mocc_compiled_model, device,
                                               out_model);
}

const char *mocc_model_device_name(const mocc_model *model) {
  return model && model->gpu ? mocc_gpu_device_name(model->gpu) : "cpu";
}

void mocc_model_release_output(mocc_model *model, size_t index) {
  mocc_buffer *buffer = &model->outputs[index];
  if (model->memory && mocc_tensor_is_dynamic(&model->desc->outputs[index])) {
    mocc_run_memory_release(model->memory, buffer->allocated);
    *buffer = (mocc_buffer){0};
  } else {
    mocc_buffer_free(buffer);
  }
}

void mocc_model_destroy(mocc_model *model) {
  if (!model)
    return;
  mocc_thread_pool_destroy(model->pool);
  mocc_profile_destroy(model->profile);
  if (model->outputs)
    for (uint32_t i = 0; i < model->desc->num_outputs; ++i)
      mocc_model_release_output(model, i);
  free(model->outputs);
  mocc_run_memory_destroy(model->memory);
  if (!model->gpu)
    mocc_buffer_free(&model->arena);
  free(model->descriptors);
  free(model->descriptor_storage);
  if (model->gpu)
    model->close_gpu(model->gpu); /* frees the arena */
  free(model);
}

size_t mocc_model_num_inputs(const mocc_model *model) {
  return model ? model->desc->num_inputs : 0;
}

size_t mocc_model_num_outputs(const mocc_model *model) {
  return model ? model->desc->num_outputs : 0;
}

static mocc_status get_info(const mocc_model *model, int is_output,
                            size_t index, mocc_tensor_info *out_info) {
  if (!model)
    return mocc_status_format("model is NULL");
  if (!out_info)
    return mocc_status_format("out_info is NULL");
  const char *kind = is_output ? "output" : "input";
  uint32_t count =
      is_output ? model->desc->num_outputs : model->desc->num_inputs;
  if (index >= count)
    return mocc_status_format("%s index %zu is out of range (the model has "
                              "%u %ss)",
                              kind, index, (unsigned)count, kind);
  const mocc_compiled_tensor *tensor =
      is_output ? &model->desc->outputs[index] : &model->desc->inputs[index];
  out_info->name = mocc_tensor_name(tensor);
  out_info->dtype = (mocc_dtype)tensor->dtype;
  out_info->rank = tensor->rank;
  out_info->dims = tensor->dims;
  return NULL;
}

mocc_status mocc_model_input_info(const mocc_model *model, size_t index,
                                  mocc_tensor_info *out_info) {
  return get_info(model, 0, index, out_info);
}

mocc_status mocc_model_output_info(const mocc_model *model, size_t index,
                                   mocc_tensor_info *out_info) {
  return get_info(model, 1, index, out_info);
}

mocc_status mocc_model_get_output(const mocc_model *model, size_t index,
                                  mocc_tensor *out_tensor) {
  mocc_tensor_info info = {0};
  mocc_status status = get_info(model, 1, index, &info);
  if (status)
    return status;
  if (!out_tensor)
    return mocc_status_format("out_tensor is NULL");
  if (!model->has_outputs)
    return mocc_status_format("no outputs yet: the model has not run "
                              "successfully");
  out_tensor->data = model->outputs[index].aligned;
  out_tensor->dtype = info.dtype;
  out_tensor->rank = info.rank;
  /* The dims of the last run are the sizes in the output's descriptor. */
  out_tensor->dims = mocc_output_memref(model, index)->sizes_and_strides;
  return NULL;
}

mocc_status mocc_model_memory_stats(const mocc_model *model,
                                    mocc_memory_stats *out_stats) {
  if (!model || !out_stats)
    return mocc_status_format("model or out_stats is NULL");
  if (!model->has_outputs)
    return mocc_status_format("no run has succeeded yet");
  out_stats->arena_bytes = model->arena.bytes;
  mocc_run_memory_stats(model->memory, &out_stats->dynamic_bytes,
                        &out_stats->dynamic_lower_bound_bytes);
  return NULL;
}
