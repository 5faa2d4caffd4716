/*===- depthwise_reference.c - Plain C f32 depthwise, the oracle ---------===*/
#include "depthwise_reference.h"

void mocc_dwconv_reference(const float *in, int64_t in_row_stride,
                           int64_t in_pixel_stride, const float *w, float *out,
                           int64_t out_row_stride, int64_t out_pixel_stride,
                           int64_t out_h, int64_t out_w, int64_t channels,
                           int64_t kh, int64_t kw, int64_t sh, int64_t sw,
                           int64_t dh, int64_t dw) {
  for (int64_t oh = 0; oh < out_h; ++oh) {
    for (int64_t ow = 0; ow < out_w; ++ow) {
      for (int64_t c = 0; c < channels; ++c) {
        /* In double, so the oracle's own rounding is negligible. */
        double sum = 0;
        for (int64_t y = 0; y < kh; ++y) {
          for (int64_t x = 0; x < kw; ++x) {
            const float *pixel = in + (oh * sh + y * dh) * in_row_stride +
                                 (ow * sw + x * dw) * in_pixel_stride;
            sum += (double)pixel[c] * w[(y * kw + x) * channels + c];
          }
        }
        out[oh * out_row_stride + ow * out_pixel_stride + c] = (float)sum;
      }
    }
  }
}
