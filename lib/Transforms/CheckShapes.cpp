//===- CheckShapes.cpp - Run-time checks of dynamic dimensions -----------===//
//
// The lowering relies on dynamic dimensions being consistent: an elementwise
// op over x[N] and y[N] reads both up to x's N, MatMul's loops run to A's K
// over B's rows, a concatenation writes y's columns into a result as wide as
// x's. Nothing in a model file guarantees that at run time, so the entry
// checks each such fact on the run's sizes before relying on it, and a
// violation fails the run (runtime/src/run_failure.h) with a message naming
// the node and the dimensions. The checks come from the linalg and tensor ops
// themselves, so they cover whatever the lowering produced:
//   - an operand dimension that a linalg op indexes by one loop equals the
//     loop's size; one indexed by an expression (a convolution window) is
//     large enough for the expression's largest value;
//   - a slice (Slice, Concat, Split, Pad) lies inside its tensor;
//   - a cast to a static size keeps the size, an expansion (Reshape) and a
//     reshape by a shape tensor keep the element count;
//   - a tensor that a kernel reads at computed (clamped) indices, as Gather's
//     data, is not empty when the kernel runs, and the indices it reads from
//     an input tensor lie in [-size, size) (the one check on values: a pass
//     over the indices before the kernel).
// Checks that depend on the inputs' shapes alone move to the top of the
// entry, before any kernel runs; the others (on sizes a kernel computes, as
// NonZero's) stay right before the op that relies on them. Static sizes need
// no check: the importer and the verifiers checked them.
//
//===----------------------------------------------------------------------===//
#include "mocc/Transforms/Passes.h"

#include "mocc/Dialect/Moc/IR/MocOps.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/Support/FormatVariadic.h"

#include <set>

