//===- FuseEpilogues.cpp - Bias, residual and activation into kernel calls -===//
//
// After a product marked for a microkernel (GEMM, convolution, depthwise
// convolution), elementwise fusion leaves one op that reads the product and
// adds a bias, a residual, and applies an activation: a second pass over an
// output that has long left the cache. When that op is
// `activation(product + bias[column] + residual)` with an activation the
// kernels' drivers know (runtime/src/epilogue.h: ReLU, Clip, sigmoid, SiLU),
// the product writes the op's output itself and carries the epilogue: the
// driver applies it to each block right after the microkernel wrote it.
//
// On buffers, before the arena is planned: the product's own buffer then
// disappears. The marked op gains the bias and residual as inputs its body
// ignores, and the `mocc.epilogue` attribute that says what they mean; from
// here on it must become a call (mocc-call-kernels fails otherwise), which
// this pass makes sure its buffers allow.
//
//===----------------------------------------------------------------------===//
#include "mocc/Transforms/KernelCalls.h"
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mocc {
#define GEN_PASS_DEF_FUSEEPILOGUESPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

/// What an elementwise op after a product computes on it.
struct Epilogue {
  OpOperand *bias = nullptr;     // Indexed by the product's last dimension.
  OpOperand *residual = nullptr; // Indexed like the product.
  EpilogueActivation activation = EpilogueActivation::None;
  float lo = 0, hi = 0;
};

std::optional<float> floatConstant(Value value) {
  FloatAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  return attr.getValueAsDouble();
}

bool isFloatConstant(Value value, float expected) {
  std::optional<float> constant = floatConstant(value);
  return constant && *constant == expected;
}

/// x if `value` is 1 / (1 + exp(-x)), the lowering of Sigmoid.
Value sigmoidInput(Value value) {
  auto div = value.getDefiningOp<arith::DivFOp>();
  if (!div || !isFloatConstant(div.getLhs(), 1.0))
    return {};
  auto sum = div.getRhs().getDefiningOp<arith::AddFOp>();
  if (!sum)
    return {};
  Value exp = isFloatConstant(sum.getLhs(), 1.0) ? sum.getRhs()
              : isFloatConstant(sum.getRhs(), 1.0) ? sum.getLhs()
                                                   : Value();
  auto expOp = exp ? exp.getDefiningOp<math::ExpOp>() : nullptr;
  auto neg = expOp ? expOp.getOperand().getDefiningOp<arith::NegFOp>() : nullptr;
  return neg ? neg.getOperand() : Value();
}

/// The activation that produces `value`, and the value it is applied to.
std::pair<EpilogueActivation, Value> matchActivation(Value value,
                                                     Epilogue &epilogue) {
  if (auto min = value.getDefiningOp<arith::MinimumFOp>()) {
    for (auto [bound, inner] : {std::pair(min.getRhs(), min.getLhs()),
                                std::pair(min.getLhs(), min.getRhs())}) {
      auto max = inner.getDefiningOp<arith::MaximumFOp>();
      std::optional<float> hi = floatConstant(bound);
      if (!max || !hi)
        continue;
      for (auto [lowBound, x] : {std::pair(max.getRhs(), max.getLhs()),
                                 std::pair(max.getLhs(), max.getRhs())})
        if (std::optional<float> lo = floatConstant(lowBound)) {
          epilogue.lo = *lo;
          epilogue.hi = *hi;
          return {EpilogueActivation::Clip, x};
        }
    }
  }
  if (auto max = value.getDefiningOp<arith::MaximumFOp>()) {
    if (isFloatConstant(max.getRhs(), 0.0))
      return {EpilogueActivation::Relu, max.getLhs()};
    if (isFloatConstant(max.getLhs(), 0.0))
      return {EpilogueActivation::Relu, max.getRhs()};
  }
  if (auto mul = value.getDefiningOp<arith::MulFOp>()) {
    if (sigmoidInput(mul.getRhs()) == mul.getLhs())
      return {EpilogueActivation::Silu, mul.getLhs()};
    if (sigmoidInput(mul.getLhs()) == mul.getRhs())
      return {EpilogueActivation::Silu, mul.getRhs()};
  }
  if (Value x = sigmoidInput(value))
    return {EpilogueActivation::Sigmoid, x};
  return {EpilogueActivation::None, value};
}

/// The epilogue `op` applies to its input `product`, if it is one the
/// drivers know: every other input is a bias or a residual, added to the
/// product before the activation.
std::optional<Epilogue> matchEpilogue(linalg::GenericOp op,
                                      OpOperand *product) {
  unsigned rank = op.getNumLoops();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, op.getContext());
  AffineMap lastDim = AffineMap::get(
      rank, 0, getAffineDimExpr(rank - 1, op.getContext()));
  if (op.getNumDpsInits() != 1 || op.getNumParallelLoops() != rank ||
      op.getMatchingIndexingMap(product) != identity ||
      op.getMatchingIndexingMap(op.getDpsInitOperand(0)) != identity ||
      !op.getMatchingBlockArgument(op.getDpsInitOperand(0)).use_empty())
    return std::nullopt;
  Epilogue epilogue;
  Block &body = op.getRegion().front();
  auto [activation, value] =
      matchActivation(body.getTerminator()->getOperand(0), epilogue);
  epilogue.activation = activation;
  BlockArgument productArg = op.getMatchingBlockArgument(product);
  // The terms of the sum under the activation, in whatever order the model
  // adds them: the product, a bias, a residual.
  SmallVector<Value> terms = {value};
  bool productFound = false;
  while (!terms.empty()) {
    Value term = terms.pop_back_val();
    if (auto add = term.getDefiningOp<arith::AddFOp>()) {
      terms.append({add.getLhs(), add.getRhs()});
      continue;
    }
    // A bias of zeros folds to a scalar zero: adding it changes nothing.
    if (isFloatConstant(term, 0.0f))
      continue;
    if (term == productArg && !productFound) {
      productFound = true;
      continue;
    }
    auto input = llvm::find_if(op.getDpsInputOperands(), [&](OpOperand *in) {
      return in != product && op.getMatchingBlockArgument(in) == term;
    });
    if (input == op.getDpsInputOperands().end())
      return std::nullopt;
    AffineMap map = op.getMatchingIndexingMap(*input);
    OpOperand **role = map == lastDim    ? &epilogue.bias
                       : map == identity ? &epilogue.residual
                                         : nullptr;
    if (!role || *role)
      return std::nullopt;
    *role = *input;
  }
  if (!productFound)
    return std::nullopt;
  // Every input has its role.
  for (OpOperand *input : op.getDpsInputOperands())
    if (input != product && input != epilogue.bias &&
        input != epilogue.residual)
      return std::nullopt;
  return epilogue;
}

