//===- MocOps.td - Operations of the moc dialect -------------*- tablegen -*-===//
#ifndef MOCC_DIALECT_MOC_IR_MOCOPS_TD
#define MOCC_DIALECT_MOC_IR_MOCOPS_TD

include "mocc/Dialect/Moc/IR/MocBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def Moc_ConstantOp : Moc_Op<"constant", [ConstantLike, Pure,
    AllTypesMatch<["value", "output"]>]> {
  let summary = "A constant tensor";
  let description = [{
    Holds a trained weight or any other constant. Large weights are stored as
    `dense_resource` blobs so they are never copied into the IR's uniquer.

    ```mlir
    %w = moc.constant dense<1.0> : tensor<8x3x3x3xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Moc_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Run-time checks
//===----------------------------------------------------------------------===//

def Moc_AssertEqualOp : Moc_Op<"assert_equal", [MemoryEffects<[MemWrite]>]> {
  let summary = "Run-time check that two sizes are equal";
  let description = [{
    Fails the run, with `message` after the node's name, unless `actual`
    equals `expected`: a relation between sizes computed from a model's
    values that no tensor op of the lowering states (a Reshape's given sizes
    and its element count). It stays through the lowering to linalg, and
    mocc-check-shapes turns it into the runtime's check.

    ```mlir
    moc.assert_equal %count, %k, "the axes must name distinct dimensions"
    ```
  }];
  let arguments = (ins Index:$actual, Index:$expected, StrAttr:$message);
  let assemblyFormat = "$actual `,` $expected `,` $message attr-dict";
}

//===----------------------------------------------------------------------===//
// Elementwise operations (numpy broadcasting between operands)
//===----------------------------------------------------------------------===//

class Moc_UnaryOp<string mnemonic, string what, Type tensorType = Moc_Tensor,
                  list<Trait> traits = []>
    : Moc_Op<mnemonic, !listconcat([Pure, SameOperandsAndResultType,
                                    Moc_Elementwise], traits)> {
  let summary = "Elementwise " # what;
  let description = "Applies " # what # " to every element.\n\n"
      # "```mlir\n%y = moc." # mnemonic
      # " %x : (tensor<2x3xf32>) -> tensor<2x3xf32>\n```";
  let arguments = (ins tensorType:$input);
  let results = (outs tensorType:$output);
}

def Moc_AbsOp : Moc_UnaryOp<"abs", "absolute value"> {
  let hasFolder = 1;
}
def Moc_NegOp : Moc_UnaryOp<"neg", "negation"> {
  let hasFolder = 1;
}
def Moc_SignOp : Moc_UnaryOp<"sign", "sign (-1, 0 or 1)">;
def Moc_ReluOp : Moc_UnaryOp<"relu", "max(x, 0)"> {
  // Range's expanded function computes its trip count through Relu.
  let hasFolder = 1;
}
def Moc_ExpOp : Moc_UnaryOp<"exp", "e^x", Moc_FloatTensor>;
def Moc_LogOp : Moc_UnaryOp<"log", "natural logarithm", Moc_FloatTensor>;
def Moc_SqrtOp : Moc_UnaryOp<"sqrt", "square root", Moc_FloatTensor> {
  // Exporters write constants such as sqrt(2) as a Sqrt of a constant.
  let hasFolder = 1;
}
def Moc_ReciprocalOp : Moc_UnaryOp<"reciprocal", "1 / x", Moc_FloatTensor>;
def Moc_SinOp : Moc_UnaryOp<"sin", "sine", Moc_FloatTensor>;
def Moc_CosOp : Moc_UnaryOp<"cos", "cosine", Moc_FloatTensor>;
def Moc_TanOp : Moc_UnaryOp<"tan", "tangent", Moc_FloatTensor>;
def Moc_AsinOp : Moc_UnaryOp<"asin", "arcsine", Moc_FloatTensor>;
def Moc_AcosOp : Moc_UnaryOp<"acos", "arccosine", Moc_FloatTensor>;
def Moc_AtanOp : Moc_UnaryOp<"atan", "arctangent", Moc_FloatTensor>;
def Moc_SinhOp : Moc_UnaryOp<"sinh", "hyperbolic sine", Moc_FloatTensor>;
def Moc_CoshOp : Moc_UnaryOp<"cosh", "hyperbolic cosine", Moc_FloatTensor>;
def Moc_TanhOp : Moc_UnaryOp<"tanh", "hyperbolic tangent", Moc_FloatTensor>;
def Moc_AsinhOp : Moc_UnaryOp<"asinh", "inverse hyperbolic sine", Moc_FloatTensor>;
def Moc_AcoshOp : Moc_UnaryOp<"acosh", "inverse hyperbolic cosine", Moc_FloatTensor>;
def Moc_AtanhOp : Moc_UnaryOp<"atanh", "inverse hyperbolic tangent", Moc_FloatTensor>;
def Moc_ErfOp : Moc_UnaryOp<"erf", "the error function", Moc_FloatTensor>;
def Moc_SigmoidOp : Moc_UnaryOp<"sigmoid", "1 / (1 + e^-x)", Moc_FloatTensor>;
def Moc_SoftplusOp : Moc_UnaryOp<"softplus", "log(1 + e^x)", Moc_FloatTensor>;
def Moc_SoftsignOp : Moc_UnaryOp<"softsign", "x / (1 + |x|)", Moc_FloatTensor>;
def Moc_FloorOp : Moc_UnaryOp<"floor", "rounding down", Moc_FloatTensor> {
  let hasFolder = 1;
}
def Moc_CeilOp : Moc_UnaryOp<"ceil", "rounding up", Moc_FloatTensor> {
  let hasFolder = 1;
}
def Moc_RoundOp : Moc_UnaryOp<"round", "rounding half to even", Moc_FloatTensor>;
def Moc_NotOp : Moc_UnaryOp<"not", "logical not", RankedTensorOf<[I1]>> {
  let hasFolder = 1;
}
def Moc_BitwiseNotOp : Moc_UnaryOp<"bitwise_not", "bitwise not", Moc_IntegerTensor>;

// Unary ops with scalar parameters: y = f(x; alpha, beta).
class Moc_ParamUnaryOp<string mnemonic, string what, dag params>
    : Moc_Op<mnemonic, [Pure, SameOperandsAndResultType, Moc_Elementwise]> {
  let summary = "Elementwise " # what;
  let description = "Applies " # what # " to every element.\n\n"
      # "```mlir\n%y = moc." # mnemonic
      # " %x {alpha = 0.1 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>\n```";
  let arguments = !con((ins Moc_FloatTensor:$input), params);
  let results = (outs Moc_FloatTensor:$output);
}

def Moc_LeakyReluOp : Moc_ParamUnaryOp<"leaky_relu", "x < 0 ? alpha * x : x",
    (ins F32Attr:$alpha)>;
def Moc_EluOp : Moc_ParamUnaryOp<"elu", "x < 0 ? alpha * (e^x - 1) : x",
    (ins F32Attr:$alpha)>;
def Moc_CeluOp : Moc_ParamUnaryOp<"celu",
    "max(0, x) + min(0, alpha * (e^(x / alpha) - 1))", (ins F32Attr:$alpha)>;
def Moc_SeluOp : Moc_ParamUnaryOp<"selu",
    "gamma * (x <= 0 ? alpha * (e^x - 1) : x)",
    (ins F32Attr:$alpha, F32Attr:$gamma)>;
def Moc_HardSigmoidOp : Moc_ParamUnaryOp<"hard_sigmoid",
    "max(0, min(1, alpha * x + beta))", (ins F32Attr:$alpha, F32Attr:$beta)>;
def Moc_ThresholdedReluOp : Moc_ParamUnaryOp<"thresholded_relu",
    "x > alpha ? x : 0", (ins F32Attr:$alpha)>;
def Moc_GeluOp : Moc_ParamUnaryOp<"gelu",
    "x * Phi(x), exactly (erf) or with the tanh approximation",
    (ins BoolAttr:$tanh_approximation)>;

class Moc_BinaryOp<string mnemonic, string what, Type operandType = Moc_Tensor,
                   string resultElement = "nullptr", list<Trait> traits = []>
    : Moc_Op<mnemonic, !listconcat([Pure, InferTypeOpAdaptor, Moc_Elementwise],
                                   traits)> {
  let summary = "Elementwise " # what # " with broadcasting";
  let description = "Computes " # what # " of each pair of elements; the "
      # "operands broadcast against each other like numpy arrays.\n\n"
      # "```mlir\n%z = moc." # mnemonic
      # " %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3x"
      # !if(!eq(resultElement, "nullptr"), "f32", "i1") # ">\n```";
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs Moc_Tensor:$output);
  let extraClassDefinition = [{
    ::mlir::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *context, std::optional<::mlir::Location> location,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      ::mlir::Type element = }] # !if(!eq(resultElement, "nullptr"),
          "nullptr", "::mlir::IntegerType::get(context, 1)") # [{;
      return inferBroadcastResult(location, adaptor.getOperands(), element,
                                  inferred);
    }
    ::mlir::LogicalResult $cppClass::verify() {
      return verifyBroadcastable(getOperation());
    }
  }];
  let hasVerifier = 1;
}

