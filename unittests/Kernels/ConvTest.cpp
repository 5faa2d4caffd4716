//===- ConvTest.cpp - The f32 direct convolution kernels against the GEMM
//--===//
//
// Every x86-64 variant the host CPU runs, built from the bitcode mocc embeds:
// each output segment's windows gathered by hand (im2col, k ordered kh, kw,
// channels) and multiplied by the GEMM reference are the oracle. Sizes around
// the tile (segments of 1, MR - 1, MR + 5 pixels; filters below, at and past
// a panel), strides, dilations and padded pixel and row strides.
//
//===----------------------------------------------------------------------===//
#include "HostKernelTest.h"
#include "gemm_pack.h"
#include "gemm_reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace mocc::cpu;

extern "C" {
// The host builds of the ISAs' entries, renamed mocc_kernel_sconv_<isa>.
#define MOCC_DECLARE_ENTRY(isa)                                                \
  void mocc_kernel_sconv_##isa(                                                \
      const float *in, int64_t row_stride, int64_t pixel_stride,               \
      int64_t channels, const float *packed_b, float *out, int64_t ldc,        \
      int64_t pixels, int64_t n, int64_t kh, int64_t kw, int64_t sw,           \
      int64_t dh, int64_t dw);
MOCC_DECLARE_ENTRY(sse2)
MOCC_DECLARE_ENTRY(avx2)
MOCC_DECLARE_ENTRY(avx512)
#undef MOCC_DECLARE_ENTRY
}

namespace {

using Entry = decltype(&mocc_kernel_sconv_sse2);

/// One convolution case: a window of kh x kw taps over `channels`, strides
/// and dilations, `pixels` outputs of one row, `filters` filters.
struct Case {
  int64_t pixels, filters, channels, kh, kw, sw, dh, dw;
  /// Floats of padding after each pixel and each input row.
  int64_t pixelPad = 0, rowPad = 0;
};

class ConvTest : public HostKernelTest<Entry, KernelOp::ConvF32> {
protected:
  ConvTest()
      : HostKernelTest(mocc_kernel_sconv_sse2, mocc_kernel_sconv_avx2,
                       mocc_kernel_sconv_avx512) {}

  /// Runs the kernel on random data and checks every output against the
  /// gathered windows times the GEMM reference, and that the padding
  /// columns of the output stay untouched.
  void check(const Case &c, std::mt19937 &random) {
    SCOPED_TRACE(testing::Message()
                 << "pixels=" << c.pixels << " filters=" << c.filters
                 << " channels=" << c.channels << " kernel=" << c.kh << "x"
                 << c.kw << " sw=" << c.sw << " dilation=" << c.dh << "x"
                 << c.dw);
    int64_t width = (c.pixels - 1) * c.sw + (c.kw - 1) * c.dw + 1;
    int64_t height = (c.kh - 1) * c.dh + 1;
    int64_t pixelStride = c.channels + c.pixelPad;
    int64_t rowStride = width * pixelStride + c.rowPad;
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    std::vector<float> input(height * rowStride);
    for (float &x : input)
      x = uniform(random);
    int64_t k = c.kh * c.kw * c.channels;
    std::vector<float> weight(k * c.filters);
    for (float &x : weight)
      x = uniform(random);
    std::vector<float> packed(mocc_sgemm_packed_b_size(k, c.filters, info->nr));
    mocc_sgemm_pack_b(weight.data(), c.filters, k, c.filters, info->nr,
                      packed.data());

    std::vector<float> windows(c.pixels * k);
    for (int64_t i = 0; i < c.pixels; ++i)
      for (int64_t y = 0; y < c.kh; ++y)
        for (int64_t x = 0; x < c.kw; ++x)
          for (int64_t ch = 0; ch < c.channels; ++ch)
            windows[i * k + (y * c.kw + x) * c.channels + ch] =
                input[y * c.dh * rowStride +
                      (i * c.sw + x * c.dw) * pixelStride + ch];
    int64_t ldc = c.filters + 3;
    std::vector<float> want(c.pixels * ldc, NAN), got(c.pixels * ldc, NAN);
    mocc_sgemm_reference(windows.data(), k, packed.data(), info->nr,
                         want.data(), ldc, c.pixels, c.filters, k);
    entry(input.data(), rowStride, pixelStride, c.channels, packed.data(),
          got.data(), ldc, c.pixels, c.filters, c.kh, c.kw, c.sw, c.dh, c.dw);
    int failures = 0;
    for (int64_t i = 0; i < c.pixels; ++i)
      for (int64_t j = 0; j < ldc; ++j) {
        float g = got[i * ldc + j], w = want[i * ldc + j];
        bool ok = j >= c.filters ? std::isnan(g)
                                 : std::fabs(g - w) <=
                                       1e-5 * k * std::max(1.0f, std::fabs(w));
        if (!ok && failures++ < 5)
          ADD_FAILURE() << "out(" << i << ", " << j << ") = " << g
                        << ", expected " << w;
      }
  }
};

TEST_P(ConvTest, SegmentsAroundTheTile) {
  std::mt19937 random(1);
  const int64_t mr = info->mr, nr = info->nr;
  for (int64_t pixels : {int64_t(1), mr - 1, mr, mr + 5, 3 * mr + 7})
    for (int64_t filters : {int64_t(5), nr, nr + 3})
      check({pixels, filters, 16, 3, 3, 1, 1, 1}, random);
}

TEST_P(ConvTest, StridesDilationsAndPaddedStrides) {
  std::mt19937 random(2);
  const int64_t nr = info->nr;
  check({13, nr, 24, 3, 3, 2, 1, 1}, random);
  check({11, 2 * nr + 1, 16, 1, 1, 2, 1, 1}, random);
  check({9, 7, 17, 5, 5, 1, 2, 2}, random);
  check({12, nr - 1, 32, 7, 7, 2, 1, 1, /*pixelPad=*/3, /*rowPad=*/5}, random);
  check({6, 40, 20, 3, 2, 3, 3, 1, /*pixelPad=*/1, /*rowPad=*/0}, random);
}

MOCC_INSTANTIATE_HOST_ISAS(ConvTest);

} // namespace
