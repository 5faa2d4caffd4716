//===- ShapeValues.cpp - Shapes and the integer arithmetic on them --------===//
//
// Exporters compute the shape operands of Reshape, Expand, ConstantOfShape
// and Range from Shape: Gather picks a dimension, Unsqueeze and Concat
// assemble a new shape, Mul and Div scale a dimension. With symbolic input
// dimensions those values are known only at run time, yet each element is a
// simple function of the dimensions. So the importer keeps such small integer
// tensors as their elements: a `tensor.from_elements` of i64 (or i1) scalars,
// constants where they fold, `tensor.dim` arithmetic elsewhere. The ops above
// read a shape operand element by element (`sizeElements`): each constant
// element stays a static size of their result, each other one becomes a
// dynamic size computed at run time. A from_elements tensor is also a real
// value, so any other op that reads it computes the same numbers at run time.
//
//===----------------------------------------------------------------------===//
#include "NodeContext.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace mocc {
namespace {

/// The longest shape tensor kept as its elements.
constexpr int64_t kMaxShapeElements = 64;

/// A 0-d or 1-D integer tensor as its scalars (i64 or, for booleans, i1).
struct Elements {
  SmallVector<Value> scalars;
  bool isVector = true;

  int64_t size() const { return scalars.size(); }
};

bool isShapeLike(RankedTensorType type) {
  return type.getRank() <= 1 && type.hasStaticShape() &&
         type.getNumElements() <= kMaxShapeElements &&
         isa<IntegerType>(type.getElementType());
}

/// The elements of `tensor` if the importer knows them: a small integer
/// constant or a from_elements. Narrower integers widen to i64.
std::optional<Elements> knownElements(NodeContext &node, Value tensor) {
  if (!tensor)
    return std::nullopt;
  auto type = cast<RankedTensorType>(tensor.getType());
  if (!isShapeLike(type))
    return std::nullopt;
  Elements elements;
  elements.isVector = type.getRank() == 1;
  if (auto from = tensor.getDefiningOp<tensor::FromElementsOp>()) {
    llvm::append_range(elements.scalars, from.getElements());
    return elements;
  }
  // A weight blob (DenseResourceElementsAttr) is no shape.
  DenseElementsAttr attr;
  if (!matchPattern(tensor, m_Constant(&attr)))
    return std::nullopt;
  bool boolean = type.getElementType().isInteger(1);
  bool isUnsigned = type.getElementType().isUnsignedInteger();
  Type scalarType = boolean ? node.builder.getI1Type() : node.builder.getI64Type();
  for (const APInt &value : attr.getValues<APInt>()) {
    int64_t v = boolean || isUnsigned ? int64_t(value.getZExtValue())
                                      : value.getSExtValue();
    elements.scalars.push_back(node.builder.create<arith::ConstantOp>(
        node.loc, IntegerAttr::get(scalarType, v)));
  }
  return elements;
}

/// `elements` as a tensor: a moc constant if they all fold (so that the
/// importers that need constants see one), else a from_elements.
Value toTensor(NodeContext &node, const Elements &elements) {
  Type scalarType = elements.scalars.empty()
                        ? node.builder.getI64Type()
                        : elements.scalars.front().getType();
  SmallVector<int64_t> shape;
  if (elements.isVector)
    shape.push_back(elements.size());
  auto type = RankedTensorType::get(shape, scalarType);
  SmallVector<Attribute> values;
  for (Value scalar : elements.scalars) {
    std::optional<int64_t> constant = getConstantIntValue(scalar);
    if (!constant)
      return node.builder.create<tensor::FromElementsOp>(node.loc, type,
                                                         elements.scalars);
    values.push_back(IntegerAttr::get(scalarType, *constant));
  }
  return node.builder.create<moc::ConstantOp>(
      node.loc, DenseElementsAttr::get(type, values));
}

/// Applies `fn` to the numpy-broadcast elements of `operands`; none if their
/// lengths do not broadcast.
std::optional<Elements>
mapElements(ArrayRef<Elements> operands,
            llvm::function_ref<Value(ArrayRef<Value>)> fn) {
  int64_t length = 1;
  bool isVector = false;
  for (const Elements &operand : operands) {
    isVector |= operand.isVector;
    if (operand.size() != 1 && length != 1 && operand.size() != length)
      return std::nullopt;
    if (operand.size() != 1)
      length = operand.size();
  }
  Elements result;
  result.isVector = isVector;
  for (int64_t i = 0; i < length; ++i) {
    SmallVector<Value> scalars;
    for (const Elements &operand : operands)
      scalars.push_back(operand.scalars[operand.size() == 1 ? 0 : i]);
    result.scalars.push_back(fn(scalars));
  }
  return result;
}

/// The elements of the node's operands, all of them known and at least one
/// not constant (constants alone fold through the op's own importer).
std::optional<SmallVector<Elements>> symbolicOperands(NodeContext &node) {
  bool symbolic = false;
  for (size_t i = 0; i < node.numInputs(); ++i) {
    Value input = node.input(i);
    if (!input)
      return std::nullopt;
    bool fromElements = input.getDefiningOp<tensor::FromElementsOp>() != nullptr;
    DenseElementsAttr constant;
    if (!isShapeLike(cast<RankedTensorType>(input.getType())) ||
        (!fromElements && !matchPattern(input, m_Constant(&constant))))
      return std::nullopt;
    symbolic |= fromElements;
  }
  if (!symbolic)
    return std::nullopt;
  SmallVector<Elements> operands;
  for (size_t i = 0; i < node.numInputs(); ++i) {
    std::optional<Elements> elements = knownElements(node, node.input(i));
    if (!elements)
      return std::nullopt;
    operands.push_back(std::move(*elements));
  }
  return operands;
}

/// The i64 scalar operation of a binary ONNX op on integers.
std::optional<Elements> binary(NodeContext &node, StringRef op,
                               ArrayRef<Elements> operands) {
  OpBuilder &b = node.builder;
  Location loc = node.loc;
  auto compare = [&](arith::CmpIPredicate predicate) {
    return mapElements(operands, [&](ArrayRef<Value> s) -> Value {
      return b.createOrFold<arith::CmpIOp>(loc, predicate, s[0], s[1]);
    });
  };
  if (op == "Equal")
    return compare(arith::CmpIPredicate::eq);
  if (op == "Less")
    return compare(arith::CmpIPredicate::slt);
  if (op == "LessOrEqual")
    return compare(arith::CmpIPredicate::sle);
  if (op == "Greater")
    return compare(arith::CmpIPredicate::sgt);
  if (op == "GreaterOrEqual")
    return compare(arith::CmpIPredicate::sge);
  for (const Elements &operand : operands)
    if (!operand.scalars.empty() &&
        !operand.scalars.front().getType().isInteger(64))
      return std::nullopt;
  auto arithmetic = [&](auto tag) {
    using OpTy = decltype(tag);
    return mapElements(operands, [&](ArrayRef<Value> s) -> Value {
      return b.createOrFold<OpTy>(loc, s[0], s[1]);
    });
  };
  if (op == "Add")
    return arithmetic(arith::AddIOp());
  if (op == "Sub")
    return arithmetic(arith::SubIOp());
  if (op == "Mul")
    return arithmetic(arith::MulIOp());
  if (op == "Max")
    return arithmetic(arith::MaxSIOp());
  if (op == "Min")
    return arithmetic(arith::MinSIOp());
  if (op == "Div") {
    // Only by non-zero constants: a run-time divisor could trap.
    if (!llvm::all_of(operands[1].scalars, [](Value s) {
          std::optional<int64_t> c = getConstantIntValue(s);
          return c && *c != 0;
        }))
      return std::nullopt;
    return arithmetic(arith::DivSIOp());
  }
  return std::nullopt;
}

/// Gather along axis 0 of a 1-D tensor at constant indices.
std::optional<Elements> gather(NodeContext &node, ArrayRef<Elements> operands) {
  const Elements &data = operands[0], &indices = operands[1];
  if (!data.isVector || node.intAttr("axis", 0) != 0)
    return std::nullopt;
  Elements result;
  result.isVector = indices.isVector;
  for (Value index : indices.scalars) {
    std::optional<int64_t> i = getConstantIntValue(index);
    if (!i || *i < -data.size() || *i >= data.size())
      return std::nullopt;
    result.scalars.push_back(data.scalars[*i < 0 ? *i + data.size() : *i]);
  }
  return result;
}

/// Slice of a 1-D tensor by constant bounds.
std::optional<Elements> slice(NodeContext &node, ArrayRef<Elements> operands) {
  if (node.opset < 10 || !operands[0].isVector)
    return std::nullopt;
  auto scalarOf = [&](size_t i, int64_t fallback) -> std::optional<int64_t> {
    if (i >= operands.size() || !node.input(i))
      return fallback;
    if (operands[i].size() != 1)
      return std::nullopt;
    return getConstantIntValue(operands[i].scalars.front());
  };
  std::optional<int64_t> start = scalarOf(1, 0), end = scalarOf(2, 0),
                         axis = scalarOf(3, 0), step = scalarOf(4, 1);
  if (!start || !end || !axis || !step || (*axis != 0 && *axis != -1) ||
      *step == 0)
    return std::nullopt;
  int64_t size = operands[0].size();
  auto clamp = [&](int64_t i, int64_t low, int64_t high) {
    return std::clamp<int64_t>(i < 0 ? i + size : i, low, high);
  };
  Elements result;
  if (*step > 0) {
    for (int64_t i = clamp(*start, 0, size); i < clamp(*end, 0, size);
         i += *step)
      result.scalars.push_back(operands[0].scalars[i]);
  } else {
    for (int64_t i = clamp(*start, -1, size - 1); i > clamp(*end, -1, size - 1);
         i += *step)
      result.scalars.push_back(operands[0].scalars[i]);
  }
  return result;
}

/// The elements of a Shape-derived node, or none if it is not one the
/// importer computes element by element.
std::optional<Elements> importOnElements(NodeContext &node,
                                         ArrayRef<Elements> operands) {
  StringRef op = node.node.op_type();
  OpBuilder &b = node.builder;
  if (op == "Identity")
    return operands[0];
  if (op == "Gather")
    return gather(node, operands);
  if (op == "Slice")
    return slice(node, operands);
  if (op == "Concat") {
    Elements result;
    for (const Elements &operand : operands) {
      if (!operand.isVector)
        return std::nullopt;
      llvm::append_range(result.scalars, operand.scalars);
    }
    return result;
  }
  if (op == "Unsqueeze" || op == "Squeeze") {
    // 0-d <-> [1]: the only ranks a shape value has.
    Elements result = operands[0];
    if ((op == "Unsqueeze") == result.isVector || result.size() != 1)
      return std::nullopt;
    result.isVector = op == "Unsqueeze";
    return result;
  }
  if (op == "Cast") {
    int64_t to = node.intAttr("to", 0);
    bool toBool = to == onnx::TensorProto::BOOL;
    if (to != onnx::TensorProto::INT64 && !toBool)
      return std::nullopt;
    return mapElements(operands, [&](ArrayRef<Value> s) -> Value {
      bool fromBool = s[0].getType().isInteger(1);
      if (toBool == fromBool)
        return s[0];
      if (fromBool)
        return b.createOrFold<arith::ExtUIOp>(node.loc, b.getI64Type(), s[0]);
      Value zero = b.create<arith::ConstantIntOp>(node.loc, 0, 64);
      return b.createOrFold<arith::CmpIOp>(node.loc, arith::CmpIPredicate::ne,
                                           s[0], zero);
    });
  }
  if (op == "Where")
    return mapElements(operands, [&](ArrayRef<Value> s) -> Value {
      return b.createOrFold<arith::SelectOp>(node.loc, s[0], s[1], s[2]);
    });
  if (op == "Not")
    return mapElements(operands, [&](ArrayRef<Value> s) -> Value {
      Value one = b.create<arith::ConstantIntOp>(node.loc, 1, 1);
      return b.createOrFold<arith::XOrIOp>(node.loc, s[0], one);
    });
  if (operands.size() == 2)
    return binary(node, op, operands);
  return std::nullopt;
}

} // namespace

