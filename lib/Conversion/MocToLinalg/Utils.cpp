//===- Utils.cpp - Shared helpers of the moc-to-linalg lowering -----------===//
#include "Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"

using namespace mlir;

namespace mocc::moc_to_linalg {

//===----------------------------------------------------------------------===//
// Types and scalars
//===----------------------------------------------------------------------===//

bool isUnsignedInteger(Type mocElement) {
  auto integer = dyn_cast<IntegerType>(mocElement);
  return integer && integer.isUnsigned();
}

Type elementOf(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.getElementType();
  return type;
}

Type computeTypeOf(Type element) {
  if (auto floatType = dyn_cast<FloatType>(element))
    if (floatType.getWidth() < 32)
      return Float32Type::get(element.getContext());
  return element;
}

Value convertFloat(OpBuilder &b, Location loc, Value value, Type to) {
  Type from = value.getType();
  if (from == to)
    return value;
  if (cast<FloatType>(from).getWidth() < cast<FloatType>(to).getWidth())
    return b.create<arith::ExtFOp>(loc, to, value);
  return b.create<arith::TruncFOp>(loc, to, value);
}

Value scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return b.create<arith::ConstantOp>(loc, b.getFloatAttr(floatType, value));
  if (type.isIndex())
    return b.create<arith::ConstantIndexOp>(loc, int64_t(value));
  auto integer = cast<IntegerType>(type);
  APInt bits(integer.getWidth(), uint64_t(int64_t(value)), /*isSigned=*/true);
  return b.create<arith::ConstantOp>(loc, b.getIntegerAttr(integer, bits));
}

/// An extreme value of `type`: the largest if `high`, else the smallest.
static Value extremeValue(OpBuilder &b, Location loc, Type type,
                          bool isUnsigned, bool high) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return b.create<arith::ConstantOp>(
        loc,
        b.getFloatAttr(floatType, APFloat::getInf(floatType.getFloatSemantics(),
                                                  /*Negative=*/!high)));
  auto integer = cast<IntegerType>(type);
  unsigned width = integer.getWidth();
  isUnsigned = isUnsigned || width == 1;
  APInt bits = isUnsigned ? (high ? APInt::getMaxValue(width)
                                  : APInt::getMinValue(width))
                          : (high ? APInt::getSignedMaxValue(width)
                                  : APInt::getSignedMinValue(width));
  return b.create<arith::ConstantOp>(loc, b.getIntegerAttr(integer, bits));
}

Value lowestValue(OpBuilder &b, Location loc, Type type, bool isUnsigned) {
  return extremeValue(b, loc, type, isUnsigned, /*high=*/false);
}

Value highestValue(OpBuilder &b, Location loc, Type type, bool isUnsigned) {
  return extremeValue(b, loc, type, isUnsigned, /*high=*/true);
}

Value createAdd(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  if (isa<FloatType>(lhs.getType()))
    return b.create<arith::AddFOp>(loc, lhs, rhs);
  return b.create<arith::AddIOp>(loc, lhs, rhs);
}

Value createMul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  if (isa<FloatType>(lhs.getType()))
    return b.create<arith::MulFOp>(loc, lhs, rhs);
  return b.create<arith::MulIOp>(loc, lhs, rhs);
}

Value createMax(OpBuilder &b, Location loc, Value lhs, Value rhs,
                bool isUnsigned) {
  if (isa<FloatType>(lhs.getType()))
    return b.create<arith::MaximumFOp>(loc, lhs, rhs);
  if (isUnsigned || lhs.getType().isInteger(1))
    return b.create<arith::MaxUIOp>(loc, lhs, rhs);
  return b.create<arith::MaxSIOp>(loc, lhs, rhs);
}

Value createMin(OpBuilder &b, Location loc, Value lhs, Value rhs,
                bool isUnsigned) {
  if (isa<FloatType>(lhs.getType()))
    return b.create<arith::MinimumFOp>(loc, lhs, rhs);
  if (isUnsigned || lhs.getType().isInteger(1))
    return b.create<arith::MinUIOp>(loc, lhs, rhs);
  return b.create<arith::MinSIOp>(loc, lhs, rhs);
}

Value createDiv(OpBuilder &b, Location loc, Value lhs, Value rhs,
                bool isUnsigned) {
  if (isa<FloatType>(lhs.getType()))
    return b.create<arith::DivFOp>(loc, lhs, rhs);
  if (isUnsigned)
    return b.create<arith::DivUIOp>(loc, lhs, rhs);
  return b.create<arith::DivSIOp>(loc, lhs, rhs);
}

