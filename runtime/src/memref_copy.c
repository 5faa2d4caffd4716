/* memrefCopy: the strided copy MLIR's memref.copy lowers to when it cannot
 * use a plain memcpy (non-contiguous views). Same contract as MLIR's C
 * runner utils, which a model library does not link. */
#include <stdint.h>
#include <string.h>

#include "memref.h"

void memrefCopy(int64_t element_size, mocc_unranked_memref *source,
                mocc_unranked_memref *target) {
  int64_t rank = source->rank;
  const mocc_memref *src = source->descriptor;
  const mocc_memref *dst = target->descriptor;
  const int64_t *sizes = src->sizes_and_strides;
  const int64_t *src_strides = src->sizes_and_strides + rank;
  const int64_t *dst_strides = dst->sizes_and_strides + rank;
  const char *src_base = (const char *)src->aligned + src->offset * element_size;
  char *dst_base = (char *)dst->aligned + dst->offset * element_size;
  for (int64_t d = 0; d < rank; ++d)
    if (sizes[d] == 0)
      return;
  /* The trailing dimensions that are contiguous in both views (or of size 1)
   * form one run, copied with memcpy: a copy into a padded buffer moves whole
   * rows of channels at once. */
  int64_t outer = rank, run = 1;
  while (outer > 0 && (sizes[outer - 1] == 1 ||
                       (src_strides[outer - 1] == run &&
                        dst_strides[outer - 1] == run))) {
    run *= sizes[outer - 1];
    --outer;
  }
  size_t run_bytes = (size_t)(run * element_size);
  if (outer == 0) {
    memcpy(dst_base, src_base, run_bytes);
    return;
  }
  /* Odometer over the other dimensions; the innermost is the fast one. */
  int64_t index[outer];
  memset(index, 0, sizeof(index));
  int64_t src_offset = 0, dst_offset = 0;
  for (;;) {
    memcpy(dst_base + dst_offset * element_size,
           src_base + src_offset * element_size, run_bytes);
    int64_t d = outer - 1;
    for (; d >= 0; --d) {
      ++index[d];
      src_offset += src_strides[d];
      dst_offset += dst_strides[d];
      if (index[d] < sizes[d])
        break;
      src_offset -= src_strides[d] * sizes[d];
      dst_offset -= dst_strides[d] * sizes[d];
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}