/// The buffer `value` is a view of.
Value rootBuffer(Value value) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    value = view.getViewSource();
  return value;
}

/// Whether `buffer` is laid out as the kernel `call` writes its output.
bool fitsKernelOutput(StringRef call, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  return call == kSdwconvCall ? hasUnitInnerStride(type)
                              : hasEvenlyStridedRows(type);
}

/// The op after `product` that reads its output, if nothing in between
/// touches memory.
linalg::GenericOp nextReader(linalg::GenericOp product, Value output) {
  for (Operation *op = product->getNextNode(); op; op = op->getNextNode()) {
    if (auto reader = dyn_cast<linalg::GenericOp>(op))
      return llvm::is_contained(reader.getDpsInputs(), output)
                 ? reader
                 : linalg::GenericOp();
    if (!isMemoryEffectFree(op) && !isa<memref::AllocOp>(op))
      return {};
  }
  return {};
}

/// The fill that initializes `buffer`, if one does and nothing copies into
/// it.
linalg::FillOp initializingFill(Value buffer) {
  linalg::FillOp fill;
  for (Operation *user : buffer.getUsers()) {
    auto copy = dyn_cast<memref::CopyOp>(user);
    if (copy && copy.getTarget() == buffer)
      return {};
    if (auto userFill = dyn_cast<linalg::FillOp>(user))
      fill = fill ? linalg::FillOp() : userFill;
  }
  return fill;
}

/// Whether the only uses of `buffer`, a fresh allocation, are `product`,
/// which writes it, `reader`, and before `product` its initialization and
/// copies of a filled `buffer` (the zeros other products start from).
bool onlyCarriesProduct(Value buffer, Operation *product, Operation *reader) {
  if (!buffer.getDefiningOp<memref::AllocOp>())
    return false;
  bool filled = static_cast<bool>(initializingFill(buffer));
  return llvm::all_of(buffer.getUsers(), [&](Operation *user) {
    auto copy = dyn_cast<memref::CopyOp>(user);
    bool before = user->isBeforeInBlock(product);
    bool initializes =
        isa<linalg::FillOp>(user) || (copy && copy.getTarget() == buffer);
    bool copiesFill = copy && copy.getSource() == buffer && filled;
    return user == product || user == reader || isa<memref::DeallocOp>(user) ||
           (before && (initializes || copiesFill));
  });
}

/// Erases the allocation `buffer` and what initializes it, and, where that
/// is a copy of another allocation no longer read (the zeros several
/// products started from), that one too. Copies of a filled `buffer` become
/// fills of their targets.
void eraseBuffer(Value buffer) {
  linalg::FillOp fill = initializingFill(buffer);
  SmallVector<Value> sources;
  for (Operation *user : llvm::make_early_inc_range(buffer.getUsers())) {
    auto copy = dyn_cast<memref::CopyOp>(user);
    if (copy && copy.getSource() == buffer) {
      OpBuilder b(copy);
      b.create<linalg::FillOp>(copy.getLoc(), fill.getInputs(),
                               ValueRange{copy.getTarget()});
    } else if (copy) {
      sources.push_back(copy.getSource());
    }
    if (user != fill)
      user->erase();
  }
  if (fill)
    fill->erase();
  buffer.getDefiningOp()->erase();
  for (Value source : sources) {
    bool written = llvm::all_of(source.getUsers(), [](Operation *user) {
      return isa<linalg::FillOp, memref::DeallocOp>(user);
    });
    if (written && source.getDefiningOp<memref::AllocOp>())
      eraseBuffer(source);
  }
}

