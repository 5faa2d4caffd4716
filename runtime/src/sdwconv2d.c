/* The f32 depthwise convolution driver that generated code calls
 * (mocc-call-kernels): a channels-last depthwise convolution, its input
 * zero-padded, the weight laid out [kh][kw][c] at compile time. Rows of
 * output pixels are spread over the instance's threads; the target's
 * microkernel (mocc_kernel_dwconv, targets/CPU/Kernels, linked per ISA)
 * computes the pixels of each thread's rows whose windows lie inside the
 * input, plain loops over the channels those whose windows reach into the
 * padding (so the input is never copied into a padded buffer), then the
 * epilogue (epilogue.h) runs on the rows while they are in cache. */
#include "epilogue.h"
#include "gemm_kernel.h"
#include "memref.h"
#include "thread_pool.h"

#include <stdint.h>

/* Output floats the kernel computes before the epilogue runs on them. */
#define MOCC_DWCONV_EPILOGUE_FLOATS (32 * 1024)

typedef struct dwconv_job {
  const mocc_memref *in, *w, *out;
  mocc_conv_window win;
  /* The output rows and columns whose windows lie inside the input:
   * [inner_rows[0], inner_rows[1]) and the same for columns. */
  int64_t inner_rows[2], inner_cols[2];
  mocc_epilogue epilogue;
  const mocc_memref *residual; /* like out, or empty: the residual's strides */
} dwconv_job;

/* The epilogue on `rows` output rows of `image` from `row`: each row's
 * pixels are rows of channels. */
static void apply_epilogue(const dwconv_job *job, int64_t image, int64_t row,
                           int64_t rows) {
  const int64_t *out = job->out->sizes_and_strides;
  const int64_t *res = job->residual->sizes_and_strides;
  const float *residual = job->epilogue.residual;
  for (int64_t r = row; r < row + rows; ++r)
    mocc_epilogue_apply(
        &job->epilogue,
        (float *)job->out->aligned + job->out->offset + image * out[4] +
            r * out[5],
        out[6], residual ? residual + image * res[4] + r * res[5] : NULL,
        res[6], 0, out[2], out[3]);
}

/* Output pixel (oh, ow) of `image`, its window clipped to the input: the
 * taps in the padding add nothing. */
static void compute_border_pixel(const dwconv_job *job, int64_t image,
                                 int64_t oh, int64_t ow) {
  const int64_t *in = job->in->sizes_and_strides;   /* n h w c; strides */
  const int64_t *out = job->out->sizes_and_strides; /* n oh ow c; strides */
  int64_t channels = out[3];
  const float *weight = (const float *)job->w->aligned + job->w->offset;
  const float *input =
      (const float *)job->in->aligned + job->in->offset + image * in[4];
  float *pixel = (float *)job->out->aligned + job->out->offset +
                 image * out[4] + oh * out[5] + ow * out[6];
  for (int64_t c = 0; c < channels; ++c)
    pixel[c] = 0.0f;
  for (int64_t y = 0; y < job->win.kh; ++y) {
    int64_t iy = oh * job->win.sh + y * job->win.dh - job->win.pad_top;
    if (iy < 0 || iy >= in[1])
      continue;
    for (int64_t x = 0; x < job->win.kw; ++x) {
      int64_t ix = ow * job->win.sw + x * job->win.dw - job->win.pad_left;
      if (ix < 0 || ix >= in[2])
        continue;
      const float *tap = input + iy * in[5] + ix * in[6];
      const float *w = weight + (y * job->win.kw + x) * channels;
      for (int64_t c = 0; c < channels; ++c)
        pixel[c] += tap[c] * w[c];
    }
  }
}

