//===- Passes.td - Lowerings out of the moc dialect ----------*- tablegen -*-===//
#ifndef MOCC_CONVERSION_PASSES_TD
#define MOCC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// MocToLinalg
//===----------------------------------------------------------------------===//

def ConvertMocToLinalgPass
    : Pass<"mocc-convert-moc-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower moc ops to linalg, tensor, arith and math";
  let description = [{
    Rewrites every `moc` op into structured ops on tensors: elementwise ops
    become `linalg.generic` with numpy broadcasting in their indexing maps,
    matmul and convolution become named linalg ops (or a generic fallback),
    reductions, pooling and normalizations become reduction generics, and data
    movement becomes `tensor` ops. Unsigned integer tensors become signless;
    the scalar code picks signed or unsigned arithmetic from the moc types.
    Function signatures are converted along.

    ```mlir
    // Before
    %0 = moc.relu %x : (tensor<4xf32>) -> tensor<4xf32>
    // After
    %e = tensor.empty() : tensor<4xf32>
    %0 = linalg.generic {...} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
      ^bb0(%in: f32, %out: f32):
        %zero = arith.constant 0.0 : f32
        %r = arith.maximumf %in, %zero : f32
        linalg.yield %r : f32
    } -> tensor<4xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // MOCC_CONVERSION_PASSES_TD
