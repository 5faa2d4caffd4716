/*===- gemm_pack.c - Packs B into the panels of the GEMM kernels ----------===*/
#include "gemm_pack.h"

int64_t mocc_sgemm_packed_b_size(int64_t k, int64_t n, int64_t nr) {
  return (n + nr - 1) / nr * k * nr;
}

void mocc_sgemm_pack_b(const float *b, int64_t ldb, int64_t k, int64_t n,
                       int64_t nr, float *packed) {
  for (int64_t p = 0; p * nr < n; ++p) {
    for (int64_t kk = 0; kk < k; ++kk) {
      float *out = packed + (p * k + kk) * nr;
      for (int64_t j = 0; j < nr; ++j) {
        int64_t column = p * nr + j;
        out[j] = column < n ? b[kk * ldb + column] : 0.0f;
      }
    }
  }
}
