//===- GemmTest.cpp - The f32 GEMM kernels against their reference --------===//
//
// Every x86-64 variant the host CPU runs, built from the bitcode mocc embeds
// (targets/CPU/Kernels/CMakeLists.txt), on sizes around its tile: 1, primes,
// MR + 1, NR + 1, with padded row strides and on sub-blocks as a parallel
// caller issues them. The AArch64 variants are checked by KernelTableTest.
//
//===----------------------------------------------------------------------===//
#include "HostKernelTest.h"
#include "gemm_pack.h"
#include "gemm_reference.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <vector>

using namespace mocc::cpu;

extern "C" {
// The host builds of the ISAs' entries, renamed mocc_kernel_sgemm_<isa>.
#define MOCC_DECLARE_ENTRY(isa)                                                \
  void mocc_kernel_sgemm_##isa(const float *a, int64_t lda,                    \
                               const float *packed_b, float *c, int64_t ldc,   \
                               int64_t m, int64_t n, int64_t k);
MOCC_DECLARE_ENTRY(sse2)
MOCC_DECLARE_ENTRY(avx2)
MOCC_DECLARE_ENTRY(avx512)
#undef MOCC_DECLARE_ENTRY
}

namespace {

using Entry = decltype(&mocc_kernel_sgemm_sse2);

/// A row-major matrix with a row stride, NaN unless written.
struct Matrix {
  int64_t rows, cols, stride;
  std::vector<float> data;

  Matrix(int64_t rows, int64_t cols, int64_t stride)
      : rows(rows), cols(cols), stride(stride), data(rows * stride, NAN) {}

  /// A matrix of values in [-1, 1].
  static Matrix random(int64_t rows, int64_t cols, int64_t stride,
                       std::mt19937 &engine) {
    Matrix matrix(rows, cols, stride);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    for (float &x : matrix.data)
      x = uniform(engine);
    return matrix;
  }
};

class GemmTest : public HostKernelTest<Entry, KernelOp::GemmF32> {
protected:
  GemmTest()
      : HostKernelTest(mocc_kernel_sgemm_sse2, mocc_kernel_sgemm_avx2,
                       mocc_kernel_sgemm_avx512) {}

  std::vector<float> pack(const Matrix &b) const {
    std::vector<float> packed(
        mocc_sgemm_packed_b_size(b.rows, b.cols, info->nr));
    mocc_sgemm_pack_b(b.data.data(), b.stride, b.rows, b.cols, info->nr,
                      packed.data());
    return packed;
  }

  /// c = a * b by the reference, c's padding columns NaN.
  Matrix reference(const Matrix &a, const std::vector<float> &packed, int64_t n,
                   int64_t ldc) const {
    Matrix c(a.rows, n, ldc);
    mocc_sgemm_reference(a.data.data(), a.stride, packed.data(), info->nr,
                         c.data.data(), ldc, a.rows, n, a.cols);
    return c;
  }