Value createNumericCast(OpBuilder &b, Location loc, Value value, Type to,
                        bool fromUnsigned, bool toUnsigned) {
  Type from = value.getType();
  if (from == to)
    return value;
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  // Anything converts to bool as `x != 0`.
  if (to.isInteger(1)) {
    if (fromFloat)
      return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNE, value,
                                     scalarConstant(b, loc, from, 0.0));
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ne, value,
                                   scalarConstant(b, loc, from, 0.0));
  }
  if (fromFloat && toFloat)
    return convertFloat(b, loc, value, to);
  if (toFloat) {
    if (fromUnsigned || from.isInteger(1))
      return b.create<arith::UIToFPOp>(loc, to, value);
    return b.create<arith::SIToFPOp>(loc, to, value);
  }
  auto toInteger = cast<IntegerType>(to);
  if (fromFloat) {
    // Floats truncate toward zero. Unsigned targets narrower than 64 bits go
    // through i64 so that negative values wrap as they do in C and numpy.
    if (!toUnsigned)
      return b.create<arith::FPToSIOp>(loc, to, value);
    if (toInteger.getWidth() == 64)
      return b.create<arith::FPToUIOp>(loc, to, value);
    Value wide = b.create<arith::FPToSIOp>(loc, b.getI64Type(), value);
    return b.create<arith::TruncIOp>(loc, to, wide);
  }
  unsigned fromWidth = cast<IntegerType>(from).getWidth();
  if (fromWidth > toInteger.getWidth())
    return b.create<arith::TruncIOp>(loc, to, value);
  if (fromWidth == toInteger.getWidth())
    return value;
  if (fromUnsigned || fromWidth == 1)
    return b.create<arith::ExtUIOp>(loc, to, value);
  return b.create<arith::ExtSIOp>(loc, to, value);
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

SmallVector<OpFoldResult> getSizes(OpBuilder &b, Location loc, Value tensor) {
  return tensor::getMixedSizes(b, loc, tensor);
}

SmallVector<OpFoldResult> getSizesLike(OpBuilder &b, Location loc,
                                       RankedTensorType type, Value like) {
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d))
      sizes.push_back(b.getIndexAttr(type.getDimSize(d)));
    else
      sizes.push_back(b.create<tensor::DimOp>(loc, like, d).getResult());
  }
  return sizes;
}

/// The number of windows along a dimension of dynamic size `input`, as
/// moc's shape inference computes it for a static one.
static Value windowCount(OpBuilder &b, Location loc, Value input,
                         int64_t kernel, int64_t stride, int64_t dilation,
                         int64_t padBegin, int64_t padEnd, bool ceilMode) {
  auto index = [&](int64_t value) {
    return b.create<arith::ConstantIndexOp>(loc, value).getResult();
  };
  Value span = b.create<arith::AddIOp>(
      loc, input, index(padBegin + padEnd - dilation * (kernel - 1) - 1));
  // Unsigned division of the non-negative span (a negative one has no
  // window, selected below): plain division is all LLVM lowering knows.
  Value dividend = b.create<arith::MaxSIOp>(loc, span, index(0));
  if (ceilMode)
    dividend = b.create<arith::AddIOp>(loc, dividend, index(stride - 1));
  Value count = b.create<arith::AddIOp>(
      loc, b.create<arith::DivUIOp>(loc, dividend, index(stride)), index(1));
  if (ceilMode) {
    // A window may not start in the end padding alone.
    Value lastStart = b.create<arith::MulIOp>(
        loc, b.create<arith::SubIOp>(loc, count, index(1)), index(stride));
    Value inPadding = b.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::sge, lastStart,
        b.create<arith::AddIOp>(loc, input, index(padBegin)));
    count = b.create<arith::SelectOp>(
        loc, inPadding, b.create<arith::SubIOp>(loc, count, index(1)), count);
  }
  Value none =
      b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, span, index(0));
  return b.create<arith::SelectOp>(loc, none, index(0), count);
}

