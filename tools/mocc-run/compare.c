#include "compare.h"

#include <math.h>
#include <string.h>

static int same_type(const mr_tensor *a, const mr_tensor *b) {
  return a->dtype == b->dtype && a->rank == b->rank &&
         !memcmp(a->dims, b->dims, (size_t)a->rank * sizeof(int64_t));
}

/* Integers compare by bytes so 64-bit values are exact; bools by truth. */
static int elements_equal(const mr_tensor *a, const mr_tensor *b, size_t i) {
  if (a->dtype == MOCC_DTYPE_BOOL)
    return (((const uint8_t *)a->data)[i] != 0) ==
           (((const uint8_t *)b->data)[i] != 0);
  size_t size = mocc_dtype_size(a->dtype);
  return !memcmp((const char *)a->data + i * size,
                 (const char *)b->data + i * size, size);
}

static int within_tolerance(double a, double b, double rtol, double atol) {
  if (isnan(a) || isnan(b))
    return isnan(a) && isnan(b);
  if (isinf(a) || isinf(b)) /* the tolerance would grow infinite too */
    return a == b;
  return fabs(a - b) <= atol + rtol * fabs(b);
}

mr_compare_result mr_compare(const mr_tensor *actual, const mr_tensor *expected,
                             double rtol, double atol) {
  mr_compare_result result;
  memset(&result, 0, sizeof(result));
  result.type_matches = same_type(actual, expected);
  if (!result.type_matches)
    return result;
  int is_float = mr_dtype_is_float(actual->dtype);
  size_t count = mr_tensor_num_elements(actual);
  for (size_t i = 0; i < count; ++i) {
    double a = mr_tensor_get(actual, i), b = mr_tensor_get(expected, i);
    int ok = is_float ? within_tolerance(a, b, rtol, atol)
                      : elements_equal(actual, expected, i);
    if (!ok && result.mismatches++ == 0)
      result.first_mismatch = i;
    /* Errors between finite values only: inf - inf and NaNs say nothing. */
    if (!isfinite(a) || !isfinite(b))
      continue;
    double abs_err = fabs(a - b);
    if (abs_err > result.max_abs_err)
      result.max_abs_err = abs_err;
    if (b != 0 && abs_err / fabs(b) > result.max_rel_err)
      result.max_rel_err = abs_err / fabs(b);
  }
  return result;
}

int mr_compare_report(FILE *stream, size_t index, const char *name,
                      const mr_tensor *actual, const mr_tensor *expected,
                      const mr_compare_result *result) {
  char actual_type[512], expected_type[512];
  mr_format_type(actual_type, sizeof(actual_type), actual);
  fprintf(stream, "output %zu '%s': %s", index, name, actual_type);
  if (!result->type_matches) {
    mr_format_type(expected_type, sizeof(expected_type), expected);
    fprintf(stream, " expected %s MISMATCH\n", expected_type);
    return 0;
  }
  fprintf(stream, " max_abs_err=%.3g max_rel_err=%.3g", result->max_abs_err,
          result->max_rel_err);
  if (result->mismatches == 0) {
    fprintf(stream, " OK\n");
    return 1;
  }
  size_t first = result->first_mismatch;
  fprintf(stream,
          " MISMATCH (%zu of %zu elements; first at index %zu: got %.9g, "
          "expected %.9g)\n",
          result->mismatches, mr_tensor_num_elements(actual), first,
          mr_tensor_get(actual, first), mr_tensor_get(expected, first));
  return 0;
}

int mr_compare_report_count(FILE *stream, size_t index, const char *name,
                            size_t actual, size_t expected) {
  if (actual == expected) {
    fprintf(stream, "output %zu '%s': no tensors OK\n", index, name);
    return 1;
  }
  fprintf(stream, "output %zu '%s': %zu tensors, expected %zu MISMATCH\n",
          index, name, actual, expected);
  return 0;
}