namespace mocc {
#define GEN_PASS_DEF_CHECKSHAPESPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

// The runtime's checks (runtime/src/run_failure.h), named with
// kRunCheckPrefix.
constexpr llvm::StringLiteral kCheckEqual = "mocc_check_equal";
constexpr llvm::StringLiteral kCheckAtMost = "mocc_check_at_most";
constexpr llvm::StringLiteral kCheckSlice = "mocc_check_slice";
constexpr llvm::StringLiteral kCheckIndexRange = "mocc_check_index_range";

/// The ONNX node an op was lowered from, as the importer names it in the
/// op's location: "node 'add' (Add)".
std::string nodeName(Location loc) {
  std::string name;
  LocationAttr(loc).walk([&](Location inner) {
    if (auto named = dyn_cast<NameLoc>(inner)) {
      name = named.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name.empty() ? "an op" : name;
}

std::string describeSize(Value size, unsigned depth);

/// The graph input name of an entry argument (its `mocc.name`), if `value`
/// is one.
StringAttr inputName(Value value) {
  auto arg = dyn_cast<BlockArgument>(value);
  auto func =
      arg ? dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp()) : nullptr;
  return func ? func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                  "mocc.name")
              : StringAttr();
}

/// Words for dimension `d` of `tensor` in a message, traced back through the
/// ops that pass sizes on: "dimension 1 of input 'x'".
std::string describeDim(Value tensor, int64_t d, unsigned depth = 0) {
  auto type = cast<ShapedType>(tensor.getType());
  if (StringAttr name = inputName(tensor))
    return llvm::formatv("dimension {0} of input '{1}'", d, name.getValue());
  if (isa<BlockArgument>(tensor))
    return llvm::formatv("dimension {0} of a loop's value", d);
  Operation *producer = tensor.getDefiningOp();
  if (depth < 8) {
    if (auto empty = dyn_cast<tensor::EmptyOp>(producer))
      return type.isDynamicDim(d)
                 ? describeSize(empty.getDynamicSize(d), depth + 1)
                 : std::to_string(type.getDimSize(d));
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(producer))
      return describeDim(dps.getTiedOpOperand(cast<OpResult>(tensor))->get(),
                         d, depth + 1);
    if (auto castOp = dyn_cast<tensor::CastOp>(producer))
      return describeDim(castOp.getSource(), d, depth + 1);
  }
  return llvm::formatv("dimension {0} of the result of {1}", d,
                       nodeName(producer->getLoc()));
}

/// Words for an index value in a message.
std::string describeSize(Value size, unsigned depth) {
  if (std::optional<int64_t> constant = getConstantIntValue(size))
    return std::to_string(*constant);
  if (auto dim = size.getDefiningOp<tensor::DimOp>())
    if (std::optional<int64_t> index = dim.getConstantIndex())
      return describeDim(dim.getSource(), *index, depth + 1);
  return "a size computed from the inputs";
}

std::string describeSize(OpFoldResult size) {
  if (auto value = dyn_cast<Value>(size))
    return describeSize(value, 0);
  return std::to_string(*getConstantIntValue(size));
}

/// Words for a tensor's values in a message: "input 'indices'".
std::string describeValues(Value tensor) {
  if (StringAttr name = inputName(tensor))
    return llvm::formatv("input '{0}'", name.getValue());
  if (Operation *producer = tensor.getDefiningOp())
    return "the result of " + nodeName(producer->getLoc());
  return "a loop's value";
}

/// The input operand of `op` whose integer elements an index in its body is
/// computed from (Gather's indices), if it is computed from exactly one and
/// otherwise from loop indices and values defined outside the op.
std::optional<unsigned> indexSource(linalg::LinalgOp op, Value index) {
  Block *body = op.getBlock();
  std::optional<unsigned> source;
  SmallVector<Value> worklist = {index};
  DenseSet<Value> seen;
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    if (!seen.insert(value).second)
      continue;
    if (auto arg = dyn_cast<BlockArgument>(value)) {
      if (arg.getOwner() != body)
        return std::nullopt;
      if (arg.getArgNumber() >= op.getNumDpsInputs() ||
          !arg.getType().isSignlessInteger() ||
          arg.getType().getIntOrFloatBitWidth() == 1 ||
          (source && *source != arg.getArgNumber()))
        return std::nullopt;
      source = arg.getArgNumber();
      continue;
    }
    Operation *producer = value.getDefiningOp();
    if (!op->isAncestor(producer))
      continue;
    if (producer->getNumRegions() != 0)
      return std::nullopt;
    llvm::append_range(worklist, producer->getOperands());
  }
  return source;
}

/// Whether `expr` grows with every loop index, so that its largest value is
/// at the loops' last iteration (true of convolution windows).
bool isMonotone(AffineExpr expr) {
  if (isa<AffineDimExpr>(expr))
    return true;
  if (auto constant = dyn_cast<AffineConstantExpr>(expr))
    return constant.getValue() >= 0;
  auto binary = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!binary)
    return false;
  if (binary.getKind() == AffineExprKind::Add)
    return isMonotone(binary.getLHS()) && isMonotone(binary.getRHS());
  if (binary.getKind() == AffineExprKind::Mul)
    return isMonotone(binary.getLHS()) && isMonotone(binary.getRHS());
  return false;
}

/// Emits the checks of one function, then simplifies and hoists them.
class CheckEmitter {
public:
  /// `messages`: the module's message strings, shared by its functions.
  CheckEmitter(ModuleOp module, func::FuncOp func,
               llvm::StringMap<LLVM::GlobalOp> &messages)
      : module(module), func(func), messages(messages) {}

