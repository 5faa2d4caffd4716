/* ONNX TensorProto (onnx.proto) in protobuf wire format, decoded and encoded
 * by hand so that mocc-run needs no protobuf library and cross-builds as
 * plain C. */
#ifndef MOCC_RUN_TENSOR_PROTO_H
#define MOCC_RUN_TENSOR_PROTO_H

#include "error.h"
#include "tensor.h"

#include <stddef.h>
#include <stdint.h>

/* Decodes a serialized TensorProto. Reads dims, data_type, name, raw_data
 * and the typed repeated fields (float_data, int32_data, int64_data,
 * double_data, uint64_data; packed or not) as ONNX defines them. When
 * `out_name` is not NULL, stores the name there (malloc'd, "" if absent).
 * Malformed input is an error, never a crash. */
int mr_tensor_proto_decode(const uint8_t *bytes, size_t size,
                           mr_tensor *out_tensor, char **out_name,
                           mr_error *error);

/* Encodes `tensor` with dims, data_type, name (if not NULL) and raw_data
 * into a malloc'd buffer. */
int mr_tensor_proto_encode(const mr_tensor *tensor, const char *name,
                           uint8_t **out_bytes, size_t *out_size,
                           mr_error *error);

#endif /* MOCC_RUN_TENSOR_PROTO_H */