std::optional<LogicalResult> importShapeArithmetic(NodeContext &node) {
  if (!node.node.domain().empty() && node.node.domain() != "ai.onnx")
    return std::nullopt;
  std::optional<SmallVector<Elements>> operands = symbolicOperands(node);
  if (!operands)
    return std::nullopt;
  std::optional<Elements> result = importOnElements(node, *operands);
  if (!result)
    return std::nullopt;
  return node.setResults({toTensor(node, *result)});
}

Value NodeContext::dimAsInt64(Value tensor, int64_t d) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (!type.isDynamicDim(d))
    return builder.create<arith::ConstantIntOp>(loc, type.getDimSize(d), 64);
  Value dim = builder.create<tensor::DimOp>(loc, tensor, d);
  return builder.create<arith::IndexCastOp>(loc, builder.getI64Type(), dim);
}

void NodeContext::assertEqual(Value actual, Value expected, StringRef message) {
  auto asIndex = [&](Value value) {
    if (value.getType().isInteger(1))
      value = builder.createOrFold<arith::ExtUIOp>(loc, builder.getI64Type(),
                                                   value);
    return builder.createOrFold<arith::IndexCastOp>(loc, builder.getIndexType(),
                                                    value);
  };
  builder.create<moc::AssertEqualOp>(loc, asIndex(actual), asIndex(expected),
                                     message);
}