def Moc_AddOp : Moc_BinaryOp<"add", "x + y", Moc_Tensor, "nullptr", [Commutative]> {
  let hasFolder = 1;
}
def Moc_SubOp : Moc_BinaryOp<"sub", "x - y"> {
  let hasFolder = 1;
}
def Moc_MulOp : Moc_BinaryOp<"mul", "x * y", Moc_Tensor, "nullptr", [Commutative]> {
  let hasFolder = 1;
}
def Moc_DivOp : Moc_BinaryOp<"div", "x / y (integers truncate toward zero)"> {
  let hasFolder = 1;
}
def Moc_PowOp : Moc_BinaryOp<"pow", "x ^ y">;
def Moc_MaxOp : Moc_BinaryOp<"max", "the maximum", Moc_Tensor, "nullptr", [Commutative]> {
  let hasFolder = 1;
}
def Moc_MinOp : Moc_BinaryOp<"min", "the minimum", Moc_Tensor, "nullptr", [Commutative]> {
  let hasFolder = 1;
}
def Moc_ModOp : Moc_BinaryOp<"mod",
    "the integer remainder with the sign of the divisor"> {
  let hasFolder = 1;
}
def Moc_FmodOp : Moc_BinaryOp<"fmod",
    "the remainder with the sign of the dividend (C fmod)">;
def Moc_PReluOp : Moc_BinaryOp<"prelu", "x < 0 ? slope * x : x">;
def Moc_AndOp : Moc_BinaryOp<"and", "logical and", RankedTensorOf<[I1]>> {
  let hasFolder = 1;
}
def Moc_OrOp : Moc_BinaryOp<"or", "logical or", RankedTensorOf<[I1]>> {
  let hasFolder = 1;
}
def Moc_XorOp : Moc_BinaryOp<"xor", "logical exclusive or", RankedTensorOf<[I1]>> {
  let hasFolder = 1;
}
def Moc_BitwiseAndOp : Moc_BinaryOp<"bitwise_and", "bitwise and", Moc_IntegerTensor>;
def Moc_BitwiseOrOp : Moc_BinaryOp<"bitwise_or", "bitwise or", Moc_IntegerTensor>;
def Moc_BitwiseXorOp : Moc_BinaryOp<"bitwise_xor", "bitwise exclusive or", Moc_IntegerTensor>;
def Moc_ShiftLeftOp : Moc_BinaryOp<"shift_left", "x << y", Moc_IntegerTensor>;
def Moc_ShiftRightOp : Moc_BinaryOp<"shift_right",
    "x >> y (logical for unsigned, arithmetic for signed types)", Moc_IntegerTensor>;
