/*===- gemm_shim.c - The C entry of one ISA's f32 GEMM kernel -------------===*
 *
 * Halide functions take halide_buffer_t pointers. This shim gives the
 * compiler plain arguments instead: it describes the operands on the stack
 * and calls the ISA's Halide function. It is compiled once per ISA, with
 *   -DMOCC_SGEMM_KERNEL=<Halide function> -DMOCC_SGEMM_NR=<panel width>
 * and linked with that function into the ISA's bitcode. Tests that link
 * several ISAs into one program also rename the entry (-DMOCC_SGEMM_ENTRY).
 *
 *===----------------------------------------------------------------------===*/
#include "HalideRuntime.h"

#include <stdint.h>

#ifndef MOCC_SGEMM_ENTRY
#define MOCC_SGEMM_ENTRY mocc_kernel_sgemm
#endif

int MOCC_SGEMM_KERNEL(struct halide_buffer_t *a,
                      struct halide_buffer_t *packed_b,
                      struct halide_buffer_t *c);

/* c[m x n] = a[m x k] * B (see gemm_reference.h). Halide's dimensions are
 * 32-bit: k, m, n, lda, ldc and k * nr must fit in int32_t. */
void MOCC_SGEMM_ENTRY(const float *a, int64_t lda, const float *packed_b,
                      float *c, int64_t ldc, int64_t m, int64_t n, int64_t k) {
  const int32_t nr = MOCC_SGEMM_NR;
  const int32_t panels = (int32_t)((n + nr - 1) / nr);
  /* {min, extent, stride, flags}; the innermost dimension first. */
  halide_dimension_t a_dims[2] = {{0, (int32_t)k, 1, 0},
                                  {0, (int32_t)m, (int32_t)lda, 0}};
  halide_dimension_t b_dims[3] = {{0, nr, 1, 0},
                                  {0, (int32_t)k, nr, 0},
                                  {0, panels, (int32_t)k * nr, 0}};
  halide_dimension_t c_dims[2] = {{0, (int32_t)n, 1, 0},
                                  {0, (int32_t)m, (int32_t)ldc, 0}};
  const struct halide_type_t f32 = {halide_type_float, 32, 1};
  halide_buffer_t a_buf = {0, 0, (uint8_t *)a, 0, f32, 2, a_dims, 0};
  halide_buffer_t b_buf = {0, 0, (uint8_t *)packed_b, 0, f32, 3, b_dims, 0};
  halide_buffer_t c_buf = {0, 0, (uint8_t *)c, 0, f32, 2, c_dims, 0};
  /* Built without asserts or bounds queries, the kernel cannot fail. */
  MOCC_SGEMM_KERNEL(&a_buf, &b_buf, &c_buf);
}
