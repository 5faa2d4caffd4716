//===- NeuralNetworkOps.cpp - Importers of ONNX NN ops --------------------===//
#include "NodeContext.h"
#include "OpChain.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"

#include <limits>

using namespace mlir;

namespace mocc {
namespace {


/// The explicit pads of a sliding window op: from `pads`, or computed for
/// auto_pad SAME_UPPER / SAME_LOWER / VALID.
FailureOr<SmallVector<int64_t>> windowPads(NodeContext &node,
                                           RankedTensorType input,
                                           ArrayRef<int64_t> kernel,
                                           ArrayRef<int64_t> strides,
                                           ArrayRef<int64_t> dilations) {
  size_t spatial = kernel.size();
  if (strides.size() != spatial || dilations.size() != spatial)
    return node.emitError()
           << "expects " << spatial << " kernel sizes, strides and dilations";
  if (outsideWindowRange(kernel, 1) || outsideWindowRange(strides, 1) || outsideWindowRange(dilations, 1))
    return node.emitError()
           << "expects kernel sizes, strides and dilations in [1, "
           << kMaxWindow << "]";
  for (int64_t d = 2; d < input.getRank(); ++d)
    if (input.getDimSize(d) > kMaxWindow)
      return node.emitError()
             << "expects spatial dimensions of at most " << kMaxWindow;
  std::string autoPad = node.stringAttr("auto_pad", "NOTSET");
  if (autoPad == "NOTSET") {
    SmallVector<int64_t> pads = node.intsAttr("pads");
    if (pads.empty())
      pads.assign(2 * spatial, 0);
    if (pads.size() != 2 * spatial)
      return node.emitError() << "expects " << 2 * spatial << " pads, got "
                              << pads.size();
    if (outsideWindowRange(pads, 0))
      return node.emitError() << "expects pads in [0, " << kMaxWindow << "]";
    return pads;
  }
  SmallVector<int64_t> pads(2 * spatial, 0);
  if (autoPad == "VALID")
    return pads;
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return node.emitError() << "unknown auto_pad '" << autoPad << "'";
  for (size_t i = 0; i < spatial; ++i) {
    int64_t size = input.getDimSize(i + 2);
    if (ShapedType::isDynamic(size))
      return node.emitError() << "auto_pad needs static spatial dimensions";
    int64_t output = (size + strides[i] - 1) / strides[i];
    int64_t total = std::max<int64_t>(
        0, (output - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - size);
    int64_t small = total / 2;
    pads[i] = autoPad == "SAME_UPPER" ? small : total - small;
    pads[i + spatial] = total - pads[i];
  }
  return pads;
}

/// `attr` if given, else `count` copies of 1.
SmallVector<int64_t> intsOrOnes(NodeContext &node, llvm::StringRef attr,
                                size_t count) {
  SmallVector<int64_t> values = node.intsAttr(attr);
  if (values.empty())
    values.assign(count, 1);
  return values;
}

} // namespace

FailureOr<Value> createConv(NodeContext &node, Value input, Value weight,
                            Value bias) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  if (inputType.getRank() < 3 || weightType.getRank() != inputType.getRank())
    return node.emitError() << "expects input and weight of one rank >= 3";
  SmallVector<int64_t> kernel = node.intsAttr("kernel_shape");
  if (kernel.empty())
    kernel.assign(weightType.getShape().begin() + 2, weightType.getShape().end());
  size_t spatial = inputType.getRank() - 2;
  SmallVector<int64_t> strides = intsOrOnes(node, "strides", spatial);
  SmallVector<int64_t> dilations = intsOrOnes(node, "dilations", spatial);
  if (kernel.size() != spatial || strides.size() != spatial ||
      dilations.size() != spatial)
    return node.emitError() << "expects " << spatial
                            << " kernel sizes, strides and dilations";
  FailureOr<SmallVector<int64_t>> pads =
      windowPads(node, inputType, kernel, strides, dilations);
  if (failed(pads))
    return failure();
  return node.create<moc::ConvOp>(input, weight, bias, strides, dilations,
                                  *pads, node.intAttr("group", 1));
}

namespace {

LogicalResult importConv(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0), weight = node.requiredInput(1);
  if (failed(input) || failed(weight))
    return failure();
  return node.setResult(createConv(node, *input, *weight, node.input(2)));
}

/// ConvTranspose: `output_shape` and `auto_pad` become explicit pads; an
/// output larger than the unpadded one grows at the end (output_padding).
LogicalResult importConvTranspose(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0),
                   weight = node.requiredInput(1);
  if (failed(input) || failed(weight))
    return failure();
  RankedTensorType inputType = node.inputType(0),
                   weightType = node.inputType(1);
  if (inputType.getRank() < 3 || weightType.getRank() != inputType.getRank())
    return node.emitError() << "expects input and weight of one rank >= 3";
  // The weight is (input channels, output channels / group, kernel...).
  int64_t group = node.intAttr("group", 1);
  if (group < 1 || group > kMaxWindow || weightType.isDynamicDim(0) ||
      weightType.getDimSize(0) % group != 0)
    return node.emitError() << "expects a group in [1, " << kMaxWindow
                            << "] dividing the weight's input channels";
  size_t spatial = inputType.getRank() - 2;
  ArrayRef<int64_t> kernel = weightType.getShape().drop_front(2);
  SmallVector<int64_t> kernelAttr = node.intsAttr("kernel_shape");
  if (!kernelAttr.empty() && ArrayRef<int64_t>(kernelAttr) != kernel)
    return node.emitError() << "expects kernel_shape to match the weight";
  SmallVector<int64_t> strides = intsOrOnes(node, "strides", spatial);
  SmallVector<int64_t> dilations = intsOrOnes(node, "dilations", spatial);
  SmallVector<int64_t> outputPadding = node.intsAttr("output_padding");
  if (outputPadding.empty())
    outputPadding.assign(spatial, 0);
  if (strides.size() != spatial || dilations.size() != spatial ||
      outputPadding.size() != spatial)
    return node.emitError() << "expects " << spatial
                            << " strides, dilations and output paddings";
  if (outsideWindowRange(strides, 1) || outsideWindowRange(dilations, 1) ||
      outsideWindowRange(outputPadding, 0) ||
      llvm::any_of(inputType.getShape().drop_front(2),
                   [](int64_t size) { return size > kMaxWindow; }) ||
      llvm::any_of(kernel, [](int64_t size) { return size > kMaxWindow; }))
    return node.emitError() << "expects strides, dilations, output paddings, "
                               "kernel and spatial sizes of at most "
                            << kMaxWindow;
  SmallVector<int64_t> outputShape = node.intsAttr("output_shape");
  if (outputShape.size() == spatial + 2)
    outputShape.erase(outputShape.begin(), outputShape.begin() + 2);
  std::string autoPad = node.stringAttr("auto_pad", "NOTSET");
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (!same && autoPad != "NOTSET" && autoPad != "VALID")
    return node.emitError() << "unknown auto_pad '" << autoPad << "'";
  SmallVector<int64_t> pads;
  if (!outputShape.empty() || same) {
    if (!outputShape.empty() && outputShape.size() != spatial)
      return node.emitError() << "expects " << spatial << " output_shape sizes";
    if (outsideWindowRange(outputShape, 0))
      return node.emitError()
             << "expects output_shape sizes in [0, " << kMaxWindow << "]";
    pads.assign(2 * spatial, 0);
    for (size_t i = 0; i < spatial; ++i) {
      int64_t size = inputType.getDimSize(i + 2);
      if (ShapedType::isDynamic(size) || ShapedType::isDynamic(kernel[i]))
        return node.emitError()
               << "output_shape and auto_pad need static spatial dimensions";
      int64_t target = outputShape.empty() ? size * strides[i] : outputShape[i];
      int64_t total = strides[i] * (size - 1) + outputPadding[i] +
                      (kernel[i] - 1) * dilations[i] + 1 - target;
      if (total < 0) {
        outputPadding[i] -= total;
        continue;
      }
      int64_t half = total / 2;
      pads[i] = autoPad == "SAME_UPPER" ? half : total - half;
      pads[i + spatial] = total - pads[i];
    }
  } else {
    if (autoPad == "NOTSET")
      pads = node.intsAttr("pads");
    if (pads.empty())
      pads.assign(2 * spatial, 0);
    if (pads.size() != 2 * spatial)
      return node.emitError()
             << "expects " << 2 * spatial << " pads, got " << pads.size();
    if (outsideWindowRange(pads, 0))
      return node.emitError() << "expects pads in [0, " << kMaxWindow << "]";
  }
  return node.setResult(node.create<moc::ConvTransposeOp>(
      *input, *weight, node.input(2), strides, dilations, pads, outputPadding,
      group));
}