SmallVector<OpFoldResult> getWindowResultSizes(OpBuilder &b, Location loc,
                                               RankedTensorType type,
                                               Value input,
                                               const WindowGeometry &window) {
  SmallVector<OpFoldResult> sizes = getSizesLike(b, loc, type, input);
  int64_t spatial = window.kernel.size();
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t d = window.firstSpatial + i;
    if (!type.isDynamicDim(d))
      continue;
    Value size = b.create<tensor::DimOp>(loc, input, d);
    sizes[d] = windowCount(b, loc, size, window.kernel[i], window.strides[i],
                           window.dilations[i], window.pads[i],
                           window.pads[spatial + i], window.ceilMode);
  }
  return sizes;
}

Value createEmpty(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                  Type element) {
  return b.create<tensor::EmptyOp>(loc, sizes, element);
}

Value createFilled(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                   Value value) {
  Value empty = createEmpty(b, loc, sizes, value.getType());
  return b.create<linalg::FillOp>(loc, value, empty).getResult(0);
}

OpFoldResult addSizes(OpBuilder &b, Location loc, OpFoldResult lhs,
                      OpFoldResult rhs) {
  std::optional<int64_t> l = getConstantIntValue(lhs);
  std::optional<int64_t> r = getConstantIntValue(rhs);
  if (l && r)
    return b.getIndexAttr(*l + *r);
  if (l == 0)
    return rhs;
  if (r == 0)
    return lhs;
  return b
      .create<arith::AddIOp>(loc, getValueOrCreateConstantIndexOp(b, loc, lhs),
                             getValueOrCreateConstantIndexOp(b, loc, rhs))
      .getResult();
}

Value padConstant(OpBuilder &b, Location loc, Value input,
                  ArrayRef<OpFoldResult> low, ArrayRef<OpFoldResult> high,
                  Value value) {
  auto isZero = [](OpFoldResult p) { return isConstantIntValue(p, 0); };
  if (llvm::all_of(low, isZero) && llvm::all_of(high, isZero))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  if (!type.hasStaticShape() || !getConstantIntValues(low) ||
      !getConstantIntValues(high)) {
    // A padded tensor of dynamic sizes is built as a fill and an insert:
    // MLIR 19 bufferizes a tensor.pad of a computed tensor of dynamic sizes
    // reading those sizes off its buffer before the buffer exists, and pads
    // known at run time only make the sizes dynamic.
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, input);
    SmallVector<OpFoldResult> paddedSizes, strides;
    for (auto [d, size] : llvm::enumerate(sizes)) {
      paddedSizes.push_back(
          addSizes(b, loc, addSizes(b, loc, size, low[d]), high[d]));
      strides.push_back(b.getIndexAttr(1));
    }
    Value filled = createFilled(b, loc, paddedSizes, value);
    // A copy is inserted, not `input`: empty tensor elimination would have
    // input's producer write into the padded tensor, leaving input's other
    // readers (a 1x1 convolution beside a padded 3x3) rows that are not
    // evenly strided, which the kernels cannot read.
    Value copy = b.create<linalg::CopyOp>(
                      loc, input,
                      createEmpty(b, loc, sizes, type.getElementType()))
                     .getResult(0);
    return b.create<tensor::InsertSliceOp>(loc, copy, filled, low, sizes,
                                           strides);
  }
  return b.create<tensor::PadOp>(loc, Type(), input, low, high, value);
}

Value readThroughPadding(OpBuilder &b, Location loc, Value input,
                         ValueRange leading, ValueRange output,
                         ValueRange kernel, ValueRange trailing,
                         ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> dilations,
                         ArrayRef<int64_t> padBegin, Value padValue) {
  auto index = [&](int64_t value) {
    return b.create<arith::ConstantIndexOp>(loc, value).getResult();
  };
  SmallVector<Value> indices(leading);
  Value inside;
  Value zero = index(0);
  int64_t first = indices.size();
  for (auto [i, o] : llvm::enumerate(output)) {
    Value position = b.create<arith::AddIOp>(
        loc, b.create<arith::MulIOp>(loc, o, index(strides[i])),
        b.create<arith::MulIOp>(loc, kernel[i], index(dilations[i])));
    position = b.create<arith::SubIOp>(loc, position, index(padBegin[i]));
    // Unsigned: a negative position is out of range too.
    Value size = b.create<tensor::DimOp>(loc, input, first + i);
    Value ok = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult,
                                       position, size);
    inside = inside ? b.create<arith::AndIOp>(loc, inside, ok).getResult() : ok;
    indices.push_back(b.create<arith::SelectOp>(loc, ok, position, zero));
  }
  llvm::append_range(indices, trailing);
  Value element = b.create<tensor::ExtractOp>(loc, input, indices);
  return b.create<arith::SelectOp>(loc, inside, element, padValue);
}

