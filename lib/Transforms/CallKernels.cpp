//===- CallKernels.cpp - Marked linalg ops become microkernel calls -------===//
//
// After bufferization, a product that mocc-select-kernels marked with a
// kernel's `library_call` is a linalg.generic on buffers. If its rows are
// evenly strided with unit-stride elements (the kernels' contract) and its
// output holds zeros (a fill, or a copy of a zero buffer, right before it),
// that op and the product become one call of the runtime's driver, which
// reads the buffers' descriptors (MLIR's C interface: pointers, offset,
// sizes and strides) and splits the work over the instance's thread pool;
// the entry function receives that pool as its last argument. Otherwise the
// product stays a loop nest.
//
//===----------------------------------------------------------------------===//
#include "mocc/Transforms/KernelCalls.h"
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"

namespace mocc {
#define GEN_PASS_DEF_CALLKERNELSPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

/// `buffer` as a buffer of dynamic sizes and strides of its rank, the type
/// every call of a kernel passes; a buffer of more than two dimensions whose
/// leading ones are evenly strided rows is first collapsed to two.
Value asKernelOperand(OpBuilder &b, Location loc, Value buffer,
                      bool collapseRows) {
  auto type = cast<MemRefType>(buffer.getType());
  if (collapseRows && type.getRank() > 2) {
    ReassociationIndices rows =
        llvm::to_vector(llvm::seq<int64_t>(0, type.getRank() - 1));
    buffer = b.create<memref::CollapseShapeOp>(
        loc, buffer,
        SmallVector<ReassociationIndices>{rows, {type.getRank() - 1}});
    type = cast<MemRefType>(buffer.getType());
  }
  SmallVector<int64_t> dynamic(type.getRank(), ShapedType::kDynamic);
  auto layout =
      StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic, dynamic);
  return b.create<memref::CastOp>(
      loc, MemRefType::get(dynamic, type.getElementType(), layout), buffer);
}

/// Appends what the GEMM and convolution drivers take after their output:
/// the epilogue mocc-fuse-epilogues gave `op` (bias, residual viewed like
/// the output, activation, its bounds lo and hi), or an empty bias and
/// residual (of `outputRank`) and no activation.
void appendEpilogue(OpBuilder &b, linalg::GenericOp op, unsigned outputRank,
                    bool collapseRows, SmallVector<Value> &operands) {
  Location loc = op.getLoc();
  auto epilogue = op->getAttrOfType<DictionaryAttr>(kEpilogueAttr);
  auto input = [&](StringRef role) -> Value {
    auto index = epilogue ? epilogue.getAs<IntegerAttr>(role) : nullptr;
    return index ? op.getDpsInputs()[index.getInt()] : Value();
  };
  auto empty = [&](unsigned rank) -> Value {
    return b.create<memref::AllocaOp>(
        loc, MemRefType::get(SmallVector<int64_t>(rank, 0), b.getF32Type()));
  };
  Value bias = input(kEpilogueBias), residual = input(kEpilogueResidual);
  operands.push_back(asKernelOperand(b, loc, bias ? bias : empty(1),
                                     /*collapseRows=*/false));
  operands.push_back(asKernelOperand(
      b, loc, residual ? residual : empty(outputRank), collapseRows));
  auto number = [&](StringRef key) {
    auto attr = epilogue ? epilogue.getAs<Attribute>(key) : nullptr;
    return attr ? cast<TypedAttr>(attr) : TypedAttr();
  };
  TypedAttr activation = number(kEpilogueActivation);
  operands.push_back(b.create<arith::ConstantOp>(
      loc, activation ? activation : b.getI64IntegerAttr(0)));
  for (StringRef bound : {kEpilogueLo, kEpilogueHi}) {
    TypedAttr value = number(bound);
    operands.push_back(b.create<arith::ConstantOp>(
        loc, value ? value : b.getF32FloatAttr(0)));
  }
}

/// The runtime function `name(operands...)`, declared with MLIR's C
/// interface: the runtime reads sizes, strides and pointers from the
/// buffers' descriptors.
func::FuncOp declareKernel(ModuleOp module, StringRef name,
                           TypeRange operands) {
  if (auto existing = module.lookupSymbol<func::FuncOp>(name))
    return existing;
  MLIRContext *context = module.getContext();
  auto type = FunctionType::get(context, operands, {});
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  auto callee = builder.create<func::FuncOp>(module.getLoc(), name, type);
  callee.setPrivate();
  callee->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                  UnitAttr::get(context));
  return callee;
}

