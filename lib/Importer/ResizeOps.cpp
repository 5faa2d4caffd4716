//===- ResizeOps.cpp - Importers of ONNX Resize and Upsample --------------===//
//
// Resize (opsets 10, 11, 13, 18, 19) and the deprecated Upsample (7, 9) become
// one moc.resize: the importer reads `scales` or `sizes` (and `roi` for
// tf_crop_and_resize), applies `axes` and `keep_aspect_ratio_policy`, and
// records the scale of every dimension the coordinate transformation divides
// by, exactly as onnx's reference does. The arithmetic folds where the model
// gives constants; from Resize-11 on, values computed by the graph give
// sizes known per run, checked when the run starts.
//
//===----------------------------------------------------------------------===//
#include "NodeContext.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace mocc {
namespace {

/// True if the operand `i` is absent or a statically empty tensor (Resize
/// takes "" or an empty tensor for the unused one of scales and sizes).
bool isAbsentOrEmpty(NodeContext &node, size_t i) {
  Value value = node.input(i);
  if (!value)
    return true;
  auto type = cast<RankedTensorType>(value.getType());
  return type.hasStaticShape() && type.getNumElements() == 0;
}

/// The options of one resize, as the importer resolves them.
struct ResizeOptions {
  moc::ResizeMode mode = moc::ResizeMode::nearest;
  moc::CoordinateTransform transform = moc::CoordinateTransform::half_pixel;
  moc::NearestMode nearest = moc::NearestMode::round_prefer_floor;
  float cubicCoeffA = -0.75f;
  bool excludeOutside = false;
  float extrapolationValue = 0.0f;
  bool antialias = false;
};

/// The result sizes (i64), scales (f64) and region of interest (f32, starts
/// then ends, or none) of every dimension of one resize: constants where the
/// model gives constants, values computed per run otherwise.
struct ResizeGeometry {
  SmallVector<Value> sizes, scales, roi;
};

/// The scalar arithmetic of the importer on constants (folded) or values.
class GeometryBuilder {
public:
  explicit GeometryBuilder(NodeContext &node)
      : b(node.builder), loc(node.loc) {}

  Value f64(double value) {
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(value));
  }
  Value f32(float value) {
    return b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(value));
  }
  Value i64(int64_t value) {
    return b.create<arith::ConstantIntOp>(loc, value, 64);
  }
  Value mul(Value x, Value y) {
    return b.createOrFold<arith::MulFOp>(loc, x, y);
  }
  /// x < y, or with `negated` x >= y (both false for NaN).
  Value less(Value x, Value y, bool negated = false) {
    return b.createOrFold<arith::CmpFOp>(
        loc, negated ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OLT, x,
        y);
  }
  Value both(Value x, Value y) {
    return b.createOrFold<arith::AndIOp>(loc, x, y);
  }
  /// floor(x) for 0 <= x < 2^63.
  Value floorToI64(Value x) {
    return b.createOrFold<arith::FPToSIOp>(loc, b.getI64Type(), x);
  }
  Value toF64(Value integer) {
    return b.createOrFold<arith::SIToFPOp>(loc, b.getF64Type(), integer);
  }
  /// True if `scale` is positive and sizes `width` below 2^62.
  Value isValidScale(Value scale, int64_t width) {
    return both(less(f64(0), scale),
                less(mul(scale, f64(double(width))), f64(0x1p62)));
  }

  OpBuilder &b;
  Location loc;
};