def Moc_EqualOp : Moc_BinaryOp<"equal", "x == y", Moc_Tensor, "i1"> {
  let hasFolder = 1;
}
def Moc_LessOp : Moc_BinaryOp<"less", "x < y", Moc_Tensor, "i1"> {
  let hasFolder = 1;
}
def Moc_LessEqualOp : Moc_BinaryOp<"less_equal", "x <= y", Moc_Tensor, "i1"> {
  let hasFolder = 1;
}
def Moc_GreaterOp : Moc_BinaryOp<"greater", "x > y", Moc_Tensor, "i1"> {
  let hasFolder = 1;
}
def Moc_GreaterEqualOp : Moc_BinaryOp<"greater_equal", "x >= y", Moc_Tensor, "i1"> {
  let hasFolder = 1;
}

def Moc_SelectOp : Moc_Op<"select", [Pure, InferTypeOpAdaptor]> {
  let summary = "Elementwise choice between two tensors";
  let description = [{
    Takes `on_true` where `condition` holds and `on_false` elsewhere; the three
    operands broadcast against each other.

    ```mlir
    %z = moc.select %c, %x, %y : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I1]>:$condition, Moc_Tensor:$on_true,
                   Moc_Tensor:$on_false);
  let results = (outs Moc_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Moc_CastOp : Moc_Op<"cast", [Pure, SameOperandsAndResultShape]> {
  let summary = "Elementwise conversion to another element type";
  let description = [{
    Converts every element to the result's element type. Floats convert to
    integers by truncation toward zero; anything converts to `i1` as `x != 0`.
    Casts to 4- and 2-bit integers wrap; casts to float8 round to nearest
    even and do not saturate (the importer clamps first where ONNX says so);
    casts to f4E2M1FN round to nearest even and saturate.

    A cast to f8E8M0FNU keeps the exponent of the value as f32 (its sign
    dropped), rounded by `power_rounding` (`up` unless given); with
    `saturate` a finite value rounds to at most 2^127. Infinity and NaN give
    the NaN. Neither attribute applies to another result type.

    ```mlir
    %y = moc.cast %x : (tensor<4xf32>) -> tensor<4xi64>
    %e = moc.cast %x {power_rounding = 2 : i32, saturate}
        : (tensor<4xf32>) -> tensor<4x!moc.f8E8M0FNU>
    ```
  }];
  let arguments = (ins Moc_Tensor:$input,
                       OptionalAttr<Moc_PowerRoundingAttr>:$power_rounding,
                       UnitAttr:$saturate);
  let results = (outs Moc_Tensor:$output);
  let hasFolder = 1;
  let hasVerifier = 1;
  let builders = [
    OpBuilder<(ins "mlir::Type":$output, "mlir::Value":$input), [{
      build($_builder, $_state, output, input, nullptr, false);
    }]>
  ];
}

def Moc_BitcastOp : Moc_Op<"bitcast", [Pure, SameOperandsAndResultShape]> {
  let summary = "Elementwise reinterpretation of bits as another type";
  let description = [{
    Reads the bits of every element as the result's element type, which has
    the same width, or, between `ui8` and a byte-coded float (f4E2M1FN,
    f8E8M0FNU), reads each byte as its code: how the importer makes
    constants of those types, which no attribute can hold.

    ```mlir
    %y = moc.bitcast %x : (tensor<4xf32>) -> tensor<4xi32>
    ```
  }];
  let arguments = (ins Moc_Tensor:$input);
  let results = (outs Moc_Tensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra and convolution
//===----------------------------------------------------------------------===//

def Moc_MatMulOp : Moc_Op<"matmul", [Pure, InferTypeOpAdaptor]> {
  let summary = "Batched matrix multiplication";
  let description = [{
    Multiplies the last two dimensions of `lhs` and `rhs`; leading (batch)
    dimensions broadcast. Both operands have rank 2 or more (the importer
    turns numpy's vector cases into matrices).

    ```mlir
    %c = moc.matmul %a, %b : (tensor<8x128x64xf32>, tensor<64x32xf32>) -> tensor<8x128x32xf32>
    ```
  }];
  let arguments = (ins Moc_Tensor:$lhs, Moc_Tensor:$rhs);
  let results = (outs Moc_Tensor:$output);
}

def Moc_ConvOp : Moc_Op<"conv", [Pure, InferTypeOpAdaptor]> {
  let summary = "N-dimensional grouped convolution";
  let description = [{
    Cross-correlates `input` (N x C x D1 x ... x Dn) with `weight`
    (F x C/group x K1 x ... x Kn) and adds `bias` (F) if present. `pads` holds
    the padding before each spatial dimension, then after each. Depthwise
    convolution is `group = C`. With `channels_last` (2-d only), the input and
    result are N x H x W x C and the weight is F x KH x KW x C/group, so
    that the innermost loop reads both contiguously.

    ```mlir
    %y = moc.conv %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
                              pads = array<i64: 1, 1, 1, 1>, group = 1 : i64}
        : (tensor<1x3x224x224xf32>, tensor<64x3x3x3xf32>, tensor<64xf32>) -> tensor<1x64x112x112xf32>
    ```
  }];
  let arguments = (ins Moc_FloatTensor:$input, Moc_FloatTensor:$weight,
                   Optional<Moc_FloatTensor>:$bias,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$pads, I64Attr:$group,
                   UnitAttr:$channels_last);
  let results = (outs Moc_FloatTensor:$output);
  let hasVerifier = 1;
}

def Moc_ConvTransposeOp : Moc_Op<"conv_transpose", [Pure, InferTypeOpAdaptor]> {
  let summary = "N-dimensional grouped transposed convolution";
  let description = [{
    The gradient of `moc.conv` with respect to its input: every element of
    `input` (N x C x D1 x ... x Dn) scatters its product with the kernel
    `weight` (C x F/group x K1 x ... x Kn) into the output at
    `i * strides + k * dilations - pads[begin]`; `bias` (F) is added if
    present. Output size per spatial dimension:
    `strides * (D - 1) + output_padding + (K - 1) * dilations + 1 - pads[begin] - pads[end]`.
    The importer resolves ONNX's `output_shape` and `auto_pad` into `pads` and
    `output_padding`.

    ```mlir
    %y = moc.conv_transpose %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
                                        pads = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 1, 1>,
                                        group = 1 : i64}
        : (tensor<1x64x56x56xf32>, tensor<64x32x3x3xf32>, tensor<32xf32>) -> tensor<1x32x112x112xf32>
    ```
  }];
  let arguments = (ins Moc_FloatTensor:$input, Moc_FloatTensor:$weight,
                   Optional<Moc_FloatTensor>:$bias,
                   DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                   DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$output_padding,
                   I64Attr:$group);
  let results = (outs Moc_FloatTensor:$output);
  let hasVerifier = 1;
}

class Moc_PoolOp<string mnemonic, string what, dag extra,
                 Type tensorType = Moc_FloatTensor>
    : Moc_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = what # " pooling over the spatial dimensions";
  let description = "Takes the " # what # " of each window of `kernel_shape` "
      # "elements of `input` (N x C x D1 x ... x Dn). `pads` holds the padding "
      # "before each spatial dimension, then after each; `ceil_mode` rounds the "
      # "output size up. With `channels_last` (2-d only) the input and result "
      # "are N x H x W x C.\n\n```mlir\n%y = moc." # mnemonic
      # " %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, "
      # "dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, ceil_mode = false}"
      # " : (tensor<1x8x32x32xf32>) -> tensor<1x8x16x16xf32>\n```";
  let arguments = !con((ins tensorType:$input,
      DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
      DenseI64ArrayAttr:$dilations, DenseI64ArrayAttr:$pads,
      BoolAttr:$ceil_mode), extra, (ins UnitAttr:$channels_last));
  let results = (outs tensorType:$output);
  let hasVerifier = 1;
}