void NodeContext::assertNonZero(Value value, StringRef message) {
  Value zero = builder.create<arith::ConstantIntOp>(loc, 0, value.getType());
  assertEqual(builder.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                                  value, zero),
              builder.create<arith::ConstantIntOp>(loc, 0, 1), message);
}

LogicalResult NodeContext::require(Value condition, StringRef message) {
  if (std::optional<int64_t> known = getConstantIntValue(condition)) {
    if (*known == 0)
      return emitError() << message;
    return success();
  }
  assertNonZero(condition, message);
  return success();
}

FailureOr<RankedTensorType>
NodeContext::typeOfSizes(RankedTensorType like, ArrayRef<Value> sizes,
                         SmallVectorImpl<Value> &dynamic) {
  SmallVector<int64_t> shape;
  for (Value size : sizes) {
    if (std::optional<int64_t> constant = getConstantIntValue(size)) {
      if (*constant < 0)
        return emitError() << "has a negative dimension in its shape";
      shape.push_back(*constant);
      continue;
    }
    shape.push_back(ShapedType::kDynamic);
    dynamic.push_back(
        builder.create<arith::IndexCastOp>(loc, builder.getIndexType(), size));
  }
  return like.clone(shape);
}

FailureOr<Value> NodeContext::iota(Value count, Type element) {
  FailureOr<Value> ones =
      createOfSizes<moc::BroadcastOp>(scalar(element, 1), {count});
  if (failed(ones))
    return failure();
  return create<moc::CumSumOp>(*ones, int64_t(0), /*exclusive=*/true,
                               /*reverse=*/false);
}

