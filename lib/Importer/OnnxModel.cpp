//===- OnnxModel.cpp - Loading ONNX protobuf files ------------------------===//
#include "OnnxModel.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <onnx/checker.h>
#include <onnx/defs/parser.h>

#include <google/protobuf/io/coded_stream.h>

using namespace mlir;

namespace mocc {

void OnnxModelDeleter::operator()(OnnxModel *model) const { delete model; }

/// Parses a protobuf message from memory, allowing messages over 64 MiB.
template <typename Message>
static bool parseMessage(llvm::StringRef bytes, Message &message) {
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(bytes.data()), int(bytes.size()));
  stream.SetTotalBytesLimit(INT32_MAX);
  return message.ParseFromCodedStream(&stream) &&
         stream.ConsumedEntireMessage();
}

std::string checkOnnxModel(const OnnxModel &model) {
  try {
    onnx::checker::CheckerContext context;
    context.set_ir_version(int(model.proto.ir_version()));
    std::unordered_map<std::string, int> opsets;
    for (const onnx::OperatorSetIdProto &opset : model.proto.opset_import())
      opsets[opset.domain()] = int(opset.version());
    context.set_opset_imports(opsets);
    context.set_model_dir(model.directory.value_or(""));
    onnx::checker::LexicalScopeContext lexicalScope;
    onnx::checker::check_graph(model.proto.graph(), context, lexicalScope);
  } catch (const std::exception &e) {
    return llvm::StringRef(e.what()).split('\n').first.str();
  }
  return "";
}

/// Parses a model's bytes, protobuf or ONNX text; `what` names the model in
/// messages.
static OnnxModelPtr parseModel(llvm::StringRef bytes, bool isText,
                               llvm::StringRef what, std::string &error) {
  if (bytes.size() > size_t(INT32_MAX)) {
    error = llvm::formatv("{0} is over 2 GiB; store its weights as external "
                          "data", what);
    return nullptr;
  }
  OnnxModelPtr model(new OnnxModel);
  if (isText) {
    std::string text = bytes.str();
    onnx::Common::Status status =
        onnx::OnnxParser::Parse(model->proto, text.c_str());
    if (!status.IsOK()) {
      error = llvm::formatv("cannot parse {0}: {1}", what,
                            llvm::StringRef(status.ErrorMessage())
                                .split('\n').first);
      return nullptr;
    }
  } else if (!parseMessage(bytes, model->proto) || !model->proto.has_graph()) {
    error = llvm::formatv("{0} is not a valid ONNX model (truncated or not "
                          "an ONNX protobuf)", what);
    return nullptr;
  }
  return model;
}

OnnxModelPtr loadOnnxModel(llvm::StringRef path, std::string &error) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file) {
    error = llvm::formatv("cannot read model '{0}': {1}", path,
                          file.getError().message());
    return nullptr;
  }
  // The ONNX text format (.onnxtext) keeps test models readable.
  OnnxModelPtr model =
      parseModel((*file)->getBuffer(), path.ends_with(".onnxtext"),
                 llvm::formatv("'{0}'", path).str(), error);
  if (model)
    model->directory = llvm::sys::path::parent_path(path).str();
  return model;
}

OnnxModelPtr loadOnnxModelFromBuffer(llvm::StringRef bytes,
                                     std::string &error) {
  return parseModel(bytes, /*isText=*/false, "the model", error);
}

std::unique_ptr<onnx::TensorProto> readTensorFile(llvm::StringRef path,
                                                  std::string &error) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file) {
    error = llvm::formatv("cannot read tensor '{0}': {1}", path,
                          file.getError().message());
    return nullptr;
  }
  auto tensor = std::make_unique<onnx::TensorProto>();
  if (!parseMessage((*file)->getBuffer(), *tensor)) {
    error = llvm::formatv("'{0}' is not a valid ONNX TensorProto", path);
    return nullptr;
  }
  return tensor;
}

} // namespace mocc
