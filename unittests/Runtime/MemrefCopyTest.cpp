// memrefCopy, the strided copy of generated code (runtime/src/memref_copy.c):
// copies into a padded buffer's interior, out of a transposed view, and of
// views whose size-1 dimensions have arbitrary strides.
extern "C" {
#include "memref.h"
}

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

namespace {

/// A descriptor of `sizes` and `strides` over `data` at `offset`.
struct View {
  View(float *data, int64_t offset, std::vector<int64_t> sizes,
       std::vector<int64_t> strides)
      : storage(mocc_memref_bytes(sizes.size()) / sizeof(int64_t) + 1) {
    auto *memref = descriptor();
    memref->allocated = memref->aligned = data;
    memref->offset = offset;
    for (size_t d = 0; d < sizes.size(); ++d) {
      memref->sizes_and_strides[d] = sizes[d];
      memref->sizes_and_strides[sizes.size() + d] = strides[d];
    }
    unranked = {int64_t(sizes.size()), memref};
  }
  mocc_memref *descriptor() {
    return reinterpret_cast<mocc_memref *>(storage.data());
  }
  std::vector<int64_t> storage;
  mocc_unranked_memref unranked;
};

TEST(MemrefCopyTest, CopiesIntoAPaddedInterior) {
  // A 2x3x4 (H, W, C) tensor into the interior of a 4x5x4 zero buffer.
  std::vector<float> source(2 * 3 * 4), padded(4 * 5 * 4, 0.0f);
  std::iota(source.begin(), source.end(), 1.0f);
  View from(source.data(), 0, {2, 3, 4}, {12, 4, 1});
  View to(padded.data(), (1 * 5 + 1) * 4, {2, 3, 4}, {20, 4, 1});
  memrefCopy(sizeof(float), &from.unranked, &to.unranked);
  for (int64_t h = 0; h < 4; ++h)
    for (int64_t w = 0; w < 5; ++w)
      for (int64_t c = 0; c < 4; ++c) {
        bool inside = h >= 1 && h <= 2 && w >= 1 && w <= 3;
        float expected = inside ? source[((h - 1) * 3 + (w - 1)) * 4 + c] : 0;
        EXPECT_EQ(padded[(h * 5 + w) * 4 + c], expected) << h << w << c;
      }
}

TEST(MemrefCopyTest, CopiesOutOfATransposedView) {
  // The transpose of a 3x2 matrix, read through strides (1, 3).
  std::vector<float> source = {1, 2, 3, 4, 5, 6}, target(6, 0.0f);
  View from(source.data(), 0, {2, 3}, {1, 2});
  View to(target.data(), 0, {2, 3}, {3, 1});
  memrefCopy(sizeof(float), &from.unranked, &to.unranked);
  EXPECT_EQ(target, (std::vector<float>{1, 3, 5, 2, 4, 6}));
}

TEST(MemrefCopyTest, IgnoresTheStridesOfUnitDimensions) {
  std::vector<float> source = {1, 2, 3, 4}, target(4, 0.0f);
  View from(source.data(), 0, {1, 4, 1}, {99, 1, 7});
  View to(target.data(), 0, {1, 4, 1}, {4, 1, 1});
  memrefCopy(sizeof(float), &from.unranked, &to.unranked);
  EXPECT_EQ(target, source);
  float scalar = 5, out = 0;
  View scalarFrom(&scalar, 0, {}, {}), scalarTo(&out, 0, {}, {});
  memrefCopy(sizeof(float), &scalarFrom.unranked, &scalarTo.unranked);
  EXPECT_EQ(out, 5);
}

} // namespace