/* Output rows [row, row + rows) of `image`. */
static void compute_rows(const dwconv_job *job, int64_t image, int64_t row,
                         int64_t rows) {
  const int64_t *in = job->in->sizes_and_strides;   /* n h w c; strides */
  const int64_t *out = job->out->sizes_and_strides; /* n oh ow c; strides */
  int64_t first_col = job->inner_cols[0], last_col = job->inner_cols[1];
  int64_t first = row > job->inner_rows[0] ? row : job->inner_rows[0];
  int64_t last = mocc_min64(row + rows, job->inner_rows[1]);
  if (first < last && first_col < last_col)
    mocc_kernel_dwconv(
        (const float *)job->in->aligned + job->in->offset + image * in[4] +
            (first * job->win.sh - job->win.pad_top) * in[5] +
            (first_col * job->win.sw - job->win.pad_left) * in[6],
        in[5], in[6], (const float *)job->w->aligned + job->w->offset,
        (float *)job->out->aligned + job->out->offset + image * out[4] +
            first * out[5] + first_col * out[6],
        out[5], out[6], last - first, last_col - first_col, out[3], job->win.kh,
        job->win.kw, job->win.sh, job->win.sw, job->win.dh, job->win.dw);
  else
    first = last = row; /* no pixel of these rows is inside */
  for (int64_t oh = row; oh < row + rows; ++oh) {
    int inner = oh >= first && oh < last;
    for (int64_t ow = 0; ow < out[2]; ++ow) {
      if (inner && ow == first_col)
        ow = last_col;
      if (ow < out[2])
        compute_border_pixel(job, image, oh, ow);
    }
  }
}

/* Output rows [begin, end) of all images, numbered image by image. */
static void run_rows(void *closure, int64_t begin, int64_t end) {
  const dwconv_job *job = closure;
  const int64_t *out = job->out->sizes_and_strides; /* n oh ow c; strides */
  int64_t out_h = out[1];
  int has_epilogue = !mocc_epilogue_is_identity(&job->epilogue);
  /* With an epilogue, pieces of rows it reads back from L2. */
  int64_t piece = has_epilogue
                      ? mocc_min64(out_h, 1 + MOCC_DWCONV_EPILOGUE_FLOATS /
                                                  (out[2] * out[3] + 1))
                      : out_h;
  while (begin < end) {
    int64_t image = begin / out_h, row = begin % out_h;
    int64_t rows = mocc_min64(mocc_min64(end - begin, out_h - row), piece);
    compute_rows(job, image, row, rows);
    if (has_epilogue)
      apply_epilogue(job, image, row, rows);
    begin += rows;
  }
}

/* [first, last): the outputs along one axis whose windows, `extent` taps
 * `dilation` apart from output * stride - pad, lie in [0, size). */
static void inner_range(int64_t outputs, int64_t size, int64_t pad,
                        int64_t stride, int64_t taps, int64_t dilation,
                        int64_t range[2]) {
  int64_t span = (taps - 1) * dilation;
  range[0] = mocc_min64(mocc_ceil_div(pad, stride), outputs);
  int64_t past = size - 1 - span + pad; /* the last window start, padded */
  range[1] = past < 0 ? 0 : mocc_min64(past / stride + 1, outputs);
  if (range[1] < range[0])
    range[1] = range[0];
}

/* The C interface of generated code's `mocc_sdwconv2d_nhwc_f32(pool, in, w,
 * out, bias, residual, activation, lo, hi, kh, kw, sh, sw, dh, dw, pad_top,
 * pad_left, pad_bottom, pad_right)`: in [n, h, w, c], zero-padded by the
 * pads (the bottom and right ones follow from the output's size), and out
 * [n, oh, ow, c] with contiguous channels, w [kh, kw, c] dense; the
 * epilogue's bias [c] and residual (like out) are empty when it has none. */
void _mlir_ciface_mocc_sdwconv2d_nhwc_f32(
    mocc_thread_pool *pool, const mocc_memref *in, const mocc_memref *w,
    const mocc_memref *out, const mocc_memref *bias,
    const mocc_memref *residual, int64_t activation, float lo, float hi,
    int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t dh, int64_t dw,
    int64_t pad_top, int64_t pad_left, int64_t pad_bottom, int64_t pad_right) {
  (void)pad_bottom;
  (void)pad_right;
  dwconv_job job = {.in = in,
                    .w = w,
                    .out = out,
                    .win = {kh, kw, sh, sw, dh, dw, pad_top, pad_left},
                    .epilogue =
                        mocc_epilogue_make(bias, residual, activation, lo, hi),
                    .residual = residual};
  const int64_t *in_dims = in->sizes_and_strides;
  const int64_t *out_dims = out->sizes_and_strides;
  inner_range(out_dims[1], in_dims[1], pad_top, sh, kh, dh, job.inner_rows);
  inner_range(out_dims[2], in_dims[2], pad_left, sw, kw, dw, job.inner_cols);
  mocc_parallel_for(pool, out_dims[0] * out_dims[1], run_rows, &job);
}
