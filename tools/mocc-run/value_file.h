/* Graph values in files: .pb holds the TensorProto, SequenceProto or
 * OptionalProto of the value's kind, .npy a tensor. */
#ifndef MOCC_RUN_VALUE_FILE_H
#define MOCC_RUN_VALUE_FILE_H

#include "error.h"
#include "options.h"
#include "value_proto.h"

/* Decodes a value of `kind` from the contents of a file in `format` (a .npy
 * file holds a tensor only). Malformed input is an error, never a crash. */
int mr_decode_value(const uint8_t *bytes, size_t size, mocc_value_kind kind,
                    mr_output_format format, mr_value *out_value,
                    mr_error *error);
/* Encodes `value` in `format` into a malloc'd buffer; `name` names a .pb's
 * message. */
int mr_encode_value(const mr_value *value, const char *name,
                    mr_output_format format, uint8_t **out_bytes,
                    size_t *out_size, mr_error *error);
/* Reads a value of `kind` from `path` (see mr_value_proto_decode). */
int mr_read_value(const char *path, mocc_value_kind kind, mr_value *out_value,
                  mr_error *error);

/* Writes `value`, named `name`, to `path` in `format`. */
int mr_write_value(const char *path, const mr_value *value, const char *name,
                   mr_output_format format, mr_error *error);

#endif /* MOCC_RUN_VALUE_FILE_H */
