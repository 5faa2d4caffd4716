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

#endif // MOCC_DIALECT_MOC_TRANSFORMS_PASSES_TD