/// The window of a pooling node over `input`.
struct PoolWindow {
  SmallVector<int64_t> kernel, strides, dilations, pads;
};

FailureOr<PoolWindow> poolWindow(NodeContext &node, Value input,
                                 ArrayRef<int64_t> kernel) {
  size_t spatial = kernel.size();
  PoolWindow window{SmallVector<int64_t>(kernel),
                    intsOrOnes(node, "strides", spatial),
                    intsOrOnes(node, "dilations", spatial),
                    {}};
  FailureOr<SmallVector<int64_t>> pads =
      windowPads(node, cast<RankedTensorType>(input.getType()), kernel,
                 window.strides, window.dilations);
  if (failed(pads))
    return failure();
  window.pads = *pads;
  return window;
}

template <typename PoolOp>
FailureOr<Value> createPool(NodeContext &node, Value input,
                            ArrayRef<int64_t> kernel) {
  FailureOr<PoolWindow> w = poolWindow(node, input, kernel);
  if (failed(w))
    return failure();
  bool ceilMode = node.intAttr("ceil_mode", 0);
  if constexpr (std::is_same_v<PoolOp, moc::AveragePoolOp>)
    return node.create<PoolOp>(input, kernel, w->strides, w->dilations,
                               w->pads, ceilMode,
                               bool(node.intAttr("count_include_pad", 0)));
  else
    return node.create<PoolOp>(input, kernel, w->strides, w->dilations,
                               w->pads, ceilMode);
}

