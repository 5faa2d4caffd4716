/* The f32 convolution driver that generated code calls (mocc-call-kernels):
 * a channels-last convolution of one group, as the GEMM of its windows by
 * the weight, which the compiler packed as the GEMM kernel's panels of the
 * [filters][kh * kw * channels] matrix. Each block of output pixels gathers
 * its windows into rows (im2col) in a buffer on the stack, small enough to
 * stay in L2, and the target's microkernel multiplies them by the panels,
 * then the epilogue (epilogue.h) runs on the block's outputs while they are
 * in cache. Blocks run on the instance's threads. The gather pads the
 * windows with zeros, so the input is never copied into a padded buffer. */
#include "epilogue.h"
#include "gemm_kernel.h"
#include "memref.h"
#include "thread_pool.h"

#include <stdint.h>
#include <string.h>

/* Floats of gathered windows per block: 256 KiB. The compiler calls this
 * kernel only for windows of at most 16384 floats (kSconvMaxWindow in
 * include/mocc/Transforms/KernelCalls.h), so a block holds at least 4. */
#define MOCC_SCONV_SCRATCH_FLOATS (64 * 1024)
#define MOCC_SCONV_MAX_ROWS 256

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

static void run_blocks(void *closure, int64_t begin, int64_t end) {
  const sconv_job *job = closure;
  float windows[MOCC_SCONV_SCRATCH_FLOATS];
  for (int64_t block = begin; block < end; ++block) {
    int64_t first = block * job->block_rows;
    int64_t rows = mocc_min64(job->block_rows, job->pixels - first);
    gather_windows(job, first, rows, windows);
    float *out = job->out + first * job->ldc;
    mocc_kernel_sgemm(windows, job->window, job->packed_b, out, job->ldc, rows,
                      job->filters, job->window);
    const float *residual = job->epilogue.residual;
    if (!mocc_epilogue_is_identity(&job->epilogue))
      mocc_epilogue_apply(&job->epilogue, out, job->ldc,
                          residual ? residual + first * job->ldr : NULL,
                          job->ldr, 0, rows, job->filters);
  }
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
  int64_t threads = mocc_thread_pool_num_threads(pool);
  job.block_rows = mocc_min64(
      MOCC_SCONV_SCRATCH_FLOATS / job.window,
      mocc_min64(MOCC_SCONV_MAX_ROWS, mocc_ceil_div(job.pixels, threads)));
  mocc_parallel_for(pool, mocc_ceil_div(job.pixels, job.block_rows), run_blocks,
                    &job);
}
