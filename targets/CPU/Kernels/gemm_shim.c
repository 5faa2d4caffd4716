/*===- gemm_shim.c - The C entry of one ISA's f32 GEMM kernel -------------===*
 *
 * Halide functions take halide_buffer_t pointers. This shim gives the
 * compiler plain arguments instead: it describes the operands on the stack
 * and calls the ISA's Halide function. It is compiled once per ISA, with
 *   -DMOCC_SGEMM_KERNEL=<Halide function> -DMOCC_SGEMM_MR=<tile rows>
 *   -DMOCC_SGEMM_NR=<panel width>
 * and, where the ISA has a narrow variant (tiles of fewer columns on the
 * same panels),
 *   -DMOCC_SGEMM_NARROW_KERNEL=<Halide function> -DMOCC_SGEMM_NARROW_NR=<its
 *   columns>
 * and linked with them into the ISA's bitcode. Tests that link several ISAs
 * into one program also rename the entry (-DMOCC_SGEMM_ENTRY).
 *
 *===----------------------------------------------------------------------===*/
#include "HalideRuntime.h"

#include <stdint.h>

#ifndef MOCC_SGEMM_ENTRY
#define MOCC_SGEMM_ENTRY mocc_kernel_sgemm
#endif

typedef int (*halide_sgemm)(struct halide_buffer_t *a,
                            struct halide_buffer_t *packed_b,
                            struct halide_buffer_t *c);

int MOCC_SGEMM_KERNEL(struct halide_buffer_t *a,
                      struct halide_buffer_t *packed_b,
                      struct halide_buffer_t *c);
#ifdef MOCC_SGEMM_NARROW_KERNEL
int MOCC_SGEMM_NARROW_KERNEL(struct halide_buffer_t *a,
                             struct halide_buffer_t *packed_b,
                             struct halide_buffer_t *c);
#endif

/* One call of the Halide function `kernel`: rows [0, m) of a and c, whole
 * panels from packed_b, n columns. */
static void call_kernel(halide_sgemm kernel, const float *a, int64_t lda,
                        const float *packed_b, float *c, int64_t ldc, int64_t m,
                        int64_t n, int64_t k) {
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
  kernel(&a_buf, &b_buf, &c_buf);
}

/* Bytes of panels that the rows left after whole MR-row tiles reread: they
 * are computed right after the whole tiles, per chunk of panels this size,
 * so that they find those panels in L2. */
#define MOCC_SGEMM_TAIL_PANEL_BYTES (256 * 1024)

/* c[m x n] = a[m x k] * B by `kernel`, rows in exact tiles: the kernel
 * covers ragged rows by shifting its last MR-row tile up, which recomputes
 * up to MR - 1 rows (7 of 56 for the 49 pixels of a 7x7 map), so the whole
 * tiles go first and the rest in tiles of 4, 2 and 1 rows, each call an
 * exact multiple of its tile. */
static void multiply(halide_sgemm kernel, const float *a, int64_t lda,
                     const float *packed_b, float *c, int64_t ldc, int64_t m,
                     int64_t n, int64_t k) {
  const int64_t mr = MOCC_SGEMM_MR, nr = MOCC_SGEMM_NR;
  int64_t whole = m - m % mr;
  if (whole == m || whole == 0) {
    call_kernel(kernel, a, lda, packed_b, c, ldc, m, n, k);
    return;
  }
  /* k = 0, a product over nothing (zeros), has panels of no bytes. */
  int64_t panel_bytes = k > 0 ? k * nr * (int64_t)sizeof(float) : 1;
  int64_t chunk_panels = MOCC_SGEMM_TAIL_PANEL_BYTES / panel_bytes;
  int64_t chunk_cols = (chunk_panels > 1 ? chunk_panels : 1) * nr;
  for (int64_t col = 0; col < n; col += chunk_cols) {
    int64_t cols = n - col < chunk_cols ? n - col : chunk_cols;
    const float *panels = packed_b + (col / nr) * k * nr;
    call_kernel(kernel, a, lda, panels, c + col, ldc, whole, cols, k);
    for (int64_t row = whole, tile = 4; row < m; tile /= 2) {
      int64_t rows = (m - row) / tile * tile;
      if (rows > 0)
        call_kernel(kernel, a + row * lda, lda, panels, c + row * ldc + col,
                    ldc, rows, cols, k);
      row += rows;
    }
  }
}

/* c[m x n] = a[m x k] * B (see gemm_reference.h). Halide's dimensions are
 * 32-bit: k, m, n, lda, ldc and k * nr must fit in int32_t. A last panel of
 * few enough columns goes to the narrow variant. */
void MOCC_SGEMM_ENTRY(const float *a, int64_t lda, const float *packed_b,
                      float *c, int64_t ldc, int64_t m, int64_t n, int64_t k) {
#ifdef MOCC_SGEMM_NARROW_KERNEL
  int64_t tail = n % MOCC_SGEMM_NR;
  if (tail > 0 && tail <= MOCC_SGEMM_NARROW_NR) {
    int64_t wide = n - tail;
    if (wide > 0)
      multiply(MOCC_SGEMM_KERNEL, a, lda, packed_b, c, ldc, m, wide, k);
    multiply(MOCC_SGEMM_NARROW_KERNEL, a, lda, packed_b + wide * k, c + wide,
             ldc, m, tail, k);
    return;
  }
#endif
  multiply(MOCC_SGEMM_KERNEL, a, lda, packed_b, c, ldc, m, n, k);
}
