/* nonZero: the run-time half of moc.non_zero. `mask` holds a byte per input
 * element in row-major order (1 where it is not zero) and `dims` the input's
 * shape; column k of `coordinates` (rank x elements) receives the
 * coordinates of the k-th non-zero element. Returns their number. */
#include <stdint.h>

#include "memref.h"

int64_t _mlir_ciface_nonZero(const mocc_memref *mask, const mocc_memref *dims,
                             mocc_memref *coordinates);

int64_t _mlir_ciface_nonZero(const mocc_memref *mask, const mocc_memref *dims,
                             mocc_memref *coordinates) {
  const uint8_t *flags = (const uint8_t *)mask->aligned + mask->offset;
  int64_t count = mask->sizes_and_strides[0];
  int64_t flag_stride = mask->sizes_and_strides[1];
  const int64_t *shape = (const int64_t *)dims->aligned + dims->offset;
  int64_t rank = dims->sizes_and_strides[0];
  int64_t shape_stride = dims->sizes_and_strides[1];
  int64_t *out = (int64_t *)coordinates->aligned + coordinates->offset;
  int64_t row_stride = coordinates->sizes_and_strides[2];
  int64_t column_stride = coordinates->sizes_and_strides[3];
  int64_t found = 0;
  for (int64_t flat = 0; flat < count; ++flat) {
    if (!flags[flat * flag_stride])
      continue;
    int64_t rest = flat;
    for (int64_t d = rank - 1; d >= 0; --d) {
      int64_t size = shape[d * shape_stride];
      out[d * row_stride + found * column_stride] = rest % size;
      rest /= size;
    }
    ++found;
  }
  return found;
}
