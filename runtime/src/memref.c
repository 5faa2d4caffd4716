#include "memref.h"

void mocc_memref_set(mocc_memref *memref, void *allocated, void *aligned,
                     int32_t rank, const int64_t *dims) {
  memref->allocated = allocated;
  memref->aligned = aligned;
  memref->offset = 0;
  int64_t *sizes = memref->sizes_and_strides;
  int64_t *strides = sizes + rank;
  int64_t stride = 1;
  for (int32_t i = rank - 1; i >= 0; --i) {
    sizes[i] = dims[i];
    strides[i] = stride;
    stride *= dims[i];
  }
}
