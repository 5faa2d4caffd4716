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

struct ImportOptions {
  /// Fixes the dynamic dimensions of inputs: name -> full shape.
  llvm::StringMap<std::vector<int64_t>> inputShapes;
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

} // namespace mocc

#endif // MOCC_IMPORTER_ONNXIMPORTER_H
