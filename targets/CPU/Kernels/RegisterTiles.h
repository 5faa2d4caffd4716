//===- RegisterTiles.h - The GEMM-like generators' schedule -----*- C++ -*-===//
//
// GemmGenerator.cpp and ConvGenerator.cpp compute out(j, i) = prod(j, i), a
// sum over a reduction, for j the columns (filters) of NR-wide panels and i
// the rows (pixels). Both hold a tile of MR rows by NR columns in vector
// registers across the whole reduction: vectorized over its columns,
// unrolled over its rows, panels outermost so that a panel stays in cache
// while the rows stream past it. Rows past the last whole tile get tiles of
// 4, 2 and 1 rows (the entries call those counts exactly); the last panel is
// computed whole and stored with masked stores.
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_TARGETS_CPU_KERNELS_REGISTERTILES_H
#define MOCC_TARGETS_CPU_KERNELS_REGISTERTILES_H

#include "Halide.h"

#include <vector>

namespace mocc::kernels {

/// States the layout of `packed_b`, panels of `width` columns (gemm_pack.h):
/// packed_b(j, k, panel) dense. Halide compiles these in as facts
/// (no_asserts): zero mins and unit inner strides let it prove that a tile's
/// columns are one contiguous vector of its panel.
template <typename Panels> void requirePanels(Panels &packed_b, int width) {
  packed_b.dim(0).set_min(0).set_extent(width).set_stride(1);
  packed_b.dim(1).set_min(0).set_stride(width);
  packed_b.dim(2).set_min(0).set_stride(width * packed_b.dim(1).extent());
}

class RegisterTiles {
public:
  RegisterTiles(Halide::Var j, Halide::Var i, int mr, int nr)
      : j(j), i(i), mr(mr), nr(nr) {}

  /// Schedules `out` and its accumulators `prod`, whose update reduces over
  /// `reduction` (innermost first).
  void schedule(Halide::Func out, Halide::Func prod,
                const std::vector<Halide::RVar> &reduction) {
    Halide::Expr rows = out.output_buffer().dim(1).extent();
    tile(out.specialize(rows >= mr), mr);
    for (int tileRows : {4, 2}) {
      if (tileRows < mr)
        tile(out.specialize(rows >= tileRows), tileRows);
    }
    tile(out, 1);

    // The accumulators: computed per tile, whole panel wide even at the
    // ragged last panel, so that they are a fixed set of registers.
    prod.compute_at(out, io).bound_extent(j, nr).vectorize(j).unroll(i);
    std::vector<Halide::VarOrRVar> order = {j, i};
    order.insert(order.end(), reduction.begin(), reduction.end());
    prod.update().reorder(order).vectorize(j).unroll(i);
  }

private:
  void tile(Halide::Stage stage, int tileRows) {
    stage.split(j, jo, ji, nr, Halide::TailStrategy::Predicate)
        .split(i, io, ii, tileRows, Halide::TailStrategy::ShiftInwards)
        .reorder(ji, ii, io, jo)
        .vectorize(ji)
        .unroll(ii);
  }

  Halide::Var j, i;
  int mr, nr;
  Halide::Var jo{"jo"}, io{"io"}, ji{"ji"}, ii{"ii"};
};

} // namespace mocc::kernels

#endif // MOCC_TARGETS_CPU_KERNELS_REGISTERTILES_H
