//===- MocShapeInference.cpp - Result types of moc ops --------------------===//
//
// Every moc op whose result type follows from its operands and attributes
// infers it here, so the importer never needs a separate shape inference.
// Inference is total: for inconsistent operands it still returns a type (with
// dynamic sizes where it cannot tell) and leaves the diagnosis to the op's
// verifier, which names what is wrong.
//
//===----------------------------------------------------------------------===//
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace mocc::moc {

static constexpr int64_t kDynamic = ShapedType::kDynamic;

FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> lhs,
                                                ArrayRef<int64_t> rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  SmallVector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t a = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t b = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    if (a == 1)
      result[i] = b;
    else if (b == 1)
      result[i] = a;
    else if (a == kDynamic || b == kDynamic)
      result[i] = a == kDynamic ? b : a;
    else if (a == b)
      result[i] = a;
    else
      return failure();
  }
  return result;
}

LogicalResult inferBroadcastResult(std::optional<Location> location,
                                   ValueRange operands, Type resultElement,
                                   SmallVectorImpl<Type> &inferred) {
  SmallVector<int64_t> shape;
  for (Value operand : operands) {
    auto type = cast<RankedTensorType>(operand.getType());
    FailureOr<SmallVector<int64_t>> joined =
        broadcastShapes(shape, type.getShape());
    if (failed(joined)) // Diagnosed by the verifier.
      joined = SmallVector<int64_t>(
          std::max(shape.size(), size_t(type.getRank())), kDynamic);
    shape = std::move(*joined);
  }
  if (!resultElement)
    resultElement = getElementTypeOrSelf(operands.front().getType());
  inferred.push_back(RankedTensorType::get(shape, resultElement));
  return success();
}

static RankedTensorType tensorOf(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// Output size of a sliding window along one dimension (ONNX conv/pool rule).
static int64_t windowOutputSize(int64_t input, int64_t kernel, int64_t stride,
                                int64_t dilation, int64_t padBegin,
                                int64_t padEnd, bool ceilMode) {
  if (input == kDynamic || stride <= 0)
    return kDynamic;
  int64_t span = input + padBegin + padEnd - dilation * (kernel - 1) - 1;
  if (span < 0)
    return 0;
  int64_t size = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
  // A window may not start in the end padding alone.
  if (ceilMode && (size - 1) * stride >= input + padBegin)
    --size;
  return size;
}

static SmallVector<int64_t> windowOutputShape(RankedTensorType input,
                                              int64_t channels,
                                              ArrayRef<int64_t> kernel,
                                              ArrayRef<int64_t> strides,
                                              ArrayRef<int64_t> dilations,
                                              ArrayRef<int64_t> pads,
                                              bool ceilMode) {
  SmallVector<int64_t> shape(input.getRank(), kDynamic);
  if (input.getRank() < 2)
    return shape;
  shape[0] = input.getDimSize(0);
  shape[1] = channels;
  size_t spatial = input.getRank() - 2;
  if (kernel.size() != spatial || strides.size() != spatial ||
      dilations.size() != spatial || pads.size() != 2 * spatial)
    return shape;
  for (size_t i = 0; i < spatial; ++i)
    shape[i + 2] = windowOutputSize(input.getDimSize(i + 2), kernel[i],
                                    strides[i], dilations[i], pads[i],
                                    pads[i + spatial], ceilMode);
  return shape;
}

LogicalResult SelectOp::inferReturnTypes(MLIRContext *, std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  return inferBroadcastResult(
      location, adaptor.getOperands(),
      getElementTypeOrSelf(adaptor.getOnTrue().getType()), inferred);
}

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType lhs = tensorOf(adaptor.getLhs());
  RankedTensorType rhs = tensorOf(adaptor.getRhs());
  if (lhs.getRank() < 2 || rhs.getRank() < 2) {
    inferred.push_back(RankedTensorType::get({kDynamic, kDynamic},
                                             lhs.getElementType()));
    return success();
  }
  FailureOr<SmallVector<int64_t>> batch = broadcastShapes(
      lhs.getShape().drop_back(2), rhs.getShape().drop_back(2));
  SmallVector<int64_t> shape =
      succeeded(batch) ? *batch
                       : SmallVector<int64_t>(
                             std::max(lhs.getRank(), rhs.getRank()) - 2,
                             kDynamic);
  shape.push_back(lhs.getDimSize(lhs.getRank() - 2));
  shape.push_back(rhs.getDimSize(rhs.getRank() - 1));
  inferred.push_back(RankedTensorType::get(shape, lhs.getElementType()));
  return success();
}

SmallVector<int64_t> channelsFirstShape(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> result(shape);
  if (shape.size() > 2)
    std::rotate(result.begin() + 1, result.end() - 1, result.end());
  return result;
}

SmallVector<int64_t> channelsLastShape(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> result(shape);
  if (shape.size() > 2)
    std::rotate(result.begin() + 1, result.begin() + 2, result.end());
  return result;
}

