/*===- conv_shim.c - The C entry of one ISA's f32 direct convolution -----===*
 *
 * Like gemm_shim.c: describes the operands of mocc_kernel_sconv to the ISA's
 * Halide function as buffers on the stack. Compiled once per ISA with
 *   -DMOCC_SCONV_KERNEL=<Halide function> -DMOCC_SCONV_MR=<tile pixels>
 *   -DMOCC_SCONV_NR=<panel width>
 * and linked with that function into the ISA's bitcode.
 *
 *===----------------------------------------------------------------------===*/
#include "HalideRuntime.h"

#include <stdint.h>

#ifndef MOCC_SCONV_ENTRY
#define MOCC_SCONV_ENTRY mocc_kernel_sconv
#endif

int MOCC_SCONV_KERNEL(struct halide_buffer_t *in,
                      struct halide_buffer_t *packed_b, int32_t kw, int32_t kh,
                      int32_t sw, int32_t dw, int32_t dh,
                      struct halide_buffer_t *out);

typedef struct sconv_call {
  int64_t row_stride, pixel_stride, channels;
  const float *packed_b;
  int64_t ldc, n, kh, kw, sw, dh, dw;
} sconv_call;

/* One call of the Halide function on `pixels` output pixels from `in` and
 * `out`, all panels. */
static void call_kernel(const sconv_call *call, const float *in, float *out,
                        int64_t pixels) {
  const int32_t nr = MOCC_SCONV_NR;
  const int32_t k = (int32_t)(call->kh * call->kw * call->channels);
  const int32_t panels = (int32_t)((call->n + nr - 1) / nr);
  /* The input the windows read; the kernel never looks (no bounds queries),
   * but the buffer says what it holds. {min, extent, stride, flags}, the
   * innermost dimension first. */
  halide_dimension_t in_dims[3] = {
      {0, (int32_t)call->channels, 1, 0},
      {0, (int32_t)((pixels - 1) * call->sw + (call->kw - 1) * call->dw + 1),
       (int32_t)call->pixel_stride, 0},
      {0, (int32_t)((call->kh - 1) * call->dh + 1), (int32_t)call->row_stride,
       0}};
  halide_dimension_t b_dims[3] = {
      {0, nr, 1, 0}, {0, k, nr, 0}, {0, panels, k * nr, 0}};
  halide_dimension_t out_dims[2] = {
      {0, (int32_t)call->n, 1, 0}, {0, (int32_t)pixels, (int32_t)call->ldc, 0}};
  const struct halide_type_t f32 = {halide_type_float, 32, 1};
  halide_buffer_t in_buf = {0, 0, (uint8_t *)in, 0, f32, 3, in_dims, 0};
  halide_buffer_t b_buf = {0,      0, (uint8_t *)call->packed_b, 0, f32, 3,
                           b_dims, 0};
  halide_buffer_t out_buf = {0, 0, (uint8_t *)out, 0, f32, 2, out_dims, 0};
  /* Built without asserts or bounds queries, the kernel cannot fail. */
  MOCC_SCONV_KERNEL(&in_buf, &b_buf, (int32_t)call->kw, (int32_t)call->kh,
                    (int32_t)call->sw, (int32_t)call->dw, (int32_t)call->dh,
                    &out_buf);
}

/* See gemm_kernel.h. Halide's dimensions are 32-bit: every size and stride,
 * and the offset in floats of any element read, must fit in int32_t.
 *
 * As gemm_shim.c does for rows, the whole MR-pixel tiles go first and the
 * rest in exact tiles of 4, 2 and 1 pixels, rather than the kernel's last
 * tile shifted over pixels already computed. */
void MOCC_SCONV_ENTRY(const float *in, int64_t row_stride, int64_t pixel_stride,
                      int64_t channels, const float *packed_b, float *out,
                      int64_t ldc, int64_t pixels, int64_t n, int64_t kh,
                      int64_t kw, int64_t sw, int64_t dh, int64_t dw) {
  const sconv_call call = {row_stride, pixel_stride, channels, packed_b, ldc, n,
                           kh,         kw,           sw,       dh,       dw};
  const int64_t mr = MOCC_SCONV_MR;
  int64_t done = pixels - pixels % mr;
  if (done > 0)
    call_kernel(&call, in, out, done);
  for (int64_t tile = 4; done < pixels; tile /= 2) {
    int64_t count = (pixels - done) / tile * tile;
    if (count > 0)
      call_kernel(&call, in + done * sw * pixel_stride, out + done * ldc,
                  count);
    done += count;
  }
}
