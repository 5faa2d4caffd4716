/*===- depthwise_shim.c - The C entry of one ISA's f32 depthwise kernel ---===*
 *
 * Like gemm_shim.c: describes the operands of mocc_kernel_dwconv to the
 * ISA's Halide function as buffers on the stack. Compiled once per ISA with
 *   -DMOCC_DWCONV_KERNEL=<Halide function>
 * and linked with that function into the ISA's bitcode.
 *
 *===----------------------------------------------------------------------===*/
#include "HalideRuntime.h"

#include <stdint.h>

int MOCC_DWCONV_KERNEL(struct halide_buffer_t *in, struct halide_buffer_t *w,
                       int32_t stride_x, int32_t stride_y, int32_t dilation_x,
                       int32_t dilation_y, struct halide_buffer_t *out);

/* See depthwise_reference.h. Halide's dimensions and indices are 32-bit:
 * every size and stride, and the offset in floats of any element read or
 * written, must fit in int32_t. */
void mocc_kernel_dwconv(const float *in, int64_t in_row_stride,
                        int64_t in_pixel_stride, const float *w, float *out,
                        int64_t out_row_stride, int64_t out_pixel_stride,
                        int64_t out_h, int64_t out_w, int64_t channels,
                        int64_t kh, int64_t kw, int64_t sh, int64_t sw,
                        int64_t dh, int64_t dw) {
  const int32_t c = (int32_t)channels;
  /* The input the windows read. The kernel never looks (it is built
   * without bounds queries), but the buffer should say what it holds. */
  const int32_t in_w = (int32_t)((out_w - 1) * sw + (kw - 1) * dw + 1);
  const int32_t in_h = (int32_t)((out_h - 1) * sh + (kh - 1) * dh + 1);
  /* {min, extent, stride, flags}; the innermost dimension first. */
  halide_dimension_t in_dims[3] = {{0, c, 1, 0},
                                   {0, in_w, (int32_t)in_pixel_stride, 0},
                                   {0, in_h, (int32_t)in_row_stride, 0}};
  halide_dimension_t w_dims[3] = {{0, c, 1, 0},
                                  {0, (int32_t)kw, c, 0},
                                  {0, (int32_t)kh, (int32_t)kw * c, 0}};
  halide_dimension_t out_dims[3] = {
      {0, c, 1, 0},
      {0, (int32_t)out_w, (int32_t)out_pixel_stride, 0},
      {0, (int32_t)out_h, (int32_t)out_row_stride, 0}};
  const struct halide_type_t f32 = {halide_type_float, 32, 1};
  halide_buffer_t in_buf = {0, 0, (uint8_t *)in, 0, f32, 3, in_dims, 0};
  halide_buffer_t w_buf = {0, 0, (uint8_t *)w, 0, f32, 3, w_dims, 0};
  halide_buffer_t out_buf = {0, 0, (uint8_t *)out, 0, f32, 3, out_dims, 0};
  /* Built without asserts or bounds queries, the kernel cannot fail. */
  MOCC_DWCONV_KERNEL(&in_buf, &w_buf, (int32_t)sw, (int32_t)sh, (int32_t)dw,
                     (int32_t)dh, &out_buf);
}
