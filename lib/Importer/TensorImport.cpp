//===- TensorImport.cpp - ONNX TensorProto values as MLIR attributes ------===//
#include "OnnxModel.h"
#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace mocc {

Type importElementType(int32_t onnxType, MLIRContext *context) {
  auto integer = [&](unsigned width, bool isUnsigned) -> Type {
    return IntegerType::get(context, width,
                            isUnsigned ? IntegerType::Unsigned
                                       : IntegerType::Signless);
  };
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return Float32Type::get(context);
  case onnx::TensorProto::UINT8:
    return integer(8, true);
  case onnx::TensorProto::INT8:
    return integer(8, false);
  case onnx::TensorProto::UINT16:
    return integer(16, true);
  case onnx::TensorProto::INT16:
    return integer(16, false);
  case onnx::TensorProto::INT32:
    return integer(32, false);
  case onnx::TensorProto::INT64:
    return integer(64, false);
  case onnx::TensorProto::BOOL:
    return integer(1, false);
  case onnx::TensorProto::FLOAT16:
    return Float16Type::get(context);
  case onnx::TensorProto::DOUBLE:
    return Float64Type::get(context);
  case onnx::TensorProto::UINT32:
    return integer(32, true);
  case onnx::TensorProto::UINT64:
    return integer(64, true);
  case onnx::TensorProto::BFLOAT16:
    return BFloat16Type::get(context);
  // Types newer than the libonnx protobuf (1.12), by number.
  case kOnnxFloat8E4M3FN:
    return Float8E4M3FNType::get(context);
  case kOnnxFloat8E4M3FNUZ:
    return Float8E4M3FNUZType::get(context);
  case kOnnxFloat8E5M2:
    return Float8E5M2Type::get(context);
  case kOnnxFloat8E5M2FNUZ:
    return Float8E5M2FNUZType::get(context);
  case kOnnxUInt4:
    return integer(4, true);
  case kOnnxInt4:
    return integer(4, false);
  case kOnnxFloat4E2M1:
    return moc::Float4E2M1FNType::get(context);
  case kOnnxFloat8E8M0:
    return moc::Float8E8M0FNUType::get(context);
  case kOnnxUInt2:
    return integer(2, true);
  case kOnnxInt2:
    return integer(2, false);
  default:
    return nullptr;
  }
}

std::string onnxTypeName(int32_t onnxType) {
  if (onnx::TensorProto::DataType_IsValid(onnxType))
    return onnx::TensorProto::DataType_Name(
        onnx::TensorProto::DataType(onnxType));
  // Types newer than the libonnx protobuf (1.12).
  static const char *const kNewer[] = {
      "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ",
      "UINT4",        "INT4",           "FLOAT4E2M1", "FLOAT8E8M0",
      "UINT2",        "INT2"};
  if (onnxType >= 17 && onnxType < 17 + int32_t(std::size(kNewer)))
    return kNewer[onnxType - 17];
  return "data type " + std::to_string(onnxType);
}

/// Bytes of the tensor stored in an external file, mapped into `model`.
static std::optional<llvm::StringRef>
readExternalData(const onnx::TensorProto &tensor, OnnxModel &model,
                 std::string &error) {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    if (entry.key() == "location")
      location = entry.value();
    else if (entry.key() == "offset")
      offset = std::strtoull(entry.value().c_str(), nullptr, 10);
    else if (entry.key() == "length")
      length = std::strtoull(entry.value().c_str(), nullptr, 10);
  }
  if (location.empty() || llvm::sys::path::is_absolute(location) ||
      llvm::StringRef(location).contains("..")) {
    error = llvm::formatv("tensor '{0}': external data needs a relative "
                          "location inside the model's directory",
                          tensor.name());
    return std::nullopt;
  }
  if (!model.directory) {
    error = llvm::formatv("tensor '{0}': external data cannot be read for a "
                          "model loaded from memory",
                          tensor.name());
    return std::nullopt;
  }
  llvm::SmallString<256> path(*model.directory);
  llvm::sys::path::append(path, location);
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file) {
    error = llvm::formatv("tensor '{0}': cannot read external data '{1}': {2}",
                          tensor.name(), path, file.getError().message());
    return std::nullopt;
  }
  llvm::StringRef bytes = (*file)->getBuffer();
  uint64_t size = length.value_or(bytes.size() - std::min<uint64_t>(offset, bytes.size()));
  if (offset > bytes.size() || size > bytes.size() - offset) {
    error = llvm::formatv("tensor '{0}': external data '{1}' is shorter than "
                          "offset {2} + length {3}",
                          tensor.name(), path, offset, size);
    return std::nullopt;
  }
  model.externalData.push_back(std::move(*file));
  return bytes.substr(offset, size);
}