  void checkLinalgOp(linalg::LinalgOp op);
  /// An element read at a computed index (Gather's) is clamped into its
  /// tensor, which needs the tensor to hold an element when the op runs; an
  /// index read from an input tensor must lie in [-size, size).
  void checkExtracts(linalg::LinalgOp op);
  void checkIndexValues(linalg::LinalgOp op, Value indices, Value tensor,
                        int64_t d);
  void checkSlice(Operation *op, Value tensor, ArrayRef<OpFoldResult> offsets,
                  ArrayRef<OpFoldResult> sizes, ArrayRef<OpFoldResult> strides,
                  llvm::function_ref<std::string(int64_t)> describe);
  void checkInsertedSizes(tensor::InsertSliceOp op);
  void checkCast(tensor::CastOp op);
  void checkExpandShape(tensor::ExpandShapeOp op);
  void checkReshape(tensor::ReshapeOp op);
  void checkNotNegative(Operation *op, Value size, int64_t d);
  /// A tensor whose size is computed from a model's values (Expand's or
  /// ConstantOfShape's shape) is not given a negative one.
  void checkEmpty(tensor::EmptyOp op);
  /// A relation an importer stated (moc.assert_equal); the op goes.
  void checkAssertion(moc::AssertEqualOp op);

  /// Resolves the checked sizes to the inputs' dimensions where it can, drops
  /// the checks that hold by construction or repeat another, and moves those
  /// that depend on the inputs alone to the entry's top.
  void finish();

private:
  void emit(Operation *anchor, llvm::StringLiteral callee,
            const std::string &text, ArrayRef<OpFoldResult> sizes);
  Value dimOf(OpBuilder &b, Location loc, Value tensor, int64_t d);
  LLVM::GlobalOp message(const std::string &text);
  bool holds(func::CallOp call);
  void hoist(func::CallOp call, Operation *&cursor);

  ModuleOp module;
  func::FuncOp func;
  SmallVector<func::CallOp> calls;
  DenseMap<Operation *, std::string> texts;
  llvm::StringMap<LLVM::GlobalOp> &messages;
};

Value CheckEmitter::dimOf(OpBuilder &b, Location loc, Value tensor, int64_t d) {
  auto type = cast<ShapedType>(tensor.getType());
  if (!type.isDynamicDim(d))
    return b.create<arith::ConstantIndexOp>(loc, type.getDimSize(d));
  return b.create<tensor::DimOp>(loc, tensor, d);
}

LLVM::GlobalOp CheckEmitter::message(const std::string &text) {
  LLVM::GlobalOp &global = messages[text];
  if (global)
    return global;
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  std::string bytes = text;
  bytes.push_back('\0');
  auto type = LLVM::LLVMArrayType::get(b.getI8Type(), bytes.size());
  global = b.create<LLVM::GlobalOp>(
      module.getLoc(), type, /*isConstant=*/true, LLVM::Linkage::Internal,
      llvm::formatv("mocc_check_message_{0}", messages.size()).str(),
      b.getStringAttr(bytes));
  return global;
}

void CheckEmitter::emit(Operation *anchor, llvm::StringLiteral callee,
                        const std::string &text, ArrayRef<OpFoldResult> sizes) {
  OpBuilder b(anchor);
  Location loc = anchor->getLoc();
  SmallVector<Value> operands = {
      b.create<LLVM::AddressOfOp>(loc, message(text))};
  for (OpFoldResult size : sizes)
    operands.push_back(getValueOrCreateConstantIndexOp(b, loc, size));
  auto declared = module.lookupSymbol<func::FuncOp>(callee);
  if (!declared) {
    OpBuilder top = OpBuilder::atBlockBegin(module.getBody());
    declared = top.create<func::FuncOp>(
        module.getLoc(), callee,
        b.getFunctionType(ValueRange(operands).getTypes(), {}));
    declared.setPrivate();
  }
  auto call = b.create<func::CallOp>(loc, declared, operands);
  calls.push_back(call);
  texts[call] = text;
}

