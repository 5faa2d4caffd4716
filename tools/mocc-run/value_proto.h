/* The files of ONNX graph values (onnx.proto): a tensor's TensorProto, a
 * sequence's SequenceProto, an optional's OptionalProto, as the flat run of
 * tensors that carries the value in a model (see mocc_value_info). */
#ifndef MOCC_RUN_VALUE_PROTO_H
#define MOCC_RUN_VALUE_PROTO_H

#include "error.h"
#include "tensor.h"

#include <stddef.h>
#include <stdint.h>

typedef struct mr_value {
  mocc_value_kind kind;
  /* What an OPTIONAL holds: MOCC_VALUE_TENSOR, MOCC_VALUE_SEQUENCE, or 0
   * when absent. */
  mocc_value_kind content;
  mr_tensor *tensors;
  size_t num_tensors;
} mr_value;

/* Decodes the message of a value of `kind`: a TENSOR is its TensorProto, a
 * SEQUENCE its tensor_values in order, an OPTIONAL nothing, its tensor_value
 * or the tensors of its sequence_value. Sparse tensors, maps and nested
 * sequences or optionals are errors; so is malformed input, never a crash.
 * The value owns its tensors: release it with mr_value_free. */
int mr_value_proto_decode(const uint8_t *bytes, size_t size,
                          mocc_value_kind kind, mr_value *out_value,
                          mr_error *error);
void mr_value_free(mr_value *value);

/* Encodes `value` as ONNX writes it (onnx.numpy_helper from_array, from_list,
 * from_optional) into a malloc'd buffer; `name` (if not NULL) names the
 * message, not the tensors inside a sequence or an optional. */
int mr_value_proto_encode(const mr_value *value, const char *name,
                          uint8_t **out_bytes, size_t *out_size,
                          mr_error *error);

#endif /* MOCC_RUN_VALUE_PROTO_H */
