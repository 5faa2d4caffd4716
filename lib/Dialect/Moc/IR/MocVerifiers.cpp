//===- MocVerifiers.cpp - Invariants of moc ops ---------------------------===//
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;

namespace mocc::moc {

static RankedTensorType tensorOf(Value value) {
  return cast<RankedTensorType>(value.getType());
}

/// True if `dims` is a permutation of 0..rank-1.
static bool isPermutation(ArrayRef<int64_t> dims, int64_t rank) {
  if (int64_t(dims.size()) != rank)
    return false;
  SmallVector<bool> seen(rank, false);
  for (int64_t d : dims) {
    if (d < 0 || d >= rank || seen[d])
      return false;
    seen[d] = true;
  }
  return true;
}

/// Checks that `axes` are sorted, unique and within [0, rank).
static LogicalResult verifyAxes(Operation *op, ArrayRef<int64_t> axes,
                                int64_t rank) {
  for (auto [i, axis] : llvm::enumerate(axes)) {
    if (axis < 0 || axis >= rank)
      return op->emitOpError() << "expects axes in [0, " << rank << "), got "
                               << axis;
    if (i > 0 && axes[i - 1] >= axis)
      return op->emitOpError() << "expects sorted unique axes";
  }
  return success();
}

LogicalResult verifyBroadcastable(Operation *op) {
  SmallVector<int64_t> shape;
  Type element;
  for (Value operand : op->getOperands()) {
    RankedTensorType type = tensorOf(operand);
    if (!type.getElementType().isInteger(1) || !isa<SelectOp>(op) ||
        operand != op->getOperand(0)) {
      if (element && element != type.getElementType())
        return op->emitOpError()
               << "expects operands of one element type, got " << element
               << " and " << type.getElementType();
      element = type.getElementType();
    }
    FailureOr<SmallVector<int64_t>> joined =
        broadcastShapes(shape, type.getShape());
    if (failed(joined))
      return op->emitOpError() << "expects broadcastable operand shapes";
    shape = std::move(*joined);
  }
  return success();
}

LogicalResult SelectOp::verify() { return verifyBroadcastable(*this); }

LogicalResult ConvOp::verify() {
  RankedTensorType input = tensorOf(getInput());
  RankedTensorType weight = tensorOf(getWeight());
  if (getChannelsLast()) {
    if (input.getRank() != 4 || weight.getRank() != 4)
      return emitOpError() << "expects 2-d operands with channels_last";
    input = input.clone(channelsFirstShape(input.getShape()));
    weight = weight.clone(convWeightChannelsFirstShape(weight.getShape()));
  }
  int64_t spatial = input.getRank() - 2;
  if (spatial < 1)
    return emitOpError() << "expects an input of rank 3 or more, got "
                         << input.getRank();
  if (weight.getRank() != input.getRank())
    return emitOpError() << "expects a weight of rank " << input.getRank()
                         << ", got " << weight.getRank();
  if (int64_t(getStrides().size()) != spatial ||
      int64_t(getDilations().size()) != spatial ||
      int64_t(getPads().size()) != 2 * spatial)
    return emitOpError() << "expects " << spatial << " strides and dilations and "
                         << 2 * spatial << " pads";
  if (llvm::any_of(getStrides(), [](int64_t s) { return s < 1; }) ||
      llvm::any_of(getDilations(), [](int64_t s) { return s < 1; }) ||
      llvm::any_of(getPads(), [](int64_t p) { return p < 0; }))
    return emitOpError() << "expects positive strides and dilations and "
                            "non-negative pads";
  int64_t group = getGroup();
  int64_t channels = input.getDimSize(1), filters = weight.getDimSize(0);
  if (group < 1)
    return emitOpError() << "expects a positive group, got " << group;
  int64_t groupChannels = 0;
  if (!ShapedType::isDynamic(channels) &&
      !ShapedType::isDynamic(weight.getDimSize(1)) &&
      (llvm::MulOverflow(weight.getDimSize(1), group, groupChannels) ||
       channels != groupChannels))
    return emitOpError() << "expects input channels (" << channels
                         << ") = weight channels (" << weight.getDimSize(1)
                         << ") x group (" << group << ")";
  if (!ShapedType::isDynamic(filters) && filters % group != 0)
    return emitOpError() << "expects filters (" << filters
                         << ") divisible by group (" << group << ")";
  if (Value bias = getBias()) {
    RankedTensorType biasType = tensorOf(bias);
    if (biasType.getRank() != 1 || biasType.getDimSize(0) != filters)
      return emitOpError() << "expects a bias of shape [" << filters << "]";
  }
  return success();
}

template <typename PoolOp>
static LogicalResult verifyPool(PoolOp op) {
  int64_t spatial = tensorOf(op.getInput()).getRank() - 2;
  if (op.getChannelsLast() && spatial != 2)
    return op.emitOpError() << "expects a 2-d input with channels_last";
  if (spatial < 1)
    return op.emitOpError() << "expects an input of rank 3 or more";
  if (int64_t(op.getKernelShape().size()) != spatial ||
      int64_t(op.getStrides().size()) != spatial ||
      int64_t(op.getDilations().size()) != spatial ||
      int64_t(op.getPads().size()) != 2 * spatial)
    return op.emitOpError() << "expects " << spatial
                            << " kernel sizes, strides and dilations and "
                            << 2 * spatial << " pads";
  if (llvm::any_of(op.getKernelShape(), [](int64_t k) { return k < 1; }) ||
      llvm::any_of(op.getStrides(), [](int64_t s) { return s < 1; }) ||
      llvm::any_of(op.getDilations(), [](int64_t d) { return d < 1; }) ||
      llvm::any_of(op.getPads(), [](int64_t p) { return p < 0; }))
    return op.emitOpError() << "expects positive kernel sizes, strides and "
                               "dilations and non-negative pads";
  return success();
}

LogicalResult MaxPoolOp::verify() { return verifyPool(*this); }
LogicalResult AveragePoolOp::verify() { return verifyPool(*this); }

/// Checks that `param` is a vector of the input's channel count.
static LogicalResult verifyChannelVector(Operation *op, Value param,
                                         StringRef name, int64_t channels) {
  RankedTensorType type = tensorOf(param);
  if (type.getRank() != 1 ||
      (!ShapedType::isDynamic(channels) && type.getDimSize(0) != channels))
    return op->emitOpError() << "expects " << name << " of shape [" << channels
                             << "], got " << type;
  return success();
}

LogicalResult BatchNormOp::verify() {
  RankedTensorType input = tensorOf(getInput());
  if (input.getRank() < 2)
    return emitOpError() << "expects an input of rank 2 or more";
  int64_t channels = input.getDimSize(1);
  if (failed(verifyChannelVector(*this, getScale(), "scale", channels)) ||
      failed(verifyChannelVector(*this, getBias(), "bias", channels)) ||
      failed(verifyChannelVector(*this, getMean(), "mean", channels)) ||
      failed(verifyChannelVector(*this, getVariance(), "variance", channels)))
    return failure();
  return success();
}

LogicalResult LayerNormOp::verify() {
  RankedTensorType input = tensorOf(getInput());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= input.getRank())
    return emitOpError() << "expects axis in [0, " << input.getRank()
                         << "), got " << axis;
  for (Value param : {getScale(), getBias()}) {
    if (failed(broadcastShapes(input.getShape().drop_front(axis),
                               tensorOf(param).getShape())) ||
        tensorOf(param).getRank() > input.getRank() - axis)
      return emitOpError() << "expects scale and bias broadcastable to the "
                              "normalized dimensions";
  }
  return success();
}

