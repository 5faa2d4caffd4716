//===- Passes.td - Graph-level passes on moc ----------------*- tablegen -*-===//
#ifndef MOCC_DIALECT_MOC_TRANSFORMS_PASSES_TD
#define MOCC_DIALECT_MOC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FoldConstantsPass : Pass<"moc-fold-constants", "mlir::func::FuncOp"> {
  let summary = "Evaluates constant subgraphs and folds batch normalization";
  let description = [{
    Runs the moc folders and canonicalization patterns with a larger budget
    than canonicalization has (constants up to `max-elements` elements are
    evaluated: shape arithmetic, casts, slices, elementwise math on weights),
    and folds a batch normalization with constant statistics into the
    convolution before it: the weights are scaled per output channel and the
    bias shifted, once, at compile time. Reshapes and transposes of weights
    were already folded by canonicalization without copying the data twice.

    ```mlir
    %c = moc.conv %x, %w, %b {...}
    %y = moc.batch_norm %c, %scale, %shift, %mean, %var {epsilon = 1.0e-05 : f32}
    // becomes
    %y = moc.conv %x, %w2, %b2 {...}   // w2 = w * k, b2 = (b - mean) * k + shift,
                                        // k = scale / sqrt(var + epsilon)
    ```
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", "1 << 20",
           "Largest constant, in elements, that is evaluated">,
  ];
}

def RecognizeOpsPass : Pass<"moc-recognize-ops", "mlir::func::FuncOp"> {
  let summary = "Rewrites decomposed activations back into single ops";
  let description = [{
    Exporters before ONNX's Gelu (opset 20) write GELU as
    `x * 0.5 * (1 + erf(x / sqrt(2)))`; this pass turns that chain (factors
    in any order, the division also as a multiplication by 1 / sqrt(2), every
    intermediate used once) into one `moc.gelu`.
  }];
}

def ConvertLayoutPass : Pass<"moc-convert-layout", "mlir::func::FuncOp"> {
  let summary = "Runs convolution regions in channels-last (NHWC) layout";
  let description = [{
    Rewrites every static 2-d convolution and pooling to its `channels_last`
    form between a transpose into NHWC and one back to NCHW; convolution
    weights are re-laid out to F x KH x KW x C at compile time (the transpose
    of a constant folds), so that the innermost loop (over input channels)
    reads input and weight contiguously. The transposes back to NCHW then sink through the
    ops that do not care about the layout (elementwise math with scalar or
    constant operands, concatenations, reductions that keep dimensions) and
    cancel against the next transpose into NHWC. The pipeline runs it for
    targets that prefer channels-last convolutions (the CPUs).

    ```mlir
    %c = moc.conv %x, %w {...} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
    %r = moc.relu %c
    // becomes
    %t = moc.transpose %x {permutation = array<i64: 0, 2, 3, 1>}
    %c = moc.conv %t, %w2 {..., channels_last} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>) -> tensor<1x8x8x4xf32>
    %r = moc.relu %c
    %y = moc.transpose %r {permutation = array<i64: 0, 3, 1, 2>}
    ```
  }];
}

#endif // MOCC_DIALECT_MOC_TRANSFORMS_PASSES_TD
