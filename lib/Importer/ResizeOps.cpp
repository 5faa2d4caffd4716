//===- ResizeOps.cpp - Importers of ONNX Resize and Upsample --------------===//
//
// Resize (opsets 10, 11, 13, 18, 19) and the deprecated Upsample (7, 9) become
// one moc.resize with a static result shape: the importer reads the constant
// `scales` or `sizes` (and `roi` for tf_crop_and_resize), applies `axes` and
// `keep_aspect_ratio_policy`, and records the scale of every dimension the
// coordinate transformation divides by, exactly as onnx's reference does.
//
//===----------------------------------------------------------------------===//
#include "NodeContext.h"

#include <cmath>

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

/// Builds the resize of `input` to `sizes` with per-dimension `scales`.
LogicalResult createResize(NodeContext &node, Value input,
                           ArrayRef<int64_t> sizes, ArrayRef<double> scales,
                           ArrayRef<double> roi, const ResizeOptions &options) {
  RankedTensorType type = node.inputType(0);
  bool identity = roi.empty() && type.getShape() == sizes &&
                  llvm::all_of(scales, [](double s) { return s == 1.0; });
  if (identity)
    return node.setResults({input});
  return node.setResult(node.create<moc::ResizeOp>(
      input, sizes, scales, roi, options.mode, options.transform,
      options.nearest, APFloat(options.cubicCoeffA), options.excludeOutside,
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
/// coordinates, output size floor(input size * scale).
LogicalResult importLegacyResize(NodeContext &node, bool scalesAttribute) {
  FailureOr<Value> input = node.requiredInput(0);
  FailureOr<moc::ResizeMode> mode = resizeMode(node);
  if (failed(input) || failed(mode))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (!type.hasStaticShape())
    return node.emitError() << "needs a static shape for input 0";
  SmallVector<double> scales;
  if (scalesAttribute) {
    for (float s : node.floatsAttr("scales"))
      scales.push_back(s);
  } else {
    FailureOr<SmallVector<double>> values = node.constantFloats(1);
    if (failed(values))
      return failure();
    scales = *values;
  }
  if (int64_t(scales.size()) != type.getRank())
    return node.emitError()
           << "expects " << type.getRank() << " scales, got " << scales.size();
  SmallVector<int64_t> sizes;
  for (auto [size, scale] : llvm::zip(type.getShape(), scales)) {
    if (!(scale > 0) || !(scale * double(size) < 0x1p62))
      return node.emitError() << "expects positive scales of a size below 2^62";
    sizes.push_back(int64_t(scale * double(size)));
  }
  ResizeOptions options;
  options.mode = *mode;
  options.transform = moc::CoordinateTransform::asymmetric;
  options.nearest = legacyNearestMode(scales);
  return createResize(node, *input, sizes, scales, {}, options);
}

LogicalResult importResize(NodeContext &node) {
  if (node.opset < 11)
    return importLegacyResize(node, /*scalesAttribute=*/false);
  FailureOr<Value> input = node.requiredInput(0);
  FailureOr<moc::ResizeMode> mode = resizeMode(node);
  if (failed(input) || failed(mode))
    return failure();
  RankedTensorType type = node.inputType(0);
  if (!type.hasStaticShape())
    return node.emitError() << "needs a static shape for input 0";
  int64_t rank = type.getRank();
  ArrayRef<int64_t> shape = type.getShape();

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

  // The resized dimensions (opset 18).
  SmallVector<int64_t> axes;
  if (node.hasAttribute("axes")) {
    for (int64_t axis : node.intsAttr("axes")) {
      FailureOr<int64_t> d = node.normalizeAxis(axis, rank, "axes");
      if (failed(d))
        return failure();
      if (llvm::is_contained(axes, *d))
        return node.emitError() << "repeats axis " << axis;
      axes.push_back(*d);
    }
  } else {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  size_t count = axes.size();

  // Region of interest, only read by tf_crop_and_resize: starts then ends.
  SmallVector<double> roi;
  if (options.transform == moc::CoordinateTransform::tf_crop_and_resize) {
    FailureOr<SmallVector<double>> values = node.constantFloats(1);
    if (failed(values))
      return failure();
    if (values->size() != 2 * count)
      return node.emitError() << "expects " << 2 * count << " roi values, got "
                              << values->size();
    roi.assign(rank, 0.0);
    roi.append(rank, 1.0);
    for (auto [i, d] : llvm::enumerate(axes)) {
      roi[d] = (*values)[i];
      roi[rank + d] = (*values)[count + i];
    }
  }

  SmallVector<double> scales(rank, 1.0);
  SmallVector<int64_t> sizes(shape);
  bool hasScales = !isAbsentOrEmpty(node, 2);
  bool hasSizes = !isAbsentOrEmpty(node, 3);
  if (hasScales == hasSizes)
    return node.emitError() << "expects exactly one of scales and sizes";
  if (hasScales) {
    FailureOr<SmallVector<double>> values = node.constantFloats(2);
    if (failed(values))
      return failure();
    if (values->size() != count)
      return node.emitError()
             << "expects " << count << " scales, got " << values->size();
    for (auto [i, d] : llvm::enumerate(axes)) {
      double scale = (*values)[i];
      if (!(scale > 0) || !(scale * double(shape[d]) < 0x1p62))
        return node.emitError()
               << "expects positive scales of a size below 2^62";
      scales[d] = scale;
      sizes[d] = int64_t(scale * double(shape[d]));
    }
  } else {
    FailureOr<SmallVector<int64_t>> values = node.constantInts(3);
    if (failed(values))
      return failure();
    if (values->size() != count)
      return node.emitError()
             << "expects " << count << " sizes, got " << values->size();
    for (auto [i, d] : llvm::enumerate(axes)) {
      if ((*values)[i] <= 0 || shape[d] == 0)
        return node.emitError() << "expects positive sizes and input sizes";
      sizes[d] = (*values)[i];
      scales[d] = double(sizes[d]) / double(shape[d]);
    }
    std::string policy = node.stringAttr("keep_aspect_ratio_policy", "stretch");
    if (policy == "not_larger" || policy == "not_smaller") {
      double scale = scales[axes.front()];
      for (int64_t d : axes)
        scale = policy == "not_larger" ? std::min(scale, scales[d])
                                       : std::max(scale, scales[d]);
      for (int64_t d : axes) {
        if (!(scale * double(shape[d]) < 0x1p62))
          return node.emitError() << "expects sizes below 2^62";
        scales[d] = scale;
        sizes[d] = int64_t(scale * double(shape[d]) + 0.5);
      }
    } else if (policy != "stretch") {
      return node.emitError()
             << "unknown keep_aspect_ratio_policy '" << policy << "'";
    }
  }
  return createResize(node, *input, sizes, scales, roi, options);
}

} // namespace

void registerResizeImporters(OpImporterTable &table) {
  table["Resize"] = importResize;
  table["Upsample"] = [](NodeContext &node) {
    return importLegacyResize(node, /*scalesAttribute=*/node.opset < 9);
  };
}

} // namespace mocc