void CheckEmitter::checkLinalgOp(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics())
    return;
  checkExtracts(op);
  if (!op.hasDynamicShape())
    return;
  // Each loop's size: the first operand dimension the loop indexes alone.
  SmallVector<std::pair<Value, int64_t>> loopSource(op.getNumLoops());
  SmallVector<bool> hasSource(op.getNumLoops(), false);
  for (OpOperand &operand : op->getOpOperands()) {
    if (!isa<RankedTensorType>(operand.get().getType()))
      continue;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    for (auto [r, expr] : llvm::enumerate(map.getResults()))
      if (auto dim = dyn_cast<AffineDimExpr>(expr))
        if (!hasSource[dim.getPosition()]) {
          hasSource[dim.getPosition()] = true;
          loopSource[dim.getPosition()] = {operand.get(), (int64_t)r};
        }
  }
  if (llvm::is_contained(hasSource, false))
    return;

  OpBuilder b(op);
  Location loc = op.getLoc();
  std::string node = nodeName(loc);
  SmallVector<Value> loopSizes;
  for (auto [tensor, d] : loopSource)
    loopSizes.push_back(dimOf(b, loc, tensor, d));

  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<RankedTensorType>(operand.get().getType());
    if (!type)
      continue;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    for (auto [r, expr] : llvm::enumerate(map.getResults())) {
      auto used = [&](unsigned loop) { return expr.isFunctionOfDim(loop); };
      bool allStatic = !type.isDynamicDim(r);
      for (unsigned loop = 0; loop < op.getNumLoops(); ++loop)
        if (used(loop))
          allStatic &= !cast<ShapedType>(loopSource[loop].first.getType())
                            .isDynamicDim(loopSource[loop].second);
      if (allStatic)
        continue;
      Value size = dimOf(b, loc, operand.get(), r);
      std::string what = describeDim(operand.get(), r);
      if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
        auto [source, sourceDim] = loopSource[dim.getPosition()];
        if (source == operand.get() && sourceDim == (int64_t)r)
          continue;
        emit(op, kCheckEqual,
             llvm::formatv("{0}: {1} must equal {2}", node, what,
                           describeDim(source, sourceDim)),
             {size, loopSizes[dim.getPosition()]});
        continue;
      }
      if (!isMonotone(expr))
        continue;
      // The largest index read, plus one; nothing is read if a loop is empty.
      Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
      Value one = b.create<arith::ConstantIndexOp>(loc, 1);
      SmallVector<Value> lastIndices;
      Value anyEmpty = b.create<arith::ConstantIntOp>(loc, 0, 1);
      for (Value loopSize : loopSizes) {
        lastIndices.push_back(b.create<arith::SubIOp>(loc, loopSize, one));
        anyEmpty = b.create<arith::OrIOp>(
            loc, anyEmpty,
            b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, loopSize,
                                    zero));
      }
      Value last = b.create<affine::AffineApplyOp>(
          loc, AffineMap::get(op.getNumLoops(), 0, expr), lastIndices);
      Value end = b.create<arith::SelectOp>(
          loc, anyEmpty, zero, b.create<arith::AddIOp>(loc, last, one));
      emit(op, kCheckAtMost,
           llvm::formatv("{0}: {1} is too small for the window read from it",
                         node, what),
           {end, size});
    }
  }
}

void CheckEmitter::checkExtracts(linalg::LinalgOp op) {
  SmallVector<tensor::ExtractOp> extracts;
  op->walk([&](tensor::ExtractOp extract) {
    if (!op->isAncestor(extract.getTensor().getParentRegion()->getParentOp()))
      extracts.push_back(extract);
  });
  if (extracts.empty())
    return;
  OpBuilder b(op);
  Location loc = op.getLoc();
  // 1 if the loops run at all, else 0.
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value anyEmpty = b.create<arith::ConstantIntOp>(loc, 0, 1);
  for (Range range : op.createLoopRanges(b, loc))
    anyEmpty = b.create<arith::OrIOp>(
        loc, anyEmpty,
        b.create<arith::CmpIOp>(
            loc, arith::CmpIPredicate::eq,
            getValueOrCreateConstantIndexOp(b, loc, range.size), zero));
  Value runs = b.create<arith::SelectOp>(
      loc, anyEmpty, zero, b.create<arith::ConstantIndexOp>(loc, 1));
  for (tensor::ExtractOp extract : extracts) {
    Value tensor = extract.getTensor();
    auto type = cast<RankedTensorType>(tensor.getType());
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (type.isDynamicDim(d))
        emit(op, kCheckAtMost,
             llvm::formatv("{0}: indexes {1}, which is empty",
                           nodeName(loc), describeDim(tensor, d)),
             {runs, dimOf(b, loc, tensor, d)});
      if (std::optional<unsigned> input =
              indexSource(op, extract.getIndices()[d]))
        checkIndexValues(op, op.getDpsInputs()[*input], tensor, d);
    }
  }
}