/// MaxPool's Indices: for each window, the flat index in the input (N x C x
/// D1 x ... x Dn, row-major; D1..Dn column-major with storage_order 1) of its
/// first maximum. Each kernel tap is a strided slice of the input padded with
/// -inf (and of a constant of indices); a running comparison over the taps
/// in row-major order keeps the first maximum, as ONNX's reference does.
FailureOr<Value> maxPoolIndices(NodeContext &node, Value input,
                                const PoolWindow &window,
                                RankedTensorType resultType) {
  auto type = cast<RankedTensorType>(input.getType());
  if (!type.hasStaticShape() || !resultType.hasStaticShape() ||
      type.getNumElements() > kMaxComputedConstantElements)
    return node.emitError() << "computes Indices for static shapes of at most "
                            << kMaxComputedConstantElements << " elements";
  ArrayRef<int64_t> kernel = window.kernel, strides = window.strides,
                    dilations = window.dilations;
  ArrayRef<int64_t> pads = window.pads;
  size_t spatial = kernel.size();
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = type.getRank();
  // The flat index of every input element.
  bool columnMajor = node.intAttr("storage_order", 0) == 1;
  SmallVector<int64_t> positions(type.getNumElements());
  for (int64_t flat = 0; flat < int64_t(positions.size()); ++flat) {
    int64_t rest = flat, index = 0;
    SmallVector<int64_t> coords(rank);
    for (int64_t d = rank - 1; d >= 0; --d) {
      coords[d] = rest % shape[d];
      rest /= shape[d];
    }
    for (int64_t d = 0; d < 2; ++d)
      index = index * shape[d] + coords[d];
    for (int64_t i = 0; i < int64_t(spatial); ++i) {
      int64_t d = columnMajor ? rank - 1 - i : 2 + i;
      index = index * shape[d] + coords[d];
    }
    positions[flat] = index;
  }
  // Padding that every window (ceil_mode's last ones too) fits in.
  SmallVector<int64_t> padding(2 * rank, 0);
  for (size_t i = 0; i < spatial; ++i) {
    int64_t reach = (resultType.getDimSize(2 + i) - 1) * strides[i] +
                    dilations[i] * (kernel[i] - 1) + 1;
    padding[2 + i] = pads[i];
    padding[rank + 2 + i] =
        std::max<int64_t>(0, reach - shape[2 + i] - pads[i]);
  }
  Type element = type.getElementType();
  double lowest = -std::numeric_limits<double>::infinity();
  if (auto integer = dyn_cast<IntegerType>(element))
    lowest = integer.isUnsigned()
                 ? 0.0
                 : double(APInt::getSignedMinValue(integer.getWidth())
                              .getSExtValue());
  OpChain ops(node);
  Value values = ops.create<moc::PadOp>(input, node.scalar(element, lowest),
                                        padding, moc::PadMode::constant);
  Value indices = ops.create<moc::PadOp>(
      node.int64Constant(positions, shape),
      node.scalar(node.builder.getI64Type(), -1), padding,
      moc::PadMode::constant);
  Value best, bestIndex;
  SmallVector<int64_t> tap(spatial, 0);
  for (bool more = true; more;) {
    SmallVector<int64_t> starts(rank, 0), ends(resultType.getShape()),
        steps(rank, 1);
    for (size_t i = 0; i < spatial; ++i) {
      starts[2 + i] = tap[i] * dilations[i];
      ends[2 + i] = starts[2 + i] + (ends[2 + i] - 1) * strides[i] + 1;
      steps[2 + i] = strides[i];
    }
    Value value = ops.create<moc::SliceOp>(values, starts, ends, steps);
    Value index = ops.create<moc::SliceOp>(indices, starts, ends, steps);
    if (!best) {
      best = value;
      bestIndex = index;
    } else {
      Value greater = ops.create<moc::GreaterOp>(value, best);
      best = ops.create<moc::SelectOp>(greater, value, best);
      bestIndex = ops.create<moc::SelectOp>(greater, index, bestIndex);
    }
    // The next tap, row-major.
    more = false;
    for (int64_t i = spatial - 1; i >= 0 && !more; --i) {
      more = ++tap[i] < kernel[i];
      if (!more)
        tap[i] = 0;
    }
  }
  if (failed(ops.status()))
    return failure();
  return bestIndex;
}

template <typename PoolOp>
LogicalResult importPool(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  if (node.inputType(0).getRank() < 3)
    return node.emitError() << "expects an input of rank 3 or more";
  SmallVector<int64_t> kernel = node.intsAttr("kernel_shape");
  if (kernel.size() != size_t(node.inputType(0).getRank() - 2))
    return node.emitError() << "expects " << node.inputType(0).getRank() - 2
                            << " kernel sizes";
  FailureOr<Value> pooled = createPool<PoolOp>(node, *input, kernel);
  if (failed(pooled))
    return failure();
  bool wantsIndices = node.node.output_size() > 1 && !node.node.output(1).empty();
  if (!std::is_same_v<PoolOp, moc::MaxPoolOp> || !wantsIndices)
    return node.setResult(pooled);
  FailureOr<PoolWindow> window = poolWindow(node, *input, kernel);
  if (failed(window))
    return failure();
  FailureOr<Value> indices = maxPoolIndices(
      node, *input, *window, cast<RankedTensorType>(pooled->getType()));
  if (failed(indices))
    return failure();
  return node.setResults({*pooled, *indices});
}

