//===- MocBase.td - The moc dialect and its op base class ----*- tablegen -*-===//
#ifndef MOCC_DIALECT_MOC_IR_MOCBASE_TD
#define MOCC_DIALECT_MOC_IR_MOCBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Moc_Dialect : Dialect {
  let name = "moc";
  let cppNamespace = "::mocc::moc";
  let summary = "Frontend-independent tensor operations of trained neural networks";
  let description = [{
    `moc` is mocc's graph-level IR: a normalized set of tensor operations
    (convolution, matrix multiplication, elementwise math, reductions, data
    movement, normalization) on ranked tensors with value semantics. Frontend
    variants (ONNX opset differences, optional operands, attribute spellings)
    are resolved by the importer into the attributes of these ops, so every
    pass below the importer sees one form per operation.

    Every op infers its result type from its operands and attributes where it
    can, so an importer never needs a separate shape inference engine.

    ```mlir
    %0 = moc.conv %x, %w, %b {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
        : (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x32x32xf32>
    %1 = moc.relu %0 : (tensor<1x8x32x32xf32>) -> tensor<1x8x32x32xf32>
    ```
  }];
  let hasConstantMaterializer = 1;
  let useDefaultTypePrinterParser = 1;
  let extraClassDeclaration = [{
    /// The largest constant, in elements, that folders evaluate element by
    /// element. Canonicalization keeps it small; moc-fold-constants lifts it.
    int64_t getFoldingElementLimit() const { return foldingElementLimit; }
    void setFoldingElementLimit(int64_t limit) { foldingElementLimit = limit; }

  private:
    int64_t foldingElementLimit = 4096;

  public:
  }];
}

// Ops whose result element depends only on the operand elements at the same
// (broadcast) position: a layout change may permute operands and result alike.
def Moc_Elementwise : NativeOpTrait<"Elementwise"> {
  let cppNamespace = "::mocc::moc";
}

class Moc_Op<string mnemonic, list<Trait> traits = []>
    : Op<Moc_Dialect, mnemonic, traits> {
  let assemblyFormat =
      "operands attr-dict `:` functional-type(operands, results)";
}

// ONNX's float types that MLIR 19 lacks (it has their APFloat semantics
// only). Tensors of them hold one code per element; no attribute holds them:
// a constant is its codes as ui8, bitcast (moc.bitcast). Below moc each code
// is a byte, as float8's.
class Moc_ByteCodedFloat<string name, string typeMnemonic, string doc>
    : TypeDef<Moc_Dialect, name> {
  let mnemonic = typeMnemonic;
  let summary = doc;
}

def Moc_Float4E2M1FN : Moc_ByteCodedFloat<"Float4E2M1FN", "f4E2M1FN",
    "ONNX's FLOAT4E2M1: sign, 2 exponent bits (bias 1), 1 mantissa bit; "
    "no infinity, no NaN; its code in the low 4 bits of a byte">;
def Moc_Float8E8M0FNU : Moc_ByteCodedFloat<"Float8E8M0FNU", "f8E8M0FNU",
    "ONNX's FLOAT8E8M0: a power of two 2^(code - 127), 0xFF the NaN; "
    "no sign, no zero">;

// Element types a moc tensor may hold: the numeric types of ONNX.
def Moc_ElementType
    : AnyTypeOf<[AnyFloat, AnyInteger, Moc_Float4E2M1FN, Moc_Float8E8M0FNU]>;
def Moc_Tensor : RankedTensorOf<[Moc_ElementType]>;
def Moc_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Moc_IntegerTensor : RankedTensorOf<[AnyInteger]>;
def Moc_IndexTensor : RankedTensorOf<[I32, I64]>;

def Moc_PadModeAttr : I32EnumAttr<"PadMode", "how a pad fills its border", [
    I32EnumAttrCase<"constant", 0>,
    I32EnumAttrCase<"reflect", 1>,
    I32EnumAttrCase<"edge", 2>,
    I32EnumAttrCase<"wrap", 3>]> {
  let cppNamespace = "::mocc::moc";
}

def Moc_ScatterReductionAttr : I32EnumAttr<"ScatterReduction",
    "how a scatter combines an update with the element it replaces", [
    I32EnumAttrCase<"none", 0>,
    I32EnumAttrCase<"add", 1>,
    I32EnumAttrCase<"mul", 2>,
    I32EnumAttrCase<"max", 3>,
    I32EnumAttrCase<"min", 4>]> {
  let cppNamespace = "::mocc::moc";
}

def Moc_ResizeModeAttr : I32EnumAttr<"ResizeMode",
    "how a resize interpolates", [
    I32EnumAttrCase<"nearest", 0>,
    I32EnumAttrCase<"linear", 1>,
    I32EnumAttrCase<"cubic", 2>]> {
  let cppNamespace = "::mocc::moc";
}

def Moc_CoordinateTransformAttr : I32EnumAttr<"CoordinateTransform",
    "how a resize maps output coordinates to input coordinates", [
    I32EnumAttrCase<"half_pixel", 0>,
    I32EnumAttrCase<"half_pixel_symmetric", 1>,
    I32EnumAttrCase<"pytorch_half_pixel", 2>,
    I32EnumAttrCase<"align_corners", 3>,
    I32EnumAttrCase<"asymmetric", 4>,
    I32EnumAttrCase<"tf_crop_and_resize", 5>,
    I32EnumAttrCase<"tf_half_pixel_for_nn", 6>]> {
  let cppNamespace = "::mocc::moc";
}

def Moc_NearestModeAttr : I32EnumAttr<"NearestMode",
    "how a nearest-neighbor resize rounds a source coordinate", [
    I32EnumAttrCase<"round_prefer_floor", 0>,
    I32EnumAttrCase<"round_prefer_ceil", 1>,
    I32EnumAttrCase<"floor", 2>,
    I32EnumAttrCase<"ceil", 3>]> {
  let cppNamespace = "::mocc::moc";
}

def Moc_PowerRoundingAttr : I32EnumAttr<"PowerRounding",
    "how a cast to a power of two (f8E8M0FNU) rounds", [
    I32EnumAttrCase<"up", 0>,
    I32EnumAttrCase<"down", 1>,
    I32EnumAttrCase<"nearest", 2>]> {
  let cppNamespace = "::mocc::moc";
}

#endif // MOCC_DIALECT_MOC_IR_MOCBASE_TD
