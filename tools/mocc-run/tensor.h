/* Host tensors read from and written to files. */
#ifndef MOCC_RUN_TENSOR_H
#define MOCC_RUN_TENSOR_H

#include "error.h"
#include "mocc/model.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* More than any model needs; bounds what malformed files can claim. */
#define MR_MAX_RANK 32

/* A dense row-major tensor. Tensors read from files own `data` (release
 * with mr_tensor_free); views of model outputs borrow it. */
typedef struct mr_tensor {
  mocc_dtype dtype;
  int32_t rank;
  int64_t dims[MR_MAX_RANK];
  void *data;
  size_t bytes;
} mr_tensor;

/* The bytes of a tensor of this dtype and shape (packed types one element a
 * byte). Fails on an unsupported dtype, a negative dimension or a size that
 * does not fit. */
int mr_tensor_bytes(mocc_dtype dtype, int32_t rank, const int64_t *dims,
                    size_t *out_bytes, mr_error *error);
/* Sets dtype and shape and allocates zeroed data for them. Fails on an
 * unsupported dtype, a negative dimension or a size that does not fit. */
int mr_tensor_alloc(mr_tensor *tensor, mocc_dtype dtype, int32_t rank,
                    const int64_t *dims, mr_error *error);
void mr_tensor_free(mr_tensor *tensor);

/* A view of a model output; its rank must be at most MR_MAX_RANK. */
mr_tensor mr_tensor_view(const mocc_tensor *tensor);
mocc_tensor mr_tensor_to_mocc(const mr_tensor *tensor);

size_t mr_tensor_num_elements(const mr_tensor *tensor);
/* Element `index` converted to double (float16/bfloat16/float8/float4
 * decoded; 64-bit integers beyond 2^53 rounded). */
double mr_tensor_get(const mr_tensor *tensor, size_t index);
/* float16, bfloat16, float32, float64, float4 and the float8 types
 * (E8M0 included). */
int mr_dtype_is_float(mocc_dtype dtype);
int mr_dtype_is_float8(mocc_dtype dtype);
/* The bits per element of float4 and the 4- and 2-bit integers, which ONNX
 * files pack (low bits first); 0 for other types. */
int mr_dtype_packed_bits(mocc_dtype dtype);

/* "float32[1x3x224x224]". */
void mr_format_type(char *buffer, size_t size, const mr_tensor *tensor);
/* One line: type and the first few values. */
void mr_tensor_print_summary(FILE *stream, const mr_tensor *tensor);

#endif /* MOCC_RUN_TENSOR_H */
