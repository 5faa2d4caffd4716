//===- UnpoolingOps.cpp - Importers of MaxUnpool and Col2Im ---------------===//
//
// The ops that put windows back into an image. MaxUnpool scatters each value
// to the flat position MaxPool's Indices recorded, in zeros. Col2Im sums
// overlapping blocks into the image, which is a transposed convolution whose
// grouped weight is one-hot: block position t of channel c feeds tap t of
// output channel c.
//
//===----------------------------------------------------------------------===//
#include "OpChain.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace mocc {
namespace {

/// MaxUnpool: zeros of the output shape (output_shape, else the inverse of
/// the pooling's window arithmetic) with X's values at the flat Indices.
LogicalResult importMaxUnpool(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0),
                   indices = node.requiredInput(1);
  if (failed(input) || failed(indices))
    return failure();
  RankedTensorType type = node.inputType(0);
  SmallVector<int64_t> kernel = node.intsAttr("kernel_shape");
  size_t spatial = kernel.size();
  if (!type.hasStaticShape() || type.getRank() < 3 ||
      spatial != size_t(type.getRank() - 2))
    return node.emitError() << "expects a static input of rank 3 or more and "
                               "one kernel size per spatial dimension";
  SmallVector<int64_t> strides = node.intsAttr("strides");
  SmallVector<int64_t> pads = node.intsAttr("pads");
  if (strides.empty())
    strides.assign(spatial, 1);
  if (pads.empty())
    pads.assign(2 * spatial, 0);
  if (strides.size() != spatial || pads.size() != 2 * spatial)
    return node.emitError() << "expects " << spatial << " strides and "
                            << 2 * spatial << " pads";
  if (outsideWindowRange(kernel, 1) || outsideWindowRange(strides, 1) ||
      outsideWindowRange(pads, 0) ||
      outsideWindowRange(type.getShape().drop_front(2), 0))
    return node.emitError() << "expects kernel sizes, strides, pads and "
                               "spatial sizes of at most "
                            << kMaxWindow;
  // Indices address the shape the pooling inverts; output_shape, if given,
  // only adds zeros at the end of each dimension (as ONNX's reference).
  SmallVector<int64_t> shape(type.getShape());
  for (size_t i = 0; i < spatial; ++i)
    shape[2 + i] = (shape[2 + i] - 1) * strides[i] - pads[i] -
                   pads[spatial + i] + kernel[i];
  // The zeros output_shape adds, known at run time only where it is.
  SmallVector<int64_t> padding(2 * shape.size(), 0);
  SmallVector<Value> dynamicPadding;
  if (node.input(2)) {
    FailureOr<SmallVector<OpFoldResult>> given = node.sizeElements(2);
    if (failed(given))
      return failure();
    if (given->size() != shape.size())
      return node.emitError() << "expects an output_shape of rank "
                              << shape.size();
    OpBuilder &b = node.builder;
    for (auto [d, size] : llvm::enumerate(*given)) {
      Value extra = b.createOrFold<arith::SubIOp>(
          node.loc, node.int64Value(size),
          b.create<arith::ConstantIntOp>(node.loc, shape[d], 64));
      Value enough = b.createOrFold<arith::CmpIOp>(
          node.loc, arith::CmpIPredicate::sge, extra,
          b.create<arith::ConstantIntOp>(node.loc, 0, 64));
      std::string message = llvm::formatv(
          "expects an output_shape of at least the unpooled size {0} in "
          "dimension {1}",
          shape[d], d);
      if (failed(node.require(enough, message)))
        return failure();
      std::optional<int64_t> known = getConstantIntValue(extra);
      padding[shape.size() + d] = known ? *known : ShapedType::kDynamic;
      if (!known)
        dynamicPadding.push_back(
            b.create<arith::IndexCastOp>(node.loc, b.getIndexType(), extra));
    }
  }
  int64_t total = 1;
  for (int64_t size : shape)
    if (size < 0 || llvm::MulOverflow(total, size, total) ||
        total > kMaxComputedConstantElements)
      return node.emitError() << "expects an output of at most "
                              << kMaxComputedConstantElements << " elements";
  OpChain ops(node);
  int64_t count = type.getNumElements();
  Type element = type.getElementType();
  Value zeros = node.splat(RankedTensorType::get({total}, element), 0);
  Value flat = ops.create<moc::ScatterElementsOp>(
      zeros, ops.reshape(*indices, {count}), ops.reshape(*input, {count}),
      int64_t(0), moc::ScatterReduction::none);
  Value result = ops.reshape(flat, shape);
  if (llvm::any_of(padding, [](int64_t p) { return p != 0; }))
    result =
        ops.create<moc::PadOp>(result, node.scalar(element, 0), dynamicPadding,
                               padding, moc::PadMode::constant);
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

/// Col2Im: input (N, C x prod(block_shape), L) to (N, C, image_shape...).
LogicalResult importCol2Im(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  FailureOr<SmallVector<int64_t>> image = node.constantInts(1);
  FailureOr<SmallVector<int64_t>> block = node.constantInts(2);
  if (failed(input) || failed(image) || failed(block))
    return failure();
  RankedTensorType type = node.inputType(0);
  size_t spatial = image->size();
  auto orOnes = [&](llvm::StringRef name, size_t count) {
    SmallVector<int64_t> values = node.intsAttr(name);
    if (values.empty())
      values.assign(count, 1);
    return values;
  };
  SmallVector<int64_t> strides = orOnes("strides", spatial);
  SmallVector<int64_t> dilations = orOnes("dilations", spatial);
  SmallVector<int64_t> pads = node.intsAttr("pads");
  if (pads.empty())
    pads.assign(2 * spatial, 0);
  if (outsideWindowRange(*image, 1) || outsideWindowRange(strides, 1) ||
      outsideWindowRange(dilations, 1) || outsideWindowRange(pads, 0) ||
      outsideWindowRange(*block, 1))
    return node.emitError() << "expects image and block sizes, strides, "
                               "dilations and pads of at most "
                            << kMaxWindow;
  int64_t taps = 1;
  for (int64_t size : *block)
    if (llvm::MulOverflow(taps, size, taps) ||
        taps > kMaxComputedConstantElements)
      return node.emitError() << "has too large a block";
  if (!type.hasStaticShape() || type.getRank() != 3 || spatial == 0 ||
      block->size() != spatial || strides.size() != spatial ||
      dilations.size() != spatial || pads.size() != 2 * spatial ||
      taps == 0 || type.getDimSize(1) % taps != 0)
    return node.emitError() << "expects a static (N, C x prod(block_shape), L) "
                               "input and one block size, stride, dilation "
                               "and two pads per image dimension";
  int64_t channels = type.getDimSize(1) / taps;
  // The block positions along each image dimension.
  SmallVector<int64_t> blocks, outputPadding;
  int64_t positions = 1;
  for (size_t i = 0; i < spatial; ++i) {
    int64_t span = (*image)[i] + pads[i] + pads[spatial + i] -
                   dilations[i] * ((*block)[i] - 1) - 1;
    if (span < 0 || strides[i] < 1)
      return node.emitError() << "has blocks larger than the padded image";
    blocks.push_back(span / strides[i] + 1);
    outputPadding.push_back(span % strides[i]);
    if (llvm::MulOverflow(positions, blocks.back(), positions))
      return node.emitError() << "has too many block positions";
  }
  if (positions != type.getDimSize(2))
    return node.emitError() << "expects " << positions
                            << " block positions, got " << type.getDimSize(2);
  // The one-hot weight has channels x taps x taps elements.
  if (type.getDimSize(1) > kMaxComputedConstantElements / taps)
    return node.emitError() << "has too large a block";

  SmallVector<float> onehot(channels * taps * taps, 0.0f);
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t t = 0; t < taps; ++t)
      onehot[(c * taps + t) * taps + t] = 1.0f;
  SmallVector<int64_t> weightShape = {channels * taps, 1};
  weightShape.append(block->begin(), block->end());
  Value weight = node.builder.create<moc::ConstantOp>(
      node.loc, DenseElementsAttr::get(
                    RankedTensorType::get(weightShape,
                                          Float32Type::get(node.context())),
                    ArrayRef<float>(onehot)));
  OpChain ops(node);
  SmallVector<int64_t> columns = {type.getDimSize(0), channels * taps};
  columns.append(blocks);
  Value result = ops.create<moc::ConvTransposeOp>(
      ops.reshape(*input, columns), ops.castTo(weight, type.getElementType()),
      Value(), strides, dilations, pads, outputPadding, channels);
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

} // namespace

void registerUnpoolingImporters(OpImporterTable &table) {
  table["Col2Im"] = importCol2Im;
  table["MaxUnpool"] = importMaxUnpool;
}

} // namespace mocc
