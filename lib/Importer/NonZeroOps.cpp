//===- NonZeroOps.cpp - Importer of NonZero -------------------------------===//
//
// NonZero becomes moc.non_zero, whose result length is known only when the
// model runs (the runtime lists the coordinates).
//
//===----------------------------------------------------------------------===//
#include "NodeContext.h"

using namespace mlir;

namespace mocc {
namespace {

LogicalResult importNonZero(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (type.getRank() < 1 || !type.hasStaticShape())
    return node.emitError() << "needs a static input of rank 1 or more";
  return node.setResult(node.create<moc::NonZeroOp>(
      RankedTensorType::get({type.getRank(), ShapedType::kDynamic},
                            node.builder.getI64Type()),
      *input));
}

} // namespace

void registerNonZeroImporters(OpImporterTable &table) {
  table["NonZero"] = importNonZero;
}

} // namespace mocc