/// Builds the resize of `input` by `geometry`: the input itself if that
/// changes nothing.
LogicalResult createResize(NodeContext &node, Value input,
                           const ResizeGeometry &geometry,
                           const ResizeOptions &options) {
  OpBuilder &b = node.builder;
  RankedTensorType type = node.inputType(0);
  SmallVector<int64_t> sizes;
  SmallVector<Value> dynamicSizes;
  for (Value size : geometry.sizes) {
    std::optional<int64_t> constant = getConstantIntValue(size);
    sizes.push_back(constant ? *constant : ShapedType::kDynamic);
    if (!constant)
      dynamicSizes.push_back(
          b.create<arith::IndexCastOp>(node.loc, b.getIndexType(), size));
  }
  // Constants become attributes, unless some of their kind is not one.
  auto constants = [](ArrayRef<Value> values, SmallVectorImpl<double> &out) {
    for (Value value : values) {
      APFloat constant(0.0);
      if (!matchPattern(value, m_ConstantFloat(&constant)))
        return false;
      bool lost;
      constant.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                       &lost);
      out.push_back(constant.convertToDouble());
    }
    return true;
  };
  SmallVector<double> scales, roi;
  SmallVector<Value> dynamicScales, dynamicRoi;
  if (!constants(geometry.scales, scales)) {
    scales.clear();
    dynamicScales = geometry.scales;
  }
  if (!constants(geometry.roi, roi)) {
    roi.clear();
    dynamicRoi = geometry.roi;
  }
  bool identity = geometry.roi.empty() && type.getShape() == ArrayRef(sizes) &&
                  dynamicScales.empty() &&
                  llvm::all_of(scales, [](double s) { return s == 1.0; });
  if (identity)
    return node.setResults({input});
  return node.setResult(node.create<moc::ResizeOp>(
      input, dynamicSizes, dynamicScales, dynamicRoi, sizes, scales, roi,
      options.mode, options.transform, options.nearest,
      APFloat(options.cubicCoeffA), options.excludeOutside,
      APFloat(options.extrapolationValue), options.antialias));
}

/// Nearest rounding of opsets before 11 (Upsample, Resize-10): the source
/// coordinate x / scale rounds down when enlarging and up when shrinking.
moc::NearestMode legacyNearestMode(ArrayRef<double> scales) {
  bool shrinking = llvm::any_of(scales, [](double s) { return s < 1.0; }) &&
                   llvm::all_of(scales, [](double s) { return s <= 1.0; });
  return shrinking ? moc::NearestMode::ceil : moc::NearestMode::floor;
}

FailureOr<moc::ResizeMode> resizeMode(NodeContext &node) {
  std::string name = node.stringAttr("mode", "nearest");
  if (name == "bilinear" || name == "trilinear") // Upsample-7 spellings.
    name = "linear";
  std::optional<moc::ResizeMode> mode = moc::symbolizeResizeMode(name);
  if (!mode)
    return node.emitError() << "unknown mode '" << name << "'";
  return *mode;
}

/// Upsample (7: scales attribute, 9: scales input) and Resize-10: asymmetric
/// coordinates, output size floor(input size * scale). The scales choose the
/// rounding; read at run time, they are checked to enlarge (round down).
LogicalResult importLegacyResize(NodeContext &node, bool scalesAttribute) {
  FailureOr<Value> input = node.requiredInput(0);
  FailureOr<moc::ResizeMode> mode = resizeMode(node);
  if (failed(input) || failed(mode))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (!type.hasStaticShape())
    return node.emitError() << "needs a static shape for input 0";
  GeometryBuilder g(node);
  ResizeGeometry geometry;
  if (scalesAttribute) {
    for (float s : node.floatsAttr("scales"))
      geometry.scales.push_back(g.f64(s));
  } else {
    FailureOr<SmallVector<Value>> values =
        node.floatElements(1, node.builder.getF64Type());
    if (failed(values))
      return failure();
    geometry.scales = *values;
  }
  if (int64_t(geometry.scales.size()) != type.getRank())
    return node.emitError() << "expects " << type.getRank() << " scales, got "
                            << geometry.scales.size();
  SmallVector<double> scales;
  for (auto [size, scale] : llvm::zip(type.getShape(), geometry.scales)) {
    if (failed(node.require(g.isValidScale(scale, size),
                            "expects positive scales of a size below 2^62")))
      return failure();
    geometry.sizes.push_back(g.floorToI64(g.mul(scale, g.f64(double(size)))));
    APFloat constant(0.0);
    if (matchPattern(scale, m_ConstantFloat(&constant)))
      scales.push_back(constant.convertToDouble());
  }
  if (scales.size() != geometry.scales.size()) {
    for (Value scale : geometry.scales)
      if (failed(node.require(g.less(scale, g.f64(1.0), /*negated=*/true),
                              "expects scales of at least 1 where some are "
                              "known at run time only")))
        return failure();
  }
  ResizeOptions options;
  options.mode = *mode;
  options.transform = moc::CoordinateTransform::asymmetric;
  options.nearest = legacyNearestMode(scales);
  return createResize(node, *input, geometry, options);
}

