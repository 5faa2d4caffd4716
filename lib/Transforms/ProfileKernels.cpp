//===- ProfileKernels.cpp - Run-time timers around each kernel ------------===//
//
// mocc --profile: each kernel of the entry (isEntryKernel) runs between calls
// of the runtime's mocc_profile_begin(id) and mocc_profile_end(id)
// (runtime/src/profile.h), and the module records the kernel's name and FLOP
// count per id for the model's description. The calls have side effects, so
// no later pass moves a kernel's work across them.
//
//===----------------------------------------------------------------------===//
#include "mocc/Transforms/EntryKernels.h"
#include "mocc/Transforms/KernelCalls.h"
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/SetVector.h"

namespace mocc {
#define GEN_PASS_DEF_PROFILEKERNELSPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

/// What a kernel runs, for its name: the microkernel a product calls, the
/// linalg op, "copy", the runtime function, or "loops" for a fused nest.
std::string kernelKind(Operation *kernel) {
  if (auto generic = dyn_cast<linalg::GenericOp>(kernel))
    if (StringAttr call = generic.getLibraryCallAttr())
      return call.str();
  if (auto call = dyn_cast<func::CallOp>(kernel))
    return call.getCallee().str();
  if (isa<memref::CopyOp>(kernel))
    return "copy";
  if (isa<linalg::LinalgOp>(kernel))
    return kernel->getName().stripDialect().str();
  return "loops";
}

/// The ONNX nodes a kernel computes, from the locations of its ops (the
/// importer names them "node 'conv1' (Conv)"), and what it runs:
/// "'conv1' (Conv) + 'relu1' (Relu) [loops]".
std::string kernelName(Operation *kernel) {
  llvm::SetVector<StringRef> nodes;
  kernel->walk([&](Operation *op) {
    LocationAttr(op->getLoc()).walk([&](Location inner) {
      if (auto named = dyn_cast<NameLoc>(inner)) {
        StringRef name = named.getName().strref();
        name.consume_front("node ");
        nodes.insert(name);
      }
      return WalkResult::advance();
    });
  });
  std::string kind = "[" + kernelKind(kernel) + "]";
  if (nodes.empty())
    return kind;
  return llvm::join(nodes, " + ") + " " + kind;
}

/// The static trip count of a loop op, or nullopt.
std::optional<int64_t> tripCount(Operation *loop) {
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(loop)) {
    int64_t count = 1;
    for (int64_t range : linalgOp.getStaticLoopRanges()) {
      if (ShapedType::isDynamic(range))
        return std::nullopt;
      count *= range;
    }
    return count;
  }
  if (auto forOp = dyn_cast<scf::ForOp>(loop)) {
    std::optional<int64_t> lower = getConstantIntValue(forOp.getLowerBound());
    std::optional<int64_t> upper = getConstantIntValue(forOp.getUpperBound());
    std::optional<int64_t> step = getConstantIntValue(forOp.getStep());
    if (!lower || !upper || !step || *step <= 0)
      return std::nullopt;
    return std::max<int64_t>(0, llvm::divideCeil(*upper - *lower, *step));
  }
  if (auto forall = dyn_cast<scf::ForallOp>(loop)) {
    std::optional<SmallVector<int64_t>> upper =
        getConstantIntValues(forall.getMixedUpperBound());
    std::optional<SmallVector<int64_t>> lower =
        getConstantIntValues(forall.getMixedLowerBound());
    std::optional<SmallVector<int64_t>> step =
        getConstantIntValues(forall.getMixedStep());
    if (!upper || !lower || !step)
      return std::nullopt;
    int64_t count = 1;
    for (auto [l, u, s] : llvm::zip(*lower, *upper, *step))
      count *= s > 0 ? std::max<int64_t>(0, llvm::divideCeil(u - l, s)) : 0;
    return count;
  }
  return 1;
}

/// Whether a linalg op multiplies and accumulates (matmul, convolution).
bool isContraction(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() == 0)
    return false;
  bool multiplies = false;
  op.getBlock()->walk([&](Operation *inner) {
    multiplies |= isa<arith::MulFOp, arith::MulIOp>(inner);
  });
  return multiplies;
}

/// 2 per multiply-add of the contractions in `kernel` (linalg ops, and
/// kernel calls by the FLOPs mocc-call-kernels recorded), times the trip
/// counts of the loops around them inside it; 0 if none or any size is
/// dynamic.
int64_t flopCount(Operation *kernel) {
  int64_t flops = 0;
  bool known = true;
  kernel->walk([&](Operation *op) {
    int64_t count;
    if (auto call = dyn_cast<func::CallOp>(op)) {
      auto recorded = call->getAttrOfType<IntegerAttr>(kKernelFlopsAttr);
      if (!recorded)
        return;
      count = recorded.getInt();
    } else if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
      if (!isContraction(linalgOp))
        return;
      count = 2;
    } else {
      return;
    }
    for (Operation *at = op; at && known; at = at == kernel ? nullptr
                                                            : at->getParentOp()) {
      std::optional<int64_t> trips = tripCount(at);
      if (!trips)
        known = false;
      else
        count *= *trips;
    }
    flops += count;
  });
  return known ? flops : 0;
}

struct ProfileKernelsPass
    : impl::ProfileKernelsPassBase<ProfileKernelsPass> {
  using ProfileKernelsPassBase::ProfileKernelsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto entry = module.lookupSymbol<func::FuncOp>(entryName);
    if (!entry) {
      module.emitError() << "expects an entry function '" << entryName << "'";
      return signalPassFailure();
    }
    OpBuilder b(module.getBodyRegion());
    Type i32 = b.getI32Type();
    auto declare = [&](StringRef name) {
      auto function = b.create<func::FuncOp>(module.getLoc(), name,
                                             b.getFunctionType({i32}, {}));
      function.setPrivate();
      return function;
    };
    func::FuncOp begin = declare("mocc_profile_begin");
    func::FuncOp end = declare("mocc_profile_end");

    SmallVector<Operation *> kernels;
    for (Operation &op : entry.getBody().front())
      if (isEntryKernel(op))
        kernels.push_back(&op);
    SmallVector<Attribute> names;
    SmallVector<int64_t> flops;
    for (auto [id, kernel] : llvm::enumerate(kernels)) {
      OpBuilder at(kernel);
      Value idValue = at.create<arith::ConstantIntOp>(kernel->getLoc(), id, 32);
      at.create<func::CallOp>(kernel->getLoc(), begin, idValue);
      at.setInsertionPointAfter(kernel);
      at.create<func::CallOp>(kernel->getLoc(), end, idValue);
      names.push_back(b.getStringAttr(kernelName(kernel)));
      flops.push_back(flopCount(kernel));
    }
    module->setAttr(kProfileNamesAttr, b.getArrayAttr(names));
    module->setAttr(kProfileFlopsAttr, b.getDenseI64ArrayAttr(flops));
  }
};

} // namespace
} // namespace mocc
