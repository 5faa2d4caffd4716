//===- ArenaTransfers.h - Copies between host and device arena -*- C++ -*-===//
//
// Where the device keeps its own copy of the activation arena (a discrete
// GPU's memory), the host code between the kernels (the ops that fall back
// to the CPU, copies in and out of the arena) sees the host's copy: the
// entry copies ranges across where one side wrote what the other reads.
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_TARGETS_GPU_ARENATRANSFERS_H
#define MOCC_TARGETS_GPU_ARENATRANSFERS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mocc::gpu {

struct ArenaTransferCounts {
  int64_t uploads = 0, downloads = 0;
};

/// Before the launches of `entry` are lowered: inserts a call
/// `upload(gpu, pointer, bytes)` before each launch that uses arena bytes the
/// host wrote since they were last uploaded, and `download(gpu, pointer,
/// bytes)` before each host access to arena bytes a kernel wrote since they
/// were last downloaded (runtime/src/gpu/gpu.h). Byte ranges are tracked at
/// compile time where views have static shifts and layouts, else the whole
/// arena is assumed.
ArenaTransferCounts insertArenaTransfers(mlir::func::FuncOp entry,
                                         mlir::Value arena, mlir::Value gpu,
                                         mlir::func::FuncOp upload,
                                         mlir::func::FuncOp download);

} // namespace mocc::gpu

#endif // MOCC_TARGETS_GPU_ARENATRANSFERS_H