/// Collects the typed repeated fields of a TensorProto as raw little-endian
/// element bytes.
static std::vector<char> typedFieldBytes(const onnx::TensorProto &tensor,
                                         unsigned elementBytes) {
  std::vector<char> bytes;
  auto append = [&](auto values) {
    for (auto value : values) {
      uint64_t bits;
      if constexpr (std::is_same_v<decltype(value), float>) {
        uint32_t raw;
        std::memcpy(&raw, &value, 4);
        bits = raw;
      } else if constexpr (std::is_same_v<decltype(value), double>) {
        std::memcpy(&bits, &value, 8);
      } else {
        bits = uint64_t(value);
      }
      for (unsigned i = 0; i < elementBytes; ++i)
        bytes.push_back(char((bits >> (8 * i)) & 0xff));
    }
  };
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    append(tensor.float_data());
    break;
  case onnx::TensorProto::DOUBLE:
    append(tensor.double_data());
    break;
  case onnx::TensorProto::INT64:
    append(tensor.int64_data());
    break;
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64:
    append(tensor.uint64_data());
    break;
  default: // Every narrower type travels in int32_data.
    append(tensor.int32_data());
    break;
  }
  return bytes;
}

/// The elements of a tensor of `width`-bit integers (4 or 2), which ONNX
/// packs into bytes from the low bits up, each as an APInt of that width.
static SmallVector<APInt> unpackSubByteIntegers(llvm::StringRef bytes,
                                                unsigned width,
                                                int64_t count) {
  SmallVector<APInt> values;
  unsigned perByte = 8 / width;
  for (int64_t i = 0; i < count; ++i) {
    uint8_t byte = uint8_t(bytes[i / perByte]);
    values.push_back(
        APInt(width, (byte >> (width * (i % perByte))) & ((1u << width) - 1)));
  }
  return values;
}

/// Weights at least this large become resource blobs instead of inline data.
static constexpr size_t kResourceThresholdBytes = 1024;