template <typename SoftmaxLikeOp>
static LogicalResult verifySoftmaxLike(SoftmaxLikeOp op) {
  int64_t rank = tensorOf(op.getInput()).getRank();
  int64_t axis = op.getAxis(); // I64Attr getters return uint64_t.
  if (axis < 0 || axis >= rank)
    return op.emitOpError() << "expects axis in [0, " << rank << "), got "
                            << axis;
  return success();
}

LogicalResult SoftmaxOp::verify() { return verifySoftmaxLike(*this); }
LogicalResult LogSoftmaxOp::verify() { return verifySoftmaxLike(*this); }

template <typename ReduceOp>
static LogicalResult verifyReduction(ReduceOp op) {
  return verifyAxes(op, op.getAxes(), tensorOf(op.getInput()).getRank());
}

LogicalResult ReduceSumOp::verify() { return verifyReduction(*this); }
LogicalResult ReduceMeanOp::verify() { return verifyReduction(*this); }
LogicalResult ReduceMaxOp::verify() { return verifyReduction(*this); }
LogicalResult ReduceMinOp::verify() { return verifyReduction(*this); }
LogicalResult ReduceProdOp::verify() { return verifyReduction(*this); }

template <typename ArgOp>
static LogicalResult verifyArgReduction(ArgOp op) {
  int64_t axis = op.getAxis();
  return verifyAxes(op, axis, tensorOf(op.getInput()).getRank());
}

