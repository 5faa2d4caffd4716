//===- UniqueOps.cpp - Importer of Unique ---------------------------------===//
//
// Unique compares slices along its axis (or single elements): the input
// becomes a matrix of 64-bit keys, one row per slice (f64 bits for floats,
// so that the runtime compares numbers), moc.unique finds the distinct rows
// at run time, and Y gathers them.
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"

#include "mlir/IR/Verifier.h"

using namespace mlir;

namespace mocc {
namespace {

LogicalResult importUnique(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (!type.hasStaticShape())
    return node.emitError() << "needs a static input shape";
  FailureOr<std::optional<int64_t>> axis = node.optionalAxis(type.getRank());
  if (failed(axis))
    return failure();
  OpChain ops(node);
  // One row per slice along the axis; without one, per element.
  Value data = *axis ? *input : ops.reshape(*input, {type.getNumElements()});
  int64_t along = axis->value_or(0);
  auto dataType = cast<RankedTensorType>(data.getType());
  SmallVector<int64_t> order = {along};
  for (int64_t d = 0; d < dataType.getRank(); ++d)
    if (d != along)
      order.push_back(d);
  int64_t rows = dataType.getDimSize(along);
  Value slices = ops.reshape(ops.transpose(data, order),
                             {rows, dataType.getNumElements() / std::max<int64_t>(rows, 1)});
  Type i64 = node.builder.getI64Type();
  bool floatKeys = isa<FloatType>(type.getElementType());
  Value keys =
      floatKeys
          ? ops.create<moc::BitcastOp>(
                cast<RankedTensorType>(slices.getType()).clone(i64),
                ops.castTo(slices, node.builder.getF64Type()))
          : ops.castTo(slices, i64);
  if (failed(ops.status()))
    return failure();
  auto distinctType = RankedTensorType::get({ShapedType::kDynamic}, i64);
  // Three results: built and verified here rather than by node.create.
  auto unique = node.builder.create<moc::UniqueOp>(
      node.loc,
      TypeRange{distinctType, RankedTensorType::get({rows}, i64), distinctType},
      keys, node.builder.getBoolAttr(node.intAttr("sorted", 1) != 0),
      node.builder.getBoolAttr(floatKeys));
  if (failed(mlir::verify(unique))) {
    unique->erase();
    return failure();
  }
  Value y = ops.create<moc::GatherOp>(data, unique.getFirst(), along);
  if (failed(ops.status()))
    return failure();
  return node.setResults(
      {y, unique.getFirst(), unique.getInverse(), unique.getCounts()});
}

} // namespace

void registerUniqueImporters(OpImporterTable &table) {
  table["Unique"] = importUnique;
}

} // namespace mocc
