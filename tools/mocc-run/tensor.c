#include "tensor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int mr_tensor_bytes(mocc_dtype dtype, int32_t rank, const int64_t *dims,
                    size_t *out_bytes, mr_error *error) {
  size_t element_size = mocc_dtype_size(dtype);
  if (element_size == 0)
    return mr_fail(error, "unsupported data type %d", (int)dtype);
  if (rank < 0 || rank > MR_MAX_RANK)
    return mr_fail(error, "unsupported rank %d", (int)rank);
  size_t bytes = element_size;
  for (int32_t i = 0; i < rank; ++i) {
    if (dims[i] < 0)
      return mr_fail(error, "negative dimension %lld", (long long)dims[i]);
    if (dims[i] != 0 && bytes > SIZE_MAX / (uint64_t)dims[i])
      return mr_fail(error, "tensor too large");
    bytes *= (size_t)dims[i];
  }
  *out_bytes = bytes;
  return 0;
}

int mr_tensor_alloc(mr_tensor *tensor, mocc_dtype dtype, int32_t rank,
                    const int64_t *dims, mr_error *error) {
  memset(tensor, 0, sizeof(*tensor));
  size_t bytes;
  if (mr_tensor_bytes(dtype, rank, dims, &bytes, error))
    return -1;
  /* calloc(0) may return NULL; one byte keeps data non-NULL. */
  void *data = calloc(bytes ? bytes : 1, 1);
  if (!data)
    return mr_fail(error, "out of memory for a %zu-byte tensor", bytes);
  tensor->dtype = dtype;
  tensor->rank = rank;
  if (rank > 0)
    memcpy(tensor->dims, dims, (size_t)rank * sizeof(int64_t));
  tensor->data = data;
  tensor->bytes = bytes;
  return 0;
}

void mr_tensor_free(mr_tensor *tensor) {
  free(tensor->data);
  memset(tensor, 0, sizeof(*tensor));
}

mr_tensor mr_tensor_view(const mocc_tensor *tensor) {
  mr_tensor view;
  memset(&view, 0, sizeof(view));
  view.dtype = tensor->dtype;
  view.rank = tensor->rank;
  if (view.rank > 0)
    memcpy(view.dims, tensor->dims, (size_t)view.rank * sizeof(int64_t));
  view.data = tensor->data;
  view.bytes = mr_tensor_num_elements(&view) * mocc_dtype_size(view.dtype);
  return view;
}

mocc_tensor mr_tensor_to_mocc(const mr_tensor *tensor) {
  mocc_tensor result = {tensor->data, tensor->dtype, tensor->rank,
                        tensor->dims};
  return result;
}

size_t mr_tensor_num_elements(const mr_tensor *tensor) {
  size_t count = 1;
  for (int32_t i = 0; i < tensor->rank; ++i)
    count *= (size_t)tensor->dims[i];
  return count;
}

int mr_dtype_is_float(mocc_dtype dtype) {
  return dtype == MOCC_DTYPE_FLOAT32 || dtype == MOCC_DTYPE_FLOAT64 ||
         dtype == MOCC_DTYPE_FLOAT16 || dtype == MOCC_DTYPE_BFLOAT16 ||
         dtype == MOCC_DTYPE_FLOAT4E2M1 || mr_dtype_is_float8(dtype);
}

int mr_dtype_is_float8(mocc_dtype dtype) {
  return dtype == MOCC_DTYPE_FLOAT8E4M3FN ||
         dtype == MOCC_DTYPE_FLOAT8E4M3FNUZ || dtype == MOCC_DTYPE_FLOAT8E5M2 ||
         dtype == MOCC_DTYPE_FLOAT8E5M2FNUZ || dtype == MOCC_DTYPE_FLOAT8E8M0;
}

int mr_dtype_packed_bits(mocc_dtype dtype) {
  switch (dtype) {
  case MOCC_DTYPE_UINT4:
  case MOCC_DTYPE_INT4:
  case MOCC_DTYPE_FLOAT4E2M1:
    return 4;
  case MOCC_DTYPE_UINT2:
  case MOCC_DTYPE_INT2:
    return 2;
  default:
    return 0;
  }
}

/* The value of a float8 code: E4M3FN (bias 7, no infinity, NaN 0x7f),
 * E4M3FNUZ (bias 8), E5M2 (bias 15, IEEE-like), E5M2FNUZ (bias 16); the
 * FNUZ formats have no negative zero: 0x80 is their only NaN. */
static double float8_to_double(uint8_t code, mocc_dtype dtype) {
  int e5 = dtype == MOCC_DTYPE_FLOAT8E5M2 || dtype == MOCC_DTYPE_FLOAT8E5M2FNUZ;
  int fnuz = dtype == MOCC_DTYPE_FLOAT8E4M3FNUZ ||
             dtype == MOCC_DTYPE_FLOAT8E5M2FNUZ;
  int mantissa_bits = e5 ? 2 : 3;
  int bias = (e5 ? 15 : 7) + fnuz;
  int magnitude = code & 0x7f, exponent = magnitude >> mantissa_bits;
  int mantissa = magnitude & ((1 << mantissa_bits) - 1);
  if (fnuz && code == 0x80)
    return NAN;
  if (!fnuz && e5 && exponent == 31)
    return mantissa ? NAN : (code & 0x80 ? -INFINITY : INFINITY);
  if (!fnuz && !e5 && magnitude == 0x7f)
    return NAN;
  double value =
      exponent == 0
          ? ldexp(mantissa, 1 - bias - mantissa_bits)
          : ldexp(mantissa | (1 << mantissa_bits), exponent - bias - mantissa_bits);
  return code & 0x80 ? -value : value;
}