/// GlobalAveragePool / GlobalMaxPool: a reduction over the spatial dims.
template <typename ReduceOp>
LogicalResult importGlobalPool(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < node.inputType(0).getRank(); ++d)
    axes.push_back(d);
  return node.setResult(node.create<ReduceOp>(*input, axes, true));
}

/// Training-mode BatchNormalization normalizes by the batch's statistics
/// (over every dimension but the channels) and also returns the running
/// statistics updated with them: running * momentum + batch * (1 - momentum).
LogicalResult importTrainingBatchNorm(NodeContext &node,
                                      ArrayRef<Value> operands) {
  Value input = operands[0];
  auto type = cast<RankedTensorType>(input.getType());
  Type element = type.getElementType();
  SmallVector<int64_t> axes{0}, channelShape(type.getRank(), 1);
  for (int64_t d = 2; d < type.getRank(); ++d)
    axes.push_back(d);
  channelShape[1] = type.getDimSize(1);
  OpChain ops(node);
  Value mean = ops.create<moc::ReduceMeanOp>(input, axes, false);
  Value centered = ops.create<moc::SubOp>(input, ops.reshape(mean, channelShape));
  Value variance = ops.create<moc::ReduceMeanOp>(
      ops.create<moc::MulOp>(centered, centered), axes, false);
  Value output = ops.create<moc::BatchNormOp>(
      input, operands[1], operands[2], mean, variance,
      node.builder.getF32FloatAttr(node.floatAttr("epsilon", 1e-5f)));
  double momentum = node.floatAttr("momentum", 0.9f);
  auto update = [&](Value running, Value batch) {
    return ops.create<moc::AddOp>(
        ops.create<moc::MulOp>(running, node.scalar(element, momentum)),
        ops.create<moc::MulOp>(batch, node.scalar(element, 1.0 - momentum)));
  };
  Value runningMean = update(operands[3], mean);
  Value runningVariance = update(operands[4], variance);
  if (failed(ops.status()))
    return failure();
  return node.setResults({output, runningMean, runningVariance});
}

LogicalResult importBatchNorm(NodeContext &node) {
  SmallVector<Value> operands;
  for (size_t i = 0; i < 5; ++i) {
    FailureOr<Value> operand = node.requiredInput(i);
    if (failed(operand))
      return failure();
    operands.push_back(*operand);
  }
  if (node.intAttr("training_mode", 0))
    return importTrainingBatchNorm(node, operands);
  return node.setResult(node.create<moc::BatchNormOp>(
      operands[0], operands[1], operands[2], operands[3], operands[4],
      node.builder.getF32FloatAttr(node.floatAttr("epsilon", 1e-5f))));
}

/// The pieces of a normalization over `axes`: the normalized input
/// (x - mean) / sqrt(var + eps), the mean and 1 / sqrt(var + eps), the last
/// two with the reduced dimensions kept.
struct Normalized {
  Value normalized, mean, inverseDeviation;
};

/// 1 / sqrt(mean(squares over `axes`) + epsilon), the reduced dimensions
/// kept: the scale of layer, instance and RMS normalization.
FailureOr<Value> inverseRootMeanOver(NodeContext &node, Value squares,
                                     ArrayRef<int64_t> axes, float epsilon) {
  Type element = getElementTypeOrSelf(squares.getType());
  FailureOr<Value> mean = node.create<moc::ReduceMeanOp>(squares, axes, true);
  if (failed(mean))
    return failure();
  FailureOr<Value> shifted =
      node.create<moc::AddOp>(*mean, node.scalar(element, epsilon));
  if (failed(shifted))
    return failure();
  FailureOr<Value> root = node.create<moc::SqrtOp>(*shifted);
  if (failed(root))
    return failure();
  return node.create<moc::ReciprocalOp>(*root);
}

FailureOr<Normalized> normalizeOver(NodeContext &node, Value input,
                                    ArrayRef<int64_t> axes, float epsilon) {
  FailureOr<Value> mean = node.create<moc::ReduceMeanOp>(input, axes, true);
  if (failed(mean))
    return failure();
  FailureOr<Value> centered = node.create<moc::SubOp>(input, *mean);
  if (failed(centered))
    return failure();
  FailureOr<Value> squared = node.create<moc::MulOp>(*centered, *centered);
  if (failed(squared))
    return failure();
  FailureOr<Value> inverse = inverseRootMeanOver(node, *squared, axes, epsilon);
  if (failed(inverse))
    return failure();
  FailureOr<Value> normalized = node.create<moc::MulOp>(*centered, *inverse);
  if (failed(normalized))
    return failure();
  return Normalized{*normalized, *mean, *inverse};
}

