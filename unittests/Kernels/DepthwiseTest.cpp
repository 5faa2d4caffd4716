//===- DepthwiseTest.cpp - The f32 depthwise kernels against the reference ===//
//
// Every x86-64 variant the host CPU runs, built from the bitcode mocc embeds
// (targets/CPU/Kernels/CMakeLists.txt), on odd sizes: channels below, at and
// above a vector (1, primes, tile + 1), the kernels the generator specializes
// (3x3, 5x5 at strides 1 and 2) and others, dilations, output widths around
// the pixel tile, padded strides, and row blocks as a parallel caller issues
// them.
//
//===----------------------------------------------------------------------===//
#include "HostKernelTest.h"
#include "depthwise_reference.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace mocc::cpu;

extern "C" {
// The host builds of the ISAs' entries, renamed mocc_kernel_dwconv_<isa>.
#define MOCC_DECLARE_ENTRY(isa)                                                \
  void mocc_kernel_dwconv_##isa(                                               \
      const float *in, int64_t in_row_stride, int64_t in_pixel_stride,         \
      const float *w, float *out, int64_t out_row_stride,                      \
      int64_t out_pixel_stride, int64_t out_h, int64_t out_w,                  \
      int64_t channels, int64_t kh, int64_t kw, int64_t sh, int64_t sw,        \
      int64_t dh, int64_t dw);
MOCC_DECLARE_ENTRY(sse2)
MOCC_DECLARE_ENTRY(avx2)
MOCC_DECLARE_ENTRY(avx512)
#undef MOCC_DECLARE_ENTRY
}

namespace {

using Entry = decltype(&mocc_kernel_dwconv_sse2);

/// An [h][w][c] image with padding after each pixel and each row, NaN
/// unless written, so that a kernel reading padding or writing wrong
/// values shows.
struct Image {
  int64_t h, w, c, pixelStride, rowStride;
  std::vector<float> data;

  Image(int64_t h, int64_t w, int64_t c, int64_t pad)
      : h(h), w(w), c(c), pixelStride(c + pad), rowStride(w * (c + pad) + pad),
        data(h * rowStride, NAN) {}

  float &at(int64_t y, int64_t x, int64_t ch) {
    return data[y * rowStride + x * pixelStride + ch];
  }

  /// An image of values in [-1, 1], its padding NaN.
  static Image random(int64_t h, int64_t w, int64_t c, int64_t pad,
                      std::mt19937 &engine) {
    Image image(h, w, c, pad);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        for (int64_t ch = 0; ch < c; ++ch)
          image.at(y, x, ch) = uniform(engine);
    return image;
  }
};

/// One convolution: kernel, strides, dilations and output size.
struct Shape {
  int64_t kh, kw, sh, sw, dh, dw, outH, outW, channels;

  int64_t inH() const { return (outH - 1) * sh + (kh - 1) * dh + 1; }
  int64_t inW() const { return (outW - 1) * sw + (kw - 1) * dw + 1; }
};

class DepthwiseTest : public HostKernelTest<Entry, KernelOp::DepthwiseF32> {
protected:
  DepthwiseTest()
      : HostKernelTest(mocc_kernel_dwconv_sse2, mocc_kernel_dwconv_avx2,
                       mocc_kernel_dwconv_avx512) {}

