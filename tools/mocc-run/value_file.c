#include "value_file.h"

#include "file.h"
#include "npy.h"

#include <stdlib.h>
#include <string.h>

static int ends_with(const char *text, const char *suffix) {
  size_t length = strlen(text), suffix_length = strlen(suffix);
  return length >= suffix_length &&
         !strcmp(text + length - suffix_length, suffix);
}

/* Prefixes a decoder's message with the file it was reading. */
static int fail_in_file(const char *path, mr_error *error) {
  mr_error inner = *error;
  return mr_fail(error, "'%s': %s", path, inner.message);
}

static int fail_npy_of(mocc_value_kind kind, mr_error *error) {
  return mr_fail(error, "a .npy file holds a tensor, not %s",
                 kind == MOCC_VALUE_SEQUENCE ? "a sequence" : "an optional");
}

int mr_decode_value(const uint8_t *bytes, size_t size, mocc_value_kind kind,
                    mr_output_format format, mr_value *out_value,
                    mr_error *error) {
  if (format == MR_FORMAT_PB)
    return mr_value_proto_decode(bytes, size, kind, out_value, error);
  memset(out_value, 0, sizeof(*out_value));
  if (kind != MOCC_VALUE_TENSOR)
    return fail_npy_of(kind, error);
  out_value->kind = MOCC_VALUE_TENSOR;
  out_value->tensors = calloc(1, sizeof(mr_tensor));
  if (!out_value->tensors)
    return mr_fail(error, "out of memory");
  if (mr_npy_decode(bytes, size, out_value->tensors, error)) {
    mr_value_free(out_value);
    return -1;
  }
  out_value->num_tensors = 1;
  return 0;
}

int mr_encode_value(const mr_value *value, const char *name,
                    mr_output_format format, uint8_t **out_bytes,
                    size_t *out_size, mr_error *error) {
  if (format == MR_FORMAT_PB)
    return mr_value_proto_encode(value, name, out_bytes, out_size, error);
  if (value->kind != MOCC_VALUE_TENSOR)
    return fail_npy_of(value->kind, error);
  return mr_npy_encode(&value->tensors[0], out_bytes, out_size, error);
}

int mr_read_value(const char *path, mocc_value_kind kind, mr_value *out_value,
                  mr_error *error) {
  int is_npy = ends_with(path, ".npy");
  if (!is_npy && !ends_with(path, ".pb"))
    return mr_fail(error, "'%s': expected a .npy or .pb file", path);
  if (is_npy && kind != MOCC_VALUE_TENSOR) /* Known before reading it. */
    return fail_npy_of(kind, error), fail_in_file(path, error);
  uint8_t *bytes;
  size_t size;
  if (mr_read_file(path, &bytes, &size, error))
    return -1;
  int failed = mr_decode_value(bytes, size, kind,
                               is_npy ? MR_FORMAT_NPY : MR_FORMAT_PB,
                               out_value, error);
  free(bytes);
  return failed ? fail_in_file(path, error) : 0;
}

int mr_write_value(const char *path, const mr_value *value, const char *name,
                   mr_output_format format, mr_error *error) {
  uint8_t *bytes;
  size_t size;
  if (mr_encode_value(value, name, format, &bytes, &size, error))
    return fail_in_file(path, error);
  int failed = mr_write_file(path, bytes, size, error);
  free(bytes);
  return failed;
}
