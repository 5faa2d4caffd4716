/* The f32 convolution driver that generated code calls (mocc-call-kernels):
 * a channels-last convolution of one group, as the GEMM of its windows by
 * the weight, which the compiler packed as the GEMM kernel's panels of the
 * [filters][kh * kw * channels] matrix. The output pixels whose windows lie
 * inside the input go to the direct convolution kernel, which reads the
 * windows where they are, even an RGB stem's 3 channels (one memcpy per row
 * of taps cost more); the others (the border, where the windows reach into
 * the zero padding, and every pixel of narrow maps) gather their windows
 * into rows (im2col) in a buffer on the stack, small enough to stay in L2,
 * padded with zeros, for the GEMM kernel. The epilogue (epilogue.h) runs on
 * each run of outputs while they are in cache. Runs of pixels are spread
 * over the instance's threads. */
#include "epilogue.h"
#include "gemm_kernel.h"
#include "memref.h"
#include "thread_pool.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

/* Floats of gathered windows per block: 256 KiB. The compiler calls this
 * kernel only for windows of at most 16384 floats (kSconvMaxWindow in
 * include/mocc/Transforms/KernelCalls.h), so a block holds at least 4. */
#define MOCC_SCONV_SCRATCH_FLOATS (64 * 1024)
#define MOCC_SCONV_MAX_ROWS 256
/* Output columns the direct kernel needs. It computes one row segment per
 * call, so a narrow row ends in tiles of 4, 2 and 1 pixels and its border
 * in runs of a few gathered pixels, where the gathered GEMM keeps 8-pixel
 * tiles across rows: on Zen 4, ResNet-50's 56-wide 3x3 layers run 7% faster
 * direct, its 28-wide ones as fast, its 14- and 7-wide ones 3% and 15%
 * slower. */
#define MOCC_SCONV_DIRECT_MIN_WIDTH 32

typedef struct sconv_job {
  const float *input;
  int64_t input_strides[3]; /* n, h, w; channels are contiguous */
  int64_t in_h, in_w, out_h, out_w, channels;
  mocc_conv_window win;
  const float *packed_b;
  int64_t window; /* kh * kw * channels: the GEMM's k */
  float *out;
  int64_t ldc, filters, pixels, block_rows;
  mocc_epilogue
      epilogue; /* its residual [pixels x filters] of row stride ldr */
  int64_t ldr;
  /* Output columns [interior_lo, interior_hi) have windows inside the
   * input's width; empty when the direct kernel is not used. */
  int64_t interior_lo, interior_hi;
} sconv_job;

/* One row of taps of a window, kw pixels from input column `first_x`
 * (each dw apart) of `line`, or of zeros outside the input. */
static void gather_taps(const sconv_job *job, const float *line,
                        int64_t first_x, float *taps) {
  size_t pixel_bytes = (size_t)job->channels * sizeof(float);
  int64_t last_x = first_x + (job->win.kw - 1) * job->win.dw;
  /* Undilated taps of densely stored pixels are one run of the line. */
  if (line && first_x >= 0 && last_x < job->in_w && job->win.dw == 1 &&
      job->input_strides[2] == job->channels) {
    memcpy(taps, line + first_x * job->channels, pixel_bytes * job->win.kw);
    return;
  }
  for (int64_t x = 0; x < job->win.kw; ++x, taps += job->channels) {
    int64_t ix = first_x + x * job->win.dw;
    if (line && ix >= 0 && ix < job->in_w)
      memcpy(taps, line + ix * job->input_strides[2], pixel_bytes);
    else
      memset(taps, 0, pixel_bytes);
  }
}

/* Rows [first, first + rows) of the im2col matrix: the windows of those
 * output pixels, (kh, kw, c) ordered like the packed weight's k. */
