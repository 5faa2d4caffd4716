/* uniqueRows: the run-time half of moc.unique. `keys` is a rows x width
 * matrix of 64-bit keys (integers, or the bits of doubles with float_keys);
 * it writes the index of the first occurrence of each distinct row to
 * `first` (ascending by row, compared as numbers left to right, if `sorted`;
 * else in order of first occurrence), how often each occurs to `counts`, and
 * for every row the position of its distinct row to `inverse`. Returns the
 * number of distinct rows. */
#include <stdint.h>
#include <string.h>

#include "memref.h"

typedef struct key_matrix {
  const int64_t *data;
  int64_t row_stride, column_stride, width;
  int32_t float_keys;
} key_matrix;

/* -1, 0 or 1 as row a sorts before, with or after row b. */
static int compare_rows(const key_matrix *m, int64_t a, int64_t b) {
  for (int64_t k = 0; k < m->width; ++k) {
    int64_t x = m->data[a * m->row_stride + k * m->column_stride];
    int64_t y = m->data[b * m->row_stride + k * m->column_stride];
    if (m->float_keys) {
      double dx, dy;
      memcpy(&dx, &x, sizeof(dx));
      memcpy(&dy, &y, sizeof(dy));
      if (dx != dy) /* -0 equals 0 */
        return dx < dy ? -1 : 1;
    } else if (x != y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

static int64_t *vector_at(mocc_memref *m) {
  return (int64_t *)m->aligned + m->offset;
}

int64_t _mlir_ciface_uniqueRows(const mocc_memref *keys, mocc_memref *first,
                                mocc_memref *inverse, mocc_memref *counts,
                                int32_t sorted, int32_t float_keys);

int64_t _mlir_ciface_uniqueRows(const mocc_memref *keys, mocc_memref *first,
                                mocc_memref *inverse, mocc_memref *counts,
                                int32_t sorted, int32_t float_keys) {
  key_matrix m = {(const int64_t *)keys->aligned + keys->offset,
                  keys->sizes_and_strides[2], keys->sizes_and_strides[3],
                  keys->sizes_and_strides[1], float_keys};
  int64_t rows = keys->sizes_and_strides[0];
  int64_t *firsts = vector_at(first), *inverses = vector_at(inverse);
  int64_t *tally = vector_at(counts);
  int64_t first_stride = first->sizes_and_strides[1];
  int64_t inverse_stride = inverse->sizes_and_strides[1];
  int64_t count_stride = counts->sizes_and_strides[1];
  int64_t distinct = 0;
  for (int64_t r = 0; r < rows; ++r) {
    int64_t u = 0;
    while (u < distinct && compare_rows(&m, firsts[u * first_stride], r))
      ++u;
    if (u == distinct) {
      firsts[u * first_stride] = r;
      tally[u * count_stride] = 0;
      ++distinct;
    }
    ++tally[u * count_stride];
    inverses[r * inverse_stride] = u;
  }
  if (!sorted)
    return distinct;
  /* Insertion sort of the distinct rows, then each row found again. */
  for (int64_t i = 1; i < distinct; ++i) {
    int64_t row = firsts[i * first_stride], n = tally[i * count_stride];
    int64_t j = i;
    for (; j > 0 && compare_rows(&m, firsts[(j - 1) * first_stride], row) > 0;
         --j) {
      firsts[j * first_stride] = firsts[(j - 1) * first_stride];
      tally[j * count_stride] = tally[(j - 1) * count_stride];
    }
    firsts[j * first_stride] = row;
    tally[j * count_stride] = n;
  }
  for (int64_t r = 0; r < rows; ++r) {
    int64_t low = 0, high = distinct - 1;
    while (low < high) {
      int64_t middle = low + (high - low) / 2;
      if (compare_rows(&m, firsts[middle * first_stride], r) < 0)
        low = middle + 1;
      else
        high = middle;
    }
    inverses[r * inverse_stride] = low;
  }
  return distinct;
}