LogicalResult ArgMaxOp::verify() { return verifyArgReduction(*this); }
LogicalResult ArgMinOp::verify() { return verifyArgReduction(*this); }

LogicalResult NonMaxSuppressionOp::verify() {
  RankedTensorType boxes = tensorOf(getBoxes()), scores = tensorOf(getScores());
  RankedTensorType selected = tensorOf(getSelected());
  if (boxes.getRank() != 3 || scores.getRank() != 3 ||
      !boxes.hasStaticShape() || !scores.hasStaticShape() ||
      boxes.getDimSize(2) != 4 || boxes.getDimSize(0) != scores.getDimSize(0) ||
      boxes.getDimSize(1) != scores.getDimSize(2) ||
      !boxes.getElementType().isF32() || !scores.getElementType().isF32())
    return emitOpError() << "expects static f32 boxes [batch, boxes, 4] and "
                            "scores [batch, classes, boxes]";
  if (selected.getRank() != 2 || selected.getDimSize(1) != 3 ||
      !selected.getElementType().isInteger(64))
    return emitOpError() << "expects an i64 result of shape [?, 3]";
  return success();
}

LogicalResult RoiAlignOp::verify() {
  RankedTensorType input = tensorOf(getInput()), rois = tensorOf(getRois());
  RankedTensorType batch = tensorOf(getBatchIndices());
  RankedTensorType output = tensorOf(getOutput());
  if (input.getRank() != 4 || !input.hasStaticShape() || rois.getRank() != 2 ||
      !rois.hasStaticShape() || rois.getDimSize(1) != 4 ||
      batch.getShape() != ArrayRef<int64_t>{rois.getDimSize(0)} ||
      !batch.getElementType().isInteger(64) ||
      !input.getElementType().isF32() || !rois.getElementType().isF32())
    return emitOpError() << "expects static f32 input [N, C, H, W] and rois "
                            "[R, 4], and i64 batch indices [R]";
  if (output.getRank() != 4 || !output.hasStaticShape() ||
      output.getDimSize(0) != rois.getDimSize(0) ||
      output.getDimSize(1) != input.getDimSize(1) ||
      output.getElementType() != input.getElementType())
    return emitOpError() << "expects a static f32 result [R, C, out_h, out_w]";
  if (int64_t(getSamplingRatio()) < 0)
    return emitOpError() << "expects a non-negative sampling_ratio";
  return success();
}

LogicalResult DeformConvOp::verify() {
  RankedTensorType input = tensorOf(getInput()), weight = tensorOf(getWeight()),
                   offset = tensorOf(getOffset()), mask = tensorOf(getMask()),
                   bias = tensorOf(getBias()), output = tensorOf(getOutput());
  for (RankedTensorType type : {input, weight, offset, mask, bias, output})
    if (!type.hasStaticShape() || !type.getElementType().isF32())
      return emitOpError() << "expects static f32 operands and result";
  ArrayRef<int64_t> params = getParams();
  if (params.size() != 8 || llvm::any_of(params.take_front(2),
                                         [](int64_t v) { return v < 1; }) ||
      params[4] < 1 || params[5] < 1 || params[6] < 1 || params[7] < 1)
    return emitOpError() << "expects params: 2 positive strides, 2 pads, 2 "
                            "positive dilations, group and offset_group";
  int64_t group = params[6], offsetGroup = params[7];
  if (input.getRank() != 4 || weight.getRank() != 4 || offset.getRank() != 4 ||
      mask.getRank() != 4 || output.getRank() != 4 || bias.getRank() != 1)
    return emitOpError() << "expects 2-D operands: input, weight, offset, mask "
                            "and result of rank 4, bias of rank 1";
  int64_t n = input.getDimSize(0), c = input.getDimSize(1);
  int64_t m = weight.getDimSize(0);
  int64_t taps = weight.getDimSize(2) * weight.getDimSize(3);
  ArrayRef<int64_t> spatial = output.getShape().drop_front(2);
  if (c != weight.getDimSize(1) * group || m % group != 0 ||
      c % offsetGroup != 0 || bias.getDimSize(0) != m ||
      output.getDimSize(0) != n || output.getDimSize(1) != m ||
      offset.getShape() !=
          ArrayRef<int64_t>{n, offsetGroup * taps * 2, spatial[0], spatial[1]} ||
      mask.getShape() !=
          ArrayRef<int64_t>{n, offsetGroup * taps, spatial[0], spatial[1]})
    return emitOpError() << "has inconsistent operand shapes";
  return success();
}