/// Erases the op that zeroed a kernel's output (`init`): a fill, or a copy
/// of zeros, whose zero buffer goes too once nothing but its fill uses it
/// (a tensor of zeros of run-time size is such a buffer, no constant).
void eraseZeroInitializer(Operation *init) {
  auto copy = dyn_cast<memref::CopyOp>(init);
  Value zeros = copy ? copy.getSource() : Value();
  init->erase();
  auto alloc = zeros ? zeros.getDefiningOp<memref::AllocOp>() : nullptr;
  if (!alloc || !llvm::all_of(alloc->getUsers(), [](Operation *user) {
        return isa<linalg::FillOp>(user);
      }))
    return;
  for (Operation *fill : llvm::make_early_inc_range(alloc->getUsers()))
    fill->erase();
  alloc->erase();
}

/// Replaces the marked `op` and the op that zeroed its output before it
/// (`init`) by a call of the runtime function `name`.
void replaceByCall(OpBuilder &b, linalg::GenericOp op, Operation *init,
                   StringRef name, ValueRange operands) {
  func::FuncOp callee =
      declareKernel(op->getParentOfType<ModuleOp>(), name, operands.getTypes());
  auto call = b.create<func::CallOp>(op.getLoc(), callee, operands);
  int64_t flops = 2;
  for (int64_t range : op.getStaticLoopRanges())
    flops = ShapedType::isDynamic(range) ? 0 : flops * range;
  if (flops > 0)
    call->setAttr(kKernelFlopsAttr, b.getI64IntegerAttr(flops));
  op->erase();
  eraseZeroInitializer(init);
}

/// Whether `op` or an op nested in it takes `buffer` as an operand.
bool usesBuffer(Operation *op, Value buffer) {
  return op
      ->walk([&](Operation *nested) {
        return llvm::is_contained(nested->getOperands(), buffer)
                   ? WalkResult::interrupt()
                   : WalkResult::advance();
      })
      .wasInterrupted();
}

/// The op that makes `buffer` hold zeros when `user` runs: the latest op
/// before it in its block that uses the buffer, if that is a fill of zeros
/// or a copy of a buffer that holds zeros (bufferization copies a zero
/// tensor that several products start from); null if there is none. The
/// kernels write their product, so the call replaces that op too.
Operation *zeroInitializer(Value buffer, Operation *user) {
  for (Operation *prev = user->getPrevNode(); prev;
       prev = prev->getPrevNode()) {
    if (!usesBuffer(prev, buffer))
      continue;
    if (auto fill = dyn_cast<linalg::FillOp>(prev))
      return fill.getOutputs()[0] == buffer &&
                     matchPattern(fill.getInputs()[0], m_AnyZeroFloat())
                 ? prev
                 : nullptr;
    if (auto copy = dyn_cast<memref::CopyOp>(prev))
      return copy.getTarget() == buffer &&
                     zeroInitializer(copy.getSource(), copy)
                 ? prev
                 : nullptr;
    return nullptr;
  }
  return nullptr;
}

/// Replaces a marked GEMM (and the op that zeroed its output) by a call;
/// returns false (IR unchanged) if its buffers do not fit the kernel's
/// contract.
bool callSgemm(linalg::GenericOp op, Value pool) {
  Value lhs = op.getDpsInputs()[0], packed = op.getDpsInputs()[1];
  Value out = op.getDpsInits()[0];
  auto lhsType = cast<MemRefType>(lhs.getType());
  auto packedType = cast<MemRefType>(packed.getType());
  auto outType = cast<MemRefType>(out.getType());
  Operation *init = zeroInitializer(out, op);
  if (!fitsKernelInput(kSgemmCall, lhsType) || !hasEvenlyStridedRows(outType) ||
      !init || !packedType.getLayout().isIdentity())
    return false;
  OpBuilder b(op);
  Location loc = op.getLoc();
  SmallVector<Value> operands = {
      pool, asKernelOperand(b, loc, lhs, /*collapseRows=*/true),
      asKernelOperand(b, loc, packed, /*collapseRows=*/false),
      asKernelOperand(b, loc, out, /*collapseRows=*/true)};
  appendEpilogue(b, op, /*outputRank=*/2, /*collapseRows=*/true, operands);
  replaceByCall(b, op, init, kSgemmCall, operands);
  return true;
}

