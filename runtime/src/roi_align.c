/* roiAlign: the run-time half of moc.roi_align (see its description in
 * MocOps.td), as ONNX's reference and ONNX Runtime compute RoiAlign: each
 * output bin pools a grid of bilinear samples of its region, whose size, and
 * so the grid's, is known only from the region's coordinates. A region whose
 * batch index is outside the input, or whose grid is beyond
 * MOCC_ROI_ALIGN_MAX_GRID per side, fails the run. */
#include <math.h>
#include <stdint.h>

#include "memref.h"
#include "run_failure.h"

void _mlir_ciface_roiAlign(const mocc_memref *input, const mocc_memref *rois,
                           const mocc_memref *batch_indices,
                           mocc_memref *output, int32_t max_mode,
                           int32_t half_pixel, int64_t sampling_ratio,
                           float spatial_scale);

/* One bilinear sample: four input offsets (within a channel) and weights,
 * all zero for a sample more than a pixel outside the image. */
typedef struct sample {
  int64_t at[4];
  float weight[4];
} sample;

static sample bilinear_sample(float y, float x, int64_t height, int64_t width,
                              const int64_t *strides) {
  sample s = {{0, 0, 0, 0}, {0, 0, 0, 0}};
  if (y < -1.0f || y > (float)height || x < -1.0f || x > (float)width)
    return s;
  y = y < 0 ? 0 : y;
  x = x < 0 ? 0 : x;
  int64_t y0 = (int64_t)y, x0 = (int64_t)x, y1 = y0 + 1, x1 = x0 + 1;
  if (y0 >= height - 1) {
    y0 = y1 = height - 1;
    y = (float)y0;
  }
  if (x0 >= width - 1) {
    x0 = x1 = width - 1;
    x = (float)x0;
  }
  float ly = y - (float)y0, lx = x - (float)x0, hy = 1 - ly, hx = 1 - lx;
  s.at[0] = y0 * strides[2] + x0 * strides[3];
  s.at[1] = y0 * strides[2] + x1 * strides[3];
  s.at[2] = y1 * strides[2] + x0 * strides[3];
  s.at[3] = y1 * strides[2] + x1 * strides[3];
  s.weight[0] = hy * hx;
  s.weight[1] = hy * lx;
  s.weight[2] = ly * hx;
  s.weight[3] = ly * lx;
  return s;
}

/* The most samples per bin side: a larger grid (from a huge or non-finite
 * region) fails the run rather than take minutes of sampling. */
#define MOCC_ROI_ALIGN_MAX_GRID 4096

/* The grid of samples per bin side: sampling_ratio, or ceil(bin size); -1
 * beyond MOCC_ROI_ALIGN_MAX_GRID. */
static int64_t grid_size(int64_t sampling_ratio, float extent, int64_t bins) {
  float size = sampling_ratio > 0 ? (float)sampling_ratio
                                  : ceilf(extent / (float)bins);
  return size >= 0 && size <= MOCC_ROI_ALIGN_MAX_GRID ? (int64_t)size : -1;
}

/* One bin of a region. */
typedef struct bin {
  float start_h, start_w, step_h, step_w; /* first sample, sample spacing */
  int64_t grid_h, grid_w;
} bin;

/* The pooled value of bin `b` of one channel (`image` at the channel). */
static float pool(const float *image, const bin *b, int64_t height,
                  int64_t width, const int64_t *strides, int32_t max_mode) {
  float result = 0;
  int first = 1;
  for (int64_t iy = 0; iy < b->grid_h; ++iy) {
    for (int64_t ix = 0; ix < b->grid_w; ++ix) {
      sample s = bilinear_sample(b->start_h + (float)iy * b->step_h,
                                 b->start_w + (float)ix * b->step_w, height,
                                 width, strides);
      if (!max_mode) {
        for (int k = 0; k < 4; ++k)
          result += s.weight[k] * image[s.at[k]];
        continue;
      }
      /* ONNX's reference (and ONNX Runtime) take the largest weighted
         corner. */
      for (int k = 0; k < 4; ++k) {
        float value = s.weight[k] * image[s.at[k]];
        result = first || value > result ? value : result;
        first = 0;
      }
    }
  }
  int64_t count = b->grid_h * b->grid_w;
  return max_mode ? result : result / (float)(count > 0 ? count : 1);
}