LogicalResult DeterminantOp::verify() {
  RankedTensorType input = tensorOf(getInput()), output = tensorOf(getOutput());
  if (input.getRank() != 3 || !input.hasStaticShape() ||
      input.getDimSize(1) != input.getDimSize(2) ||
      !input.getElementType().isF32() || output.getRank() != 1 ||
      output.getDimSize(0) != input.getDimSize(0) ||
      output.getElementType() != input.getElementType())
    return emitOpError() << "expects static f32 matrices [batch, n, n] and "
                            "a result [batch]";
  return success();
}

LogicalResult NonZeroOp::verify() {
  RankedTensorType input = tensorOf(getInput());
  RankedTensorType result = tensorOf(getCoordinates());
  if (input.getRank() < 1 || !input.hasStaticShape())
    return emitOpError() << "expects a static input of rank 1 or more";
  if (result.getRank() != 2 || result.getDimSize(0) != input.getRank() ||
      !result.isDynamicDim(1) || !result.getElementType().isInteger(64))
    return emitOpError() << "expects an i64 result of shape ["
                         << input.getRank() << ", ?]";
  return success();
}

LogicalResult UniqueOp::verify() {
  RankedTensorType keys = tensorOf(getKeys());
  if (keys.getRank() != 2 || !keys.hasStaticShape() ||
      !keys.getElementType().isInteger(64))
    return emitOpError() << "expects static i64 keys of rank 2";
  auto isVector = [](Value value, int64_t size) {
    RankedTensorType type = tensorOf(value);
    return type.getRank() == 1 && type.getElementType().isInteger(64) &&
           type.getDimSize(0) == size;
  };
  if (!isVector(getFirst(), ShapedType::kDynamic) ||
      !isVector(getCounts(), ShapedType::kDynamic) ||
      !isVector(getInverse(), keys.getDimSize(0)))
    return emitOpError() << "expects i64 results [?], [" << keys.getDimSize(0)
                         << "] and [?]";
  return success();
}

LogicalResult BitcastOp::verify() {
  Type from = tensorOf(getInput()).getElementType();
  Type to = tensorOf(getOutput()).getElementType();
  if (isByteCodedFloat(from) || isByteCodedFloat(to)) {
    if (from.isUnsignedInteger(8) || to.isUnsignedInteger(8))
      return success();
    return emitOpError() << "expects the codes of "
                         << (isByteCodedFloat(from) ? from : to)
                         << " as ui8, got "
                         << (isByteCodedFloat(from) ? to : from);
  }
  if (from.getIntOrFloatBitWidth() != to.getIntOrFloatBitWidth())
    return emitOpError() << "expects element types of one width, got " << from
                         << " and " << to;
  return success();
}

LogicalResult CastOp::verify() {
  if ((getPowerRounding() || getSaturate()) &&
      !isa<Float8E8M0FNUType>(tensorOf(getOutput()).getElementType()))
    return emitOpError()
           << "rounds to powers of two or saturates only to f8E8M0FNU";
  return success();
}

