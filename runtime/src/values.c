/* The value table: which tensors carry each ONNX graph input and output. */
#include "model_internal.h"
#include "status.h"

static const char *value_name(const mocc_compiled_value *value) {
  return value->name ? value->name : "";
}

/* `kind` is "input" or "output". */
static mocc_status check_table(const mocc_compiled_value *values,
                               uint32_t num_values, uint32_t num_tensors,
                               const char *kind) {
  if (num_values && !values)
    return mocc_status_format("malformed compiled model description");
  uint32_t next = 0;
  for (uint32_t i = 0; i < num_values; ++i) {
    const mocc_compiled_value *value = &values[i];
    if (value->kind != MOCC_VALUE_TENSOR &&
        value->kind != MOCC_VALUE_SEQUENCE &&
        value->kind != MOCC_VALUE_OPTIONAL)
      return mocc_status_format("%s value '%s' (index %u): unknown kind %d",
                                kind, value_name(value), (unsigned)i,
                                (int)value->kind);
    if (value->first_tensor != next ||
        value->num_tensors > num_tensors - next ||
        (value->kind == MOCC_VALUE_TENSOR && value->num_tensors != 1))
      return mocc_status_format("%s value '%s' (index %u): %u tensors from "
                                "%u, expected the next of %u %ss from %u",
                                kind, value_name(value), (unsigned)i,
                                (unsigned)value->num_tensors,
                                (unsigned)value->first_tensor,
                                (unsigned)num_tensors, kind, (unsigned)next);
    next += value->num_tensors;
  }
  if (next != num_tensors)
    return mocc_status_format("the %s values hold %u of the %u %ss", kind,
                              (unsigned)next, (unsigned)num_tensors, kind);
  return NULL;
}

mocc_status mocc_check_value_tables(const mocc_compiled_model_desc *desc) {
  mocc_status status = check_table(desc->input_values, desc->num_input_values,
                                   desc->num_inputs, "input");
  if (!status)
    status = check_table(desc->output_values, desc->num_output_values,
                         desc->num_outputs, "output");
  return status;
}

size_t mocc_model_num_input_values(const mocc_model *model) {
  return model ? model->desc->num_input_values : 0;
}

size_t mocc_model_num_output_values(const mocc_model *model) {
  return model ? model->desc->num_output_values : 0;
}

static mocc_status get_value_info(const mocc_model *model, int is_output,
                                  size_t index, mocc_value_info *out_info) {
  if (!model)
    return mocc_status_format("model is NULL");
  if (!out_info)
    return mocc_status_format("out_info is NULL");
  const char *kind = is_output ? "output" : "input";
  uint32_t count = is_output ? model->desc->num_output_values
                             : model->desc->num_input_values;
  if (index >= count)
    return mocc_status_format("%s value index %zu is out of range (the model "
                              "has %u %s values)",
                              kind, index, (unsigned)count, kind);
  const mocc_compiled_value *value = is_output
                                         ? &model->desc->output_values[index]
                                         : &model->desc->input_values[index];
  out_info->name = value_name(value);
  out_info->kind = (mocc_value_kind)value->kind;
  out_info->first_tensor = value->first_tensor;
  out_info->num_tensors = value->num_tensors;
  return NULL;
}

mocc_status mocc_model_input_value_info(const mocc_model *model, size_t index,
                                        mocc_value_info *out_info) {
  return get_value_info(model, 0, index, out_info);
}

mocc_status mocc_model_output_value_info(const mocc_model *model, size_t index,
                                         mocc_value_info *out_info) {
  return get_value_info(model, 1, index, out_info);
}
