/* The f32 depthwise convolution driver that generated code calls
 * (mocc-call-kernels): a channels-last depthwise convolution of an input
 * already padded, the weight laid out [kh][kw][c] at compile time. Rows of
 * output pixels are spread over the instance's threads; the target's
 * microkernel (mocc_kernel_dwconv, targets/CPU/Kernels, linked per ISA)
 * computes each thread's rows of each image, then the epilogue (epilogue.h)
 * runs on them while they are in cache. */
#include "epilogue.h"
#include "gemm_kernel.h"
#include "memref.h"
#include "thread_pool.h"

#include <stdint.h>

/* Output floats the kernel computes before the epilogue runs on them. */
#define MOCC_DWCONV_EPILOGUE_FLOATS (32 * 1024)

typedef struct dwconv_job {
  const mocc_memref *in, *w, *out;
  int64_t kh, kw, sh, sw, dh, dw;
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
        out[6],
        residual ? residual + image * res[4] + r * res[5] : NULL, res[6], 0,
        out[2], out[3]);
}

/* Output rows [begin, end) of all images, numbered image by image. */
static void run_rows(void *closure, int64_t begin, int64_t end) {
  const dwconv_job *job = closure;
  const int64_t *in = job->in->sizes_and_strides;   /* n h w c; strides */
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
    mocc_kernel_dwconv((const float *)job->in->aligned + job->in->offset +
                           image * in[4] + row * job->sh * in[5],
                       in[5], in[6],
                       (const float *)job->w->aligned + job->w->offset,
                       (float *)job->out->aligned + job->out->offset +
                           image * out[4] + row * out[5],
                       out[5], out[6], rows, out[2], out[3], job->kh, job->kw,
                       job->sh, job->sw, job->dh, job->dw);
    if (has_epilogue)
      apply_epilogue(job, image, row, rows);
    begin += rows;
  }
}

/* The C interface of generated code's `mocc_sdwconv2d_nhwc_f32(pool, in, w,
 * out, bias, residual, activation, lo, hi, kh, kw, sh, sw, dh, dw)`: in [n,
 * h, w, c] and out [n, oh, ow, c] with contiguous channels, w [kh, kw, c]
 * dense; the epilogue's bias [c] and residual (like out) are empty when it
 * has none. */
void _mlir_ciface_mocc_sdwconv2d_nhwc_f32(
    mocc_thread_pool *pool, const mocc_memref *in, const mocc_memref *w,
    const mocc_memref *out, const mocc_memref *bias,
    const mocc_memref *residual, int64_t activation, float lo, float hi,
    int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t dh, int64_t dw) {
  dwconv_job job = {in,
                    w,
                    out,
                    kh,
                    kw,
                    sh,
                    sw,
                    dh,
                    dw,
                    mocc_epilogue_make(bias, residual, activation, lo, hi),
                    residual};
  const int64_t *out_dims = out->sizes_and_strides;
  mocc_parallel_for(pool, out_dims[0] * out_dims[1], run_rows, &job);
}