/// Folds the epilogue `reader` applies to the marked `product` into it, if
/// the buffers allow the driver to apply it per block.
void fuseEpilogue(linalg::GenericOp product) {
  StringRef call = product.getLibraryCallAttr().getValue();
  if (call != kSgemmCall && call != kSconvCall && call != kSdwconvCall)
    return;
  Value output = product.getDpsInits()[0];
  linalg::GenericOp reader = nextReader(product, output);
  if (!reader || !onlyCarriesProduct(output, product, reader))
    return;
  OpOperand *productOperand = nullptr;
  for (OpOperand *input : reader.getDpsInputOperands())
    if (input->get() == output)
      productOperand = productOperand ? nullptr : input;
  std::optional<Epilogue> epilogue =
      productOperand ? matchEpilogue(reader, productOperand) : std::nullopt;
  if (!epilogue)
    return;
  Value result = reader.getDpsInits()[0];
  Value residual = epilogue->residual ? epilogue->residual->get() : Value();
  // The driver writes each block before it reads that block's residual, and
  // reads the product's input while it writes other blocks.
  if (!fitsKernelOutput(call, result) ||
      !fitsKernelInput(call,
                       cast<MemRefType>(product.getDpsInputs()[0].getType())) ||
      (residual && (!fitsKernelOutput(call, residual) ||
                    rootBuffer(residual) == rootBuffer(result))) ||
      rootBuffer(product.getDpsInputs()[0]) == rootBuffer(result))
    return;
  if (epilogue->bias &&
      !hasUnitInnerStride(cast<MemRefType>(epilogue->bias->get().getType())))
    return;

  // At the reader: the bias may be defined after the product.
  OpBuilder b(reader);
  Location loc = product.getLoc();
  MLIRContext *context = product.getContext();
  unsigned rank = product.getNumLoops();
  AffineMap outputMap = product.getIndexingMapsArray().back();
  SmallVector<Value> inputs(product.getDpsInputs());
  SmallVector<AffineMap> maps(product.getIndexingMapsArray());
  maps.pop_back();
  SmallVector<NamedAttribute> roles = {
      b.getNamedAttr(kEpilogueActivation,
                     b.getI64IntegerAttr(int64_t(epilogue->activation))),
      b.getNamedAttr(kEpilogueLo, b.getF32FloatAttr(epilogue->lo)),
      b.getNamedAttr(kEpilogueHi, b.getF32FloatAttr(epilogue->hi))};
  if (epilogue->bias) {
    roles.push_back(
        b.getNamedAttr(kEpilogueBias, b.getI64IntegerAttr(inputs.size())));
    inputs.push_back(epilogue->bias->get());
    maps.push_back(AffineMap::get(rank, 0, outputMap.getResults().back()));
  }
  if (residual) {
    roles.push_back(
        b.getNamedAttr(kEpilogueResidual, b.getI64IntegerAttr(inputs.size())));
    inputs.push_back(residual);
    maps.push_back(outputMap);
  }
  maps.push_back(outputMap);
  // The kernels write their product: the output starts from zeros, which
  // mocc-call-kernels folds into the call.
  Value zero = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0));
  b.create<linalg::FillOp>(loc, zero, result);
  auto fused = b.create<linalg::GenericOp>(
      FusedLoc::get(context, {loc, reader.getLoc()}), TypeRange(), inputs,
      ValueRange{result}, maps, product.getIteratorTypesArray());
  fused.getRegion().takeBody(product.getRegion());
  Block &body = fused.getRegion().front();
  // The bias and residual are the epilogue's: the body, the product, ignores
  // them.
  for (size_t i = product.getNumDpsInputs(); i < inputs.size(); ++i)
    body.insertArgument(i, b.getF32Type(), loc);
  fused.setLibraryCallAttr(b.getStringAttr(call));
  fused->setAttr(kEpilogueAttr, DictionaryAttr::get(context, roles));

  reader->erase();
  product->erase();
  eraseBuffer(output);
}

struct FuseEpiloguesPass : impl::FuseEpiloguesPassBase<FuseEpiloguesPass> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> products;
    getOperation().walk([&](linalg::GenericOp op) {
      if (op.getLibraryCallAttr() && op.hasPureBufferSemantics())
        products.push_back(op);
    });
    for (linalg::GenericOp product : products)
      fuseEpilogue(product);
  }
};

} // namespace
} // namespace mocc