FailureOr<ResizeOptions> resizeOptions(NodeContext &node) {
  FailureOr<moc::ResizeMode> mode = resizeMode(node);
  if (failed(mode))
    return failure();
  ResizeOptions options;
  options.mode = *mode;
  std::string transformName =
      node.stringAttr("coordinate_transformation_mode", "half_pixel");
  std::optional<moc::CoordinateTransform> transform =
      moc::symbolizeCoordinateTransform(transformName);
  if (!transform)
    return node.emitError() << "unknown coordinate_transformation_mode '"
                            << transformName << "'";
  options.transform = *transform;
  std::string nearestName =
      node.stringAttr("nearest_mode", "round_prefer_floor");
  std::optional<moc::NearestMode> nearest =
      moc::symbolizeNearestMode(nearestName);
  if (!nearest)
    return node.emitError() << "unknown nearest_mode '" << nearestName << "'";
  options.nearest = *nearest;
  options.cubicCoeffA = node.floatAttr("cubic_coeff_a", -0.75f);
  options.excludeOutside = node.intAttr("exclude_outside", 0);
  options.extrapolationValue = node.floatAttr("extrapolation_value", 0.0f);
  options.antialias = node.intAttr("antialias", 0);
  if (options.antialias && options.mode == moc::ResizeMode::nearest)
    return node.emitError() << "antialias is not defined for mode 'nearest'";
  return options;
}

/// Resize-18's `axes`: the resized dimensions (all by default).
FailureOr<SmallVector<int64_t>> resizedAxes(NodeContext &node, int64_t rank) {
  SmallVector<int64_t> axes;
  if (!node.hasAttribute("axes")) {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
    return axes;
  }
  for (int64_t axis : node.intsAttr("axes")) {
    FailureOr<int64_t> d = node.normalizeAxis(axis, rank, "axes");
    if (failed(d))
      return failure();
    if (llvm::is_contained(axes, *d))
      return node.emitError() << "repeats axis " << axis;
    axes.push_back(*d);
  }
  return axes;
}

/// Sizes and scales from Resize's `scales`: floor(scale * size).
LogicalResult scaleBy(NodeContext &node, ArrayRef<int64_t> axes,
                      ResizeGeometry &geometry) {
  FailureOr<SmallVector<Value>> values =
      node.floatElements(2, node.builder.getF64Type());
  if (failed(values))
    return failure();
  if (values->size() != axes.size())
    return node.emitError()
           << "expects " << axes.size() << " scales, got " << values->size();
  GeometryBuilder g(node);
  ArrayRef<int64_t> shape = node.inputType(0).getShape();
  for (auto [scale, d] : llvm::zip(*values, axes)) {
    if (failed(node.require(g.isValidScale(scale, shape[d]),
                            "expects positive scales of a size below 2^62")))
      return failure();
    geometry.scales[d] = scale;
    geometry.sizes[d] = g.floorToI64(g.mul(scale, g.f64(double(shape[d]))));
  }
  return success();
}