Value NodeContext::shapeTensor(ArrayRef<Value> dims, bool isVector) {
  Elements elements;
  llvm::append_range(elements.scalars, dims);
  elements.isVector = isVector;
  return toTensor(*this, elements);
}

/// Fails unless operand `i` (of `type`) has few enough elements to read at
/// run time, a value each: sizes, counts and scales are a rank's or an
/// output count's worth, and a length no model has would only build a huge
/// graph.
static LogicalResult checkRunTimeLength(NodeContext &node, size_t i,
                                        RankedTensorType type) {
  if (type.getNumElements() <= kMaxRunTimeSizeElements)
    return success();
  return node.emitError() << "expects input " << i << " ('"
                          << node.node.input(i) << "') to hold at most "
                          << kMaxRunTimeSizeElements
                          << " values read at run time, got "
                          << type.getNumElements();
}

/// Every element of the 0-d or 1-D `tensor` of static length, read at run
/// time.
static SmallVector<Value> extractAll(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<Value> elements;
  for (int64_t e = 0; e < type.getNumElements(); ++e) {
    SmallVector<Value> index;
    if (type.getRank() == 1)
      index.push_back(b.create<arith::ConstantIndexOp>(loc, e));
    elements.push_back(b.create<tensor::ExtractOp>(loc, tensor, index));
  }
  return elements;
}

Value NodeContext::scalarTensor(Value value) {
  return builder.create<tensor::FromElementsOp>(
      loc, RankedTensorType::get({}, value.getType()), value);
}

bool NodeContext::isReadAtRunTime(size_t i) const {
  return input(i) && !matchPattern(input(i), m_Constant());
}