void _mlir_ciface_roiAlign(const mocc_memref *input, const mocc_memref *rois,
                           const mocc_memref *batch_indices,
                           mocc_memref *output, int32_t max_mode,
                           int32_t half_pixel, int64_t sampling_ratio,
                           float spatial_scale) {
  const float *x = (const float *)input->aligned + input->offset;
  const int64_t *in_sizes = input->sizes_and_strides, *in_strides = in_sizes + 4;
  const float *boxes = (const float *)rois->aligned + rois->offset;
  const int64_t *box_strides = rois->sizes_and_strides + 2;
  const int64_t *batch = (const int64_t *)batch_indices->aligned +
                         batch_indices->offset;
  int64_t batch_stride = batch_indices->sizes_and_strides[1];
  float *y = (float *)output->aligned + output->offset;
  const int64_t *out_sizes = output->sizes_and_strides,
                *out_strides = out_sizes + 4;
  int64_t regions = out_sizes[0], channels = out_sizes[1];
  int64_t out_h = out_sizes[2], out_w = out_sizes[3];
  int64_t height = in_sizes[2], width = in_sizes[3];
  float shift = half_pixel ? 0.5f : 0.0f;
  if (batch_indices->sizes_and_strides[0] != regions ||
      rois->sizes_and_strides[0] != regions)
    mocc_run_fail("RoiAlign: %lld rois, %lld batch indices and %lld outputs "
                  "must agree",
                  (long long)rois->sizes_and_strides[0],
                  (long long)batch_indices->sizes_and_strides[0],
                  (long long)regions);
  for (int64_t r = 0; r < regions; ++r) {
    const float *box = boxes + r * box_strides[0];
    float start_w = box[0] * spatial_scale - shift;
    float start_h = box[box_strides[1]] * spatial_scale - shift;
    float roi_w = box[2 * box_strides[1]] * spatial_scale - shift - start_w;
    float roi_h = box[3 * box_strides[1]] * spatial_scale - shift - start_h;
    if (!half_pixel) {
      roi_w = roi_w > 1 ? roi_w : 1;
      roi_h = roi_h > 1 ? roi_h : 1;
    }
    float bin_h = roi_h / (float)out_h, bin_w = roi_w / (float)out_w;
    bin b = {0, 0, 0, 0, grid_size(sampling_ratio, roi_h, out_h),
             grid_size(sampling_ratio, roi_w, out_w)};
    int64_t image = batch[r * batch_stride];
    if (image < 0 || image >= in_sizes[0])
      mocc_run_fail("RoiAlign: batch index %lld of roi %lld is out of range "
                    "(the input has %lld images)",
                    (long long)image, (long long)r, (long long)in_sizes[0]);
    if (b.grid_h < 0 || b.grid_w < 0)
      mocc_run_fail("RoiAlign: roi %lld needs a sampling grid of more than "
                    "%d per side (a huge or non-finite region)",
                    (long long)r, MOCC_ROI_ALIGN_MAX_GRID);
    b.step_h = bin_h / (float)(b.grid_h > 0 ? b.grid_h : 1);
    b.step_w = bin_w / (float)(b.grid_w > 0 ? b.grid_w : 1);
    for (int64_t ph = 0; ph < out_h; ++ph) {
      for (int64_t pw = 0; pw < out_w; ++pw) {
        b.start_h = start_h + (float)ph * bin_h + 0.5f * b.step_h;
        b.start_w = start_w + (float)pw * bin_w + 0.5f * b.step_w;
        for (int64_t c = 0; c < channels; ++c) {
          float *out = y + r * out_strides[0] + c * out_strides[1] +
                       ph * out_strides[2] + pw * out_strides[3];
          *out = pool(x + image * in_strides[0] + c * in_strides[1], &b,
                      height, width, in_strides, max_mode);
        }
      }
    }
  }
}