  /// Runs the kernel and the reference on one shape, rows [0, outH) in
  /// calls of `rowsPerCall` rows, and compares.
  void check(const Shape &s, int64_t pad, std::mt19937 &random,
             int64_t rowsPerCall = 0) {
    SCOPED_TRACE(testing::Message()
                 << s.kh << "x" << s.kw << " stride " << s.sh << "," << s.sw
                 << " dilation " << s.dh << "," << s.dw << " out " << s.outH
                 << "x" << s.outW << "x" << s.channels << " pad " << pad);
    Image in = Image::random(s.inH(), s.inW(), s.channels, pad, random);
    Image w = Image::random(s.kh, s.kw, s.channels, 0, random);
    Image want(s.outH, s.outW, s.channels, 2 * pad);
    Image got = want;
    mocc_dwconv_reference(in.data.data(), in.rowStride, in.pixelStride,
                          w.data.data(), want.data.data(), want.rowStride,
                          want.pixelStride, s.outH, s.outW, s.channels, s.kh,
                          s.kw, s.sh, s.sw, s.dh, s.dw);
    if (rowsPerCall == 0)
      rowsPerCall = s.outH;
    for (int64_t row = 0; row < s.outH; row += rowsPerCall) {
      entry(in.data.data() + row * s.sh * in.rowStride, in.rowStride,
            in.pixelStride, w.data.data(),
            got.data.data() + row * got.rowStride, got.rowStride,
            got.pixelStride, std::min(rowsPerCall, s.outH - row), s.outW,
            s.channels, s.kh, s.kw, s.sh, s.sw, s.dh, s.dw);
    }
    expectNear(got, want);
  }

  /// Within 1e-5 relative (absolute below 1); padding untouched (NaN).
  /// Reports the first few differences.
  void expectNear(const Image &got, const Image &want) {
    int failures = 0;
    for (size_t i = 0; i < want.data.size(); ++i) {
      float g = got.data[i], w = want.data[i];
      bool ok = std::isnan(w) ? std::isnan(g)
                              : std::fabs(g - w) <=
                                    1e-5 * std::max(1.0, std::fabs((double)w));
      if (!ok && failures++ < 5) {
        int64_t y = i / want.rowStride, x = i % want.rowStride;
        ADD_FAILURE() << "out[" << y << "][" << x / want.pixelStride << "]["
                      << x % want.pixelStride << "] = " << g << ", expected "
                      << w;
      }
    }
  }
};

TEST_P(DepthwiseTest, OddSizes) {
  const int64_t kernels[][2] = {{3, 3}, {5, 5}, {1, 3}, {7, 7}};
  std::mt19937 random(1);
  for (int64_t channels : {1, 3, 8, 17, 24, 33, 144}) {
    for (const auto &k : kernels) {
      for (int64_t stride : {1, 2}) {
        for (int64_t dilation : {1, 2}) {
          for (int64_t outW = 1; outW <= 9; ++outW) {
            // Square strides and dilations are the specialized ones.
            Shape s{k[0],     k[1],         stride, stride,  dilation,
                    dilation, 1 + outW % 3, outW,   channels};
            check(s, outW % 2 == 0 ? 3 : 0, random);
            if (HasFailure())
              return;
          }
        }
      }
    }
  }
}

// Unequal strides and dilations, and widths of several pixel tiles.
TEST_P(DepthwiseTest, MixedStridesAndWideRows) {
  std::mt19937 random(2);
  const int64_t wide = 2 * info->mr + 3;
  for (int64_t channels : {5, 24, info->nr + 1}) {
    check({3, 3, 1, 2, 1, 1, 3, wide, channels}, 0, random);
    check({3, 3, 2, 1, 1, 1, 3, wide, channels}, 1, random);
    check({3, 5, 1, 1, 2, 1, 2, wide, channels}, 0, random);
    check({5, 5, 2, 2, 1, 2, 2, wide, channels}, 2, random);
    check({3, 3, 1, 1, 1, 1, 2, info->mr, channels}, 0, random);
  }
}

// Blocks of output rows, called separately like a parallel caller does (in
// offset by rows * sh input rows, out by rows), and calls of more rows than
// a band (8), whose last band is shifted back.
TEST_P(DepthwiseTest, RowBlocks) {
  std::mt19937 random(3);
  for (int64_t stride : {1, 2}) {
    check({3, 3, stride, stride, 1, 1, 11, 14, 32}, 1, random, 4);
    check({5, 5, stride, stride, 1, 1, 7, 9, 40}, 0, random, 3);
    check({3, 3, stride, stride, 1, 1, 17, 14, 32}, 1, random);
    check({3, 3, stride, stride, 1, 1, 9, 7, 24}, 0, random);
  }
}

MOCC_INSTANTIATE_HOST_ISAS(DepthwiseTest);

} // namespace
