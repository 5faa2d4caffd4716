/* The kernels' epilogue (epilogue.h). Its loops are plain C that the
 * compiler vectorizes when it compiles a model for its target (the runtime's
 * bitcode is built unvectorized for that reason). */
#include "epilogue.h"

#include <math.h>
#include <string.h>

/* The first element of `buffer`, NULL if it is empty. */
static const float *first_element(const mocc_memref *buffer) {
  if (buffer->sizes_and_strides[0] == 0)
    return NULL;
  return (const float *)buffer->aligned + buffer->offset;
}

mocc_epilogue mocc_epilogue_make(const mocc_memref *bias,
                                 const mocc_memref *residual,
                                 int64_t activation, float lo, float hi) {
  mocc_epilogue e = {first_element(bias), first_element(residual), activation,
                     lo, hi};
  return e;
}

/* exp(x) to about 1 ulp, in operations that vectorize: the exponent from
 * round(x / ln 2), a degree-5 polynomial for the rest (Cody-Waite
 * reduction, Cephes' coefficients). */
static inline float exp_approx(float x) {
  x = x < -87.3f ? -87.3f : (x > 88.3f ? 88.3f : x);
  float k = floorf(x * 1.44269504f + 0.5f);
  float r = x - k * 0.693359375f + k * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float y = p * r * r + r + 1.0f;
  int32_t bits = ((int32_t)k + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  return y * scale;
}

static inline float sigmoid(float x) { return 1.0f / (1.0f + exp_approx(-x)); }

static inline float activate(float x, int64_t activation, float lo, float hi) {
  switch (activation) {
  case MOCC_ACTIVATION_RELU:
    return x < 0.0f ? 0.0f : x;
  case MOCC_ACTIVATION_CLIP:
    return x < lo ? lo : (x > hi ? hi : x);
  case MOCC_ACTIVATION_SIGMOID:
    return sigmoid(x);
  case MOCC_ACTIVATION_SILU:
    return x * sigmoid(x);
  default:
    return x;
  }
}

/* The block in one pass, each value loaded and stored once. Inlined with
 * constant flags below, each combination is its own vector loop with no
 * run-time alias checks (the output is neither bias nor residual: the
 * compiler fuses only then). NaN stays NaN, as in generated code. */
static inline __attribute__((always_inline)) void
apply_block(float *restrict c, int64_t ldc, const float *restrict bias,
            const float *restrict residual, int64_t ldr, int64_t rows,
            int64_t cols, int has_bias, int has_residual, int64_t activation,
            float lo, float hi) {
  for (int64_t r = 0; r < rows; ++r) {
    float *restrict row = c + r * ldc;
    const float *restrict res = residual + r * ldr;
    for (int64_t j = 0; j < cols; ++j) {
      float x = row[j];
      if (has_bias)
        x += bias[j];
      if (has_residual)
        x += res[j];
      row[j] = activate(x, activation, lo, hi);
    }
  }
}

/* apply_block for one activation, specialized on what is added. */
static inline __attribute__((always_inline)) void
apply_activation(float *c, int64_t ldc, const float *bias,
                 const float *residual, int64_t ldr, int64_t rows,
                 int64_t cols, int64_t activation, float lo, float hi) {
  if (bias && residual)
    apply_block(c, ldc, bias, residual, ldr, rows, cols, 1, 1, activation, lo,
                hi);
  else if (bias)
    apply_block(c, ldc, bias, residual, ldr, rows, cols, 1, 0, activation, lo,
                hi);
  else if (residual)
    apply_block(c, ldc, bias, residual, ldr, rows, cols, 0, 1, activation, lo,
                hi);
  else
    apply_block(c, ldc, bias, residual, ldr, rows, cols, 0, 0, activation, lo,
                hi);
}

void mocc_epilogue_apply(const mocc_epilogue *e, float *c, int64_t ldc,
                         const float *residual, int64_t ldr, int64_t col,
                         int64_t rows, int64_t cols) {
  const float *bias = e->bias ? e->bias + col : NULL;
  switch (e->activation) {
  case MOCC_ACTIVATION_RELU:
    apply_activation(c, ldc, bias, residual, ldr, rows, cols,
                     MOCC_ACTIVATION_RELU, e->lo, e->hi);
    break;
  case MOCC_ACTIVATION_CLIP:
    apply_activation(c, ldc, bias, residual, ldr, rows, cols,
                     MOCC_ACTIVATION_CLIP, e->lo, e->hi);
    break;
  case MOCC_ACTIVATION_SIGMOID:
    apply_activation(c, ldc, bias, residual, ldr, rows, cols,
                     MOCC_ACTIVATION_SIGMOID, e->lo, e->hi);
    break;
  case MOCC_ACTIVATION_SILU:
    apply_activation(c, ldc, bias, residual, ldr, rows, cols,
                     MOCC_ACTIVATION_SILU, e->lo, e->hi);
    break;
  default:
    apply_activation(c, ldc, bias, residual, ldr, rows, cols,
                     MOCC_ACTIVATION_NONE, e->lo, e->hi);
    break;
  }
}
