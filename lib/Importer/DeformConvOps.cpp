//===- DeformConvOps.cpp - Importer of DeformConv -------------------------===//
//
// DeformConv (2-D) becomes moc.deform_conv, computed in f32 by the runtime:
// where each tap samples depends on the offsets, known only at run time. An
// absent mask is all ones and an absent bias all zeros.
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"

using namespace mlir;

namespace mocc {
namespace {

/// The per-dimension attribute `name` of a 2-D convolution: `fallback` for
/// each dimension when absent, else exactly `count` values.
FailureOr<SmallVector<int64_t>> pairAttr(NodeContext &node, llvm::StringRef name,
                                         size_t count, int64_t fallback) {
  SmallVector<int64_t> values = node.intsAttr(name);
  if (values.empty())
    values.assign(count, fallback);
  if (values.size() != count)
    return node.emitError() << "expects " << count << " values in '" << name
                            << "'";
  return values;
}

LogicalResult importDeformConv(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0), weight = node.requiredInput(1),
                   offset = node.requiredInput(2);
  if (failed(input) || failed(weight) || failed(offset))
    return failure();
  RankedTensorType inputType = node.inputType(0), weightType = node.inputType(1);
  if (inputType.getRank() != 4 || weightType.getRank() != 4 ||
      !inputType.hasStaticShape() || !weightType.hasStaticShape() ||
      !node.inputType(2).hasStaticShape())
    return node.emitError() << "supports static 2-D inputs [N, C, H, W] only";
  FailureOr<SmallVector<int64_t>> strides = pairAttr(node, "strides", 2, 1);
  FailureOr<SmallVector<int64_t>> dilations = pairAttr(node, "dilations", 2, 1);
  FailureOr<SmallVector<int64_t>> pads = pairAttr(node, "pads", 4, 0);
  if (failed(strides) || failed(dilations) || failed(pads))
    return failure();
  SmallVector<int64_t> kernel(weightType.getShape().drop_front(2));
  SmallVector<int64_t> kernelShape = node.intsAttr("kernel_shape");
  if (!kernelShape.empty() && kernelShape != kernel)
    return node.emitError() << "has a kernel_shape other than its weight's";
  int64_t group = node.intAttr("group", 1);
  int64_t offsetGroup = node.intAttr("offset_group", 1);
  if (outsideWindowRange(*strides, 1) || outsideWindowRange(*dilations, 1) ||
      outsideWindowRange(*pads, 0) || outsideWindowRange({group, offsetGroup}, 1))
    return node.emitError() << "expects positive strides, dilations, group "
                               "and offset_group, and non-negative pads";
  // ONNX's output size: floor((size + pads - dilated kernel) / stride) + 1.
  SmallVector<int64_t> spatial;
  for (int d = 0; d < 2; ++d) {
    int64_t span = inputType.getDimSize(2 + d) + (*pads)[d] + (*pads)[d + 2] -
                   ((kernel[d] - 1) * (*dilations)[d] + 1);
    if (span < 0)
      return node.emitError() << "has a kernel larger than its padded input";
    spatial.push_back(span / (*strides)[d] + 1);
  }
  int64_t batch = inputType.getDimSize(0), outputs = weightType.getDimSize(0);
  int64_t taps = offsetGroup * kernel[0] * kernel[1];
  Type f32 = Float32Type::get(node.context());
  auto maskType =
      RankedTensorType::get({batch, taps, spatial[0], spatial[1]}, f32);
  OpChain ops(node);
  Value mask = node.input(4) ? ops.castTo(*node.requiredInput(4), f32)
                             : node.splat(maskType, 1);
  Value bias = node.input(3)
                   ? ops.castTo(*node.requiredInput(3), f32)
                   : node.splat(RankedTensorType::get({outputs}, f32), 0);
  SmallVector<int64_t> params = {(*strides)[0],   (*strides)[1], (*pads)[0],
                                 (*pads)[1],      (*dilations)[0],
                                 (*dilations)[1], group,         offsetGroup};
  Value result = ops.create<moc::DeformConvOp>(
      RankedTensorType::get({batch, outputs, spatial[0], spatial[1]}, f32),
      ops.castTo(*input, f32), ops.castTo(*weight, f32), ops.castTo(*offset, f32),
      mask, bias, params);
  result = ops.castTo(result, inputType.getElementType());
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

} // namespace

void registerDeformConvImporters(OpImporterTable &table) {
  table["DeformConv"] = importDeformConv;
}

} // namespace mocc