/// The value of `tensor` as an attribute of `element` elements: its type's,
/// or ui8 codes for a byte-coded float type.
static ElementsAttr importTensorAs(const onnx::TensorProto &tensor,
                                   Type element, OnnxModel &model,
                                   std::string &error) {
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  if (llvm::any_of(shape, [](int64_t d) { return d < 0; })) {
    error = llvm::formatv("tensor '{0}' has a negative dimension", tensor.name());
    return nullptr;
  }
  auto type = RankedTensorType::get(shape, element);
  // 4- and 2-bit integers and FLOAT4E2M1 are packed; typed fields hold one
  // packed byte per value too.
  unsigned bitWidth =
      tensor.data_type() == kOnnxFloat4E2M1 ? 4 : type.getElementTypeBitWidth();
  bool packed = bitWidth > 1 && bitWidth < 8;
  unsigned elementBytes = element.isInteger(1) ? 1 : llvm::divideCeil(bitWidth, 8);
  // Counted with overflow checks: the dimensions come from the file.
  int64_t count = 1, byteCount = 0;
  bool overflow = false;
  for (int64_t d : shape)
    overflow |= llvm::MulOverflow(count, d, count);
  if (llvm::is_contained(shape, 0))
    count = 0, overflow = false;
  if (packed)
    byteCount = overflow ? 0 : llvm::divideCeil(count, int64_t(8 / bitWidth));
  else
    overflow |= llvm::MulOverflow(count, int64_t(elementBytes), byteCount);
  if (overflow) {
    error = llvm::formatv("tensor '{0}' has too many elements", tensor.name());
    return nullptr;
  }

  std::vector<char> owned;
  llvm::StringRef bytes;
  bool fromModelMemory = true;
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    std::optional<llvm::StringRef> external =
        readExternalData(tensor, model, error);
    if (!external)
      return nullptr;
    bytes = *external;
  } else if (tensor.has_raw_data()) {
    bytes = tensor.raw_data();
  } else {
    owned = typedFieldBytes(tensor, elementBytes);
    bytes = llvm::StringRef(owned.data(), owned.size());
    fromModelMemory = false;
  }
  if (bytes.size() != uint64_t(byteCount)) {
    error = llvm::formatv("tensor '{0}' holds {1} bytes of data, expected {2} "
                          "for {3} elements",
                          tensor.name(), bytes.size(), byteCount, count);
    return nullptr;
  }

  if (packed) {
    SmallVector<APInt> values = unpackSubByteIntegers(bytes, bitWidth, count);
    if (!isa<IntegerType>(element) ||
        element.getIntOrFloatBitWidth() != bitWidth)
      for (APInt &value : values) // Codes, one per byte.
        value = value.zext(element.getIntOrFloatBitWidth());
    return DenseElementsAttr::get(type, values);
  }
  if (element.isInteger(1)) {
    SmallVector<bool> values;
    for (char byte : bytes)
      values.push_back(byte != 0);
    return DenseElementsAttr::get(type, llvm::ArrayRef<bool>(values));
  }
  ArrayRef<char> data(bytes.data(), bytes.size());
  if (bytes.size() < kResourceThresholdBytes)
    return DenseElementsAttr::getFromRawBuffer(type, data);
  size_t alignment = elementBytes;
  AsmResourceBlob blob =
      fromModelMemory && llvm::isAddrAligned(llvm::Align(alignment), data.data())
          ? UnmanagedAsmResourceBlob::allocateWithAlign(data, alignment)
          : HeapAsmResourceBlob::allocateAndCopyWithAlign(data, alignment);
  std::string name = tensor.name().empty() ? "weight" : tensor.name();
  return DenseResourceElementsAttr::get(type, name, std::move(blob));
}

ElementsAttr importTensor(const onnx::TensorProto &tensor, OnnxModel &model,
                          MLIRContext *context, std::string &error) {
  Type element = importElementType(tensor.data_type(), context);
  if (!element || moc::isByteCodedFloat(element)) {
    error = llvm::formatv("tensor '{0}' has unsupported element type {1}",
                          tensor.name(), onnxTypeName(tensor.data_type()));
    return nullptr;
  }
  return importTensorAs(tensor, element, model, error);
}

Value importConstantTensor(OpBuilder &builder, Location loc,
                           const onnx::TensorProto &tensor, OnnxModel &model,
                           std::string &error) {
  MLIRContext *context = builder.getContext();
  Type element = importElementType(tensor.data_type(), context);
  if (!element || !moc::isByteCodedFloat(element)) {
    ElementsAttr value = importTensor(tensor, model, context, error);
    return value ? builder.create<moc::ConstantOp>(loc, value) : Value();
  }
  Type codes = IntegerType::get(context, 8, IntegerType::Unsigned);
  ElementsAttr value = importTensorAs(tensor, codes, model, error);
  if (!value)
    return {};
  Value constant = builder.create<moc::ConstantOp>(loc, value);
  return builder.create<moc::BitcastOp>(
      loc, cast<RankedTensorType>(value.getType()).clone(element), constant);
}

} // namespace mocc
