//===- Stats.h - What mocc --stats reports about a compilation --*- C++ -*-===//
#ifndef MOCC_DRIVER_STATS_H
#define MOCC_DRIVER_STATS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace mocc {

struct CompileStats {
  int64_t kernels = 0;
  int64_t arenaBytes = 0;
  int64_t arenaLowerBoundBytes = 0;
  int64_t naiveBytes = 0;
  int64_t weightsBytes = 0;
  /// GPU targets only (-1 otherwise): kernels on the GPU (of them, those
  /// that run a workgroup per point), kernels left to the CPU, bindings
  /// of buffers the runtime copies for a kernel, and copies of arena bytes
  /// to and from a device's own arena.
  int64_t gpuKernels = -1;
  int64_t gpuWorkgroupKernels = -1;
  int64_t gpuTiledKernels = -1;
  int64_t cpuFallbackKernels = -1;
  int64_t gpuTransfers = -1;
  int64_t gpuArenaUploads = -1;
  int64_t gpuArenaDownloads = -1;
  /// Wall-clock seconds per compilation step (import, each pass by its
  /// command-line name, summed over its runs, and LLVM code generation), in
  /// the order the steps first ran.
  std::vector<std::pair<std::string, double>> seconds;

  void addSeconds(llvm::StringRef step, double value);

  /// Copies the statistics the passes recorded as module attributes.
  void readModuleAttributes(mlir::ModuleOp module);
  /// Prints the statistics as one JSON object.
  void printJSON(llvm::raw_ostream &os) const;
};

/// Adds the wall-clock time of every pass to `CompileStats::seconds`.
class PassTimeRecorder : public mlir::PassInstrumentation {
public:
  explicit PassTimeRecorder(CompileStats &stats) : stats(stats) {}
  void runBeforePass(mlir::Pass *pass, mlir::Operation *) override;
  void runAfterPass(mlir::Pass *pass, mlir::Operation *) override;
  void runAfterPassFailed(mlir::Pass *pass, mlir::Operation *op) override {
    runAfterPass(pass, op);
  }

private:
  CompileStats &stats;
  llvm::DenseMap<mlir::Pass *, std::chrono::steady_clock::time_point> started;
};

} // namespace mocc

#endif // MOCC_DRIVER_STATS_H
