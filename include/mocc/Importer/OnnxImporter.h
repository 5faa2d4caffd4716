//===- OnnxImporter.h - ONNX model to moc IR --------------------*- C++ -*-===//
//
// Reads an ONNX model (protobuf, with external data files) and imports its
// main graph as a `func.func` of moc ops. Errors are reported through the
// MLIRContext's diagnostic engine, located at the offending node or input.
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_IMPORTER_ONNXIMPORTER_H
#define MOCC_IMPORTER_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"

#include <memory>
#include <string>
#include <vector>

namespace mocc {

class OnnxModel;

/// A loaded ONNX model. Owns the protobuf and the external data it refers to;
/// weights imported from it point into this memory, so it must outlive the
/// module imported from it.
struct OnnxModelDeleter {
  void operator()(OnnxModel *model) const;
};
using OnnxModelPtr = std::unique_ptr<OnnxModel, OnnxModelDeleter>;

/// Loads `path`; on failure returns null and sets `error` to one line.
OnnxModelPtr loadOnnxModel(llvm::StringRef path, std::string &error);

/// Loads a model from the protobuf bytes `bytes` (copied). A model loaded
/// from memory has no directory: a tensor stored as external data fails to
/// import. On failure returns null and sets `error` to one line.
OnnxModelPtr loadOnnxModelFromBuffer(llvm::StringRef bytes, std::string &error);

/// What --input-shape fixes of one input: a tensor's shape, a sequence's
/// length and element shapes, or that an optional is absent. A dimension may
/// be mlir::ShapedType::kDynamic, which leaves it as the model declares it.
struct InputShape {
  /// One shape for a tensor (or an optional's tensor); one per element for
  /// a sequence.
  std::vector<std::vector<int64_t>> shapes;
  bool isSequence = false;
  /// An optional input that is absent ("none").
  bool isAbsent = false;
};

struct ImportOptions {
  /// Fixes the dynamic dimensions of inputs and the lengths of sequences.
  llvm::StringMap<InputShape> inputShapes;
  /// Binds inputs to compile-time constant values: name -> TensorProto file.
  llvm::StringMap<std::string> boundInputs;
  /// Name of the imported function.
  std::string functionName = "main_graph";
};

/// Imports the main graph of `model`. Every unsupported op is reported (one
/// diagnostic naming them all) before anything is imported.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxModel(OnnxModel &model,
                                                   mlir::MLIRContext &context,
                                                   const ImportOptions &options);

/// Attribute names on the imported function's arguments and results.
inline constexpr llvm::StringLiteral kTensorNameAttr = "mocc.name";

/// Attributes of the imported function that list the graph's inputs and
/// outputs: one [name, kind (a mocc_value_kind), tensor count] array per
/// value, in graph order, covering the arguments (results) in order.
inline constexpr llvm::StringLiteral kInputValuesAttr = "mocc.input_values";
inline constexpr llvm::StringLiteral kOutputValuesAttr = "mocc.output_values";

} // namespace mocc

#endif // MOCC_IMPORTER_ONNXIMPORTER_H
