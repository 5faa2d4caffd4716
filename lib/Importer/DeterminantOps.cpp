//===- DeterminantOps.cpp - Importer of Det -------------------------------===//
//
// Det becomes moc.determinant over the matrices flattened into one batch,
// which the runtime computes by LU decomposition with partial pivoting.
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"

using namespace mlir;

namespace mocc {
namespace {

/// The largest matrix the runtime's decomposition takes (its
/// MOCC_DET_MAX_N).
constexpr int64_t kMaxDeterminantSize = 64;

LogicalResult importDet(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  Type element = type.getElementType();
  int64_t rank = type.getRank();
  if (!type.hasStaticShape() || rank < 2 ||
      type.getDimSize(rank - 1) != type.getDimSize(rank - 2) ||
      type.getDimSize(rank - 1) > kMaxDeterminantSize ||
      !isa<FloatType>(element) || element.isF64())
    return node.emitError() << "needs static square matrices of at most "
                            << kMaxDeterminantSize << " x "
                            << kMaxDeterminantSize
                            << " of a float type of up to 32 bits";
  int64_t n = type.getDimSize(rank - 1);
  int64_t batch = type.getNumElements() / std::max<int64_t>(n * n, 1);
  Type f32 = Float32Type::get(node.context());
  OpChain ops(node);
  Value matrices = ops.castTo(ops.reshape(*input, {batch, n, n}), f32);
  Value determinants = ops.create<moc::DeterminantOp>(
      RankedTensorType::get({batch}, f32), matrices);
  Value result = ops.castTo(
      ops.reshape(determinants, type.getShape().drop_back(2)), element);
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

} // namespace

void registerDeterminantImporters(OpImporterTable &table) {
  table["Det"] = importDet;
}

} // namespace mocc
