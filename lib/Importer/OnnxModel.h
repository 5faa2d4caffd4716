//===- OnnxModel.h - A loaded ONNX model and its tensors --------*- C++ -*-===//
#ifndef MOCC_LIB_IMPORTER_ONNXMODEL_H
#define MOCC_LIB_IMPORTER_ONNXMODEL_H

#include "mocc/Importer/OnnxImporter.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/MemoryBuffer.h"

#include <onnx/onnx_pb.h>

#include <optional>

namespace mocc {

class OnnxModel {
public:
  onnx::ModelProto proto;
  /// Directory of the model file: external data paths are relative to it.
  /// None for a model loaded from memory, whose external data is an error.
  std::optional<std::string> directory;
  /// External data files, mapped once and referenced by imported weights.
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> externalData;
  /// TensorProtos read for bound inputs; imported weights point into them.
  std::vector<std::unique_ptr<onnx::TensorProto>> boundTensors;
};

/// Runs libonnx's checker on the main graph; returns its first complaint, or
/// an empty string. libonnx knows opsets up to 17 only.
std::string checkOnnxModel(const OnnxModel &model);

/// The MLIR element type of an ONNX TensorProto.DataType, or null if mocc
/// does not support it (strings, complex).
mlir::Type importElementType(int32_t onnxType, mlir::MLIRContext *context);

/// TensorProto data types newer than the libonnx protobuf (1.12) knows.
enum OnnxNewerDataType : int32_t {
  kOnnxFloat8E4M3FN = 17,
  kOnnxFloat8E4M3FNUZ = 18,
  kOnnxFloat8E5M2 = 19,
  kOnnxFloat8E5M2FNUZ = 20,
  kOnnxUInt4 = 21,
  kOnnxInt4 = 22,
  kOnnxFloat4E2M1 = 23,
  kOnnxFloat8E8M0 = 24,
  kOnnxUInt2 = 25,
  kOnnxInt2 = 26,
};

/// The name of an ONNX TensorProto.DataType, for messages.
std::string onnxTypeName(int32_t onnxType);

/// Imports a tensor's value. Large raw data becomes a `dense_resource` blob
/// that points into the model's memory rather than a copy. On failure
/// returns null and sets `error`, as for a tensor of a byte-coded float type
/// (FLOAT4E2M1, FLOAT8E8M0), which no attribute holds: importConstantTensor
/// makes those.
mlir::ElementsAttr importTensor(const onnx::TensorProto &tensor,
                                OnnxModel &model, mlir::MLIRContext *context,
                                std::string &error);

/// A moc.constant of a tensor's value at `loc`; a byte-coded float tensor is
/// its codes as ui8, bitcast. On failure returns null and sets `error`.
mlir::Value importConstantTensor(mlir::OpBuilder &builder, mlir::Location loc,
                                 const onnx::TensorProto &tensor,
                                 OnnxModel &model, std::string &error);

/// Reads one TensorProto file; on failure returns null and sets `error`.
std::unique_ptr<onnx::TensorProto> readTensorFile(llvm::StringRef path,
                                                  std::string &error);

} // namespace mocc

#endif // MOCC_LIB_IMPORTER_ONNXMODEL_H