/// normalized * scale + bias.
FailureOr<Value> scaleAndShift(NodeContext &node, Value normalized, Value scale,
                               Value bias) {
  FailureOr<Value> scaled = node.create<moc::MulOp>(normalized, scale);
  if (failed(scaled))
    return failure();
  return node.create<moc::AddOp>(*scaled, bias);
}

LogicalResult importInstanceNorm(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0), scale = node.requiredInput(1),
                   bias = node.requiredInput(2);
  if (failed(input) || failed(scale) || failed(bias))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (type.getRank() < 3)
    return node.emitError() << "expects an input of rank 3 or more";
  SmallVector<int64_t> axes, paramShape{type.getDimSize(1)};
  for (int64_t d = 2; d < type.getRank(); ++d) {
    axes.push_back(d);
    paramShape.push_back(1);
  }
  FailureOr<Normalized> parts =
      normalizeOver(node, *input, axes, node.floatAttr("epsilon", 1e-5f));
  FailureOr<Value> channelScale = node.reshape(*scale, paramShape);
  FailureOr<Value> channelBias = node.reshape(*bias, paramShape);
  if (failed(parts) || failed(channelScale) || failed(channelBias))
    return failure();
  return node.setResult(
      scaleAndShift(node, parts->normalized, *channelScale, *channelBias));
}

/// The dimensions from the node's `axis` (default -1) to the last: what layer
/// and RMS normalization normalize over.
FailureOr<SmallVector<int64_t>> trailingAxes(NodeContext &node, int64_t rank) {
  FailureOr<int64_t> axis = node.normalizeAxis(node.intAttr("axis", -1), rank);
  if (failed(axis))
    return failure();
  return llvm::to_vector(llvm::seq<int64_t>(*axis, rank));
}

/// LayerNormalization is one moc op; when a model also reads its Mean and
/// InvStdDev outputs, it is imported as its parts instead.
LogicalResult importLayerNorm(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0), scale = node.requiredInput(1);
  if (failed(input) || failed(scale))
    return failure();
  FailureOr<SmallVector<int64_t>> axes =
      trailingAxes(node, node.inputType(0).getRank());
  if (failed(axes))
    return failure();
  Value bias = node.input(2);
  if (!bias)
    bias = node.splat(node.inputType(1), 0.0);
  float epsilon = node.floatAttr("epsilon", 1e-5f);
  bool statisticsUsed = llvm::any_of(
      llvm::drop_begin(node.node.output()),
      [](const std::string &name) { return !name.empty(); });
  if (!statisticsUsed)
    return node.setResult(node.create<moc::LayerNormOp>(
        *input, *scale, bias, node.builder.getI64IntegerAttr(axes->front()),
        node.builder.getF32FloatAttr(epsilon)));
  FailureOr<Normalized> parts = normalizeOver(node, *input, *axes, epsilon);
  if (failed(parts))
    return failure();
  FailureOr<Value> output = scaleAndShift(node, parts->normalized, *scale, bias);
  if (failed(output))
    return failure();
  return node.setResults({*output, parts->mean, parts->inverseDeviation});
}

/// RMSNormalization: x / sqrt(mean(x^2 over axes >= axis) + eps) * scale.
LogicalResult importRMSNorm(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0), scale = node.requiredInput(1);
  if (failed(input) || failed(scale))
    return failure();
  FailureOr<SmallVector<int64_t>> axes =
      trailingAxes(node, node.inputType(0).getRank());
  if (failed(axes))
    return failure();
  FailureOr<Value> squared = node.create<moc::MulOp>(*input, *input);
  if (failed(squared))
    return failure();
  FailureOr<Value> inverse = inverseRootMeanOver(
      node, *squared, *axes, node.floatAttr("epsilon", 1e-5f));
  if (failed(inverse))
    return failure();
  FailureOr<Value> normalized = node.create<moc::MulOp>(*input, *inverse);
  if (failed(normalized))
    return failure();
  return node.setResult(node.create<moc::MulOp>(*normalized, *scale));
}

