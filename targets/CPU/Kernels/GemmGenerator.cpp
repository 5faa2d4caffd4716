//===- GemmGenerator.cpp - The f32 GEMM microkernels (Halide) -------------===//
//
// c[M x N] = a[M x K] * B, with a and c row-major (row strides lda >= K,
// ldc >= N) and B the constant weights, packed at compile time in panels of
// NR columns (gemm_pack.h). M, N and K are run-time values >= 1; the caller
// parallelises by calling the kernel on sub-blocks (rows: a and c offset by
// whole rows; columns: packed_b offset by whole panels, c by p * NR).
//
// One variant per ISA, each with its own register tile MR x NR (the
// generator parameters, chosen per ISA in CMakeLists.txt): a tile of c is
// held in vector registers across the whole K loop, vectorized over its NR
// columns and unrolled over its MR rows, so that each k step loads NR floats
// of the B panel contiguously, broadcasts MR floats of a, and issues
// MR * NR / lanes FMAs. Loop order: panels outside, tiles of rows inside, so
// a panel (K * NR floats) stays in L2 while a streams past it.
//
// Edges: the last panel is computed whole (its zero padding is readable) and
// stored with masked stores; a narrow variant (the `panel` parameter: tiles
// narrower than the panels) computes a last panel whose columns fit it, so
// that 16 filters on 32-wide panels do not compute 16 more (gemm_shim.c
// calls it). Ragged rows shift the last tile up over rows already computed
// (recomputing at most MR - 1 rows); the entry calls tiles of 4, 2 and 1
// rows exactly instead.
//
// Built with no_runtime, no_asserts and no_bounds_query: the functions call
// nothing, check nothing and allocate only their accumulator tile, which
// LLVM keeps in registers.
//
//===----------------------------------------------------------------------===//
#include "RegisterTiles.h"

using namespace Halide;

namespace {

class SgemmGenerator : public Generator<SgemmGenerator> {
public:
  GeneratorParam<int> mr{"mr", 8};  // Rows of c per register tile.
  GeneratorParam<int> nr{"nr", 32}; // Columns per tile.
  // The width of packed_b's panels: nr, or a multiple of it for a narrow
  // variant that computes the first nr columns of a panel (a call covers at
  // most nr columns then).
  GeneratorParam<int> panel{"panel", 0};

  Input<Buffer<float, 2>> a{"a"};               // a(k, i)
  Input<Buffer<float, 3>> packed_b{"packed_b"}; // packed_b(j, k, panel)
  Output<Buffer<float, 2>> c{"c"};              // c(j, i)

  void generate() {
    const int width = panel > 0 ? int(panel) : int(nr);
    k = RDom(0, a.dim(0).extent(), "k");
    prod(j, i) = 0.0f;
    prod(j, i) += a(k, i) * packed_b(j % width, k, j / width);
    c(j, i) = prod(j, i);

    // The layout contract. Halide compiles these in as facts (no_asserts):
    // zero mins and unit inner strides let it prove that a tile's columns
    // are one contiguous vector of its panel.
    a.dim(0).set_min(0).set_stride(1);
    a.dim(1).set_min(0);
    mocc::kernels::requirePanels(packed_b, width);
    c.dim(0).set_min(0).set_stride(1);
    c.dim(1).set_min(0);
  }

  void schedule() {
    mocc::kernels::RegisterTiles(j, i, mr, nr).schedule(c, prod, {k});
  }

private:
  Var j{"j"}, i{"i"};
  RDom k;
  Func prod{"prod"};
};

} // namespace

HALIDE_REGISTER_GENERATOR(SgemmGenerator, mocc_sgemm)