/// `buffer`, indexed by `map`, viewed with its dimensions in the order of
/// the loops `wanted` (a transposed view of the same memory).
Value viewInOrder(OpBuilder &b, Location loc, Value buffer, AffineMap map,
                  ArrayRef<unsigned> wanted) {
  SmallVector<unsigned> loops;
  for (AffineExpr expr : map.getResults())
    loops.push_back(cast<AffineDimExpr>(expr).getPosition());
  if (loops == wanted)
    return buffer;
  SmallVector<unsigned> permutation;
  for (unsigned loop : wanted)
    permutation.push_back(
        std::distance(loops.begin(), llvm::find(loops, loop)));
  return b.create<memref::TransposeOp>(
      loc, buffer,
      AffineMapAttr::get(
          AffineMap::getPermutationMap(permutation, b.getContext())));
}

/// Replaces a marked batched product (loops b, m, n, k) and the op that
/// zeroed its output by a call `mocc_sbatch_matmul_f32(pool, a, b, c, nr)`,
/// each operand viewed in loop order ([b][m][k], [b][k][n], [b][m][n]), nr
/// the GEMM kernel's panel width that the runtime packs b to; returns false
/// (IR unchanged) if the target has no GEMM kernel or the rows of a or c
/// are not of unit stride.
bool callSbatchMatmul(linalg::GenericOp op, Value pool, int64_t panelWidth) {
  Operation *init = zeroInitializer(op.getDpsInits()[0], op);
  if (panelWidth <= 0 || !init)
    return false;
  OpBuilder b(op);
  Location loc = op.getLoc();
  // Loops b, m, n, k: a[b][m][k], b[b][k][n], c[b][m][n].
  SmallVector<SmallVector<unsigned>> orders = {{0, 1, 3}, {0, 3, 2}, {0, 1, 2}};
  SmallVector<Value> views;
  for (auto [operand, map, order] :
       llvm::zip(op->getOperands(), op.getIndexingMapsArray(), orders))
    views.push_back(viewInOrder(b, loc, operand, map, order));
  if (!hasUnitInnerStride(cast<MemRefType>(views[0].getType())) ||
      !hasUnitInnerStride(cast<MemRefType>(views[2].getType()))) {
    for (Value view : views)
      if (view.getDefiningOp() && view.use_empty())
        view.getDefiningOp()->erase();
    return false;
  }
  SmallVector<Value> operands = {pool};
  for (Value view : views)
    operands.push_back(asKernelOperand(b, loc, view, /*collapseRows=*/false));
  operands.push_back(b.create<arith::ConstantIntOp>(loc, panelWidth, 64));
  replaceByCall(b, op, init, kSbatchMatmulCall, operands);
  return true;
}

/// A convolution's input that bufferization padded with zeros: a buffer
/// that a map of zeros fills, then a copy of `source` fills inside, at
/// offsets `top` and `left` of its rows and pixels, and that only the
/// convolution reads after.
struct PaddedInput {
  Value source;
  int64_t top, left, bottom, right;
  Operation *fill, *copy;
  memref::SubViewOp interior;

  /// Erases the padding ops and the padded buffer, once the convolution,
  /// their last reader, reads `source` instead.
  void erase() {
    auto alloc = interior.getSource().getDefiningOp();
    copy->erase();
    interior->erase();
    fill->erase();
    alloc->erase();
  }
};

/// The buffer that `buffer` is a view of (or itself).
Value rootBuffer(Value buffer) {
  while (auto view = buffer.getDefiningOp<ViewLikeOpInterface>())
    buffer = view.getViewSource();
  return buffer;
}

/// Whether `op` is a map that writes zeros everywhere in `buffer`.
bool isZeroMap(Operation *op, Value buffer) {
  auto map = dyn_cast<linalg::MapOp>(op);
  if (!map || map.getInit() != buffer || !map.getInputs().empty())
    return false;
  auto yield = cast<linalg::YieldOp>(map.getMapper().front().getTerminator());
  return yield.getNumOperands() == 1 &&
         matchPattern(yield.getOperand(0), m_AnyZeroFloat());
}