void CheckEmitter::checkIndexValues(linalg::LinalgOp op, Value indices,
                                    Value tensor, int64_t d) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto type = cast<RankedTensorType>(indices.getType());
  Type i64 = b.getI64Type();
  auto widen = [&](OpBuilder &nested, Location l, Value value) -> Value {
    return value.getType() == i64
               ? value
               : nested.create<arith::ExtSIOp>(l, i64, value).getResult();
  };
  // The lowest and highest index, 0 and -1 when there is none.
  Value lowest, highest;
  if (type.getRank() == 0) {
    lowest = highest = widen(b, loc, b.create<tensor::ExtractOp>(loc, indices));
  } else {
    auto scalar = [&](int64_t value) {
      Value empty = b.create<tensor::EmptyOp>(loc, ArrayRef<int64_t>{}, i64);
      Value constant = b.create<arith::ConstantIntOp>(loc, value, 64);
      return b.create<linalg::FillOp>(loc, constant, empty).getResult(0);
    };
    auto reduce = b.create<linalg::ReduceOp>(
        loc, ValueRange{indices, indices}, ValueRange{scalar(0), scalar(-1)},
        llvm::to_vector(llvm::seq<int64_t>(0, type.getRank())),
        [&](OpBuilder &nested, Location l, ValueRange args) {
          Value low = nested.create<arith::MinSIOp>(
              l, args[2], widen(nested, l, args[0]));
          Value high = nested.create<arith::MaxSIOp>(
              l, args[3], widen(nested, l, args[1]));
          nested.create<linalg::YieldOp>(l, ValueRange{low, high});
        });
    lowest = b.create<tensor::ExtractOp>(loc, reduce.getResult(0));
    highest = b.create<tensor::ExtractOp>(loc, reduce.getResult(1));
  }
  auto asIndex = [&](Value value) -> OpFoldResult {
    return b.create<arith::IndexCastOp>(loc, b.getIndexType(), value)
        .getResult();
  };
  emit(op, kCheckIndexRange,
       llvm::formatv("{0}: an index in {1} is out of range for {2}",
                     nodeName(loc), describeValues(indices),
                     describeDim(tensor, d)),
       {asIndex(lowest), asIndex(highest), dimOf(b, loc, tensor, d)});
}

void CheckEmitter::checkSlice(
    Operation *op, Value tensor, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes, ArrayRef<OpFoldResult> strides,
    llvm::function_ref<std::string(int64_t)> describe) {
  auto type = cast<RankedTensorType>(tensor.getType());
  OpBuilder b(op);
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d) && getConstantIntValue(offsets[d]) &&
        getConstantIntValue(sizes[d]) && getConstantIntValue(strides[d]))
      continue;
    emit(op, kCheckSlice, describe(d),
         {offsets[d], sizes[d], strides[d], dimOf(b, op->getLoc(), tensor, d)});
  }
}

/// An insert's source has the insert's sizes (when it drops no dimension).
void CheckEmitter::checkInsertedSizes(tensor::InsertSliceOp op) {
  RankedTensorType source = op.getSourceType();
  if (source.getRank() != op.getDestType().getRank())
    return;
  OpBuilder b(op);
  for (auto [d, size] : llvm::enumerate(op.getMixedSizes()))
    if (source.isDynamicDim(d))
      emit(op, kCheckEqual,
           llvm::formatv("{0}: {1} must equal {2}", nodeName(op.getLoc()),
                         describeDim(op.getSource(), d), describeSize(size)),
           {dimOf(b, op.getLoc(), op.getSource(), d), size});
}

