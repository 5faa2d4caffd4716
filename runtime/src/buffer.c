#include "buffer.h"

#include <stdint.h>
#include <stdlib.h>

/* malloc plus manual alignment rather than aligned_alloc, whose size must be
 * a multiple of the alignment and which older C libraries lack. */
int mocc_buffer_alloc(mocc_buffer *buffer, size_t bytes) {
  buffer->allocated = NULL;
  buffer->aligned = NULL;
  buffer->bytes = 0;
  if (bytes > SIZE_MAX - MOCC_BUFFER_ALIGNMENT)
    return -1;
  void *allocated = malloc(bytes + MOCC_BUFFER_ALIGNMENT);
  if (!allocated)
    return -1;
  uintptr_t address = (uintptr_t)allocated + MOCC_BUFFER_ALIGNMENT - 1;
  address -= address % MOCC_BUFFER_ALIGNMENT;
  buffer->allocated = allocated;
  buffer->aligned = (void *)address;
  buffer->bytes = bytes;
  return 0;
}

void mocc_buffer_free(mocc_buffer *buffer) {
  free(buffer->allocated);
  buffer->allocated = NULL;
  buffer->aligned = NULL;
  buffer->bytes = 0;
}