SmallVector<int64_t> convWeightChannelsFirstShape(ArrayRef<int64_t> shape) {
  return channelsFirstShape(shape);
}

LogicalResult ConvOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorOf(adaptor.getInput());
  RankedTensorType weight = tensorOf(adaptor.getWeight());
  bool channelsLast = adaptor.getChannelsLast();
  if (channelsLast) {
    input = input.clone(channelsFirstShape(input.getShape()));
    weight = weight.clone(convWeightChannelsFirstShape(weight.getShape()));
  }
  SmallVector<int64_t> kernel;
  if (weight.getRank() == input.getRank())
    kernel.append(weight.getShape().begin() + 2, weight.getShape().end());
  int64_t filters = weight.getRank() > 0 ? weight.getDimSize(0) : kDynamic;
  SmallVector<int64_t> shape =
      windowOutputShape(input, filters, kernel, adaptor.getStrides(),
                        adaptor.getDilations(), adaptor.getPads(),
                        /*ceilMode=*/false);
  if (channelsLast)
    shape = channelsLastShape(shape);
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

template <typename PoolOp>
static LogicalResult inferPool(typename PoolOp::Adaptor adaptor,
                               SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorOf(adaptor.getInput());
  bool channelsLast = adaptor.getChannelsLast();
  if (channelsLast)
    input = input.clone(channelsFirstShape(input.getShape()));
  int64_t channels = input.getRank() > 1 ? input.getDimSize(1) : kDynamic;
  SmallVector<int64_t> shape = windowOutputShape(
      input, channels, adaptor.getKernelShape(), adaptor.getStrides(),
      adaptor.getDilations(), adaptor.getPads(), adaptor.getCeilMode());
  if (channelsLast)
    shape = channelsLastShape(shape);
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &inferred) {
  return inferPool<MaxPoolOp>(adaptor, inferred);
}

LogicalResult AveragePoolOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &inferred) {
  return inferPool<AveragePoolOp>(adaptor, inferred);
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  inferred.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  inferred.push_back(adaptor.getInput().getType());
  return success();
}

/// The shape left after reducing `axes` of `shape`.
static SmallVector<int64_t> reducedShape(ArrayRef<int64_t> shape,
                                         ArrayRef<int64_t> axes, bool keepDims) {
  SmallVector<int64_t> result;
  for (auto [i, size] : llvm::enumerate(shape)) {
    if (!llvm::is_contained(axes, int64_t(i)))
      result.push_back(size);
    else if (keepDims)
      result.push_back(1);
  }
  return result;
}

#define MOCC_INFER_REDUCTION(OpTy)                                             \
  LogicalResult OpTy::inferReturnTypes(MLIRContext *, std::optional<Location>, \
                                       Adaptor adaptor,                        \
                                       SmallVectorImpl<Type> &inferred) {      \
    RankedTensorType input = tensorOf(adaptor.getInput());                     \
    inferred.push_back(RankedTensorType::get(                                  \
        reducedShape(input.getShape(), adaptor.getAxes(),                      \
                     adaptor.getKeepdims()),                                   \
        input.getElementType()));                                              \
    return success();                                                          \
  }
MOCC_INFER_REDUCTION(ReduceSumOp)
MOCC_INFER_REDUCTION(ReduceMeanOp)
MOCC_INFER_REDUCTION(ReduceMaxOp)
MOCC_INFER_REDUCTION(ReduceMinOp)
MOCC_INFER_REDUCTION(ReduceProdOp)
#undef MOCC_INFER_REDUCTION

