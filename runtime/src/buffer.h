/* Heap buffers aligned for vector code. */
#ifndef MOCC_RUNTIME_BUFFER_H
#define MOCC_RUNTIME_BUFFER_H

#include <stddef.h>

/* Enough for a cache line and the widest vectors (AVX-512). */
#define MOCC_BUFFER_ALIGNMENT 64

typedef struct mocc_buffer {
  void *allocated; /* what malloc returned, for free */
  void *aligned;   /* MOCC_BUFFER_ALIGNMENT-aligned, `bytes` long */
  size_t bytes;
} mocc_buffer;

/* Allocates `bytes` (0 is allowed and still yields a non-NULL pointer).
 * Returns 0 on success, -1 when out of memory. */
int mocc_buffer_alloc(mocc_buffer *buffer, size_t bytes);
void mocc_buffer_free(mocc_buffer *buffer);

#endif /* MOCC_RUNTIME_BUFFER_H */
