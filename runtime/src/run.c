/* mocc_model_run: validates the inputs, then calls the generated entry,
 * which may fail the run (run_failure.h). */
#include "memref.h"
#include "model_internal.h"
#include "run_failure.h"
#include "shape.h"
#include "status.h"

#include <stddef.h>
#include <stdint.h>

/* The status for an input whose dtype or shape is not the expected one. */
static mocc_status mismatch(const mocc_compiled_tensor *expected,
                            const mocc_tensor *given, size_t index) {
  char expected_type[256], given_type[256];
  mocc_shape_format(expected_type, sizeof(expected_type), expected->dtype,
                    expected->rank, expected->dims);
  mocc_shape_format(given_type, sizeof(given_type), given->dtype, given->rank,
                    given->dims);
  return mocc_status_format("input '%s' (index %zu): expected %s, got %s",
                            mocc_tensor_name(expected), index, expected_type,
                            given_type);
}

static mocc_status check_input(const mocc_compiled_tensor *expected,
                               const mocc_tensor *given, size_t index) {
  if (given->rank > 0 && !given->dims)
    return mocc_status_format("input '%s' (index %zu): dims is NULL",
                              mocc_tensor_name(expected), index);
  if ((int32_t)given->dtype != expected->dtype || given->rank != expected->rank)
    return mismatch(expected, given, index);
  for (int32_t i = 0; i < given->rank; ++i) {
    if (given->dims[i] < 0)
      return mocc_status_format("input '%s' (index %zu): negative dimension "
                                "%lld at axis %d",
                                mocc_tensor_name(expected), index,
                                (long long)given->dims[i], (int)i);
    if (expected->dims[i] != -1 && given->dims[i] != expected->dims[i])
      return mismatch(expected, given, index);
  }
  /* Overflow checked for dynamic dimensions: the descriptor's strides are
   * products of the dims. */
  uint64_t count;
  if (mocc_shape_num_elements(given->rank, given->dims, INT64_MAX, &count))
    return mocc_status_format("input '%s' (index %zu): too many elements",
                              mocc_tensor_name(expected), index);
  if (!given->data && count > 0)
    return mocc_status_format("input '%s' (index %zu): data is NULL",
                              mocc_tensor_name(expected), index);
  return NULL;
}

/* Takes over the buffers the entry allocated for the outputs of dynamic
 * shape, freeing those of the previous run. */
static void adopt_dynamic_outputs(mocc_model *model) {
  const mocc_compiled_model_desc *desc = model->desc;
  for (uint32_t i = 0; i < desc->num_outputs; ++i) {
    const mocc_compiled_tensor *output = &desc->outputs[i];
    if (!mocc_tensor_is_dynamic(output))
      continue;
    const mocc_memref *memref = mocc_output_memref(model, i);
    size_t element_size = mocc_dtype_size((mocc_dtype)output->dtype);
    uint64_t count = 0;
    mocc_shape_num_elements(output->rank, memref->sizes_and_strides,
                            SIZE_MAX / element_size, &count);
    mocc_model_release_output(model, i);
    model->outputs[i].allocated = memref->allocated;
    model->outputs[i].aligned =
        (char *)memref->aligned + memref->offset * (int64_t)element_size;
    model->outputs[i].bytes = (size_t)count * element_size;
  }
}

mocc_status mocc_model_run(mocc_model *model, const mocc_tensor *inputs,
                           size_t num_inputs) {
  if (!model)
    return mocc_status_format("model is NULL");
  const mocc_compiled_model_desc *desc = model->desc;
  if (num_inputs != desc->num_inputs)
    return mocc_status_format("expected %u inputs, got %zu",
                              (unsigned)desc->num_inputs, num_inputs);
  if (num_inputs && !inputs)
    return mocc_status_format("inputs is NULL");
  for (size_t i = 0; i < num_inputs; ++i) {
    mocc_status status = check_input(&desc->inputs[i], &inputs[i], i);
    if (status)
      return status;
  }

  mocc_status status = mocc_model_start_threads(model);
  if (status)
    return status;
  for (size_t i = 0; i < num_inputs; ++i)
    mocc_memref_set((mocc_memref *)model->descriptors[i], inputs[i].data,
                    inputs[i].data, inputs[i].rank, inputs[i].dims);
  model->has_outputs = 0;
  mocc_profile_start_run(model->profile);
  mocc_run_memory_begin(model->memory, inputs, num_inputs);
  status = mocc_run_guarded(desc->entry, model->descriptors);
  if (!mocc_run_memory_end(model->memory, status == NULL) && !status)
    status = mocc_status_format("a buffer planned for this shape outlived "
                                "the run; run it again");
  mocc_profile_finish_run();
  if (status)
    return status;
  adopt_dynamic_outputs(model);
  model->has_outputs = 1;
  return NULL;
}