/// Checks that an op with run-time result `sizes` has none or one per dynamic
/// dimension of `output`.
static LogicalResult verifyDynamicSizes(Operation *op, ValueRange sizes,
                                        RankedTensorType output) {
  if (!sizes.empty() && int64_t(sizes.size()) != output.getNumDynamicDims())
    return op->emitOpError() << "expects one size per dynamic result "
                                "dimension ("
                             << output.getNumDynamicDims() << "), got "
                             << sizes.size();
  return success();
}

bool ReshapeOp::shapeFollowsFromCount() {
  ArrayRef<int64_t> shape = getType().getShape();
  return llvm::count_if(shape, ShapedType::isDynamic) <= 1 &&
         !llvm::is_contained(shape, 0);
}

LogicalResult ReshapeOp::verify() {
  RankedTensorType input = tensorOf(getInput()), output = tensorOf(getOutput());
  if (input.getElementType() != output.getElementType())
    return emitOpError() << "expects the input's element type";
  if (failed(verifyDynamicSizes(*this, getSizes(), output)))
    return failure();
  if (input.hasStaticShape() && output.hasStaticShape() &&
      input.getNumElements() != output.getNumElements())
    return emitOpError() << "expects " << input.getNumElements()
                         << " elements in the result, got "
                         << output.getNumElements();
  return success();
}

LogicalResult BroadcastOp::verify() {
  RankedTensorType input = tensorOf(getInput()), output = tensorOf(getOutput());
  if (input.getElementType() != output.getElementType())
    return emitOpError() << "expects the input's element type";
  if (failed(verifyDynamicSizes(*this, getSizes(), output)))
    return failure();
  FailureOr<SmallVector<int64_t>> joined =
      broadcastShapes(input.getShape(), output.getShape());
  if (failed(joined) || input.getRank() > output.getRank() ||
      !llvm::all_of(llvm::zip(*joined, output.getShape()), [](auto pair) {
        auto [j, o] = pair;
        return j == o || ShapedType::isDynamic(o) || ShapedType::isDynamic(j);
      }))
    return emitOpError() << "expects the input to broadcast to the result";
  return success();
}

LogicalResult TransposeOp::verify() {
  if (!isPermutation(getPermutation(), tensorOf(getInput()).getRank()))
    return emitOpError() << "expects a permutation of the input's "
                         << tensorOf(getInput()).getRank() << " dimensions";
  return success();
}

LogicalResult ConcatOp::verify() {
  RankedTensorType first = tensorOf(getInputs().front());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= first.getRank())
    return emitOpError() << "expects axis in [0, " << first.getRank()
                         << "), got " << axis;
  for (Value input : getInputs()) {
    RankedTensorType type = tensorOf(input);
    if (type.getRank() != first.getRank() ||
        type.getElementType() != first.getElementType())
      return emitOpError() << "expects inputs of one rank and element type";
    for (int64_t d = 0; d < first.getRank(); ++d)
      if (d != axis && !ShapedType::isDynamic(type.getDimSize(d)) &&
          !ShapedType::isDynamic(first.getDimSize(d)) &&
          type.getDimSize(d) != first.getDimSize(d))
        return emitOpError() << "expects inputs to agree on dimension " << d;
  }
  return success();
}

LogicalResult SliceOp::verify() {
  int64_t rank = tensorOf(getInput()).getRank();
  if (int64_t(getStarts().size()) != rank ||
      int64_t(getEnds().size()) != rank || int64_t(getSteps().size()) != rank)
    return emitOpError() << "expects " << rank << " starts, ends and steps";
  ArrayRef<int64_t> shape = tensorOf(getInput()).getShape();
  for (int64_t d = 0; d < rank; ++d) {
    if (getSteps()[d] == 0)
      return emitOpError() << "expects non-zero steps";
    if (ShapedType::isDynamic(shape[d]))
      continue;
    if (getStarts()[d] < 0 || getStarts()[d] > shape[d] ||
        getEnds()[d] < -1 || getEnds()[d] > shape[d])
      return emitOpError() << "expects starts and ends clamped to dimension "
                           << d;
  }
  return success();
}

LogicalResult GatherOp::verify() {
  int64_t rank = tensorOf(getInput()).getRank();
  int64_t axis = getAxis(); // I64Attr getters return uint64_t.
  if (axis < 0 || axis >= rank)
    return emitOpError() << "expects axis in [0, " << rank << "), got "
                         << axis;
  return success();
}

