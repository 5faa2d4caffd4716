/* The f32 depthwise convolution driver that generated code calls
 * (mocc-call-kernels): a channels-last depthwise convolution of an input
 * already padded, the weight laid out [kh][kw][c] at compile time. Rows of
 * output pixels are spread over the instance's threads; the target's
 * microkernel (mocc_kernel_dwconv, targets/CPU/Kernels, linked per ISA)
 * computes each thread's rows of each image. */
#include "gemm_kernel.h"
#include "memref.h"
#include "thread_pool.h"

#include <stdint.h>

typedef struct dwconv_job {
  const mocc_memref *in, *w, *out;
  int64_t kh, kw, sh, sw, dh, dw;
} dwconv_job;

/* Output rows [begin, end) of all images, numbered image by image. */
static void run_rows(void *closure, int64_t begin, int64_t end) {
  const dwconv_job *job = closure;
  const int64_t *in = job->in->sizes_and_strides;   /* n h w c; strides */
  const int64_t *out = job->out->sizes_and_strides; /* n oh ow c; strides */
  int64_t out_h = out[1];
  while (begin < end) {
    int64_t image = begin / out_h, row = begin % out_h;
    int64_t rows = mocc_min64(end - begin, out_h - row);
    mocc_kernel_dwconv((const float *)job->in->aligned + job->in->offset +
                           image * in[4] + row * job->sh * in[5],
                       in[5], in[6],
                       (const float *)job->w->aligned + job->w->offset,
                       (float *)job->out->aligned + job->out->offset +
                           image * out[4] + row * out[5],
                       out[5], out[6], rows, out[2], out[3], job->kh, job->kw,
                       job->sh, job->sw, job->dh, job->dw);
    begin += rows;
  }
}

/* The C interface of generated code's `mocc_sdwconv2d_nhwc_f32(pool, in, w,
 * out, kh, kw, sh, sw, dh, dw)`: in [n, h, w, c] and out [n, oh, ow, c] with
 * contiguous channels, w [kh, kw, c] dense. */
void _mlir_ciface_mocc_sdwconv2d_nhwc_f32(mocc_thread_pool *pool,
                                          const mocc_memref *in,
                                          const mocc_memref *w,
                                          const mocc_memref *out, int64_t kh,
                                          int64_t kw, int64_t sh, int64_t sw,
                                          int64_t dh, int64_t dw) {
  dwconv_job job = {in, w, out, kh, kw, sh, sw, dh, dw};
  const int64_t *out_dims = out->sizes_and_strides;
  mocc_parallel_for(pool, out_dims[0] * out_dims[1], run_rows, &job);
}