FailureOr<SmallVector<OpFoldResult>> NodeContext::sizeElements(size_t i) {
  FailureOr<Value> value = requiredInput(i);
  if (failed(value))
    return failure();
  SmallVector<OpFoldResult> elements;
  if (matchPattern(*value, m_Constant())) {
    FailureOr<SmallVector<int64_t>> constants = constantInts(i);
    if (failed(constants))
      return failure();
    for (int64_t constant : *constants)
      elements.push_back(builder.getI64IntegerAttr(constant));
    return elements;
  }
  // A concatenation of 1-D i64 parts: each part's own elements, so that the
  // constant ones stay known.
  if (auto concat = value->getDefiningOp<moc::ConcatOp>();
      concat && concat.getType().getRank() == 1 &&
      concat.getType().getElementType().isInteger(64)) {
    for (Value part : concat.getInputs()) {
      DenseIntElementsAttr constant;
      if (matchPattern(part, m_Constant(&constant))) {
        for (const APInt &element : constant.getValues<APInt>())
          elements.push_back(builder.getI64IntegerAttr(element.getSExtValue()));
        continue;
      }
      if (!cast<RankedTensorType>(part.getType()).hasStaticShape())
        return emitError() << "expects input " << i << " ('" << node.input(i)
                           << "') to be of static length";
      llvm::append_range(elements, extractAll(builder, loc, part));
    }
    return elements;
  }
  if (auto from = value->getDefiningOp<tensor::FromElementsOp>()) {
    for (Value scalar : from.getElements()) {
      if (std::optional<int64_t> constant = getConstantIntValue(scalar))
        elements.push_back(builder.getI64IntegerAttr(*constant));
      else if (scalar.getType().isInteger(1))
        elements.push_back(
            builder.create<arith::ExtUIOp>(loc, builder.getI64Type(), scalar)
                .getResult());
      else
        elements.push_back(scalar);
    }
    return elements;
  }
  RankedTensorType type = inputType(i);
  if (!type.getElementType().isSignlessInteger() || type.getRank() > 1 ||
      !type.hasStaticShape())
    return emitError() << "expects input " << i << " ('" << node.input(i)
                       << "') to be a 0-d or 1-D integer tensor of static "
                          "length, got "
                       << type;
  // Computed by the graph: read at run time.
  if (failed(checkRunTimeLength(*this, i, type)))
    return failure();
  for (Value scalar : extractAll(builder, loc, *value)) {
    if (scalar.getType().isInteger(1))
      scalar = builder.create<arith::ExtUIOp>(loc, builder.getI64Type(), scalar);
    else if (!scalar.getType().isInteger(64))
      scalar = builder.create<arith::ExtSIOp>(loc, builder.getI64Type(), scalar);
    elements.push_back(scalar);
  }
  return elements;
}

FailureOr<SmallVector<Value>> NodeContext::floatElements(size_t i,
                                                         FloatType type) {
  FailureOr<Value> value = requiredInput(i);
  if (failed(value))
    return failure();
  SmallVector<Value> elements;
  if (matchPattern(*value, m_Constant())) {
    FailureOr<SmallVector<double>> constants = constantFloats(i);
    if (failed(constants))
      return failure();
    for (double constant : *constants) {
      APFloat element(constant);
      bool lost;
      element.convert(type.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                      &lost);
      elements.push_back(
          builder.create<arith::ConstantFloatOp>(loc, element, type));
    }
    return elements;
  }
  RankedTensorType tensorType = inputType(i);
  if (!isa<FloatType>(tensorType.getElementType()) ||
      tensorType.getRank() > 1 || !tensorType.hasStaticShape())
    return emitError() << "expects input " << i << " ('" << node.input(i)
                       << "') to be a 0-d or 1-D float tensor of static "
                          "length, got "
                       << tensorType;
  // Computed by the graph: read at run time.
  if (failed(checkRunTimeLength(*this, i, tensorType)))
    return failure();
  for (Value scalar : extractAll(builder, loc, *value)) {
    if (scalar.getType().getIntOrFloatBitWidth() < type.getWidth())
      scalar = builder.create<arith::ExtFOp>(loc, type, scalar);
    else if (scalar.getType() != type)
      scalar = builder.create<arith::TruncFOp>(loc, type, scalar);
    elements.push_back(scalar);
  }
  return elements;
}

SmallVector<Value> NodeContext::splitBySizes(Value input, int64_t axis,
                                             ArrayRef<OpFoldResult> sizes) {
  OpBuilder &b = builder;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> extents = tensor::getMixedSizes(b, loc, input);
  SmallVector<OpFoldResult> strides(offsets.size(), b.getIndexAttr(1));
  Value begin = b.create<arith::ConstantIndexOp>(loc, 0);
  SmallVector<Value> pieces;
  for (OpFoldResult size : sizes) {
    Value extent = b.createOrFold<arith::IndexCastOp>(loc, b.getIndexType(),
                                                      int64Value(size));
    offsets[axis] = begin;
    extents[axis] = extent;
    pieces.push_back(b.create<tensor::ExtractSliceOp>(loc, input, offsets,
                                                      extents, strides));
    begin = b.createOrFold<arith::AddIOp>(loc, begin, extent);
  }
  assertEqual(begin,
              getValueOrCreateConstantIndexOp(
                  b, loc, tensor::getMixedSize(b, loc, input, axis)),
              "the split sizes must add up to the dimension");
  return pieces;
}

Value NodeContext::int64Value(OpFoldResult element) {
  if (auto value = dyn_cast<Value>(element))
    return value;
  return builder.create<arith::ConstantIntOp>(
      loc, cast<IntegerAttr>(cast<Attribute>(element)).getInt(), 64);
}

} // namespace mocc
