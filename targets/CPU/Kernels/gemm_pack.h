/*===- gemm_pack.h - The packed B operand of the f32 GEMM kernels -*- C -*-===*
 *
 * The GEMM microkernels (GemmGenerator.cpp) read B, the constant weights,
 * packed at compile time into panels of NR columns: panel p holds columns
 * [p*NR, p*NR + NR), its element (k, j) at packed[(p*K + k)*NR + j], the last
 * panel zero-padded to NR columns. A kernel thus reads one panel front to
 * back, NR floats per k. Used by the compiler and by the kernel tests.
 *
 *===----------------------------------------------------------------------===*/
#ifndef MOCC_TARGETS_CPU_KERNELS_GEMM_PACK_H
#define MOCC_TARGETS_CPU_KERNELS_GEMM_PACK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The number of floats of B[k x n] packed in panels of nr columns. */
int64_t mocc_sgemm_packed_b_size(int64_t k, int64_t n, int64_t nr);

/* Packs the row-major b[k x n] (row stride ldb >= n) into `packed`, which
 * holds mocc_sgemm_packed_b_size(k, n, nr) floats. */
void mocc_sgemm_pack_b(const float *b, int64_t ldb, int64_t k, int64_t n,
                       int64_t nr, float *packed);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MOCC_TARGETS_CPU_KERNELS_GEMM_PACK_H */
