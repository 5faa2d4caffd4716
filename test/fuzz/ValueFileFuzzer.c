/* libFuzzer target over mocc-run's readers of graph values: a .npy file, a
 * TensorProto, a SequenceProto and an OptionalProto (tools/mocc-run). The
 * first byte picks the reader, the rest is the file.
 *
 * A reader must either fail with a message or return a value; a value must
 * survive being written back and read again unchanged (dtype, shape, bytes),
 * which exercises the writers too. Anything else (a crash, a sanitizer report,
 * a leak, a hang, a round trip that changes the value) is a bug.
 *
 * Built only by the fuzzer build (MOCC_ENABLE_FUZZER, build/fuzz); the
 * fuzz.value-files test runs it over test/fuzz/value-corpus. */
#include "value_file.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The readers: a file format and the kind of value read from it. */
static const struct {
  mr_output_format format;
  mocc_value_kind kind;
} kReaders[] = {
    {MR_FORMAT_NPY, MOCC_VALUE_TENSOR},
    {MR_FORMAT_PB, MOCC_VALUE_TENSOR},
    {MR_FORMAT_PB, MOCC_VALUE_SEQUENCE},
    {MR_FORMAT_PB, MOCC_VALUE_OPTIONAL},
};
enum { NUM_READERS = sizeof(kReaders) / sizeof(kReaders[0]) };

static void broken(const char *what, const mr_error *error) {
  fprintf(stderr, "value-file fuzzer: %s%s%s\n", what, error ? ": " : "",
          error ? error->message : "");
  abort();
}

static int same_tensor(const mr_tensor *a, const mr_tensor *b) {
  return a->dtype == b->dtype && a->rank == b->rank &&
         !memcmp(a->dims, b->dims, sizeof(int64_t) * (size_t)a->rank) &&
         a->bytes == b->bytes &&
         (!a->bytes || !memcmp(a->data, b->data, a->bytes));
}

static int same_value(const mr_value *a, const mr_value *b) {
  if (a->kind != b->kind || a->content != b->content ||
      a->num_tensors != b->num_tensors)
    return 0;
  for (size_t i = 0; i < a->num_tensors; ++i)
    if (!same_tensor(&a->tensors[i], &b->tensors[i]))
      return 0;
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  mr_output_format format = kReaders[data[0] % NUM_READERS].format;
  mocc_value_kind kind = kReaders[data[0] % NUM_READERS].kind;
  mr_error error;
  mr_value value;
  if (mr_decode_value(data + 1, size - 1, kind, format, &value, &error))
    return 0; /* Rejected with a message: what a reader must do. */

  uint8_t *written = NULL;
  size_t written_size = 0;
  if (mr_encode_value(&value, "v", format, &written, &written_size, &error)) {
    /* bfloat16 has no NumPy dtype: the one value a format cannot hold. */
    if (format != MR_FORMAT_NPY ||
        value.tensors[0].dtype != MOCC_DTYPE_BFLOAT16)
      broken("a value read could not be written back", &error);
    mr_value_free(&value);
    return 0;
  }
  mr_value reread;
  if (mr_decode_value(written, written_size, kind, format, &reread, &error))
    broken("a value written could not be read back", &error);
  if (!same_value(&value, &reread))
    broken("a value changed in a write and read round trip", NULL);
  mr_value_free(&reread);
  mr_value_free(&value);
  free(written);
  return 0;
}