  /// Checks the kernel's c against the reference's within 1e-5 * K
  /// (relative, or absolute below 1), and that the padding is untouched.
  /// Reports the first few differences.
  void expectNear(const Matrix &got, const Matrix &want, int64_t k) const {
    int failures = 0;
    for (int64_t i = 0; i < want.rows; ++i) {
      for (int64_t j = 0; j < want.stride; ++j) {
        float g = got.data[i * got.stride + j];
        float w = want.data[i * want.stride + j];
        double tolerance = 1e-5 * k * std::max(1.0, std::fabs((double)w));
        bool ok =
            j >= want.cols ? std::isnan(g) : std::fabs(g - w) <= tolerance;
        if (!ok && failures++ < 5)
          ADD_FAILURE() << "c(" << i << ", " << j << ") = " << g
                        << ", expected " << w;
      }
    }
  }
};

TEST_P(GemmTest, OddSizes) {
  const int64_t mr = info->mr, nr = info->nr;
  // nr / 2 and nr + nr / 2: a last panel that the narrow variant takes
  // whole (its width on x86-64); nr / 2 + 1: one column past it.
  std::set<int64_t> sizes = {1,      2,      7,          13,          mr,
                             mr + 1, nr / 2, nr / 2 + 1, nr + nr / 2, nr,
                             nr + 1, 64,     97};
  std::mt19937 random(1);
  for (int64_t m : sizes) {
    for (int64_t n : sizes) {
      for (int64_t k : sizes) {
        // Dense and padded row strides.
        for (int64_t pad : {0, 3}) {
          SCOPED_TRACE(testing::Message() << "m=" << m << " n=" << n
                                          << " k=" << k << " pad=" << pad);
          Matrix a = Matrix::random(m, k, k + pad, random);
          std::vector<float> packed = pack(Matrix::random(k, n, n, random));
          Matrix want = reference(a, packed, n, n + 2 * pad);
          Matrix got(m, n, want.stride);
          entry(a.data.data(), a.stride, packed.data(), got.data.data(),
                got.stride, m, n, k);
          expectNear(got, want, k);
          if (HasFailure())
            return;
        }
      }
    }
  }
}

// Row blocks and panel blocks, called separately like a parallel caller
// does: a and c offset by rows, packed_b by panels and c by columns.
TEST_P(GemmTest, SubBlocks) {
  const int64_t nr = info->nr, m = 97, n = 5 * nr + 3, k = 64;
  std::mt19937 random(2);
  Matrix a = Matrix::random(m, k, k + 1, random);
  std::vector<float> packed = pack(Matrix::random(k, n, n, random));
  Matrix want = reference(a, packed, n, n + 2);
  Matrix got(m, n, want.stride);

  const int64_t rowCuts[] = {0, 13, 13 + info->mr + 1, m};
  const int64_t panelCuts[] = {0, 1, 3, (n + nr - 1) / nr};
  for (int r = 0; r < 3; ++r) {
    for (int p = 0; p < 3; ++p) {
      int64_t row = rowCuts[r], column = panelCuts[p] * nr;
      int64_t rows = rowCuts[r + 1] - row;
      int64_t columns = std::min(n, panelCuts[p + 1] * nr) - column;
      entry(a.data.data() + row * a.stride, a.stride,
            packed.data() + panelCuts[p] * k * nr,
            got.data.data() + row * got.stride + column, got.stride, rows,
            columns, k);
    }
  }
  expectNear(got, want, k);
}

// Rows past the last whole tile, with panels so deep (k * nr floats over
// 256 KiB) that the entry computes them per chunk of one panel.
TEST_P(GemmTest, RaggedRowsOverDeepPanels) {
  const int64_t nr = info->nr, n = 3 * nr + 5, k = 2100;
  std::mt19937 random(3);
  std::vector<float> packed = pack(Matrix::random(k, n, n, random));
  for (int64_t m : {info->mr + 7, 3 * info->mr + 1}) {
    SCOPED_TRACE(testing::Message() << "m=" << m);
    Matrix a = Matrix::random(m, k, k, random);
    Matrix want = reference(a, packed, n, n);
    Matrix got(m, n, want.stride);
    entry(a.data.data(), a.stride, packed.data(), got.data.data(), got.stride,
          m, n, k);
    expectNear(got, want, k);
  }
}

// A product over no columns of a (k = 0) is zeros, ragged rows included.
TEST_P(GemmTest, EmptyProductIsZeros) {
  const int64_t m = info->mr + 3, n = info->nr + 1;
  std::vector<float> packed(info->nr, NAN);
  Matrix a(m, 0, 1);
  Matrix got(m, n, n);
  entry(a.data.data(), a.stride, packed.data(), got.data.data(), got.stride, m,
        n, 0);
  for (float value : got.data)
    EXPECT_EQ(value, 0.0f);
}

MOCC_INSTANTIATE_HOST_ISAS(GemmTest);

TEST(GemmPackTest, PanelsAreZeroPadded) {
  const int64_t k = 3, n = 5, ldb = 7, nr = 4;
  std::vector<float> b(k * ldb);
  for (size_t i = 0; i < b.size(); ++i)
    b[i] = (float)i;
  ASSERT_EQ(mocc_sgemm_packed_b_size(k, n, nr), 2 * k * nr);
  std::vector<float> packed(2 * k * nr, -1.0f);
  mocc_sgemm_pack_b(b.data(), ldb, k, n, nr, packed.data());
  for (int64_t p = 0; p < 2; ++p) {
    for (int64_t kk = 0; kk < k; ++kk) {
      for (int64_t j = 0; j < nr; ++j) {
        int64_t column = p * nr + j;
        EXPECT_EQ(packed[(p * k + kk) * nr + j],
                  column < n ? b[kk * ldb + column] : 0.0f)
            << "panel " << p << " k " << kk << " j " << j;
      }
    }
  }
}

} // namespace