/// MeanVarianceNormalization: (x - mean) / (sqrt(variance) + 1e-9) over
/// `axes` (default 0, 2, 3), as ONNX's function defines it.
LogicalResult importMeanVarianceNorm(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  int64_t rank = node.inputType(0).getRank();
  SmallVector<int64_t> axes{0, 2, 3};
  if (node.hasAttribute("axes"))
    axes = node.intsAttr("axes");
  for (int64_t &axis : axes) {
    FailureOr<int64_t> normalized = node.normalizeAxis(axis, rank, "axes");
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  llvm::sort(axes);
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    return node.emitError() << "expects distinct axes";
  Type element = node.inputType(0).getElementType();
  OpChain ops(node);
  Value mean = ops.create<moc::ReduceMeanOp>(*input, axes, true);
  Value centered = ops.create<moc::SubOp>(*input, mean);
  Value variance = ops.create<moc::ReduceMeanOp>(
      ops.create<moc::MulOp>(centered, centered), axes, true);
  Value deviation = ops.create<moc::AddOp>(ops.create<moc::SqrtOp>(variance),
                                           node.scalar(element, 1e-9));
  Value result = ops.create<moc::DivOp>(centered, deviation);
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

/// GroupNormalization: normalization over each group of channels and the
/// spatial dimensions. Opset 18 scales and shifts per group, opset 21 per
/// channel, with the statistics computed in `stash_type` (default float).
LogicalResult importGroupNorm(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0), scale = node.requiredInput(1),
                   bias = node.requiredInput(2);
  if (failed(input) || failed(scale) || failed(bias))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (type.getRank() < 2 || !type.hasStaticShape())
    return node.emitError() << "expects an input of static shape and rank 2 or more";
  int64_t batch = type.getDimSize(0), channels = type.getDimSize(1);
  int64_t groups = node.intAttr("num_groups", 0);
  if (groups <= 0 || channels % groups)
    return node.emitError() << "expects num_groups dividing the " << channels
                            << " channels, got " << groups;
  bool perChannel = node.opset >= 21;
  int64_t parameters = perChannel ? channels : groups;
  for (size_t i : {1, 2})
    if (!node.inputType(i).hasStaticShape() ||
        node.inputType(i).getNumElements() != parameters)
      return node.emitError() << "expects scale and bias of " << parameters
                              << " elements (one per "
                              << (perChannel ? "channel" : "group") << ")";
  Type element = type.getElementType(), stash = element;
  if (perChannel) {
    int64_t stashType = node.intAttr("stash_type", 1);
    stash = importElementType(int32_t(stashType), node.context());
    if (!stash || !isa<FloatType>(stash))
      return node.emitError() << "unsupported stash_type " << stashType;
  }
  OpChain ops(node);
  int64_t groupSize = type.getNumElements() / std::max<int64_t>(batch, 1) /
                      groups;
  Value grouped =
      ops.castTo(ops.reshape(*input, {batch, groups, groupSize}), stash);
  if (failed(ops.status()))
    return failure();
  FailureOr<Normalized> parts = normalizeOver(
      node, grouped, ArrayRef<int64_t>{2}, node.floatAttr("epsilon", 1e-5f));
  if (failed(parts))
    return failure();
  Value normalized = ops.castTo(parts->normalized, element);
  SmallVector<int64_t> parameterShape{groups, 1};
  if (perChannel) {
    normalized = ops.reshape(normalized, type.getShape());
    parameterShape.assign(type.getRank() - 1, 1);
    parameterShape.front() = channels;
  }
  Value shapedScale = ops.reshape(*scale, parameterShape);
  Value shapedBias = ops.reshape(*bias, parameterShape);
  if (failed(ops.status()))
    return failure();
  FailureOr<Value> result =
      scaleAndShift(node, normalized, shapedScale, shapedBias);
  if (failed(result))
    return failure();
  return node.setResult(node.reshape(*result, type.getShape()));
}

/// LRN: x / (bias + alpha / size * the sum of x^2 over `size` neighbouring
/// channels)^beta. The windowed sum over channels is an average pool of x^2
/// viewed as (N, 1, C, rest) that counts the zero padding, times the size.
LogicalResult importLRN(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (type.getRank() < 2 || !type.hasStaticShape())
    return node.emitError() << "expects an input of static shape and rank 2 or more";
  int64_t size = node.intAttr("size", 0);
  if (size <= 0)
    return node.emitError() << "expects a positive size, got " << size;
  int64_t batch = type.getDimSize(0), channels = type.getDimSize(1);
  int64_t rest =
      batch * channels != 0 ? type.getNumElements() / (batch * channels) : 0;
  int64_t before = (size - 1) / 2, after = size - 1 - before;
  SmallVector<int64_t> kernel{size, 1}, ones{1, 1}, pads{before, 0, after, 0};
  Type element = type.getElementType();
  OpChain ops(node);
  Value squares = ops.reshape(ops.create<moc::MulOp>(*input, *input),
                              {batch, 1, channels, rest});
  Value average = ops.create<moc::AveragePoolOp>(
      squares, kernel, ones, ones, pads, /*ceil_mode=*/false,
      /*count_include_pad=*/true);
  Value base = ops.create<moc::AddOp>(
      ops.create<moc::MulOp>(average,
                             node.scalar(element, node.floatAttr("alpha", 1e-4f))),
      node.scalar(element, node.floatAttr("bias", 1.0f)));
  Value denominator = ops.create<moc::PowOp>(
      base, node.scalar(element, node.floatAttr("beta", 0.75f)));
  Value result =
      ops.create<moc::DivOp>(*input, ops.reshape(denominator, type.getShape()));
  if (failed(ops.status()))
    return failure();
  return node.setResults({result});
}

/// The p-norm parts: |x|^p (x*x for p = 2, |x| for p = 1).
FailureOr<Value> powerOfMagnitude(NodeContext &node, Value input, int64_t p) {
  if (p == 2)
    return node.create<moc::MulOp>(input, input);
  FailureOr<Value> magnitude = node.create<moc::AbsOp>(input);
  if (failed(magnitude) || p == 1)
    return magnitude;
  Type element = getElementTypeOrSelf(input.getType());
  return node.create<moc::PowOp>(*magnitude, node.scalar(element, double(p)));
}

/// The p-th root (sqrt for p = 2).
FailureOr<Value> root(NodeContext &node, Value input, int64_t p) {
  if (p == 1)
    return input;
  if (p == 2)
    return node.create<moc::SqrtOp>(input);
  Type element = getElementTypeOrSelf(input.getType());
  return node.create<moc::PowOp>(input, node.scalar(element, 1.0 / double(p)));
}

/// LpNormalization: x / ||x||_p along one axis.
LogicalResult importLpNorm(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  FailureOr<int64_t> axis = node.normalizeAxis(node.intAttr("axis", -1),
                                               node.inputType(0).getRank());
  int64_t p = node.intAttr("p", 2);
  if (failed(axis))
    return failure();
  if (p != 1 && p != 2)
    return node.emitError() << "expects p = 1 or 2, got " << p;
  FailureOr<Value> powered = powerOfMagnitude(node, *input, p);
  if (failed(powered))
    return failure();
  FailureOr<Value> sum =
      node.create<moc::ReduceSumOp>(*powered, ArrayRef<int64_t>{*axis}, true);
  if (failed(sum))
    return failure();
  FailureOr<Value> norm = root(node, *sum, p);
  if (failed(norm))
    return failure();
  // A zero vector stays zero (ONNX's reference), not 0 / 0.
  Value zero = node.scalar(getElementTypeOrSelf(norm->getType()), 0.0);
  FailureOr<Value> isZero = node.create<moc::EqualOp>(*norm, zero);
  FailureOr<Value> quotient = node.create<moc::DivOp>(*input, *norm);
  if (failed(isZero) || failed(quotient))
    return failure();
  return node.setResult(node.create<moc::SelectOp>(*isZero, zero, *quotient));
}

/// LpPool: (sum over each window of |x|^p)^(1/p). The window sum is an
/// average pool that counts padding, times the window size.
LogicalResult importLpPool(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  SmallVector<int64_t> kernel = node.intsAttr("kernel_shape");
  if (type.getRank() < 3 || kernel.size() != size_t(type.getRank() - 2))
    return node.emitError() << "expects " << type.getRank() - 2
                            << " kernel sizes";
  int64_t p = node.intAttr("p", 2);
  FailureOr<Value> powered = powerOfMagnitude(node, *input, p);
  if (failed(powered))
    return failure();
  size_t spatial = kernel.size();
  SmallVector<int64_t> strides = intsOrOnes(node, "strides", spatial);
  SmallVector<int64_t> dilations = intsOrOnes(node, "dilations", spatial);
  FailureOr<SmallVector<int64_t>> pads =
      windowPads(node, type, kernel, strides, dilations);
  if (failed(pads))
    return failure();
  FailureOr<Value> average = node.create<moc::AveragePoolOp>(
      *powered, kernel, strides, dilations, *pads,
      bool(node.intAttr("ceil_mode", 0)), /*count_include_pad=*/true);
  if (failed(average))
    return failure();
  double windowSize = 1;
  for (int64_t k : kernel)
    windowSize *= double(k);
  FailureOr<Value> sum = node.create<moc::MulOp>(
      *average, node.scalar(type.getElementType(), windowSize));
  if (failed(sum))
    return failure();
  return node.setResult(root(node, *sum, p));
}

/// Hardmax along `axis`: 1 where the first maximum is, 0 elsewhere.
FailureOr<Value> createHardmax(NodeContext &node, Value input, int64_t axis) {
  auto type = cast<RankedTensorType>(input.getType());
  FailureOr<Value> argmax = node.create<moc::ArgMaxOp>(input, axis, true, false);
  if (failed(argmax))
    return failure();
  SmallVector<int64_t> positions, shape(type.getRank(), 1);
  shape[axis] = type.getDimSize(axis);
  // The iota is a constant as long as the axis.
  if (ShapedType::isDynamic(shape[axis]) ||
      shape[axis] > kMaxComputedConstantElements)
    return node.emitError() << "needs a static axis of at most "
                            << kMaxComputedConstantElements << " elements";
  for (int64_t i = 0; i < shape[axis]; ++i)
    positions.push_back(i);
  Value iota = node.builder.create<moc::ConstantOp>(
      node.loc, DenseElementsAttr::get(
                    RankedTensorType::get(shape, node.builder.getI64Type()),
                    ArrayRef<int64_t>(positions)));
  FailureOr<Value> isMax = node.create<moc::EqualOp>(iota, *argmax);
  if (failed(isMax))
    return failure();
  return node.create<moc::CastOp>(type, *isMax);
}

/// Softmax, LogSoftmax and Hardmax. Before opset 13 they work on the input
/// coerced to 2-D at `axis` (default 1); from 13 on, along `axis` (default
/// -1). `apply` builds the op along one axis.
using AlongAxis = FailureOr<Value> (*)(NodeContext &, Value, int64_t);

template <typename OpTy>
FailureOr<Value> createAlongAxis(NodeContext &node, Value input, int64_t axis) {
  return node.create<OpTy>(input, axis);
}

template <AlongAxis apply>
LogicalResult importSoftmaxLike(NodeContext &node) {
  FailureOr<Value> input = node.requiredInput(0);
  if (failed(input))
    return failure();
  RankedTensorType type = node.inputType(0);
  int64_t rank = type.getRank();
  FailureOr<int64_t> axis =
      node.normalizeAxis(node.intAttr("axis", node.opset < 13 ? 1 : -1), rank);
  if (failed(axis))
    return failure();
  if (node.opset >= 13 || *axis == rank - 1)
    return node.setResult(apply(node, *input, *axis));
  if (!type.hasStaticShape())
    return node.emitError() << "needs a static shape before opset 13";
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < *axis ? outer : inner) *= type.getDimSize(d);
  FailureOr<Value> flat = node.reshape(*input, {outer, inner});
  if (failed(flat))
    return failure();
  FailureOr<Value> result = apply(node, *flat, 1);
  if (failed(result))
    return failure();
  return node.setResult(node.reshape(*result, type.getShape()));
}