LogicalResult PadOp::verify() {
  RankedTensorType input = tensorOf(getInput());
  if (int64_t(getPads().size()) != 2 * input.getRank())
    return emitOpError() << "expects " << 2 * input.getRank() << " pads";
  if (llvm::any_of(getPads(), [](int64_t p) {
        return p < 0 && !ShapedType::isDynamic(p);
      }))
    return emitOpError() << "expects non-negative pads";
  if (size_t(llvm::count_if(getPads(), ShapedType::isDynamic)) !=
      getDynamicPads().size())
    return emitOpError() << "expects one dynamic pad per kDynamic in pads";
  RankedTensorType value = tensorOf(getValue());
  if (value.getRank() != 0 || value.getElementType() != input.getElementType())
    return emitOpError() << "expects a 0-d padding value of the input's type";
  return success();
}

LogicalResult ConvTransposeOp::verify() {
  RankedTensorType input = tensorOf(getInput());
  RankedTensorType weight = tensorOf(getWeight());
  int64_t spatial = input.getRank() - 2;
  if (spatial < 1)
    return emitOpError() << "expects an input of rank 3 or more, got "
                         << input.getRank();
  if (weight.getRank() != input.getRank())
    return emitOpError() << "expects a weight of rank " << input.getRank()
                         << ", got " << weight.getRank();
  if (int64_t(getStrides().size()) != spatial ||
      int64_t(getDilations().size()) != spatial ||
      int64_t(getOutputPadding().size()) != spatial ||
      int64_t(getPads().size()) != 2 * spatial)
    return emitOpError() << "expects " << spatial
                         << " strides, dilations and output paddings and "
                         << 2 * spatial << " pads";
  if (llvm::any_of(getStrides(), [](int64_t s) { return s < 1; }) ||
      llvm::any_of(getDilations(), [](int64_t s) { return s < 1; }) ||
      llvm::any_of(getPads(), [](int64_t p) { return p < 0; }) ||
      llvm::any_of(getOutputPadding(), [](int64_t p) { return p < 0; }))
    return emitOpError() << "expects positive strides and dilations and "
                            "non-negative pads and output paddings";
  int64_t group = getGroup();
  if (group < 1)
    return emitOpError() << "expects a positive group, got " << group;
  int64_t channels = input.getDimSize(1);
  if (!ShapedType::isDynamic(channels) &&
      !ShapedType::isDynamic(weight.getDimSize(0)) &&
      channels != weight.getDimSize(0))
    return emitOpError() << "expects input channels (" << channels
                         << ") = weight dimension 0 (" << weight.getDimSize(0)
                         << ")";
  if (!ShapedType::isDynamic(channels) && channels % group != 0)
    return emitOpError() << "expects input channels (" << channels
                         << ") divisible by group (" << group << ")";
  if (Value bias = getBias()) {
    RankedTensorType biasType = tensorOf(bias);
    int64_t filters = tensorOf(getOutput()).getDimSize(1);
    if (biasType.getRank() != 1 || biasType.getDimSize(0) != filters)
      return emitOpError() << "expects a bias of shape [" << filters << "]";
  }
  return success();
}

/// Checks that `axis` is a dimension of a rank-`rank` tensor.
static LogicalResult verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  if (axis < 0 || axis >= rank)
    return op->emitOpError()
           << "expects axis in [0, " << rank << "), got " << axis;
  return success();
}

