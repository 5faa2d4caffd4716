/* What the kernel drivers (sgemm.c, sconv2d.c, sbatch_matmul.c,
 * sdwconv2d.c) share: the target's microkernels, linked per ISA from
 * targets/CPU/Kernels, and their block arithmetic. */
#ifndef MOCC_RUNTIME_GEMM_KERNEL_H
#define MOCC_RUNTIME_GEMM_KERNEL_H

#include <stdint.h>

/* c[m x n] = a[m x k] * B for the panels of B starting at packed_b (panels
 * of nr columns: packed[p][k][j] = B(k, p * nr + j)); a and c have row
 * strides lda and ldc. */
void mocc_kernel_sgemm(const float *a, int64_t lda, const float *packed_b,
                       float *c, int64_t ldc, int64_t m, int64_t n, int64_t k);

/* out[i][f] = sum over y < kh, x < kw, c < channels of
 * in[y * dh][i * sw + x * dw][c] * B((y * kw + x) * channels + c, f) for
 * `pixels` output pixels of one row and n filters, B in the panels of
 * mocc_kernel_sgemm; every tap inside the input; strides in floats. */
void mocc_kernel_sconv(const float *in, int64_t row_stride,
                       int64_t pixel_stride, int64_t channels,
                       const float *packed_b, float *out, int64_t ldc,
                       int64_t pixels, int64_t n, int64_t kh, int64_t kw,
                       int64_t sw, int64_t dh, int64_t dw);

/* out[oh][ow][c] = sum over y < kh, x < kw of
 * in[oh * sh + y * dh][ow * sw + x * dw][c] * w[y][x][c] for one image;
 * strides in floats, channels contiguous. */
void mocc_kernel_dwconv(const float *in, int64_t in_row_stride,
                        int64_t in_pixel_stride, const float *w, float *out,
                        int64_t out_row_stride, int64_t out_pixel_stride,
                        int64_t out_h, int64_t out_w, int64_t channels,
                        int64_t kh, int64_t kw, int64_t sh, int64_t sw,
                        int64_t dh, int64_t dw);

/* A convolution's window over its input, zero-padded: the kernel's height
 * and width, strides, dilations, and the padding before the first row and
 * column (the window of output (oh, ow) starts at input row
 * oh * sh - pad_top, column ow * sw - pad_left). */
typedef struct mocc_conv_window {
  int64_t kh, kw, sh, sw, dh, dw, pad_top, pad_left;
} mocc_conv_window;

static inline int64_t mocc_min64(int64_t a, int64_t b) { return a < b ? a : b; }
static inline int64_t mocc_ceil_div(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}

#endif /* MOCC_RUNTIME_GEMM_KERNEL_H */