/// Sizes and scales from Resize's `sizes` and `keep_aspect_ratio_policy`.
LogicalResult sizeTo(NodeContext &node, ArrayRef<int64_t> axes,
                     ResizeGeometry &geometry) {
  FailureOr<SmallVector<OpFoldResult>> values = node.sizeElements(3);
  if (failed(values))
    return failure();
  if (values->size() != axes.size())
    return node.emitError()
           << "expects " << axes.size() << " sizes, got " << values->size();
  GeometryBuilder g(node);
  OpBuilder &b = node.builder;
  ArrayRef<int64_t> shape = node.inputType(0).getShape();
  for (auto [element, d] : llvm::zip(*values, axes)) {
    Value size = node.int64Value(element);
    Value positive = b.createOrFold<arith::CmpIOp>(
        node.loc, arith::CmpIPredicate::sgt, size, g.i64(0));
    if (shape[d] == 0)
      return node.emitError() << "expects positive sizes and input sizes";
    if (failed(
            node.require(positive, "expects positive sizes and input sizes")))
      return failure();
    geometry.sizes[d] = size;
    geometry.scales[d] = b.createOrFold<arith::DivFOp>(node.loc, g.toF64(size),
                                                       g.f64(double(shape[d])));
  }
  std::string policy = node.stringAttr("keep_aspect_ratio_policy", "stretch");
  if (policy == "stretch")
    return success();
  if (policy != "not_larger" && policy != "not_smaller")
    return node.emitError()
           << "unknown keep_aspect_ratio_policy '" << policy << "'";
  // One scale for all axes, the smallest or the largest; sizes rounded.
  Value scale = geometry.scales[axes.front()];
  for (int64_t d : axes.drop_front()) {
    if (policy == "not_larger")
      scale = b.createOrFold<arith::MinimumFOp>(node.loc, scale,
                                                geometry.scales[d]);
    else
      scale = b.createOrFold<arith::MaximumFOp>(node.loc, scale,
                                                geometry.scales[d]);
  }
  for (int64_t d : axes) {
    if (failed(node.require(g.isValidScale(scale, shape[d]),
                            "expects sizes below 2^62")))
      return failure();
    geometry.scales[d] = scale;
    geometry.sizes[d] = g.floorToI64(b.createOrFold<arith::AddFOp>(
        node.loc, g.mul(scale, g.f64(double(shape[d]))), g.f64(0.5)));
  }
  return success();
}

LogicalResult importResize(NodeContext &node) {
  if (node.opset < 11)
    return importLegacyResize(node, /*scalesAttribute=*/false);
  FailureOr<Value> input = node.requiredInput(0);
  FailureOr<ResizeOptions> options = resizeOptions(node);
  if (failed(input) || failed(options))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (!type.hasStaticShape())
    return node.emitError() << "needs a static shape for input 0";
  int64_t rank = type.getRank();
  FailureOr<SmallVector<int64_t>> axes = resizedAxes(node, rank);
  if (failed(axes))
    return failure();

  GeometryBuilder g(node);
  ResizeGeometry geometry;
  for (int64_t size : type.getShape()) {
    geometry.sizes.push_back(g.i64(size));
    geometry.scales.push_back(g.f64(1.0));
  }
  // Region of interest, only read by tf_crop_and_resize: starts then ends.
  if (options->transform == moc::CoordinateTransform::tf_crop_and_resize) {
    FailureOr<SmallVector<Value>> values =
        node.floatElements(1, node.builder.getF32Type());
    if (failed(values))
      return failure();
    size_t count = axes->size();
    if (values->size() != 2 * count)
      return node.emitError() << "expects " << 2 * count << " roi values, got "
                              << values->size();
    geometry.roi.assign(rank, g.f32(0.0f));
    geometry.roi.append(rank, g.f32(1.0f));
    for (auto [i, d] : llvm::enumerate(*axes)) {
      geometry.roi[d] = (*values)[i];
      geometry.roi[rank + d] = (*values)[count + i];
    }
  }
  bool hasScales = !isAbsentOrEmpty(node, 2);
  bool hasSizes = !isAbsentOrEmpty(node, 3);
  if (hasScales == hasSizes)
    return node.emitError() << "expects exactly one of scales and sizes";
  if (failed(hasScales ? scaleBy(node, *axes, geometry)
                       : sizeTo(node, *axes, geometry)))
    return failure();
  return createResize(node, *input, geometry, *options);
}

} // namespace

void registerResizeImporters(OpImporterTable &table) {
  table["Resize"] = importResize;
  table["Upsample"] = [](NodeContext &node) {
    return importLegacyResize(node, /*scalesAttribute=*/node.opset < 9);
  };
}

} // namespace mocc
