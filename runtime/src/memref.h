/* MLIR memref descriptors, as the generated entry reads them (see
 * compiled_model.h). The C layout of this struct is the LLVM layout of
 * { ptr, ptr, i64, [r x i64], [r x i64] } on every target mocc supports. */
#ifndef MOCC_RUNTIME_MEMREF_H
#define MOCC_RUNTIME_MEMREF_H

#include <stddef.h>
#include <stdint.h>

typedef struct mocc_memref {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes_and_strides[]; /* sizes[rank], then strides[rank] */
} mocc_memref;

/* Bytes of a descriptor of rank `rank`. */
static inline size_t mocc_memref_bytes(int32_t rank) {
  return sizeof(mocc_memref) + 2 * (size_t)rank * sizeof(int64_t);
}

/* Describes dense row-major data of shape `dims` at offset 0. */
void mocc_memref_set(mocc_memref *memref, void *allocated, void *aligned,
                     int32_t rank, const int64_t *dims);

/* An unranked memref, as MLIR passes one to a C function. */
typedef struct mocc_unranked_memref {
  int64_t rank;
  mocc_memref *descriptor;
} mocc_unranked_memref;

/* The strided copy generated code calls for memref.copy of non-contiguous
 * views (memref_copy.c; same contract as MLIR's C runner utils). */
void memrefCopy(int64_t element_size, mocc_unranked_memref *source,
                mocc_unranked_memref *target);

#endif /* MOCC_RUNTIME_MEMREF_H */
