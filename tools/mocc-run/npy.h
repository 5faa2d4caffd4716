/* NumPy .npy files (format versions 1 to 3), little-endian, C order. */
#ifndef MOCC_RUN_NPY_H
#define MOCC_RUN_NPY_H

#include "error.h"
#include "tensor.h"

#include <stddef.h>
#include <stdint.h>

/* Decodes a .npy file's contents. Malformed input is an error, never a
 * crash; big-endian and Fortran-order arrays are rejected. */
int mr_npy_decode(const uint8_t *bytes, size_t size, mr_tensor *out_tensor,
                  mr_error *error);

/* Encodes `tensor` as a .npy file (format version 1.0) into
 * a malloc'd buffer. bfloat16 has no NumPy dtype and is an error. */
int mr_npy_encode(const mr_tensor *tensor, uint8_t **out_bytes,
                  size_t *out_size, mr_error *error);

#endif /* MOCC_RUN_NPY_H */