/// `input` of `conv` as a padded copy of another buffer, which the kernel
/// can read in its place, padding its windows with zeros itself; nullopt if
/// it is not. The fill and the copy must run in `conv`'s block before it,
/// with nothing in between touching the copied buffer.
std::optional<PaddedInput> paddedInput(Value input, Operation *conv) {
  auto alloc = input.getDefiningOp<memref::AllocOp>();
  if (!alloc || alloc->getBlock() != conv->getBlock())
    return std::nullopt;
  PaddedInput padded{};
  for (Operation *user : alloc->getUsers()) {
    if (user == conv)
      continue;
    if (isZeroMap(user, input) && !padded.fill) {
      padded.fill = user;
      continue;
    }
    auto subview = dyn_cast<memref::SubViewOp>(user);
    if (!subview || padded.interior || !subview->hasOneUse())
      return std::nullopt;
    auto copy = dyn_cast<memref::CopyOp>(*subview->user_begin());
    if (!copy || copy.getTarget() != subview.getResult())
      return std::nullopt;
    padded.interior = subview;
    padded.copy = copy;
    padded.source = copy.getSource();
  }
  if (!padded.fill || !padded.copy ||
      padded.fill->getBlock() != conv->getBlock() ||
      padded.copy->getBlock() != conv->getBlock() ||
      !padded.fill->isBeforeInBlock(padded.copy) ||
      !padded.copy->isBeforeInBlock(conv))
    return std::nullopt;
  // The interior: whole images and channels, unit steps.
  memref::SubViewOp interior = padded.interior;
  ArrayRef<int64_t> offsets = interior.getStaticOffsets();
  auto sourceType = cast<MemRefType>(padded.source.getType());
  if (offsets.size() != 4 || offsets[0] != 0 || offsets[3] != 0 ||
      ShapedType::isDynamic(offsets[1]) || ShapedType::isDynamic(offsets[2]) ||
      !interior.hasUnitStride() || !sourceType.hasStaticShape() ||
      !alloc.getType().hasStaticShape() || !hasUnitInnerStride(sourceType))
    return std::nullopt;
  ArrayRef<int64_t> paddedShape = alloc.getType().getShape();
  padded.top = offsets[1];
  padded.left = offsets[2];
  padded.bottom = paddedShape[1] - sourceType.getDimSize(1) - padded.top;
  padded.right = paddedShape[2] - sourceType.getDimSize(2) - padded.left;
  Value source = rootBuffer(padded.source);
  for (Operation *op = padded.copy->getNextNode(); op != conv;
       op = op->getNextNode())
    if (!isa<ViewLikeOpInterface>(op) &&
        llvm::any_of(op->getOperands(), [&](Value operand) {
          return isa<BaseMemRefType>(operand.getType()) &&
                 rootBuffer(operand) == source;
        }))
      return std::nullopt;
  return padded;
}

/// Appends `padded`'s padding, or none, to `operands` as i64 constants:
/// top, left, bottom, right.
void appendPadding(OpBuilder &b, Location loc,
                   const std::optional<PaddedInput> &padded,
                   SmallVector<Value> &operands) {
  SmallVector<int64_t> pads(4, 0);
  if (padded)
    pads = {padded->top, padded->left, padded->bottom, padded->right};
  for (int64_t pad : pads)
    operands.push_back(b.create<arith::ConstantIntOp>(loc, pad, 64));
}

/// Appends a convolution's window to `operands` as i64 constants: kernel
/// height and width (the ranges of loops `kh`, `kh + 1`), strides and
/// dilations (read off the input's window map, whose results 1 and 2 are
/// `oh * stride + kh * dilation` and its width twin; oh is loop 1).
void appendWindow(OpBuilder &b, linalg::GenericOp op, unsigned kh,
                  SmallVector<Value> &operands) {
  AffineMap window = op.getIndexingMapsArray()[0];
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  for (int64_t parameter :
       {ranges[kh], ranges[kh + 1], loopCoefficient(window.getResult(1), 1),
        loopCoefficient(window.getResult(2), 2),
        loopCoefficient(window.getResult(1), kh),
        loopCoefficient(window.getResult(2), kh + 1)})
    operands.push_back(
        b.create<arith::ConstantIntOp>(op.getLoc(), parameter, 64));
}

/// Replaces a marked convolution (loops n, oh, ow, f, kh, kw, c) and the
/// op that zeroed its output by a call `mocc_sconv2d_nhwc_f32(pool, input,
/// packed, output rows, epilogue..., kh, kw, stride h, stride w, dilation
/// h, dilation w)`; returns false (IR unchanged) if its buffers do not fit.
bool callSconv(linalg::GenericOp op, Value pool) {
  Value input = op.getDpsInputs()[0], packed = op.getDpsInputs()[1];
  Value out = op.getDpsInits()[0];
  Operation *init = zeroInitializer(out, op);
  if (!init || !hasEvenlyStridedRows(cast<MemRefType>(out.getType())) ||
      !cast<MemRefType>(packed.getType()).getLayout().isIdentity() ||
      !fitsKernelInput(kSconvCall, cast<MemRefType>(input.getType())))
    return false;
  OpBuilder b(op);
  Location loc = op.getLoc();
  std::optional<PaddedInput> padded = paddedInput(input, op);
  // The packed weight [panels][kh][kw][c][nr] is the GEMM's [panels][k][nr].
  Value panels = b.create<memref::CollapseShapeOp>(
      loc, packed, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}, {4}});
  SmallVector<Value> operands = {
      pool,
      asKernelOperand(b, loc, padded ? padded->source : input,
                      /*collapseRows=*/false),
      asKernelOperand(b, loc, panels, /*collapseRows=*/false),
      asKernelOperand(b, loc, out, /*collapseRows=*/true)};
  appendEpilogue(b, op, /*outputRank=*/2, /*collapseRows=*/true, operands);
  appendWindow(b, op, /*kh=*/4, operands);
  appendPadding(b, loc, padded, operands);
  replaceByCall(b, op, init, kSconvCall, operands);
  if (padded)
    padded->erase();
  return true;
}