static void gather_windows(const sconv_job *job, int64_t first, int64_t rows,
                           float *windows) {
  for (int64_t r = 0; r < rows; ++r) {
    int64_t pixel = first + r;
    int64_t ow = pixel % job->out_w;
    int64_t oh = (pixel / job->out_w) % job->out_h;
    int64_t n = pixel / (job->out_w * job->out_h);
    float *row = windows + r * job->window;
    for (int64_t y = 0; y < job->win.kh;
         ++y, row += job->win.kw * job->channels) {
      int64_t iy = oh * job->win.sh + y * job->win.dh - job->win.pad_top;
      const float *line = iy >= 0 && iy < job->in_h
                              ? job->input + n * job->input_strides[0] +
                                    iy * job->input_strides[1]
                              : NULL;
      gather_taps(job, line, ow * job->win.sw - job->win.pad_left, row);
    }
  }
}

/* Applies the epilogue to the outputs of pixels [first, first + rows). */
static void finish(const sconv_job *job, int64_t first, int64_t rows) {
  const float *residual = job->epilogue.residual;
  if (!mocc_epilogue_is_identity(&job->epilogue))
    mocc_epilogue_apply(&job->epilogue, job->out + first * job->ldc, job->ldc,
                        residual ? residual + first * job->ldr : NULL, job->ldr,
                        0, rows, job->filters);
}

/* Pixels [first, first + count) by gathered windows, in blocks. */
static void compute_gathered(const sconv_job *job, int64_t first, int64_t count,
                             float *windows) {
  for (int64_t done = 0; done < count; done += job->block_rows) {
    int64_t rows = mocc_min64(job->block_rows, count - done);
    gather_windows(job, first + done, rows, windows);
    mocc_kernel_sgemm(windows, job->window, job->packed_b,
                      job->out + (first + done) * job->ldc, job->ldc, rows,
                      job->filters, job->window);
    finish(job, first + done, rows);
  }
}

/* Whether the windows of output row `row` (an image's row) lie inside the
 * input's height. */
static int row_inside(const sconv_job *job, int64_t row) {
  int64_t top = (row % job->out_h) * job->win.sh - job->win.pad_top;
  return top >= 0 && top + (job->win.kh - 1) * job->win.dh < job->in_h;
}

/* The first pixel at or after `pixel` whose window lies inside the input,
 * or `end` if none comes before it. */
static int64_t next_interior(const sconv_job *job, int64_t pixel, int64_t end) {
  for (int64_t row = pixel / job->out_w; row * job->out_w < end; ++row) {
    int64_t ow = row == pixel / job->out_w ? pixel % job->out_w : 0;
    if (ow < job->interior_lo)
      ow = job->interior_lo;
    if (ow < job->interior_hi && row_inside(job, row))
      return mocc_min64(row * job->out_w + ow, end);
  }
  return end;
}

/* Pixels [first, first + count) of one output row, all interior, by the
 * direct kernel. */
static void compute_direct(const sconv_job *job, int64_t first, int64_t count) {
  int64_t ow = first % job->out_w, row = first / job->out_w;
  int64_t oh = row % job->out_h, n = row / job->out_h;
  const float *in =
      job->input + n * job->input_strides[0] +
      (oh * job->win.sh - job->win.pad_top) * job->input_strides[1] +
      (ow * job->win.sw - job->win.pad_left) * job->input_strides[2];
  mocc_kernel_sconv(in, job->input_strides[1], job->input_strides[2],
                    job->channels, job->packed_b, job->out + first * job->ldc,
                    job->ldc, count, job->filters, job->win.kh, job->win.kw,
                    job->win.sw, job->win.dh, job->win.dw);
  finish(job, first, count);
}

/* Pixels [begin, end): runs of interior pixels directly, the rest
 * gathered. */
static void run_pixels(void *closure, int64_t begin, int64_t end) {
  const sconv_job *job = closure;
  float windows[MOCC_SCONV_SCRATCH_FLOATS];
  for (int64_t pixel = begin; pixel < end;) {
    int64_t interior = next_interior(job, pixel, end);
    if (interior > pixel) {
      compute_gathered(job, pixel, interior - pixel, windows);
      pixel = interior;
      continue;
    }
    int64_t row_end = (pixel / job->out_w) * job->out_w + job->interior_hi;
    int64_t count = mocc_min64(row_end, end) - pixel;
    compute_direct(job, pixel, count);
    pixel += count;
  }
}

