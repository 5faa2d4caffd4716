//===- EntryKernels.h - The kernels of a bufferized entry -------*- C++ -*-===//
#ifndef MOCC_TRANSFORMS_ENTRYKERNELS_H
#define MOCC_TRANSFORMS_ENTRYKERNELS_H

#include "mlir/IR/Operation.h"

namespace mocc {

/// Whether `op`, in the entry block of the bufferized model (before
/// mocc-call-kernels), becomes a loop nest of its own or calls a runtime
/// kernel (determinants, non-max suppression, ...): what --stats counts and
/// --profile times.
bool isEntryKernel(mlir::Operation &op);

} // namespace mocc

#endif // MOCC_TRANSFORMS_ENTRYKERNELS_H