SmallVector<utils::IteratorType> parallelIterators(unsigned count) {
  return SmallVector<utils::IteratorType>(count, utils::IteratorType::parallel);
}

AffineMap broadcastMap(MLIRContext *context, ArrayRef<int64_t> operandShape,
                       ArrayRef<int64_t> resultShape) {
  int64_t offset = resultShape.size() - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, size] : llvm::enumerate(operandShape)) {
    if (size == 1 && resultShape[offset + i] != 1)
      exprs.push_back(getAffineConstantExpr(0, context));
    else
      exprs.push_back(getAffineDimExpr(offset + i, context));
  }
  return AffineMap::get(resultShape.size(), 0, exprs, context);
}

Value buildElementwise(
    OpBuilder &b, Location loc, RankedTensorType resultType,
    ValueRange operands,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body,
    ValueRange dynamicSizes) {
  MLIRContext *context = b.getContext();
  int64_t rank = resultType.getRank();
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < rank; ++d) {
    if (!resultType.isDynamicDim(d)) {
      sizes.push_back(b.getIndexAttr(resultType.getDimSize(d)));
      continue;
    }
    if (!dynamicSizes.empty()) {
      sizes.push_back(dynamicSizes.front());
      dynamicSizes = dynamicSizes.drop_front();
      continue;
    }
    // Read the size from an operand that is dynamic here too; failing that
    // (inconsistent types), from one that is not broadcast.
    OpFoldResult size = b.getIndexAttr(1);
    for (Value operand : operands) {
      auto type = cast<RankedTensorType>(operand.getType());
      int64_t od = d - (rank - type.getRank());
      if (od < 0)
        continue;
      if (type.isDynamicDim(od)) {
        size = b.create<tensor::DimOp>(loc, operand, od).getResult();
        break;
      }
      if (type.getDimSize(od) != 1)
        size = b.getIndexAttr(type.getDimSize(od));
    }
    sizes.push_back(size);
  }
  Value init = createEmpty(b, loc, sizes, resultType.getElementType());

  SmallVector<AffineMap> maps;
  for (Value operand : operands)
    maps.push_back(broadcastMap(
        context, cast<RankedTensorType>(operand.getType()).getShape(),
        resultType.getShape()));
  maps.push_back(b.getMultiDimIdentityMap(rank));
  auto generic = b.create<linalg::GenericOp>(
      loc, TypeRange{init.getType()}, operands, ValueRange{init}, maps,
      parallelIterators(rank),
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args.drop_back());
        nested.create<linalg::YieldOp>(nestedLoc, result);
      });
  Value result = generic.getResult(0);
  if (result.getType() != resultType)
    result = b.create<tensor::CastOp>(loc, resultType, result);
  return result;
}

Value buildMapped(OpBuilder &b, Location loc, Value like, Type element,
                  ValueRange inputs, ArrayRef<AffineMap> maps,
                  function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = cast<RankedTensorType>(like.getType()).getRank();
  Value init = createEmpty(b, loc, getSizes(b, loc, like), element);
  SmallVector<AffineMap> allMaps(maps);
  allMaps.push_back(b.getMultiDimIdentityMap(rank));
  return b
      .create<linalg::GenericOp>(
          loc, init.getType(), inputs, init, allMaps, parallelIterators(rank),
          [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
            nested.create<linalg::YieldOp>(
                nestedLoc, body(nested, nestedLoc, args.drop_back()));
          })
      .getResult(0);
}

AffineMap keptDimsMap(MLIRContext *context, int64_t rank,
                      ArrayRef<int64_t> dims) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d)
    if (!llvm::is_contained(dims, d))
      exprs.push_back(getAffineDimExpr(d, context));
  return AffineMap::get(rank, 0, exprs, context);
}

