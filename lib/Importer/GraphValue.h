//===- GraphValue.h - A value of an ONNX graph during import ----*- C++ -*-===//
//
// ONNX graphs carry tensors, sequences of tensors and optionals. mocc
// compiles a sequence as the list of its tensors: its length is known at
// compile time (an input's from --input-shape, the rest from the ops that
// build it), and each element keeps its own type, so sequence ops become
// straight-line tensor code and a sequence input or output is a run of
// tensors in the runtime ABI. A present optional is its content; an absent
// one is `none`.
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_LIB_IMPORTER_GRAPHVALUE_H
#define MOCC_LIB_IMPORTER_GRAPHVALUE_H

#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"

namespace mocc {

class GraphValue {
public:
  /// An absent operand (an empty name).
  GraphValue() = default;
  /// A tensor (absent if null).
  GraphValue(mlir::Value tensor) : tensorValue(tensor) {}

  /// A sequence of `elements`, whose tensors have the element type
  /// `elementType` (which an empty sequence keeps).
  static GraphValue sequence(llvm::SmallVector<mlir::Value> elements,
                             mlir::Type elementType) {
    GraphValue value;
    value.kind = Kind::Sequence;
    value.elementValues = std::move(elements);
    value.sequenceElementType = elementType;
    return value;
  }
  /// An absent optional.
  static GraphValue none() {
    GraphValue value;
    value.kind = Kind::None;
    return value;
  }

  bool isTensor() const { return kind == Kind::Tensor && tensorValue; }
  bool isSequence() const { return kind == Kind::Sequence; }
  bool isNone() const { return kind == Kind::None; }
  /// Whether the operand was given at all (an absent optional was).
  bool isGiven() const { return kind != Kind::Tensor || tensorValue; }

  /// The tensor, or null for a sequence, none or an absent operand.
  mlir::Value tensor() const { return tensorValue; }
  llvm::ArrayRef<mlir::Value> elements() const { return elementValues; }
  mlir::Type elementType() const { return sequenceElementType; }

  /// The tensors that carry the value: the tensor, the elements, or none.
  llvm::SmallVector<mlir::Value> tensors() const {
    if (isSequence())
      return elementValues;
    if (tensorValue)
      return {tensorValue};
    return {};
  }

  /// "tensor<2x3xf32>", "a sequence of 3 tensors", "an empty optional", for
  /// errors.
  std::string describe() const {
    if (isSequence())
      return "a sequence of " + std::to_string(elementValues.size()) +
             " tensors";
    if (isNone())
      return "an empty optional";
    if (!tensorValue)
      return "absent";
    std::string text;
    llvm::raw_string_ostream(text) << tensorValue.getType();
    return text;
  }

private:
  enum class Kind { Tensor, Sequence, None };
  Kind kind = Kind::Tensor;
  mlir::Value tensorValue;
  llvm::SmallVector<mlir::Value> elementValues;
  mlir::Type sequenceElementType;
};

} // namespace mocc

#endif // MOCC_LIB_IMPORTER_GRAPHVALUE_H
