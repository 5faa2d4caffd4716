/*===- depthwise_reference.h - Plain C f32 depthwise, the oracle -*- C -*-===*/
#ifndef MOCC_TARGETS_CPU_KERNELS_DEPTHWISE_REFERENCE_H
#define MOCC_TARGETS_CPU_KERNELS_DEPTHWISE_REFERENCE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The contract of every depthwise kernel variant, for one image, channels
 * last (strides in floats, channels contiguous):
 *   out[oh][ow][c] = sum_{y < kh, x < kw}
 *       in[oh * sh + y * dh][ow * sw + x * dw][c] * w[y][x][c]
 * for oh < out_h, ow < out_w, c < channels. `in` is zero-padded already and
 * points at the first row the first output row reads; w is dense
 * [kh][kw][channels]. out is overwritten; its padding is not written. */
void mocc_dwconv_reference(const float *in, int64_t in_row_stride,
                           int64_t in_pixel_stride, const float *w, float *out,
                           int64_t out_row_stride, int64_t out_pixel_stride,
                           int64_t out_h, int64_t out_w, int64_t channels,
                           int64_t kh, int64_t kw, int64_t sh, int64_t sw,
                           int64_t dh, int64_t dw);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MOCC_TARGETS_CPU_KERNELS_DEPTHWISE_REFERENCE_H */