Value countElements(OpBuilder &b, Location loc, Value tensor,
                    ArrayRef<int64_t> dims, Type type) {
  auto tensorType = cast<RankedTensorType>(tensor.getType());
  int64_t known = 1;
  Value dynamic;
  for (int64_t d : dims) {
    if (!tensorType.isDynamicDim(d)) {
      known *= tensorType.getDimSize(d);
      continue;
    }
    Value size = b.create<tensor::DimOp>(loc, tensor, d);
    dynamic = dynamic ? b.create<arith::MulIOp>(loc, dynamic, size) : size;
  }
  if (!dynamic)
    return scalarConstant(b, loc, type, double(known));
  if (known != 1)
    dynamic = b.create<arith::MulIOp>(
        loc, dynamic, b.create<arith::ConstantIndexOp>(loc, known));
  if (type.isIndex())
    return dynamic;
  Value count = b.create<arith::IndexCastUIOp>(loc, b.getI64Type(), dynamic);
  return createNumericCast(b, loc, count, type, /*fromUnsigned=*/true,
                           /*toUnsigned=*/false);
}

SmallVector<Value> buildReduction(OpBuilder &b, Location loc, ValueRange inputs,
                                  ValueRange reduced, ArrayRef<int64_t> dims,
                                  ValueRange inits, BodyFn body) {
  MLIRContext *context = b.getContext();
  Value first = inputs.front();
  int64_t rank = cast<RankedTensorType>(first.getType()).getRank();
  SmallVector<OpFoldResult> allSizes = getSizes(b, loc, first);
  SmallVector<OpFoldResult> keptSizes;
  SmallVector<AffineExpr> keptExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    if (llvm::is_contained(dims, d)) {
      iterators.push_back(utils::IteratorType::reduction);
      continue;
    }
    iterators.push_back(utils::IteratorType::parallel);
    keptSizes.push_back(allSizes[d]);
    keptExprs.push_back(getAffineDimExpr(d, context));
  }
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, context);
  AffineMap kept = AffineMap::get(rank, 0, keptExprs, context);

  SmallVector<Value> operands(inputs);
  llvm::append_range(operands, reduced);
  SmallVector<AffineMap> maps(inputs.size(), identity);
  maps.append(reduced.size() + inits.size(), kept);
  SmallVector<Value> outputs;
  SmallVector<Type> outputTypes;
  for (Value init : inits) {
    outputs.push_back(createFilled(b, loc, keptSizes, init));
    outputTypes.push_back(outputs.back().getType());
  }
  auto generic = b.create<linalg::GenericOp>(
      loc, outputTypes, operands, outputs, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        SmallVector<Value> results = body(nested, nestedLoc, args);
        nested.create<linalg::YieldOp>(nestedLoc, results);
      });
  return SmallVector<Value>(generic.getResults());
}

Value convertElementType(OpBuilder &b, Location loc, Value tensor,
                         Type element) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (type.getElementType() == element)
    return tensor;
  return buildElementwise(
      b, loc, type.clone(element), tensor,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        return convertFloat(nested, nestedLoc, args[0], element);
      });
}

Value collapse(OpBuilder &b, Location loc, Value value,
               ArrayRef<ReassociationIndices> groups) {
  return b.create<tensor::CollapseShapeOp>(loc, value, groups);
}

Value expand(OpBuilder &b, Location loc, Value value,
             ArrayRef<ReassociationIndices> groups,
             ArrayRef<OpFoldResult> sizes) {
  SmallVector<int64_t> shape;
  SmallVector<Value> dynamic;
  dispatchIndexOpFoldResults(sizes, dynamic, shape);
  auto type = RankedTensorType::get(
      shape, cast<RankedTensorType>(value.getType()).getElementType());
  return b.create<tensor::ExpandShapeOp>(loc, type, value, groups, sizes);
}

Value insertUnitDims(OpBuilder &b, Location loc, Value value,
                     ArrayRef<int64_t> dims) {
  if (dims.empty())
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  int64_t resultRank = type.getRank() + dims.size();
  SmallVector<int64_t> shape;
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices pending;
  int64_t source = 0;
  for (int64_t d = 0; d < resultRank; ++d) {
    if (llvm::is_contained(dims, d)) {
      shape.push_back(1);
      pending.push_back(d);
      continue;
    }
    shape.push_back(type.getDimSize(source++));
    pending.push_back(d);
    groups.push_back(std::move(pending));
    pending.clear();
  }
  // Trailing unit dimensions join the last group (a 0-d source has none).
  if (!groups.empty())
    llvm::append_range(groups.back(), pending);
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return b.create<tensor::ExpandShapeOp>(loc, resultType, value, groups);
}

} // namespace mocc::moc_to_linalg