/// True if two sizes may be equal (either is dynamic, or both agree).
static bool compatibleSize(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// Checks that `indices` is no larger than `input` in the dimensions other
/// than `axis` (an element op reads or writes the input there at the
/// indices' own position).
static LogicalResult verifyElementIndices(Operation *op, RankedTensorType input,
                                          RankedTensorType indices,
                                          int64_t axis) {
  for (int64_t d = 0; d < indices.getRank(); ++d) {
    int64_t size = indices.getDimSize(d), bound = input.getDimSize(d);
    if (d != axis && !ShapedType::isDynamic(size) &&
        !ShapedType::isDynamic(bound) && size > bound)
      return op->emitOpError()
             << "expects indices no larger than the input in dimension " << d
             << " (" << size << " > " << bound << ")";
  }
  return success();
}

LogicalResult GatherElementsOp::verify() {
  RankedTensorType input = tensorOf(getInput()),
                   indices = tensorOf(getIndices());
  if (indices.getRank() != input.getRank())
    return emitOpError() << "expects indices of the input's rank ("
                         << input.getRank() << ")";
  if (failed(verifyAxis(*this, getAxis(), input.getRank())))
    return failure();
  return verifyElementIndices(*this, input, indices, getAxis());
}

LogicalResult ScatterElementsOp::verify() {
  RankedTensorType input = tensorOf(getInput()),
                   indices = tensorOf(getIndices()),
                   updates = tensorOf(getUpdates());
  if (updates.getElementType() != input.getElementType())
    return emitOpError() << "expects updates of the input's element type";
  if (indices.getRank() != input.getRank() ||
      updates.getRank() != input.getRank())
    return emitOpError() << "expects indices and updates of the input's rank ("
                         << input.getRank() << ")";
  for (int64_t d = 0; d < indices.getRank(); ++d)
    if (!compatibleSize(indices.getDimSize(d), updates.getDimSize(d)))
      return emitOpError() << "expects indices and updates of one shape";
  if (failed(verifyAxis(*this, getAxis(), input.getRank())))
    return failure();
  return verifyElementIndices(*this, input, indices, getAxis());
}

LogicalResult ScatterNDOp::verify() {
  RankedTensorType input = tensorOf(getInput()),
                   indices = tensorOf(getIndices()),
                   updates = tensorOf(getUpdates());
  if (updates.getElementType() != input.getElementType())
    return emitOpError() << "expects updates of the input's element type";
  if (indices.getRank() < 1)
    return emitOpError() << "expects indices of rank 1 or more";
  int64_t depth = indices.getDimSize(indices.getRank() - 1);
  if (ShapedType::isDynamic(depth) || depth > input.getRank())
    return emitOpError() << "expects a static last indices dimension of at "
                            "most the input's rank ("
                         << input.getRank() << ")";
  SmallVector<int64_t> expected(indices.getShape().drop_back());
  llvm::append_range(expected, input.getShape().drop_front(depth));
  if (updates.getRank() != int64_t(expected.size()) ||
      !llvm::all_of(llvm::zip(updates.getShape(), expected), [](auto pair) {
        return compatibleSize(std::get<0>(pair), std::get<1>(pair));
      }))
    return emitOpError() << "expects updates of shape indices.shape[:-1] + "
                            "input.shape["
                         << depth << ":]";
  return success();
}

LogicalResult CumSumOp::verify() {
  return verifyAxis(*this, getAxis(), tensorOf(getInput()).getRank());
}

LogicalResult ResizeOp::verify() {
  RankedTensorType input = tensorOf(getInput());
  int64_t rank = input.getRank();
  // Scales (and the region) are all constants or all values.
  auto count = [](size_t constants, size_t values) {
    return constants && values ? -1 : int64_t(constants + values);
  };
  if (int64_t(getSizes().size()) != rank ||
      count(getScales().size(), getDynamicScales().size()) != rank)
    return emitOpError() << "expects " << rank << " sizes and scales";
  if (llvm::any_of(getSizes(), [](int64_t s) {
        return s < 0 && !ShapedType::isDynamic(s);
      }))
    return emitOpError() << "expects non-negative sizes";
  if (size_t(llvm::count_if(getSizes(), ShapedType::isDynamic)) !=
      getDynamicSizes().size())
    return emitOpError() << "expects one dynamic size per kDynamic in sizes";
  if (llvm::any_of(getScales(), [](double s) { return !(s > 0); }))
    return emitOpError() << "expects positive scales";
  bool crop = getCoordinateTransformationMode() ==
              CoordinateTransform::tf_crop_and_resize;
  if (count(getRoi().size(), getDynamicRoi().size()) != (crop ? 2 * rank : 0))
    return emitOpError() << "expects " << (crop ? 2 * rank : 0)
                         << " roi values";
  if (getAntialias() && getMode() == ResizeMode::nearest)
    return emitOpError() << "expects no antialias in nearest mode";
  return success();
}

} // namespace mocc::moc
