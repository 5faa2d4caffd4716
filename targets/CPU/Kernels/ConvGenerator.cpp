//===- ConvGenerator.cpp - The f32 direct convolution kernels (Halide) ---===//
//
// out[i][j] = sum over y < KH, x < KW, c < C of
//   in[y * DH][i * SW + x * DW][c] * B((y * KW + x) * C + c, j)
// for one segment of an output row whose windows lie inside the input: the
// GEMM of GemmGenerator.cpp with its a read from the input where the windows
// are, not from a gathered copy (im2col). B is the convolution's weight as
// the GEMM kernel's panels of NR columns (gemm_pack.h), with k ordered
// (ky, kx, c) as the gather orders it, so the same packed constant serves
// both.
//
// The schedule is the GEMM kernel's (RegisterTiles.h): a tile of MR output
// pixels by NR filters in vector registers across the whole reduction. The
// channel loop is innermost, so each step loads NR floats of
// the panel and broadcasts MR input channels, one per pixel. With few
// channels (an RGB stem's 3) the loops over the taps cost a few
// instructions per step, still less than gathering the windows.
//
// Built with no_runtime, no_asserts and no_bounds_query, like the GEMM.
//
//===----------------------------------------------------------------------===//
#include "RegisterTiles.h"

using namespace Halide;

namespace {

class SconvGenerator : public Generator<SconvGenerator> {
public:
  GeneratorParam<int> mr{"mr", 8};  // Output pixels per register tile.
  GeneratorParam<int> nr{"nr", 32}; // Filters per tile: the panel width.

  Input<Buffer<float, 3>> in{"in"};             // in(c, x, y)
  Input<Buffer<float, 3>> packed_b{"packed_b"}; // packed_b(j, k, panel)
  Input<int32_t> kw{"kw"};
  Input<int32_t> kh{"kh"};
  Input<int32_t> sw{"sw"};
  Input<int32_t> dw{"dw"};
  Input<int32_t> dh{"dh"};
  Output<Buffer<float, 2>> out{"out"}; // out(j, i)

  void generate() {
    Expr channels = in.dim(0).extent();
    r = RDom(0, channels, 0, kw, 0, kh, "r");
    RVar c = r.x, x = r.y, y = r.z;
    prod(j, i) = 0.0f;
    prod(j, i) += in(c, i * sw + x * dw, y * dh) *
                  packed_b(j % nr, (y * kw + x) * channels + c, j / nr);
    out(j, i) = prod(j, i);

    // The layout contract, as in GemmGenerator.cpp.
    in.dim(0).set_min(0).set_stride(1);
    in.dim(1).set_min(0);
    in.dim(2).set_min(0);
    mocc::kernels::requirePanels(packed_b, nr);
    out.dim(0).set_min(0).set_stride(1);
    out.dim(1).set_min(0);
  }

  void schedule() {
    mocc::kernels::RegisterTiles(j, i, mr, nr)
        .schedule(out, prod, {r.x, r.y, r.z});
  }

private:
  Var j{"j"}, i{"i"};
  RDom r;
  Func prod{"prod"};
};

} // namespace

HALIDE_REGISTER_GENERATOR(SconvGenerator, mocc_sconv)