/// MatMul with numpy's vector rules: a 1-D operand gains a unit dimension
/// that the result then drops.
LogicalResult importMatMul(NodeContext &node) {
  FailureOr<Value> lhs = node.requiredInput(0), rhs = node.requiredInput(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  RankedTensorType lhsType = node.inputType(0), rhsType = node.inputType(1);
  if (lhsType.getRank() == 0 || rhsType.getRank() == 0)
    return node.emitError() << "expects operands of rank 1 or more";
  bool lhsVector = lhsType.getRank() == 1, rhsVector = rhsType.getRank() == 1;
  if (lhsVector)
    lhs = node.reshape(*lhs, {1, lhsType.getDimSize(0)});
  if (rhsVector)
    rhs = node.reshape(*rhs, {rhsType.getDimSize(0), 1});
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<Value> product = node.create<moc::MatMulOp>(*lhs, *rhs);
  if (failed(product) || (!lhsVector && !rhsVector))
    return node.setResult(product);
  auto type = cast<RankedTensorType>(product->getType());
  SmallVector<int64_t> shape(type.getShape().drop_back(2));
  if (!lhsVector)
    shape.push_back(type.getDimSize(type.getRank() - 2));
  if (!rhsVector)
    shape.push_back(type.getDimSize(type.getRank() - 1));
  return node.setResult(node.reshape(*product, shape));
}

/// Gemm: alpha * A' B' + beta * C, as a matmul with its epilogue.
LogicalResult importGemm(NodeContext &node) {
  FailureOr<Value> a = node.requiredInput(0), b = node.requiredInput(1);
  if (failed(a) || failed(b))
    return failure();
  if (node.inputType(0).getRank() != 2 || node.inputType(1).getRank() != 2)
    return node.emitError() << "expects 2-D A and B";
  SmallVector<int64_t> swap{1, 0};
  if (node.intAttr("transA", 0))
    a = node.create<moc::TransposeOp>(*a, swap);
  if (node.intAttr("transB", 0))
    b = node.create<moc::TransposeOp>(*b, swap);
  if (failed(a) || failed(b))
    return failure();
  FailureOr<Value> result = node.create<moc::MatMulOp>(*a, *b);
  if (failed(result))
    return failure();
  Type element = getElementTypeOrSelf(result->getType());
  float alpha = node.floatAttr("alpha", 1.0f), beta = node.floatAttr("beta", 1.0f);
  if (alpha != 1.0f)
    result = node.create<moc::MulOp>(*result, node.scalar(element, alpha));
  Value c = node.input(2);
  if (failed(result) || !c || beta == 0.0f)
    return node.setResult(result);
  FailureOr<Value> addend = c;
  if (beta != 1.0f)
    addend = node.create<moc::MulOp>(c, node.scalar(element, beta));
  if (failed(addend))
    return failure();
  return node.setResult(node.create<moc::AddOp>(*result, *addend));
}

} // namespace

