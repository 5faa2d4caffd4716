/*===- gemm_reference.h - Plain C f32 GEMM, the kernels' oracle -*- C -*-===*/
#ifndef MOCC_TARGETS_CPU_KERNELS_GEMM_REFERENCE_H
#define MOCC_TARGETS_CPU_KERNELS_GEMM_REFERENCE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* c[m x n] = a[m x k] * B, with a and c row-major (row strides lda >= k,
 * ldc >= n) and B packed by mocc_sgemm_pack_b in panels of nr columns: the
 * contract of every GEMM kernel variant. */
void mocc_sgemm_reference(const float *a, int64_t lda, const float *packed_b,
                          int64_t nr, float *c, int64_t ldc, int64_t m,
                          int64_t n, int64_t k);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MOCC_TARGETS_CPU_KERNELS_GEMM_REFERENCE_H */
