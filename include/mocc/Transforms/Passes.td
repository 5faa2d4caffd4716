//===- Passes.td - Passes below the moc level ----------------*- tablegen -*-===//
#ifndef MOCC_TRANSFORMS_PASSES_TD
#define MOCC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ExpandMathPass : Pass<"mocc-expand-math", "mlir::func::FuncOp"> {
  let summary = "Expands math functions into arithmetic";
  let description = [{
    Replaces math dialect functions (exp, tanh, erf, sin, ...) by polynomial
    approximations and expansions in arith, so that a compiled model needs no
    math library at run time and the vectorizer sees plain arithmetic.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect"];
}

def FlattenGlobalsPass : Pass<"mocc-flatten-globals", "mlir::ModuleOp"> {
  let summary = "Stores every constant buffer as a one-dimensional global";
  let description = [{
    Rewrites each multi-dimensional `memref.global` into a one-dimensional
    one and each `memref.get_global` of it into a `memref.expand_shape` of the
    flat buffer. Weights then translate to one flat LLVM constant each rather
    than one small constant per innermost row, which keeps compile time
    linear in the size of the weights. Weight blobs are shared, not copied.

    ```mlir
    memref.global "private" constant @w : memref<2x3xf32> = dense<...>
    // becomes
    memref.global "private" constant @w : memref<6xf32> = dense<...>
    ```
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def PlanArenaPass : Pass<"mocc-plan-arena", "mlir::ModuleOp"> {
  let summary = "Places every intermediate buffer in one static arena";
  let description = [{
    After bufferization, replaces each `memref.alloc` of the entry function
    by a `memref.view` into an arena passed as the function's last argument
    (`memref<?xi8>`), and records the arena's size in bytes as the module
    attribute `mocc.arena_bytes`. A model instance allocates its arena once,
    so running a model allocates nothing. Buffers whose lifetimes do not
    overlap share arena space (greedy by size over liveness intervals of the
    straight-line entry block).

    ```mlir
    %0 = memref.alloc() : memref<4xf32>
    // becomes
    %0 = memref.view %arena[%c64][] : memref<?xi8> to memref<4xf32>
    ```
  }];
  let options = [
    Option<"entryName", "entry", "std::string", "\"main_graph\"",
           "Name of the function whose buffers are planned">,
    Option<"alignment", "alignment", "int64_t", "64",
           "Alignment of every buffer in the arena, in bytes">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

#endif // MOCC_TRANSFORMS_PASSES_TD