void registerNeuralNetworkImporters(OpImporterTable &table) {
  table["Conv"] = importConv;
  table["ConvTranspose"] = importConvTranspose;
  table["MaxPool"] = importPool<moc::MaxPoolOp>;
  table["AveragePool"] = importPool<moc::AveragePoolOp>;
  table["GlobalAveragePool"] = importGlobalPool<moc::ReduceMeanOp>;
  table["GlobalMaxPool"] = importGlobalPool<moc::ReduceMaxOp>;
  table["BatchNormalization"] = importBatchNorm;
  table["InstanceNormalization"] = importInstanceNorm;
  table["LayerNormalization"] = importLayerNorm;
  table["RMSNormalization"] = importRMSNorm;
  table["MeanVarianceNormalization"] = importMeanVarianceNorm;
  table["GroupNormalization"] = importGroupNorm;
  table["LRN"] = importLRN;
  table["LpNormalization"] = importLpNorm;
  table["LpPool"] = importLpPool;
  table["Softmax"] = importSoftmaxLike<createAlongAxis<moc::SoftmaxOp>>;
  table["LogSoftmax"] = importSoftmaxLike<createAlongAxis<moc::LogSoftmaxOp>>;
  table["Hardmax"] = importSoftmaxLike<createHardmax>;
  table["MatMul"] = importMatMul;
  table["Gemm"] = importGemm;
}

} // namespace mocc
