/* Checking outputs against expected tensors, with numpy.allclose semantics
 * for floating point and exact equality otherwise. */
#ifndef MOCC_RUN_COMPARE_H
#define MOCC_RUN_COMPARE_H

#include "tensor.h"

#include <stddef.h>
#include <stdio.h>

typedef struct mr_compare_result {
  int type_matches;  /* same dtype and shape */
  size_t mismatches; /* elements outside tolerance */
  size_t first_mismatch;
  double max_abs_err, max_rel_err;
} mr_compare_result;

/* Compares `actual` with `expected`: floats pass when
 * |a - b| <= atol + rtol * |b| (NaN equals NaN, infinities must be equal),
 * integers and bools when equal. */
mr_compare_result mr_compare(const mr_tensor *actual, const mr_tensor *expected,
                             double rtol, double atol);

/* Prints e.g. "output 0 'y': float32[1x1000] max_abs_err=1.2e-06
 * max_rel_err=3.4e-05 OK" and returns whether it matched. */
int mr_compare_report(FILE *stream, size_t index, const char *name,
                      const mr_tensor *actual, const mr_tensor *expected,
                      const mr_compare_result *result);

/* For an output value with no tensors, or with other than the expected
 * number: prints e.g. "output 1 'y': 3 tensors, expected 2 MISMATCH" or
 * "output 1 'y': no tensors OK" and returns whether the counts match. */
int mr_compare_report_count(FILE *stream, size_t index, const char *name,
                            size_t actual, size_t expected);

#endif /* MOCC_RUN_COMPARE_H */
