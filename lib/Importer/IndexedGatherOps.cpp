//===- IndexedGatherOps.cpp - Gathers at computed positions ---------------===//
//
// Ops that read elements at positions computed from their operands, built on
// moc.gather and moc.gather_elements: GatherND flattens each index tuple into
// one position of the flattened data, ReverseSequence gathers each
// sequence's steps in reverse up to its length, and Compress gathers the
// positions its condition keeps (listed per run where it is not constant).
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace mocc {
namespace {

/// Positions 0 .. size-1 along dimension `axis` of a rank-`rank` i64 tensor
/// whose other dimensions are 1.
Value positionsAlong(NodeContext &node, int64_t size, int64_t axis, int64_t rank) {
  SmallVector<int64_t> shape(rank, 1), positions;
  shape[axis] = size;
  for (int64_t i = 0; i < size; ++i)
    positions.push_back(i);
  return node.int64Constant(positions, shape);
}

/// GatherND: with b = batch_dims and k the length of the index tuples, the
/// result at indices position p is data[p[:b], indices[p]] (a slice of the
/// dimensions after b + k).
LogicalResult importGatherND(NodeContext &node) {
  FailureOr<Value> data = node.requiredInput(0), indices = node.requiredInput(1);
  if (failed(data) || failed(indices))
    return failure();
  RankedTensorType dataType = node.inputType(0), indexType = node.inputType(1);
  if (!dataType.hasStaticShape() || !indexType.hasStaticShape())
    return node.emitError() << "needs static shapes";
  ArrayRef<int64_t> dataShape = dataType.getShape(), indexShape = indexType.getShape();
  int64_t batchDims = node.intAttr("batch_dims", 0);
  int64_t q = indexType.getRank();
  if (q < 1 || batchDims < 0 || batchDims >= q)
    return node.emitError() << "expects 0 <= batch_dims < rank of indices";
  int64_t k = indexShape.back();
  if (k > dataType.getRank() - batchDims ||
      dataShape.take_front(batchDims) != indexShape.take_front(batchDims))
    return node.emitError() << "expects index tuples of at most "
                            << dataType.getRank() - batchDims
                            << " values and matching batch dimensions";

  if (llvm::any_of(dataShape.take_front(batchDims), [](int64_t size) {
        return size > kMaxComputedConstantElements;
      }))
    return node.emitError() << "expects batch dimensions of at most "
                            << kMaxComputedConstantElements;
  Type i64 = node.builder.getI64Type();
  ArrayRef<int64_t> tupleShape = indexShape.drop_back();
  OpChain ops(node);
  Value index = ops.castTo(*indices, i64);
  // The flat position of each tuple within its batch's data.
  Value position = node.int64Constant({0}, {});
  for (int64_t i = 0; i < k; ++i) {
    int64_t size = dataShape[batchDims + i];
    Value component = ops.reshape(ops.slice(index, q - 1, i, i + 1), tupleShape);
    Value negative = ops.create<moc::LessOp>(component, node.scalar(i64, 0));
    component = ops.create<moc::SelectOp>(
        negative, ops.create<moc::AddOp>(component, node.scalar(i64, double(size))),
        component);
    int64_t stride =
        ShapedType::getNumElements(dataShape.slice(batchDims + i + 1, k - i - 1));
    position = ops.create<moc::AddOp>(
        position, ops.create<moc::MulOp>(component, node.scalar(i64, double(stride))));
  }
  // Batches follow each other in the flattened data.
  int64_t batchSize = ShapedType::getNumElements(dataShape.slice(batchDims, k));
  int64_t batchStride = batchSize;
  for (int64_t d = batchDims - 1; d >= 0; --d) {
    Value batch = positionsAlong(node, dataShape[d], d, q - 1);
    position = ops.create<moc::AddOp>(
        position, ops.create<moc::MulOp>(batch, node.scalar(i64, double(batchStride))));
    batchStride *= dataShape[d];
  }
  ArrayRef<int64_t> sliceShape = dataShape.drop_front(batchDims + k);
  SmallVector<int64_t> flatShape{
      ShapedType::getNumElements(dataShape.take_front(batchDims + k))};
  llvm::append_range(flatShape, sliceShape);
  SmallVector<int64_t> resultShape(tupleShape);
  llvm::append_range(resultShape, sliceShape);
  // A scalar position (indices of rank 1) still broadcasts to the tuples' shape.
  position = ops.create<moc::BroadcastOp>(RankedTensorType::get(tupleShape, i64),
                                          position);
  Value gathered = ops.create<moc::GatherOp>(ops.reshape(*data, flatShape),
                                             position, int64_t(0));
  Value result = ops.reshape(gathered, resultShape);
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

/// ReverseSequence: along time_axis, the first sequence_lens[b] steps of
/// batch b are reversed and the rest stay.
LogicalResult importReverseSequence(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0), lengths = node.requiredInput(1);
  if (failed(input) || failed(lengths))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (!type.hasStaticShape() || type.getRank() < 2)
    return node.emitError() << "needs a static shape of rank 2 or more";
  int64_t rank = type.getRank();
  int64_t timeAxis = node.intAttr("time_axis", 0);
  int64_t batchAxis = node.intAttr("batch_axis", 1);
  if (!((timeAxis == 0 && batchAxis == 1) || (timeAxis == 1 && batchAxis == 0)))
    return node.emitError() << "expects time_axis and batch_axis 0 and 1";
  if (type.getDimSize(timeAxis) > kMaxComputedConstantElements)
    return node.emitError() << "expects at most "
                            << kMaxComputedConstantElements << " time steps";
  Type i64 = node.builder.getI64Type();
  OpChain ops(node);
  SmallVector<int64_t> lengthShape(rank, 1);
  lengthShape[batchAxis] = type.getDimSize(batchAxis);
  Value length = ops.reshape(ops.castTo(*lengths, i64), lengthShape);
  Value step = positionsAlong(node, type.getDimSize(timeAxis), timeAxis, rank);
  Value reversed = ops.create<moc::SubOp>(
      ops.create<moc::SubOp>(length, node.scalar(i64, 1)), step);
  Value inSequence = ops.create<moc::LessOp>(step, length);
  Value source = ops.create<moc::SelectOp>(inSequence, reversed, step);
  Value indices = ops.create<moc::BroadcastOp>(type.clone(i64), source);
  Value result = ops.create<moc::GatherElementsOp>(*input, indices, timeAxis);
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

/// The positions where `condition` (1-D) holds: constants where it is one,
/// else moc.non_zero's, listed per run.
FailureOr<Value> positionsKept(NodeContext &node, OpChain &ops) {
  if (matchPattern(node.input(1), m_Constant())) {
    FailureOr<SmallVector<int64_t>> condition = node.constantInts(1);
    if (failed(condition))
      return failure();
    SmallVector<int64_t> kept;
    for (auto [i, keep] : llvm::enumerate(*condition))
      if (keep)
        kept.push_back(i);
    return node.int64Constant(kept, {int64_t(kept.size())});
  }
  Type i64 = node.builder.getI64Type();
  Value coordinates = ops.create<moc::NonZeroOp>(
      RankedTensorType::get({1, ShapedType::kDynamic}, i64), node.input(1));
  return ops.reshape(coordinates, {ShapedType::kDynamic});
}

/// Compress: the slices along `axis` (of the flattened input without one)
/// where the condition holds, a gather of its positions. A condition read
/// at run time gives a result whose size along the axis is known per run.
LogicalResult importCompress(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input) || failed(node.requiredInput(1)))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (!type.hasStaticShape())
    return node.emitError() << "needs a static shape";
  RankedTensorType conditionType = node.inputType(1);
  if (conditionType.getRank() != 1 || !conditionType.hasStaticShape())
    return node.emitError()
           << "expects a 1-D condition of static length, got " << conditionType;
  FailureOr<std::optional<int64_t>> given = node.optionalAxis(type.getRank());
  if (failed(given))
    return failure();
  OpChain ops(node);
  Value data = *given ? *input : ops.reshape(*input, {type.getNumElements()});
  int64_t axis = given->value_or(0);
  if (failed(ops.status()))
    return failure();
  int64_t size = cast<RankedTensorType>(data.getType()).getDimSize(axis);
  if (conditionType.getDimSize(0) > size)
    return node.emitError()
           << "has a condition of " << conditionType.getDimSize(0)
           << " values for a dimension of " << size;
  FailureOr<Value> kept = positionsKept(node, ops);
  if (failed(kept))
    return failure();
  Value result = ops.create<moc::GatherOp>(data, *kept, axis);
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

} // namespace

void registerIndexedGatherImporters(OpImporterTable &table) {
  table["Compress"] = importCompress;
  table["GatherND"] = importGatherND;
  table["ReverseSequence"] = importReverseSequence;
}

} // namespace mocc
