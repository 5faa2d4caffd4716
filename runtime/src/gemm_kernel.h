/* What the drivers of GEMM-like ops (sgemm.c, sconv2d.c) share: the
 * target's microkernel, linked per ISA from targets/CPU/Kernels, and their
 * block arithmetic. */
#ifndef MOCC_RUNTIME_GEMM_KERNEL_H
#define MOCC_RUNTIME_GEMM_KERNEL_H

#include <stdint.h>

/* c[m x n] = a[m x k] * B for the panels of B starting at packed_b (panels
 * of nr columns: packed[p][k][j] = B(k, p * nr + j)); a and c have row
 * strides lda and ldc. */
void mocc_kernel_sgemm(const float *a, int64_t lda, const float *packed_b,
                       float *c, int64_t ldc, int64_t m, int64_t n, int64_t k);

static inline int64_t mocc_min64(int64_t a, int64_t b) { return a < b ? a : b; }
static inline int64_t mocc_ceil_div(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}

#endif /* MOCC_RUNTIME_GEMM_KERNEL_H */