/// Replaces a marked depthwise convolution (loops n, oh, ow, kh, kw, c) and
/// the op that zeroed its output by a call `mocc_sdwconv2d_nhwc_f32(pool,
/// input, weight [kh][kw][c], output, epilogue..., kh, kw, stride h,
/// stride w, dilation h, dilation w)`; returns false (IR unchanged) if the
/// channels of the input or output are not contiguous.
bool callSdwconv(linalg::GenericOp op, Value pool) {
  Value input = op.getDpsInputs()[0], weight = op.getDpsInputs()[1];
  Value out = op.getDpsInits()[0];
  Operation *init = zeroInitializer(out, op);
  if (!init ||
      !fitsKernelInput(kSdwconvCall, cast<MemRefType>(input.getType())) ||
      !hasUnitInnerStride(cast<MemRefType>(out.getType())) ||
      !cast<MemRefType>(weight.getType()).getLayout().isIdentity())
    return false;
  OpBuilder b(op);
  Location loc = op.getLoc();
  std::optional<PaddedInput> padded = paddedInput(input, op);
  SmallVector<Value> operands = {pool};
  for (Value buffer : {padded ? padded->source : input, weight, out})
    operands.push_back(asKernelOperand(b, loc, buffer, /*collapseRows=*/false));
  appendEpilogue(b, op, /*outputRank=*/4, /*collapseRows=*/false, operands);
  appendWindow(b, op, /*kh=*/3, operands);
  appendPadding(b, loc, padded, operands);
  replaceByCall(b, op, init, kSdwconvCall, operands);
  if (padded)
    padded->erase();
  return true;
}

struct CallKernelsPass : impl::CallKernelsPassBase<CallKernelsPass> {
  using CallKernelsPassBase::CallKernelsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto entry = module.lookupSymbol<func::FuncOp>(entryName);
    if (!entry || entry.isExternal()) {
      module.emitError() << "expects an entry function '" << entryName << "'";
      return signalPassFailure();
    }
    // Every entry takes the pool, so the runtime calls all models alike.
    unsigned poolIndex = entry.getNumArguments();
    Builder b(&getContext());
    entry.insertArgument(
        poolIndex, LLVM::LLVMPointerType::get(&getContext()),
        b.getDictionaryAttr(b.getNamedAttr(kThreadPoolArg, b.getUnitAttr())),
        entry.getLoc());
    Value pool = entry.getArgument(poolIndex);

    SmallVector<linalg::GenericOp> marked;
    module.walk([&](linalg::GenericOp op) {
      if (op.getLibraryCallAttr() && op.hasPureBufferSemantics())
        marked.push_back(op);
    });
    for (linalg::GenericOp op : marked) {
      bool inEntry = op->getParentOfType<func::FuncOp>() == entry;
      bool called =
          inEntry &&
          ((op.getLibraryCall() == kSgemmCall && callSgemm(op, pool)) ||
           (op.getLibraryCall() == kSconvCall && callSconv(op, pool)) ||
           (op.getLibraryCall() == kSdwconvCall && callSdwconv(op, pool)) ||
           (op.getLibraryCall() == kSbatchMatmulCall &&
            callSbatchMatmul(op, pool, panelWidth)));
      if (called)
        continue;
      // Its body computes the product alone: run as loops, it would drop
      // the epilogue (mocc-fuse-epilogues fuses only what can be called).
      if (op->hasAttr(kEpilogueAttr)) {
        op.emitError() << "internal error: a product with a fused epilogue "
                          "cannot call its kernel";
        return signalPassFailure();
      }
      op.removeLibraryCallAttr();
    }
  }
};

} // namespace
} // namespace mocc