void CheckEmitter::checkCast(tensor::CastOp op) {
  auto source = cast<RankedTensorType>(op.getSource().getType());
  auto result = dyn_cast<RankedTensorType>(op.getType());
  if (!result)
    return;
  OpBuilder b(op);
  for (int64_t d = 0; d < source.getRank(); ++d)
    if (source.isDynamicDim(d) && !result.isDynamicDim(d))
      emit(op, kCheckEqual,
           llvm::formatv("{0}: {1} must equal {2}", nodeName(op.getLoc()),
                         describeDim(op.getSource(), d), result.getDimSize(d)),
           {dimOf(b, op.getLoc(), op.getSource(), d),
            b.getIndexAttr(result.getDimSize(d))});
}

void CheckEmitter::checkExpandShape(tensor::ExpandShapeOp op) {
  auto source = op.getSrcType();
  OpBuilder b(op);
  SmallVector<OpFoldResult> shape =
      getMixedValues(op.getStaticOutputShape(), op.getOutputShape(), b);
  Location loc = op.getLoc();
  for (auto [d, group] : llvm::enumerate(op.getReassociationIndices())) {
    bool dynamicGroup = llvm::any_of(
        group, [&](int64_t e) { return op.getResultType().isDynamicDim(e); });
    if (!source.isDynamicDim(d) && !dynamicGroup)
      continue;
    Value product = b.create<arith::ConstantIndexOp>(loc, 1);
    for (int64_t expanded : group) {
      Value size = getValueOrCreateConstantIndexOp(b, loc, shape[expanded]);
      checkNotNegative(op, size, expanded);
      product = b.create<arith::MulIOp>(loc, product, size);
    }
    emit(op, kCheckEqual,
         llvm::formatv("{0}: {1} must equal the product of the dimensions "
                       "it is reshaped to",
                       nodeName(loc), describeDim(op.getSrc(), d)),
         {dimOf(b, loc, op.getSrc(), d), product});
  }
}

/// Sizes computed from a model's values (a Reshape's shape) may be negative;
/// an even number of them would keep the element count.
void CheckEmitter::checkNotNegative(Operation *op, Value size, int64_t d) {
  if (std::optional<int64_t> constant = getConstantIntValue(size);
      (constant && *constant >= 0) || size.getDefiningOp<tensor::DimOp>())
    return;
  OpBuilder b(op);
  emit(op, kCheckAtMost,
       llvm::formatv("{0}: dimension {1} of the new shape must not be "
                     "negative",
                     nodeName(op->getLoc()), d),
       {b.getIndexAttr(0), size});
}

/// Whether `size` is computed from values read from a tensor (rather than
/// from dimensions and constants alone).
bool readsValues(Value size) {
  Operation *op = size.getDefiningOp();
  if (!op || isa<tensor::DimOp>(op))
    return false;
  if (isa<tensor::ExtractOp>(op))
    return true;
  return isa_and_nonnull<arith::ArithDialect>(op->getDialect()) &&
         llvm::any_of(op->getOperands(), readsValues);
}

void CheckEmitter::checkEmpty(tensor::EmptyOp op) {
  RankedTensorType type = op.getType();
  bool fromValues = false;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d) && readsValues(op.getDynamicSize(d))) {
      checkNotNegative(op, op.getDynamicSize(d), d);
      fromValues = true;
    }
  if (!fromValues)
    return;
  // Nor sizes whose product wraps (a buffer allocated too small): each
  // dynamic one is at most 2^62 bytes over the product of those before it,
  // so the product stays below that.
  OpBuilder b(op);
  Location loc = op.getLoc();
  int64_t elementBytes =
      type.getElementType().isIntOrFloat()
          ? std::max<int64_t>(1, type.getElementTypeBitWidth() / 8)
          : 16;
  Value cap =
      b.create<arith::ConstantIndexOp>(loc, (int64_t(1) << 62) / elementBytes);
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  Value product = one;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    Value size = type.isDynamicDim(d)
                     ? op.getDynamicSize(d)
                     : b.create<arith::ConstantIndexOp>(loc, type.getDimSize(d))
                           .getResult();
    if (type.isDynamicDim(d))
      emit(op, kCheckAtMost,
           llvm::formatv("{0}: dimension {1} of the new shape makes the "
                         "tensor larger than 2^62 bytes",
                         nodeName(loc), d),
           {size,
            b.createOrFold<arith::DivUIOp>(
                loc, cap, b.createOrFold<arith::MaxSIOp>(loc, product, one))});
    product = b.createOrFold<arith::MulIOp>(loc, product, size);
  }
}

