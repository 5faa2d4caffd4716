//===- DepthwiseGenerator.cpp - The f32 depthwise microkernels (Halide) ---===//
//
// out[oh][ow][c] = sum over y < KH, x < KW of
//                  in[oh * sh + y * dh][ow * sw + x * dw][c] * w[y][x][c]
// for one image, channels last (depthwise_reference.h): in zero-padded
// already, w dense [KH][KW][C], out overwritten. Sizes, strides, dilations
// and the kernel size are run-time values; the caller parallelises by
// blocks of output rows.
//
// One variant per ISA, each with its own tile (the generator parameters,
// chosen per ISA in CMakeLists.txt): `pixels` output pixels of a row by one
// vector of `lanes` channels, held in registers over all KH x KW taps. A tap
// loads one weight vector for the whole tile. 3x3 and 5x5 at stride 1 and 2
// without dilation, nearly all the depthwise layers of MobileNets and
// EfficientNets, unroll the taps of a kernel row, so that at stride 1 they
// share their input loads (pixels + KW - 1 vectors, not pixels * KW); the
// kernel rows stay a loop (unrolled too, the code doubles for no measured
// gain). Other kernels loop over all taps.
//
// Loop order: bands of up to 8 output rows, then channel vectors, then the
// band's rows and their tiles. A channel vector's input rows stay in L1 from
// one output row to the next (KH - 1 of them are shared), and a band's input
// in L2 from one channel vector to the next (112x112x32 in one call: 10-20%
// faster than without bands on Zen 4).
//
// Edges: channels, pixels and bands in whole tiles, the last one shifted
// back over ones already computed (harmless: out is only written). Bands
// are as even as their count allows, so that at most a few rows are
// computed twice. Fewer channels than a vector, or pixels than a tile, take
// narrower tiles: 4, then 1.
//
// Built like the GEMM kernels: no runtime, asserts or bounds queries.
//
//===----------------------------------------------------------------------===//
#include "Halide.h"

using namespace Halide;

namespace {

class DepthwiseGenerator : public Generator<DepthwiseGenerator> {
public:
  GeneratorParam<int> pixels{"pixels", 7}; // Output pixels per tile.
  GeneratorParam<int> lanes{"lanes", 16};  // Channels per tile: a vector.

  Input<Buffer<float, 3>> in{"in"}; // in(c, x, y)
  Input<Buffer<float, 3>> w{"w"};   // w(c, kx, ky)
  Input<int32_t> stride_x{"stride_x"};
  Input<int32_t> stride_y{"stride_y"};
  Input<int32_t> dilation_x{"dilation_x"};
  Input<int32_t> dilation_y{"dilation_y"};
  Output<Buffer<float, 3>> out{"out"}; // out(c, x, y)

  void generate() {
    r = RDom(0, w.dim(1).extent(), 0, w.dim(2).extent(), "r");
    acc(c, x, y) = 0.0f;
    acc(c, x, y) += in(c, x * stride_x + r.x * dilation_x,
                       y * stride_y + r.y * dilation_y) *
                    w(c, r.x, r.y);
    out(c, x, y) = acc(c, x, y);

    // The layout contract, compiled in as facts (no_asserts): channels
    // contiguous, w dense.
    in.dim(0).set_min(0).set_stride(1);
    in.dim(1).set_min(0);
    in.dim(2).set_min(0);
    w.dim(0).set_min(0).set_stride(1);
    w.dim(1).set_min(0).set_stride(w.dim(0).extent());
    w.dim(2).set_min(0).set_stride(w.dim(0).extent() * w.dim(1).extent());
    out.dim(0).set_min(0).set_stride(1);
    out.dim(1).set_min(0);
    out.dim(2).set_min(0);
  }

  void schedule() {
    Expr channels = out.dim(0).extent(), width = out.dim(1).extent();
    Expr height = out.dim(2).extent(), bands = (height + 7) / 8;
    Expr bandRows = (height + bands - 1) / bands; // 1 to 8.
    for (int vector : narrowing(lanes)) {
      Stage byChannels =
          vector > 1 ? out.specialize(channels >= vector) : Stage(out);
      for (int tile : narrowing(pixels)) {
        Stage stage =
            tile > 1 ? byChannels.specialize(width >= tile) : byChannels;
        schedule(stage, vector, tile, bandRows);
      }
    }

    acc.compute_at(out, xo).vectorize(c).unroll(x);
    Stage update = acc.update();
    update.reorder(c, x, r.x, r.y).vectorize(c).unroll(x);
    Expr kw = w.dim(1).extent(), kh = w.dim(2).extent();
    for (int k : {3, 5}) {
      for (int s : {1, 2}) {
        // Full tiles only: narrow ones are rare, and would multiply the code.
        update
            .specialize(channels >= lanes && width >= pixels && kw == k &&
                        kh == k && stride_x == s && stride_y == s &&
                        dilation_x == 1 && dilation_y == 1)
            .unroll(r.x);
      }
    }
  }

private:
  // A tile size and the narrower ones for extents below it: 4, then 1.
  static std::vector<int> narrowing(int size) {
    std::vector<int> sizes = {size};
    if (size > 4)
      sizes.push_back(4);
    if (size > 1)
      sizes.push_back(1);
    return sizes;
  }

  // Tiles a stage of out (one specialization) in `tile` pixels by `vector`
  // channels, in bands of `bandRows` rows.
  void schedule(Stage stage, int vector, int tile, Expr bandRows) {
    stage.split(c, co, ci, vector, TailStrategy::ShiftInwards)
        .split(x, xo, xi, tile, TailStrategy::ShiftInwards)
        .split(y, yo, yi, bandRows, TailStrategy::ShiftInwards)
        .reorder(ci, xi, xo, yi, co, yo)
        .vectorize(ci)
        .unroll(xi);
  }

  Var c{"c"}, x{"x"}, y{"y"}, co{"co"}, ci{"ci"}, xo{"xo"}, xi{"xi"}, yo{"yo"},
      yi{"yi"};
  RDom r;
  Func acc{"acc"};
};

} // namespace

HALIDE_REGISTER_GENERATOR(DepthwiseGenerator, mocc_dwconv)
