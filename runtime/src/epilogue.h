/* What a kernel driver (sgemm.c, sconv2d.c, sdwconv2d.c) applies to each
 * block of its output right after the microkernel wrote it, while the block
 * is in cache: y = activation(product + bias[column] + residual). The
 * compiler folds the elementwise op after a product into its call when it
 * has this form (mocc-fuse-epilogues); the codes are its contract. */
#ifndef MOCC_RUNTIME_EPILOGUE_H
#define MOCC_RUNTIME_EPILOGUE_H

#include "memref.h"

#include <stdint.h>

enum {
  MOCC_ACTIVATION_NONE = 0,
  MOCC_ACTIVATION_RELU = 1,    /* max(x, 0) */
  MOCC_ACTIVATION_CLIP = 2,    /* min(max(x, lo), hi) */
  MOCC_ACTIVATION_SIGMOID = 3, /* 1 / (1 + exp(-x)) */
  MOCC_ACTIVATION_SILU = 4,    /* x * sigmoid(x) */
};

typedef struct mocc_epilogue {
  const float *bias; /* one per output column (channel), or NULL */
  /* The residual's first element, or NULL; the driver offsets it to a
   * block with the strides of the residual's descriptor. */
  const float *residual;
  int64_t activation;
  float lo, hi; /* MOCC_ACTIVATION_CLIP's bounds */
} mocc_epilogue;

/* The epilogue generated code passes: `bias` a vector, `residual` shaped
 * like the output (NULL where they are empty). */
mocc_epilogue mocc_epilogue_make(const mocc_memref *bias,
                                 const mocc_memref *residual,
                                 int64_t activation, float lo, float hi);

/* Whether `e` changes anything. */
static inline int mocc_epilogue_is_identity(const mocc_epilogue *e) {
  return !e->bias && !e->residual && e->activation == MOCC_ACTIVATION_NONE;
}

/* Applies `e` to `rows` rows of `cols` values of c (row stride ldc), the
 * output columns [col, col + cols); `residual` (row stride ldr, or NULL) is
 * added before the activation. */
void mocc_epilogue_apply(const mocc_epilogue *e, float *c, int64_t ldc,
                         const float *residual, int64_t ldr, int64_t col,
                         int64_t rows, int64_t cols);

#endif /* MOCC_RUNTIME_EPILOGUE_H */