void CheckEmitter::checkAssertion(moc::AssertEqualOp op) {
  emit(op, kCheckEqual,
       llvm::formatv("{0}: {1}", nodeName(op.getLoc()), op.getMessage()),
       {op.getActual(), op.getExpected()});
  op.erase();
}

void CheckEmitter::checkReshape(tensor::ReshapeOp op) {
  auto source = cast<RankedTensorType>(op.getSource().getType());
  auto shapeType = cast<RankedTensorType>(op.getShape().getType());
  if (source.hasStaticShape() || shapeType.isDynamicDim(0))
    return;
  OpBuilder b(op);
  Location loc = op.getLoc();
  Value count = b.create<arith::ConstantIndexOp>(loc, 1);
  for (int64_t d = 0; d < source.getRank(); ++d)
    count = b.create<arith::MulIOp>(loc, count,
                                    dimOf(b, loc, op.getSource(), d));
  Value product = b.create<arith::ConstantIndexOp>(loc, 1);
  for (int64_t i = 0; i < shapeType.getDimSize(0); ++i) {
    Value size = b.create<tensor::ExtractOp>(
        loc, op.getShape(), ValueRange{b.create<arith::ConstantIndexOp>(loc, i)});
    if (!size.getType().isIndex())
      size = b.create<arith::IndexCastOp>(loc, b.getIndexType(), size);
    checkNotNegative(op, size, i);
    product = b.create<arith::MulIOp>(loc, product, size);
  }
  emit(op, kCheckEqual,
       llvm::formatv("{0}: the input's element count must equal the new "
                     "shape's",
                     nodeName(loc)),
       {count, product});
}

/// What identifies a size: a constant, a dimension of a tensor, or else the
/// value itself (equal keys, equal sizes).
using SizeKey = std::tuple<void *, int64_t, bool>;
SizeKey sizeKey(Value size) {
  if (std::optional<int64_t> constant = getConstantIntValue(size))
    return {nullptr, *constant, true};
  if (auto dim = size.getDefiningOp<tensor::DimOp>())
    if (std::optional<int64_t> index = dim.getConstantIndex())
      return {dim.getSource().getAsOpaquePointer(), *index, false};
  return {size.getAsOpaquePointer(), -1, false};
}

/// Whether the check holds whatever the inputs: equal or constant operands.
bool CheckEmitter::holds(func::CallOp call) {
  SmallVector<SizeKey> keys;
  SmallVector<std::optional<int64_t>> values;
  for (Value operand : call.getOperands().drop_front()) {
    keys.push_back(sizeKey(operand));
    values.push_back(getConstantIntValue(operand));
  }
  StringRef callee = call.getCallee();
  if (callee == kCheckIndexRange)
    return false;
  if (callee == kCheckEqual)
    return keys[0] == keys[1];
  if (callee == kCheckAtMost)
    return keys[0] == keys[1] ||
           (values[0] && values[1] && *values[0] <= *values[1]);
  // A slice [0, size) of a dimension of that same size.
  return values[0] == 0 && values[2] == 1 && keys[1] == keys[3];
}

