/* Graph values in files: .pb holds the TensorProto, SequenceProto or
 * OptionalProto of the value's kind, .npy a tensor. */
#ifndef MOCC_RUN_VALUE_FILE_H
#define MOCC_RUN_VALUE_FILE_H

#include "error.h"
#include "options.h"
#include "value_proto.h"

/* Reads a value of `kind` from `path` (see mr_value_proto_decode). */
int mr_read_value(const char *path, mocc_value_kind kind, mr_value *out_value,
                  mr_error *error);

/* Writes `value`, named `name`, to `path` in `format`. */
int mr_write_value(const char *path, const mr_value *value, const char *name,
                   mr_output_format format, mr_error *error);

#endif /* MOCC_RUN_VALUE_FILE_H */