/* The value of a FLOAT4E2M1 code: bias 1, one mantissa bit, no infinity,
 * no NaN. */
static double float4_to_double(uint8_t code) {
  int exponent = (code >> 1) & 3, mantissa = code & 1;
  double value =
      exponent == 0 ? ldexp(mantissa, -1) : ldexp(mantissa | 2, exponent - 2);
  return code & 8 ? -value : value;
}

/* The value of a FLOAT8E8M0 code: 2^(code - 127), 0xff the NaN. */
static double e8m0_to_double(uint8_t code) {
  return code == 0xff ? NAN : ldexp(1.0, code - 127);
}

static double half_to_double(uint16_t bits) {
  int sign = bits >> 15, exponent = (bits >> 10) & 0x1f;
  int mantissa = bits & 0x3ff;
  double magnitude;
  if (exponent == 0)
    magnitude = ldexp(mantissa, -24);
  else if (exponent == 31)
    magnitude = mantissa ? NAN : INFINITY;
  else
    magnitude = ldexp(mantissa | 0x400, exponent - 25);
  return sign ? -magnitude : magnitude;
}

static double bfloat16_to_double(uint16_t bits) {
  uint32_t wide = (uint32_t)bits << 16;
  float value;
  memcpy(&value, &wide, sizeof(value));
  return value;
}

double mr_tensor_get(const mr_tensor *tensor, size_t index) {
  const void *data = tensor->data;
  switch (tensor->dtype) {
  case MOCC_DTYPE_FLOAT32:
    return ((const float *)data)[index];
  case MOCC_DTYPE_FLOAT64:
    return ((const double *)data)[index];
  case MOCC_DTYPE_FLOAT16:
    return half_to_double(((const uint16_t *)data)[index]);
  case MOCC_DTYPE_BFLOAT16:
    return bfloat16_to_double(((const uint16_t *)data)[index]);
  case MOCC_DTYPE_UINT8:
    return ((const uint8_t *)data)[index];
  case MOCC_DTYPE_BOOL:
    return ((const uint8_t *)data)[index] != 0;
  case MOCC_DTYPE_INT8:
    return ((const int8_t *)data)[index];
  case MOCC_DTYPE_UINT16:
    return ((const uint16_t *)data)[index];
  case MOCC_DTYPE_INT16:
    return ((const int16_t *)data)[index];
  case MOCC_DTYPE_INT32:
    return ((const int32_t *)data)[index];
  case MOCC_DTYPE_UINT32:
    return ((const uint32_t *)data)[index];
  case MOCC_DTYPE_INT64:
    return (double)((const int64_t *)data)[index];
  case MOCC_DTYPE_UINT64:
    return (double)((const uint64_t *)data)[index];
  case MOCC_DTYPE_FLOAT8E4M3FN:
  case MOCC_DTYPE_FLOAT8E4M3FNUZ:
  case MOCC_DTYPE_FLOAT8E5M2:
  case MOCC_DTYPE_FLOAT8E5M2FNUZ:
    return float8_to_double(((const uint8_t *)data)[index], tensor->dtype);
  case MOCC_DTYPE_FLOAT4E2M1:
    return float4_to_double(((const uint8_t *)data)[index]);
  case MOCC_DTYPE_FLOAT8E8M0:
    return e8m0_to_double(((const uint8_t *)data)[index]);
  case MOCC_DTYPE_INT4:
  case MOCC_DTYPE_INT2:
    return ((const int8_t *)data)[index];
  case MOCC_DTYPE_UINT4:
  case MOCC_DTYPE_UINT2:
    return ((const uint8_t *)data)[index];
  case MOCC_DTYPE_INVALID:
    break;
  }
  return NAN;
}

void mr_format_type(char *buffer, size_t size, const mr_tensor *tensor) {
  int used = snprintf(buffer, size, "%s[", mocc_dtype_name(tensor->dtype));
  for (int32_t i = 0; i < tensor->rank && used > 0 && (size_t)used < size; ++i)
    used += snprintf(buffer + used, size - (size_t)used, "%s%lld", i ? "x" : "",
                     (long long)tensor->dims[i]);
  if (used > 0 && (size_t)used < size)
    snprintf(buffer + used, size - (size_t)used, "]");
}

void mr_tensor_print_summary(FILE *stream, const mr_tensor *tensor) {
  enum { kShown = 8 };
  char type[512];
  mr_format_type(type, sizeof(type), tensor);
  fprintf(stream, "%s [", type);
  size_t count = mr_tensor_num_elements(tensor);
  for (size_t i = 0; i < count && i < kShown; ++i)
    fprintf(stream, "%s%.6g", i ? ", " : "", mr_tensor_get(tensor, i));
  fprintf(stream, "%s]\n", count > kShown ? ", ..." : "");
}
