/*===- gemm_reference.c - Plain C f32 GEMM, the kernels' oracle -----------===*/
#include "gemm_reference.h"

void mocc_sgemm_reference(const float *a, int64_t lda, const float *packed_b,
                          int64_t nr, float *c, int64_t ldc, int64_t m,
                          int64_t n, int64_t k) {
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      const float *panel = packed_b + j / nr * k * nr;
      /* In double, so the oracle's own rounding is negligible. */
      double sum = 0;
      for (int64_t kk = 0; kk < k; ++kk)
        sum += (double)a[i * lda + kk] * panel[kk * nr + j % nr];
      c[i * ldc + j] = (float)sum;
    }
  }
}
