/* deformConv: the run-time half of moc.deform_conv (see its description in
 * MocOps.td): a grouped 2-D convolution whose every tap samples the input
 * bilinearly at its own offset, as ONNX's reference computes DeformConv
 * (GridSample with align_corners and zero padding at each sample). */
#include <math.h>
#include <stdint.h>

#include "memref.h"

void _mlir_ciface_deformConv(const mocc_memref *input,
                             const mocc_memref *weight,
                             const mocc_memref *offset,
                             const mocc_memref *mask, const mocc_memref *bias,
                             const mocc_memref *params, mocc_memref *output);

/* A rank-4 f32 buffer: data, sizes and strides. */
typedef struct view4 {
  float *data;
  const int64_t *sizes, *strides;
} view4;

static view4 view_of(const mocc_memref *m) {
  view4 v = {(float *)m->aligned + m->offset, m->sizes_and_strides,
             m->sizes_and_strides + 4};
  return v;
}

static float *at(view4 v, int64_t a, int64_t b, int64_t c, int64_t d) {
  return v.data + a * v.strides[0] + b * v.strides[1] + c * v.strides[2] +
         d * v.strides[3];
}

/* Input channel `channel` of image `n` at (y, x), bilinearly; each corner
 * outside the image counts as 0. */
static float sample(view4 in, int64_t n, int64_t channel, float y, float x) {
  int64_t height = in.sizes[2], width = in.sizes[3];
  if (!(y > -1.0f && y < (float)height && x > -1.0f && x < (float)width))
    return 0; /* also NaN */
  float fy = floorf(y), fx = floorf(x);
  int64_t y0 = (int64_t)fy, x0 = (int64_t)fx;
  float ly = y - fy, lx = x - fx;
  float value = 0;
  for (int dy = 0; dy < 2; ++dy) {
    for (int dx = 0; dx < 2; ++dx) {
      int64_t yy = y0 + dy, xx = x0 + dx;
      if (yy < 0 || yy >= height || xx < 0 || xx >= width)
        continue;
      float w = (dy ? ly : 1 - ly) * (dx ? lx : 1 - lx);
      value += w * *at(in, n, channel, yy, xx);
    }
  }
  return value;
}

void _mlir_ciface_deformConv(const mocc_memref *input,
                             const mocc_memref *weight,
                             const mocc_memref *offset,
                             const mocc_memref *mask, const mocc_memref *bias,
                             const mocc_memref *params, mocc_memref *output) {
  view4 in = view_of(input), w = view_of(weight), off = view_of(offset),
        mk = view_of(mask), out = view_of(output);
  const float *b = (const float *)bias->aligned + bias->offset;
  int64_t bias_stride = bias->sizes_and_strides[1];
  const int64_t *p = (const int64_t *)params->aligned + params->offset;
  int64_t stride_h = p[0], stride_w = p[1], pad_top = p[2], pad_left = p[3];
  int64_t dilation_h = p[4], dilation_w = p[5], group = p[6];
  int64_t offset_group = p[7];
  int64_t channels = in.sizes[1], per_group = w.sizes[1];
  int64_t outputs = out.sizes[1], outputs_per_group = outputs / group;
  int64_t kh = w.sizes[2], kw = w.sizes[3];
  int64_t per_offset_group = channels / offset_group;
  for (int64_t n = 0; n < out.sizes[0]; ++n)
    for (int64_t m = 0; m < outputs; ++m)
      for (int64_t oy = 0; oy < out.sizes[2]; ++oy)
        for (int64_t ox = 0; ox < out.sizes[3]; ++ox) {
          float sum = b[m * bias_stride];
          int64_t first = (m / outputs_per_group) * per_group;
          for (int64_t ci = 0; ci < per_group; ++ci) {
            int64_t c = first + ci, g = c / per_offset_group;
            for (int64_t i = 0; i < kh; ++i)
              for (int64_t j = 0; j < kw; ++j) {
                int64_t tap = (g * kh + i) * kw + j;
                float y = (float)(oy * stride_h - pad_top + i * dilation_h) +
                          *at(off, n, 2 * tap, oy, ox);
                float x = (float)(ox * stride_w - pad_left + j * dilation_w) +
                          *at(off, n, 2 * tap + 1, oy, ox);
                sum += *at(w, m, ci, i, j) * *at(mk, n, tap, oy, ox) *
                       sample(in, n, c, y, x);
              }
          }
          *at(out, n, m, oy, ox) = sum;
        }
}
