/* Shapes: element counts and the "float32[1x3x?]" notation of messages. */
#ifndef MOCC_RUNTIME_SHAPE_H
#define MOCC_RUNTIME_SHAPE_H

#include <stddef.h>
#include <stdint.h>

/* Stores the product of `dims` in `out_count`. Returns -1 when a dimension
 * is negative or the product does not fit in `limit`. */
int mocc_shape_num_elements(int32_t rank, const int64_t *dims, uint64_t limit,
                            uint64_t *out_count);

/* Writes e.g. "float32[1x3x?]" (-1 is "?") into `buffer`, truncating to
 * `size`; reads no more dimensions than fit. */
void mocc_shape_format(char *buffer, size_t size, int32_t dtype, int32_t rank,
                       const int64_t *dims);

#endif /* MOCC_RUNTIME_SHAPE_H */
