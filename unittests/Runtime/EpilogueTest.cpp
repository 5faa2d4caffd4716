// The kernels' epilogue (runtime/src/epilogue.c): bias per column, residual,
// then each activation, against the same formulas in double precision, on
// a block inside a larger buffer; NaN stays NaN; empty operands are none.
extern "C" {
#include "epilogue.h"
}

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

constexpr int64_t kRows = 5, kCols = 37, kLdc = 40, kLdr = 41, kCol = 3;

double activate(double x, int64_t activation) {
  switch (activation) {
  case MOCC_ACTIVATION_RELU:
    return x < 0 ? 0 : x;
  case MOCC_ACTIVATION_CLIP:
    return x < 0 ? 0 : (x > 6 ? 6 : x);
  case MOCC_ACTIVATION_SIGMOID:
    return 1 / (1 + std::exp(-x));
  case MOCC_ACTIVATION_SILU:
    return x / (1 + std::exp(-x));
  default:
    return x;
  }
}

class EpilogueTest : public ::testing::TestWithParam<int64_t> {};

TEST_P(EpilogueTest, MatchesDoublePrecision) {
  int64_t activation = GetParam();
  std::vector<float> bias(kCol + kCols), c(kRows * kLdc), residual(kRows * kLdr);
  for (size_t i = 0; i < bias.size(); ++i)
    bias[i] = 0.25f * float(i % 7) - 0.75f;
  // Values from -100 to 100: exp's clamps, and every branch of the clip.
  for (size_t i = 0; i < c.size(); ++i)
    c[i] = -100.0f + 200.0f * float((i * 37) % c.size()) / float(c.size());
  for (size_t i = 0; i < residual.size(); ++i)
    residual[i] = 0.5f * float(i % 5) - 1.0f;
  std::vector<float> before = c;
  mocc_epilogue e = {bias.data(), residual.data(), activation, 0.0f, 6.0f};
  mocc_epilogue_apply(&e, c.data(), kLdc, residual.data(), kLdr, kCol, kRows,
                      kCols);
  for (int64_t r = 0; r < kRows; ++r) {
    for (int64_t j = 0; j < kLdc; ++j) {
      float got = c[r * kLdc + j];
      if (j >= kCols) { // Outside the block: untouched.
        EXPECT_EQ(got, before[r * kLdc + j]);
        continue;
      }
      double x = double(before[r * kLdc + j]) + bias[kCol + j] +
                 residual[r * kLdr + j];
      double want = activate(x, activation);
      EXPECT_NEAR(got, want, 2e-6 * std::max(1.0, std::fabs(want)))
          << "row " << r << " column " << j << " x " << x;
    }
  }
}

TEST_P(EpilogueTest, KeepsNaN) {
  float c[2] = {NAN, 1.0f};
  mocc_epilogue e = {nullptr, nullptr, GetParam(), 0.0f, 6.0f};
  mocc_epilogue_apply(&e, c, 2, nullptr, 0, 0, 1, 2);
  EXPECT_TRUE(std::isnan(c[0]));
  EXPECT_NEAR(c[1], activate(1.0, GetParam()), 1e-6);
}

INSTANTIATE_TEST_SUITE_P(Activations, EpilogueTest,
                         ::testing::Values(MOCC_ACTIVATION_NONE,
                                           MOCC_ACTIVATION_RELU,
                                           MOCC_ACTIVATION_CLIP,
                                           MOCC_ACTIVATION_SIGMOID,
                                           MOCC_ACTIVATION_SILU));

TEST(EpilogueMake, EmptyBiasAndResidualAreNone) {
  alignas(8) int64_t storage[8] = {};
  auto *empty = reinterpret_cast<mocc_memref *>(storage);
  empty->sizes_and_strides[0] = 0;
  mocc_epilogue e =
      mocc_epilogue_make(empty, empty, MOCC_ACTIVATION_NONE, 0, 0);
  EXPECT_EQ(e.bias, nullptr);
  EXPECT_EQ(e.residual, nullptr);
  EXPECT_TRUE(mocc_epilogue_is_identity(&e));
}

} // namespace