/// Moves `call` and the pure ops it depends on in the entry block to just
/// after `cursor` (the block's start when null), if it depends on nothing
/// else.
void CheckEmitter::hoist(func::CallOp call, Operation *&cursor) {
  Block &entry = func.getBody().front();
  SetVector<Operation *> slice;
  getBackwardSlice(call.getOperation(), &slice);
  for (Operation *op : slice)
    if (op->getBlock() != &entry || op->getNumRegions() != 0 ||
        !isMemoryEffectFree(op))
      return;
  SmallVector<Operation *> ordered(slice.begin(), slice.end());
  llvm::sort(ordered, [](Operation *a, Operation *b) {
    return a->isBeforeInBlock(b);
  });
  ordered.push_back(call);
  for (Operation *op : ordered) {
    if (cursor && (op == cursor || op->isBeforeInBlock(cursor)))
      continue;
    if (cursor)
      op->moveAfter(cursor);
    else
      op->moveBefore(&entry, entry.begin());
    cursor = op;
  }
}

void CheckEmitter::finish() {
  if (calls.empty())
    return;
  MLIRContext *context = func.getContext();
  RewritePatternSet patterns(context);
  memref::populateResolveRankedShapedTypeResultDimsPatterns(patterns);
  tensor::DimOp::getCanonicalizationPatterns(patterns, context);
  tensor::EmptyOp::getCanonicalizationPatterns(patterns, context);
  (void)applyPatternsAndFoldGreedily(func, std::move(patterns));

  std::set<std::pair<std::string, SmallVector<SizeKey>>> seen;
  Operation *cursor = nullptr;
  for (func::CallOp call : calls) {
    SmallVector<SizeKey> key;
    for (Value operand : call.getOperands().drop_front())
      key.push_back(sizeKey(operand));
    if (holds(call) || !seen.insert({texts[call], key}).second) {
      Operation *address = call.getOperand(0).getDefiningOp();
      call.erase();
      if (address->use_empty())
        address->erase();
      continue;
    }
    if (call->getBlock() == &func.getBody().front())
      hoist(call, cursor);
  }
}

struct CheckShapesPass : impl::CheckShapesPassBase<CheckShapesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> funcs;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal())
        funcs.push_back(func);
    llvm::StringMap<LLVM::GlobalOp> messages;
    for (func::FuncOp func : funcs) {
      CheckEmitter emitter(module, func, messages);
      func.walk([&](Operation *op) {
        if (auto assertion = dyn_cast<moc::AssertEqualOp>(op))
          return emitter.checkAssertion(assertion);
        if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
          return emitter.checkLinalgOp(linalgOp);
        if (auto insert = dyn_cast<tensor::InsertSliceOp>(op)) {
          std::string node = nodeName(op->getLoc());
          emitter.checkInsertedSizes(insert);
          return emitter.checkSlice(
              op, insert.getDest(), insert.getMixedOffsets(),
              insert.getMixedSizes(), insert.getMixedStrides(),
              [&](int64_t d) -> std::string {
                return llvm::formatv("{0}: {1} does not fit in {2}", node,
                                     describeSize(insert.getMixedSizes()[d]),
                                     describeDim(insert.getDest(), d));
              });
        }
        if (auto extract = dyn_cast<tensor::ExtractSliceOp>(op)) {
          std::string node = nodeName(op->getLoc());
          return emitter.checkSlice(
              op, extract.getSource(), extract.getMixedOffsets(),
              extract.getMixedSizes(), extract.getMixedStrides(),
              [&](int64_t d) -> std::string {
                return llvm::formatv("{0}: a slice of {1} is out of range",
                                     node, describeDim(extract.getSource(), d));
              });
        }
        if (auto castOp = dyn_cast<tensor::CastOp>(op))
          return emitter.checkCast(castOp);
        if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
          return emitter.checkExpandShape(expand);
        if (auto reshape = dyn_cast<tensor::ReshapeOp>(op))
          return emitter.checkReshape(reshape);
        if (auto empty = dyn_cast<tensor::EmptyOp>(op))
          return emitter.checkEmpty(empty);
      });
      emitter.finish();
    }
    // The messages of checks that held by construction.
    for (auto &entry : messages)
      if (SymbolTable::symbolKnownUseEmpty(entry.second, module))
        entry.second.erase();
  }
};

} // namespace
} // namespace mocc
