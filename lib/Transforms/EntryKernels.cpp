//===- EntryKernels.cpp - The kernels of a bufferized entry ---------------===//
#include "mocc/Transforms/EntryKernels.h"

#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace mocc {

bool isEntryKernel(Operation &op) {
  if (auto call = dyn_cast<func::CallOp>(op))
    return !call.getCallee().starts_with(kRunCheckPrefix);
  return isa<linalg::LinalgOp, scf::ForOp, scf::ForallOp, scf::ParallelOp,
             memref::CopyOp>(op);
}

} // namespace mocc