template <typename ArgOp>
static LogicalResult inferArgReduction(MLIRContext *context,
                                       typename ArgOp::Adaptor adaptor,
                                       SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorOf(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  inferred.push_back(RankedTensorType::get(
      reducedShape(input.getShape(), {axis}, adaptor.getKeepdims()),
      IntegerType::get(context, 64)));
  return success();
}

LogicalResult ArgMaxOp::inferReturnTypes(MLIRContext *context, std::optional<Location>,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  return inferArgReduction<ArgMaxOp>(context, adaptor, inferred);
}

LogicalResult ArgMinOp::inferReturnTypes(MLIRContext *context, std::optional<Location>,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  return inferArgReduction<ArgMinOp>(context, adaptor, inferred);
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorOf(adaptor.getInput());
  SmallVector<int64_t> shape(input.getRank(), kDynamic);
  ArrayRef<int64_t> perm = adaptor.getPermutation();
  for (auto [i, source] : llvm::enumerate(perm))
    if (i < shape.size() && source >= 0 && source < input.getRank())
      shape[i] = input.getDimSize(source);
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  if (adaptor.getInputs().empty())
    return failure();
  RankedTensorType first = tensorOf(adaptor.getInputs().front());
  SmallVector<int64_t> shape(first.getShape());
  int64_t axis = adaptor.getAxis();
  if (axis >= 0 && axis < first.getRank()) {
    for (Value input : adaptor.getInputs().drop_front()) {
      RankedTensorType type = tensorOf(input);
      int64_t size = type.getRank() > axis ? type.getDimSize(axis) : kDynamic;
      shape[axis] = (shape[axis] == kDynamic || size == kDynamic)
                        ? kDynamic
                        : shape[axis] + size;
      for (int64_t d = 0; d < std::min(first.getRank(), type.getRank()); ++d)
        if (d != axis && shape[d] == kDynamic)
          shape[d] = type.getDimSize(d);
    }
  }
  inferred.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

/// Number of elements a strided slice [start, end) by `step` selects.
/// Unsigned arithmetic, so that no step or bound overflows.
static int64_t sliceLength(int64_t start, int64_t end, int64_t step) {
  if (step > 0)
    return end > start
               ? int64_t(
                     (uint64_t(end) - uint64_t(start) - 1) / uint64_t(step) + 1)
               : 0;
  if (step < 0)
    return start > end ? int64_t((uint64_t(start) - uint64_t(end) - 1) /
                                     (0 - uint64_t(step)) +
                                 1)
                       : 0;
  return 0;
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorOf(adaptor.getInput());
  SmallVector<int64_t> shape(input.getShape());
  ArrayRef<int64_t> starts = adaptor.getStarts(), ends = adaptor.getEnds(),
                    steps = adaptor.getSteps();
  for (int64_t d = 0; d < input.getRank(); ++d) {
    if (size_t(d) >= starts.size() || size_t(d) >= ends.size() ||
        size_t(d) >= steps.size() || input.isDynamicDim(d))
      shape[d] = kDynamic;
    else
      shape[d] = sliceLength(starts[d], ends[d], steps[d]);
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorOf(adaptor.getInput());
  RankedTensorType indices = tensorOf(adaptor.getIndices());
  int64_t axis = std::clamp<int64_t>(adaptor.getAxis(), 0,
                                     std::max<int64_t>(input.getRank() - 1, 0));
  SmallVector<int64_t> shape(input.getShape().take_front(axis));
  llvm::append_range(shape, indices.getShape());
  if (input.getRank() > 0)
    llvm::append_range(shape, input.getShape().drop_front(axis + 1));
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorOf(adaptor.getInput());
  SmallVector<int64_t> shape(input.getShape());
  ArrayRef<int64_t> pads = adaptor.getPads();
  for (int64_t d = 0; d < input.getRank(); ++d) {
    if (pads.size() != size_t(2 * input.getRank()) || shape[d] == kDynamic ||
        pads[d] == kDynamic || pads[d + input.getRank()] == kDynamic)
      shape[d] = kDynamic;
    else
      shape[d] += pads[d] + pads[d + input.getRank()];
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult
ConvTransposeOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                  Adaptor adaptor,
                                  SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorOf(adaptor.getInput());
  RankedTensorType weight = tensorOf(adaptor.getWeight());
  SmallVector<int64_t> shape(input.getRank(), kDynamic);
  int64_t spatial = input.getRank() - 2;
  ArrayRef<int64_t> strides = adaptor.getStrides(),
                    dilations = adaptor.getDilations(),
                    pads = adaptor.getPads(),
                    outputPadding = adaptor.getOutputPadding();
  if (spatial >= 1) {
    shape[0] = input.getDimSize(0);
    int64_t channels;
    if (weight.getRank() > 1 && !ShapedType::isDynamic(weight.getDimSize(1)) &&
        !llvm::MulOverflow(weight.getDimSize(1), int64_t(adaptor.getGroup()),
                           channels))
      shape[1] = channels;
    if (weight.getRank() == input.getRank() &&
        int64_t(strides.size()) == spatial &&
        int64_t(dilations.size()) == spatial &&
        int64_t(pads.size()) == 2 * spatial &&
        int64_t(outputPadding.size()) == spatial) {
      for (int64_t i = 0; i < spatial; ++i) {
        int64_t size = input.getDimSize(i + 2),
                kernel = weight.getDimSize(i + 2);
        if (ShapedType::isDynamic(size) || ShapedType::isDynamic(kernel))
          continue;
        shape[i + 2] =
            std::max<int64_t>(0, strides[i] * (size - 1) + outputPadding[i] +
                                     (kernel - 1) * dilations[i] + 1 - pads[i] -
                                     pads[i + spatial]);
      }
    }
  }
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult
GatherElementsOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                   Adaptor adaptor,
                                   SmallVectorImpl<Type> &inferred) {
  inferred.push_back(
      RankedTensorType::get(tensorOf(adaptor.getIndices()).getShape(),
                            tensorOf(adaptor.getInput()).getElementType()));
  return success();
}

LogicalResult
ScatterElementsOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  inferred.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult ScatterNDOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location>,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  inferred.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult ResizeOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  RankedTensorType input = tensorOf(adaptor.getInput());
  SmallVector<int64_t> shape(adaptor.getSizes());
  if (int64_t(shape.size()) != input.getRank())
    shape.assign(input.getRank(), kDynamic);
  for (int64_t &size : shape)
    if (size < 0)
      size = kDynamic;
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

} // namespace mocc::moc