// ONNX's MaxPool also takes 8-bit integers.
def Moc_MaxPoolOp : Moc_PoolOp<"max_pool", "maximum", (ins), Moc_Tensor>;
def Moc_AveragePoolOp : Moc_PoolOp<"average_pool", "average",
    (ins BoolAttr:$count_include_pad)>;

//===----------------------------------------------------------------------===//
// Normalization
//===----------------------------------------------------------------------===//

def Moc_BatchNormOp : Moc_Op<"batch_norm", [Pure, InferTypeOpAdaptor]> {
  let summary = "Batch normalization with fixed statistics (inference)";
  let description = [{
    `(x - mean) / sqrt(variance + epsilon) * scale + bias`, with the four
    per-channel vectors applied along dimension 1.

    ```mlir
    %y = moc.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32}
        : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins Moc_FloatTensor:$input, Moc_FloatTensor:$scale,
                   Moc_FloatTensor:$bias, Moc_FloatTensor:$mean,
                   Moc_FloatTensor:$variance, F32Attr:$epsilon);
  let results = (outs Moc_FloatTensor:$output);
  let hasVerifier = 1;
}

def Moc_LayerNormOp : Moc_Op<"layer_norm", [Pure, InferTypeOpAdaptor]> {
  let summary = "Normalization over the trailing dimensions";
  let description = [{
    Normalizes `input` to zero mean and unit variance over dimensions
    `axis`..rank-1, then multiplies by `scale` and adds `bias` (both
    broadcast to those dimensions).

    ```mlir
    %y = moc.layer_norm %x, %g, %b {axis = 2 : i64, epsilon = 1.0e-05 : f32}
        : (tensor<1x128x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<1x128x768xf32>
    ```
  }];
  let arguments = (ins Moc_FloatTensor:$input, Moc_FloatTensor:$scale,
                   Moc_FloatTensor:$bias, I64Attr:$axis, F32Attr:$epsilon);
  let results = (outs Moc_FloatTensor:$output);
  let hasVerifier = 1;
}

class Moc_SoftmaxLikeOp<string mnemonic, string what>
    : Moc_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = what # " along one dimension";
  let description = "Computes " # what # " of `input` along dimension `axis`, "
      # "subtracting the maximum first for numerical stability.\n\n```mlir\n"
      # "%y = moc." # mnemonic
      # " %x {axis = 1 : i64} : (tensor<2x10xf32>) -> tensor<2x10xf32>\n```";
  let arguments = (ins Moc_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Moc_FloatTensor:$output);
  let hasVerifier = 1;
}

def Moc_SoftmaxOp : Moc_SoftmaxLikeOp<"softmax", "softmax">;
def Moc_LogSoftmaxOp : Moc_SoftmaxLikeOp<"log_softmax", "the log of softmax">;

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class Moc_ReduceOp<string mnemonic, string what>
    : Moc_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = "Reduction by " # what;
  let description = "Reduces `input` by " # what # " over the dimensions in "
      # "`axes` (sorted, non-negative, possibly empty). With `keepdims` the "
      # "reduced dimensions stay with size 1.\n\n```mlir\n%y = moc." # mnemonic
      # " %x {axes = array<i64: 1>, keepdims = true} : (tensor<2x10xf32>) -> tensor<2x1xf32>\n```";
  let arguments = (ins Moc_Tensor:$input, DenseI64ArrayAttr:$axes,
                   BoolAttr:$keepdims);
  let results = (outs Moc_Tensor:$output);
  let hasVerifier = 1;
}

def Moc_ReduceSumOp : Moc_ReduceOp<"reduce_sum", "sum">;
def Moc_ReduceMeanOp : Moc_ReduceOp<"reduce_mean", "arithmetic mean">;
def Moc_ReduceMaxOp : Moc_ReduceOp<"reduce_max", "maximum">;
def Moc_ReduceMinOp : Moc_ReduceOp<"reduce_min", "minimum">;
def Moc_ReduceProdOp : Moc_ReduceOp<"reduce_prod", "product">;

class Moc_ArgReduceOp<string mnemonic, string what>
    : Moc_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = "Index of the " # what # " along one dimension";
  let description = "Returns the (i64) index of the " # what # " of `input` "
      # "along `axis`; ties go to the first index, or the last with "
      # "`select_last_index`.\n\n```mlir\n%i = moc." # mnemonic
      # " %x {axis = 1 : i64, keepdims = false, select_last_index = false}"
      # " : (tensor<2x10xf32>) -> tensor<2xi64>\n```";
  let arguments = (ins Moc_Tensor:$input, I64Attr:$axis, BoolAttr:$keepdims,
                   BoolAttr:$select_last_index);
  let results = (outs RankedTensorOf<[I64]>:$output);
  let hasVerifier = 1;
}

def Moc_ArgMaxOp : Moc_ArgReduceOp<"arg_max", "largest element">;
def Moc_ArgMinOp : Moc_ArgReduceOp<"arg_min", "smallest element">;

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

def Moc_ReshapeOp : Moc_Op<"reshape", [Pure]> {
  let summary = "Reinterpretation of a tensor's shape";
  let description = [{
    Gives the elements of `input`, in row-major order, the result's shape.
    Both have the same number of elements. `sizes` are the result's dynamic
    sizes in order, computed at run time (from a Reshape's shape operand);
    without them the result has at most one dynamic size, which the element
    count gives.

    ```mlir
    %y = moc.reshape %x : (tensor<1x512x1x1xf32>) -> tensor<1x512xf32>
    %z = moc.reshape %a, %b, %t : (tensor<?x64xf32>, index, index) -> tensor<?x?x4x16xf32>
    ```
  }];
  let arguments = (ins Moc_Tensor:$input, Variadic<Index>:$sizes);
  let results = (outs Moc_Tensor:$output);
  let builders = [
    OpBuilder<(ins "::mlir::Type":$type, "::mlir::Value":$input), [{
      build($_builder, $_state, type, input, ::mlir::ValueRange());
    }]>
  ];
  let extraClassDeclaration = [{
    /// Whether the result's shape follows from the input's element count
    /// (its static sizes and at most one dynamic one, none of them 0), so
    /// that `sizes` add nothing a reshape of the same type could not infer.
    bool shapeFollowsFromCount();
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Moc_BroadcastOp : Moc_Op<"broadcast", [Pure]> {
  let summary = "Numpy broadcast to the result's shape";
  let description = [{
    Repeats `input` along its size-1 (and missing leading) dimensions to the
    result's shape. `sizes` are the result's dynamic sizes in order, computed
    at run time (from an Expand's or ConstantOfShape's shape operand); without
    them a dynamic result size is the input's in that dimension.

    ```mlir
    %y = moc.broadcast %x : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
    %m = moc.broadcast %zero, %t, %t : (tensor<f32>, index, index) -> tensor<?x?xf32>
    ```
  }];
  let arguments = (ins Moc_Tensor:$input, Variadic<Index>:$sizes);
  let results = (outs Moc_Tensor:$output);
  let builders = [
    OpBuilder<(ins "::mlir::Type":$type, "::mlir::Value":$input), [{
      build($_builder, $_state, type, input, ::mlir::ValueRange());
    }]>
  ];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Moc_TransposeOp : Moc_Op<"transpose", [Pure, InferTypeOpAdaptor]> {
  let summary = "Permutation of dimensions";
  let description = [{
    Result dimension `i` is input dimension `permutation[i]`.

    ```mlir
    %y = moc.transpose %x {permutation = array<i64: 0, 2, 3, 1>}
        : (tensor<1x3x8x8xf32>) -> tensor<1x8x8x3xf32>
    ```
  }];
  let arguments = (ins Moc_Tensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs Moc_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizeMethod = 1;
}

def Moc_ConcatOp : Moc_Op<"concat", [Pure, InferTypeOpAdaptor]> {
  let summary = "Concatenation along one dimension";
  let description = [{
    Joins `inputs` along dimension `axis`; all other dimensions agree.

    ```mlir
    %y = moc.concat %a, %b {axis = 1 : i64}
        : (tensor<1x2x4xf32>, tensor<1x3x4xf32>) -> tensor<1x5x4xf32>
    ```
  }];
  let arguments = (ins Variadic<Moc_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Moc_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Moc_SliceOp : Moc_Op<"slice", [Pure, InferTypeOpAdaptor]> {
  let summary = "Strided window of a tensor";
  let description = [{
    Takes, along every dimension `d`, the elements `starts[d]`,
    `starts[d] + steps[d]`, ... before `ends[d]` (exclusive; for a negative
    step, the elements down to and excluding `ends[d]`, which may be -1).
    Starts and ends are already clamped to the dimension. A dynamic dimension
    is taken from its start to its end with step 1 (its end is ignored).

    ```mlir
    %y = moc.slice %x {starts = array<i64: 0, 1>, ends = array<i64: 2, 5>, steps = array<i64: 1, 2>}
        : (tensor<2x6xf32>) -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins Moc_Tensor:$input, DenseI64ArrayAttr:$starts,
                   DenseI64ArrayAttr:$ends, DenseI64ArrayAttr:$steps);
  let results = (outs Moc_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Moc_GatherOp : Moc_Op<"gather", [Pure, InferTypeOpAdaptor]> {
  let summary = "Gather of slices along one dimension";
  let description = [{
    Replaces dimension `axis` of `input` by the dimensions of `indices`,
    taking the slices those indices select. Negative indices count from the
    end.

    ```mlir
    %y = moc.gather %table, %ids {axis = 0 : i64}
        : (tensor<1000x64xf32>, tensor<1x8xi64>) -> tensor<1x8x64xf32>
    ```
  }];
  let arguments = (ins Moc_Tensor:$input, Moc_IndexTensor:$indices,
                   I64Attr:$axis);
  let results = (outs Moc_Tensor:$output);
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Moc_PadOp : Moc_Op<"pad", [Pure, InferTypeOpAdaptor]> {
  let summary = "Padding of a tensor's borders";
  let description = [{
    Adds `pads[d]` elements before and `pads[rank + d]` after dimension `d`,
    filled according to `mode`: with `value` (a 0-d tensor) for `constant`,
    mirrored for `reflect`, repeated for `edge`, wrapped for `wrap`. A pad
    known at run time only is `kDynamic` in `pads` and the next of
    `dynamic_pads` (non-negative index values, in order).

    ```mlir
    %y = moc.pad %x, %zero {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = 0 : i32}
        : (tensor<1x3x4x4xf32>, tensor<f32>) -> tensor<1x3x6x6xf32>
    %z = moc.pad %x, %zero, %p {pads = array<i64: 0, -9223372036854775808, 0, 2>, mode = 0 : i32}
        : (tensor<2x3xf32>, tensor<f32>, index) -> tensor<2x?xf32>
    ```
  }];
  let arguments = (ins Moc_Tensor:$input, Moc_Tensor:$value,
                   Variadic<Index>:$dynamic_pads, DenseI64ArrayAttr:$pads,
                   Moc_PadModeAttr:$mode);
  let results = (outs Moc_Tensor:$output);
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "::mlir::Value":$value,
                   "::llvm::ArrayRef<int64_t>":$pads,
                   "::mocc::moc::PadMode":$mode), [{
      build($_builder, $_state, input, value, ::mlir::ValueRange(), pads, mode);
    }]>
  ];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Indexing: element gathers and scatters
//===----------------------------------------------------------------------===//

def Moc_GatherElementsOp : Moc_Op<"gather_elements", [Pure, InferTypeOpAdaptor]> {
  let summary = "Gather of single elements along one dimension";
  let description = [{
    `output[i0, ..., in] = input[i0, ..., indices[i0, ..., in], ..., in]`,
    the index replacing position `axis`. `indices` has the input's rank; the
    result has its shape. Negative indices count from the end.

    ```mlir
    %y = moc.gather_elements %x, %i {axis = 1 : i64}
        : (tensor<3x4xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
    ```
  }];
  let arguments = (ins Moc_Tensor:$input, Moc_IndexTensor:$indices,
                   I64Attr:$axis);
  let results = (outs Moc_Tensor:$output);
  let hasVerifier = 1;
}

def Moc_ScatterElementsOp : Moc_Op<"scatter_elements", [Pure, InferTypeOpAdaptor]> {
  let summary = "Scatter of single elements along one dimension";
  let description = [{
    A copy of `input` in which, for every position `p` of `indices`, the
    element at `p` with position `axis` replaced by `indices[p]` becomes
    `updates[p]` combined with it by `reduction` (`none` replaces). Updates
    apply in row-major order, so with `none` the last of duplicate indices
    wins. `indices` and `updates` have one shape and the input's rank.
    Negative indices count from the end.

    ```mlir
    %y = moc.scatter_elements %x, %i, %u {axis = 0 : i64, reduction = 1 : i32}
        : (tensor<3x3xf32>, tensor<2x3xi64>, tensor<2x3xf32>) -> tensor<3x3xf32>
    ```
  }];
  let arguments = (ins Moc_Tensor:$input, Moc_IndexTensor:$indices,
                   Moc_Tensor:$updates, I64Attr:$axis,
                   Moc_ScatterReductionAttr:$reduction);
  let results = (outs Moc_Tensor:$output);
  let hasVerifier = 1;
}

def Moc_NonMaxSuppressionOp : Moc_Op<"non_max_suppression", [Pure]> {
  let summary = "Greedy selection of boxes by score, suppressing overlaps";
  let description = [{
    For every batch and class: the boxes (`[batch, boxes, 4]`, corners or,
    with `center_point_box`, center and size) whose score (`[batch, classes,
    boxes]`) is above `score_threshold` (if given), taken by descending score
    (ties by index), each kept unless its intersection over union with a box
    already kept for that class exceeds `iou_threshold`, at most
    `max_output_boxes_per_class` of them (none if it is not positive). The
    limits are 0-d tensors, which may be known at run time only. The result
    lists the kept (batch, class, box) triples in that order; its length is
    known only at run time.

    ```mlir
    %s = moc.non_max_suppression %boxes, %scores, %limit, %iou, %min_score {center_point_box = false}
        : (tensor<1x6x4xf32>, tensor<1x1x6xf32>, tensor<i64>, tensor<f32>, tensor<f32>) -> tensor<?x3xi64>
    ```
  }];
  let arguments = (ins Moc_FloatTensor:$boxes, Moc_FloatTensor:$scores,
                   0DTensorOf<[I64]>:$max_output_boxes_per_class,
                   0DTensorOf<[F32]>:$iou_threshold,
                   Optional<0DTensorOf<[F32]>>:$score_threshold,
                   BoolAttr:$center_point_box);
  let results = (outs Moc_IndexTensor:$selected);
  let hasVerifier = 1;
}

def Moc_RoiAlignOp : Moc_Op<"roi_align", [Pure]> {
  let summary = "Pools regions of a feature map by bilinear sampling";
  let description = [{
    For every region `r` (`rois[r]` = x1, y1, x2, y2 in input pixels before
    `spatial_scale`; `batch_indices[r]` its image of `input` [N, C, H, W]),
    each of the result's `[C, out_h, out_w]` bins averages (or, with
    `max_mode`, takes the largest weighted corner of) a grid of bilinear
    samples: `sampling_ratio` per side, or ceil(bin size) when it is 0.
    `half_pixel` shifts the region by half a pixel (ONNX's half_pixel
    coordinate transformation); otherwise regions are at least 1 x 1.
    Samples more than a pixel outside the image count as 0.

    ```mlir
    %y = moc.roi_align %x, %rois, %batch {max_mode = false, half_pixel = true,
        sampling_ratio = 2 : i64, spatial_scale = 1.0 : f32}
        : (tensor<1x1x10x10xf32>, tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x1x5x5xf32>
    ```
  }];
  let arguments = (ins Moc_FloatTensor:$input, Moc_FloatTensor:$rois,
                   Moc_IndexTensor:$batch_indices, BoolAttr:$max_mode,
                   BoolAttr:$half_pixel, I64Attr:$sampling_ratio,
                   F32Attr:$spatial_scale);
  let results = (outs Moc_FloatTensor:$output);
  let hasVerifier = 1;
}

def Moc_DeformConvOp : Moc_Op<"deform_conv", [Pure]> {
  let summary = "2-D convolution whose taps sample at learned offsets";
  let description = [{
    A grouped 2-D convolution of `input` [N, C, H, W] by `weight`
    [M, C / group, kH, kW] in which tap (i, j) of output position (y, x)
    reads the input bilinearly at (y * stride_h - pad_top + i * dilation_h +
    dy, x * stride_w - pad_left + j * dilation_w + dx), (dy, dx) taken from
    `offset` [N, offset_group * kH * kW * 2, outH, outW] for the tap's
    offset group, and is scaled by `mask` [N, offset_group * kH * kW, outH,
    outW]; `bias` [M] is added. Corners outside the input count as 0.
    `params` holds stride_h, stride_w, pad_top, pad_left, dilation_h,
    dilation_w, group and offset_group.

    ```mlir
    %y = moc.deform_conv %x, %w, %offset, %mask, %bias
        {params = array<i64: 1, 1, 0, 0, 1, 1, 1, 1>}
        : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1x8x2x2xf32>,
           tensor<1x4x2x2xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
    ```
  }];
  let arguments = (ins Moc_FloatTensor:$input, Moc_FloatTensor:$weight,
                   Moc_FloatTensor:$offset, Moc_FloatTensor:$mask,
                   Moc_FloatTensor:$bias, DenseI64ArrayAttr:$params);
  let results = (outs Moc_FloatTensor:$output);
  let hasVerifier = 1;
}

def Moc_DeterminantOp : Moc_Op<"determinant", [Pure]> {
  let summary = "Determinants of a batch of square f32 matrices";
  let description = [{
    The determinant of each `n x n` matrix of `input` (`[batch, n, n]`), by
    LU decomposition with partial pivoting in f64.

    ```mlir
    %d = moc.determinant %x : (tensor<2x3x3xf32>) -> tensor<2xf32>
    ```
  }];
  let arguments = (ins Moc_FloatTensor:$input);
  let results = (outs Moc_FloatTensor:$output);
  let hasVerifier = 1;
}

def Moc_NonZeroOp : Moc_Op<"non_zero", [Pure]> {
  let summary = "The coordinates of the non-zero elements";
  let description = [{
    One column per non-zero element of `input` (row-major order) holding its
    coordinates: the result is rank x count, count known only at run time.

    ```mlir
    %c = moc.non_zero %x : (tensor<2x3xf32>) -> tensor<2x?xi64>
    ```
  }];
  let arguments = (ins Moc_Tensor:$input);
  let results = (outs Moc_IndexTensor:$coordinates);
  let hasVerifier = 1;
}

def Moc_UniqueOp : Moc_Op<"unique", [Pure]> {
  let summary = "The distinct rows of a matrix of 64-bit keys";
  let description = [{
    `keys` is rows x width: each row a tuple of integers, or of the bits of
    f64 values with `float_keys` (then -0 equals 0). `first` holds the index
    of the first occurrence of each distinct row, ascending by row (compared
    as numbers, left to right) if `sorted`, else in order of first
    occurrence; `counts` how often each occurs; `inverse`, for every row, the
    position of its distinct row in `first`. The number of distinct rows is
    known only at run time.

    ```mlir
    %first, %inverse, %counts = moc.unique %keys {sorted = true, float_keys = false}
        : (tensor<6x1xi64>) -> (tensor<?xi64>, tensor<6xi64>, tensor<?xi64>)
    ```
  }];
  let arguments = (ins Moc_IntegerTensor:$keys, BoolAttr:$sorted,
                   BoolAttr:$float_keys);
  let results = (outs Moc_IndexTensor:$first, Moc_IndexTensor:$inverse,
                 Moc_IndexTensor:$counts);
  let hasVerifier = 1;
}

def Moc_ScatterNDOp : Moc_Op<"scatter_nd", [Pure, InferTypeOpAdaptor]> {
  let summary = "Scatter of slices addressed by index tuples";
  let description = [{
    A copy of `input` (rank r) in which, for every tuple `t` of the leading
    dimensions of `indices` (whose last dimension k <= r holds the tuple's
    index into the first k input dimensions), the slice
    `input[indices[t], ...]` is combined with `updates[t, ...]` by
    `reduction` (`none` replaces). `updates` has the shape
    `indices.shape[:-1] + input.shape[k:]`. Updates apply in row-major order;
    negative indices count from the end.

    ```mlir
    %y = moc.scatter_nd %x, %i, %u {reduction = 0 : i32}
        : (tensor<4x4x4xf32>, tensor<2x1xi64>, tensor<2x4x4xf32>) -> tensor<4x4x4xf32>
    ```
  }];
  let arguments = (ins Moc_Tensor:$input, Moc_IndexTensor:$indices,
                   Moc_Tensor:$updates, Moc_ScatterReductionAttr:$reduction);
  let results = (outs Moc_Tensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Scans
//===----------------------------------------------------------------------===//

def Moc_CumSumOp : Moc_Op<"cumsum", [Pure, SameOperandsAndResultType]> {
  let summary = "Cumulative sum along one dimension";
  let description = [{
    Element `j` along `axis` is the sum of the elements `0..j` of `input`
    there (`j+1..n-1` with `reverse`); `exclusive` leaves the element itself
    out of its sum (the first one becomes 0).

    ```mlir
    %y = moc.cumsum %x {axis = 1 : i64, exclusive = false, reverse = false}
        : (tensor<2x5xf32>) -> tensor<2x5xf32>
    ```
  }];
  let arguments = (ins Moc_Tensor:$input, I64Attr:$axis, BoolAttr:$exclusive,
                   BoolAttr:$reverse);
  let results = (outs Moc_Tensor:$output);
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Resampling
//===----------------------------------------------------------------------===//

def Moc_ResizeOp : Moc_Op<"resize", [Pure, InferTypeOpAdaptor,
                                      AttrSizedOperandSegments]> {
  let summary = "Resampling of a tensor to a new shape";
  let description = [{
    Resizes `input` to `sizes` (the result's shape) as ONNX Resize does. For
    every resized dimension `d`, output coordinate `x` maps to the input
    coordinate given by `coordinate_transformation_mode` with scale
    `scales[d]` (and, for `tf_crop_and_resize`, the region of interest `roi`:
    starts of every dimension, then ends, normalized to [0, 1]); the result
    interpolates the neighbors of that coordinate by `mode`: `nearest` (one
    neighbor, rounded by `nearest_mode`), `linear` (2 per dimension) or
    `cubic` (4, with coefficient `cubic_coeff_a`). Neighbors outside the input
    repeat its edge, or get weight 0 and renormalize with `exclude_outside`.
    `antialias` widens linear and cubic filters when downsampling.
    Coordinates outside the region of `tf_crop_and_resize` read
    `extrapolation_value`. Dimensions whose scale is 1 and size unchanged are
    copied.

    Values known at run time only: a size is `kDynamic` in `sizes` and the
    next of `dynamic_sizes`; scales are all in `scales` or, when that is
    empty, all in `dynamic_scales`; likewise `roi` and `dynamic_roi`.

    ```mlir
    %y = moc.resize %x {sizes = array<i64: 1, 3, 8, 8>, scales = array<f64: 1.0, 1.0, 2.0, 2.0>,
                        roi = array<f64>, mode = 1 : i32, coordinate_transformation_mode = 0 : i32,
                        nearest_mode = 0 : i32, cubic_coeff_a = -7.500000e-01 : f32,
                        exclude_outside = false, extrapolation_value = 0.000000e+00 : f32,
                        antialias = false}
        : (tensor<1x3x4x4xf32>) -> tensor<1x3x8x8xf32>
    %z = moc.resize %x sizes(%n, %n) scales(%one, %one, %s, %s) {sizes = array<i64: 1, 3,
                        -9223372036854775808, -9223372036854775808>, scales = array<f64>, ...}
        : (tensor<1x3x4x4xf32>) -> tensor<1x3x?x?xf32>
    ```
  }];
  let arguments = (ins Moc_Tensor:$input, Variadic<Index>:$dynamic_sizes,
                   Variadic<F64>:$dynamic_scales, Variadic<F32>:$dynamic_roi,
                   DenseI64ArrayAttr:$sizes,
                   DenseF64ArrayAttr:$scales, DenseF64ArrayAttr:$roi,
                   Moc_ResizeModeAttr:$mode,
                   Moc_CoordinateTransformAttr:$coordinate_transformation_mode,
                   Moc_NearestModeAttr:$nearest_mode, F32Attr:$cubic_coeff_a,
                   BoolAttr:$exclude_outside, F32Attr:$extrapolation_value,
                   BoolAttr:$antialias);
  let results = (outs Moc_Tensor:$output);
  let assemblyFormat = [{
    $input (`sizes` `(` $dynamic_sizes^ `)`)? (`scales` `(` $dynamic_scales^ `)`)?
    (`roi` `(` $dynamic_roi^ `)`)? attr-dict `:` functional-type($input, results)
  }];
  let hasVerifier = 1;
}

#endif // MOCC_DIALECT_MOC_IR_MOCOPS_TD
