/* determinants: the run-time half of moc.determinant. The determinant of
 * each n x n f32 matrix of `matrices` ([batch, n, n]) into `result`, by LU
 * decomposition with partial pivoting in double precision (as LAPACK's
 * getrf, which numpy's det uses), on a copy of the matrix: mocc's importer
 * accepts at most MOCC_DET_MAX_N x MOCC_DET_MAX_N, and a larger one of a
 * dynamic size fails the run. */
#include <math.h>
#include <stdint.h>

#include "memref.h"
#include "run_failure.h"

#define MOCC_DET_MAX_N 64

void _mlir_ciface_determinants(const mocc_memref *matrices,
                               mocc_memref *result);

void _mlir_ciface_determinants(const mocc_memref *matrices,
                               mocc_memref *result) {
  const float *data = (const float *)matrices->aligned + matrices->offset;
  const int64_t *sizes = matrices->sizes_and_strides;
  const int64_t *strides = sizes + 3;
  int64_t batch = sizes[0], n = sizes[1];
  float *out = (float *)result->aligned + result->offset;
  int64_t out_stride = result->sizes_and_strides[1];
  if (n > MOCC_DET_MAX_N || sizes[2] != n)
    mocc_run_fail("Det: %lld x %lld matrices are not square of at most "
                  "%d x %d, which mocc supports",
                  (long long)n, (long long)sizes[2], MOCC_DET_MAX_N,
                  MOCC_DET_MAX_N);
  for (int64_t b = 0; b < batch; ++b) {
    double a[MOCC_DET_MAX_N][MOCC_DET_MAX_N];
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j)
        a[i][j] = data[b * strides[0] + i * strides[1] + j * strides[2]];
    double det = 1;
    for (int64_t k = 0; k < n && det != 0; ++k) {
      int64_t pivot = k;
      for (int64_t i = k + 1; i < n; ++i)
        if (fabs(a[i][k]) > fabs(a[pivot][k]))
          pivot = i;
      if (pivot != k) {
        for (int64_t j = 0; j < n; ++j) {
          double t = a[k][j];
          a[k][j] = a[pivot][j];
          a[pivot][j] = t;
        }
        det = -det;
      }
      det *= a[k][k];
      if (a[k][k] == 0)
        break;
      for (int64_t i = k + 1; i < n; ++i) {
        double factor = a[i][k] / a[k][k];
        for (int64_t j = k; j < n; ++j)
          a[i][j] -= factor * a[k][j];
      }
    }
    out[b * out_stride] = (float)det;
  }
}
