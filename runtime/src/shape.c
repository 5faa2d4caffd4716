#include "shape.h"

#include "mocc/model.h"

#include <stdarg.h>
#include <stdio.h>

int mocc_shape_num_elements(int32_t rank, const int64_t *dims, uint64_t limit,
                            uint64_t *out_count) {
  uint64_t count = 1;
  for (int32_t i = 0; i < rank; ++i) {
    if (dims[i] < 0)
      return -1;
    uint64_t dim = (uint64_t)dims[i];
    if (dim != 0 && count > limit / dim)
      return -1;
    count *= dim;
  }
  *out_count = count;
  return 0;
}

/* snprintf at buffer[*used], advancing *used; a no-op once the buffer is
 * full, so callers can stop as soon as *used >= size. */
static void append(char *buffer, size_t size, size_t *used, const char *format,
                   ...) __attribute__((format(printf, 4, 5)));
static void append(char *buffer, size_t size, size_t *used, const char *format,
                   ...) {
  if (*used >= size)
    return;
  va_list args;
  va_start(args, format);
  int written = vsnprintf(buffer + *used, size - *used, format, args);
  va_end(args);
  if (written > 0)
    *used += (size_t)written;
}

void mocc_shape_format(char *buffer, size_t size, int32_t dtype, int32_t rank,
                       const int64_t *dims) {
  if (size == 0)
    return;
  buffer[0] = '\0';
  size_t used = 0;
  append(buffer, size, &used, "%s[", mocc_dtype_name((mocc_dtype)dtype));
  if (rank < 0)
    append(buffer, size, &used, "rank %d", (int)rank);
  for (int32_t i = 0; i < rank && used < size; ++i) {
    const char *separator = i ? "x" : "";
    if (dims[i] == -1)
      append(buffer, size, &used, "%s?", separator);
    else
      append(buffer, size, &used, "%s%lld", separator, (long long)dims[i]);
  }
  append(buffer, size, &used, "]");
}