/* Whether the direct kernel takes this convolution: wide enough rows, and
 * offsets of its reads within Halide's 32-bit indices. */
static int takes_direct(const sconv_job *job) {
  const int64_t *s = job->input_strides;
  int64_t reach =
      (job->win.kh - 1) * job->win.dh * s[1] +
      ((job->out_w - 1) * job->win.sw + (job->win.kw - 1) * job->win.dw) *
          s[2] +
      job->channels;
  return job->out_w >= MOCC_SCONV_DIRECT_MIN_WIDTH && reach < INT32_MAX &&
         job->window < INT32_MAX / 64 && job->ldc * job->out_w < INT32_MAX;
}

/* The C interface of generated code's `mocc_sconv2d_nhwc_f32(pool, input,
 * packed, out, bias, residual, activation, lo, hi, kh, kw, sh, sw, dh, dw,
 * pad_top, pad_left, pad_bottom, pad_right)`: input [n, h, w, c] with unit
 * channel stride, zero-padded by the pads, packed [panels, kh * kw * c, nr]
 * dense, out the output's pixels as rows [n * oh * ow, filters] of unit
 * stride; the epilogue's bias [filters] and residual (rows like out) are
 * empty when it has none. */
void _mlir_ciface_mocc_sconv2d_nhwc_f32(
    mocc_thread_pool *pool, const mocc_memref *input, const mocc_memref *packed,
    const mocc_memref *out, const mocc_memref *bias,
    const mocc_memref *residual, int64_t activation, float lo, float hi,
    int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t dh, int64_t dw,
    int64_t pad_top, int64_t pad_left, int64_t pad_bottom, int64_t pad_right) {
  const int64_t *in_dims = input->sizes_and_strides; /* n, h, w, c; strides */
  const int64_t *p_dims = packed->sizes_and_strides; /* panels, k, nr */
  const int64_t *o_dims = out->sizes_and_strides;    /* pixels, f; ldc, 1 */
  int64_t in_h = in_dims[1], in_w = in_dims[2];
  int64_t padded_h = in_h + pad_top + pad_bottom;
  int64_t padded_w = in_w + pad_left + pad_right;
  sconv_job job = {.input = (const float *)input->aligned + input->offset,
                   .input_strides = {in_dims[4], in_dims[5], in_dims[6]},
                   .in_h = in_h,
                   .in_w = in_w,
                   .out_h = (padded_h - dh * (kh - 1) - 1) / sh + 1,
                   .out_w = (padded_w - dw * (kw - 1) - 1) / sw + 1,
                   .channels = in_dims[3],
                   .win = {kh, kw, sh, sw, dh, dw, pad_top, pad_left},
                   .packed_b = (const float *)packed->aligned + packed->offset,
                   .window = p_dims[1],
                   .out = (float *)out->aligned + out->offset,
                   .ldc = o_dims[2],
                   .filters = o_dims[1],
                   .pixels = o_dims[0],
                   .epilogue =
                       mocc_epilogue_make(bias, residual, activation, lo, hi),
                   .ldr = residual->sizes_and_strides[2]};
  if (job.pixels <= 0 || job.filters <= 0)
    return;
  /* mocc_parallel_for splits the pixels between the threads; each thread
   * gathers its pixels in blocks of this many. */
  job.block_rows =
      mocc_min64(MOCC_SCONV_SCRATCH_FLOATS / job.window, MOCC_SCONV_MAX_ROWS);
  if (takes_direct(&job)) {
    /* The first and last columns whose windows start and end inside. */
    job.interior_lo = mocc_ceil_div(pad_left, sw);
    int64_t last = in_w - 1 - (kw - 1) * dw + pad_left;
    job.interior_hi = last < 0 ? 0 : mocc_min64(job.out_w, last / sw + 1);
  }
  mocc_parallel_for(pool, job.pixels, run_pixels, &job);
}
