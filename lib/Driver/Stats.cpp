//===- Stats.cpp - What mocc --stats reports about a compilation ----------===//
#include "mocc/Driver/Stats.h"

#include "mocc/Target/GPU/Passes.h"
#include "mocc/Transforms/Passes.h"

#include "mlir/Pass/Pass.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

using namespace mlir;

namespace mocc {

void CompileStats::readModuleAttributes(ModuleOp module) {
  auto read = [&](llvm::StringRef name, int64_t &value) {
    if (auto attr = module->getAttrOfType<IntegerAttr>(name))
      value = attr.getInt();
  };
  read(kKernelsAttr, kernels);
  read(kArenaBytesAttr, arenaBytes);
  read(kArenaLowerBoundBytesAttr, arenaLowerBoundBytes);
  read(kNaiveBytesAttr, naiveBytes);
  read(kWeightsBytesAttr, weightsBytes);
  read(gpu::kGPUKernelsAttr, gpuKernels);
  read(gpu::kWorkgroupKernelsAttr, gpuWorkgroupKernels);
  read(gpu::kTiledKernelsAttr, gpuTiledKernels);
  read(gpu::kCPUFallbackKernelsAttr, cpuFallbackKernels);
  read(gpu::kTransfersAttr, gpuTransfers);
  read(gpu::kArenaUploadsAttr, gpuArenaUploads);
  read(gpu::kArenaDownloadsAttr, gpuArenaDownloads);
}

void CompileStats::addSeconds(llvm::StringRef step, double value) {
  for (auto &[name, total] : seconds)
    if (name == step) {
      total += value;
      return;
    }
  seconds.emplace_back(step.str(), value);
}

void CompileStats::printJSON(llvm::raw_ostream &os) const {
  llvm::json::Object times;
  double total = 0;
  for (const auto &[step, value] : seconds) {
    times[step] = value;
    total += value;
  }
  llvm::json::Object root{
      {"kernels", kernels},
      {"arena_bytes", arenaBytes},
      {"arena_lower_bound_bytes", arenaLowerBoundBytes},
      {"naive_bytes", naiveBytes},
      {"weights_bytes", weightsBytes},
      {"compile_seconds", total},
      {"pass_seconds", std::move(times)},
  };
  if (gpuKernels >= 0) {
    root["gpu_kernels"] = gpuKernels;
    root["gpu_workgroup_kernels"] = gpuWorkgroupKernels;
    root["gpu_tiled_kernels"] = gpuTiledKernels;
    root["cpu_fallback_kernels"] = cpuFallbackKernels;
    root["gpu_transfers"] = gpuTransfers;
    root["gpu_arena_uploads"] = gpuArenaUploads;
    root["gpu_arena_downloads"] = gpuArenaDownloads;
  }
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
}

void PassTimeRecorder::runBeforePass(Pass *pass, Operation *) {
  started[pass] = std::chrono::steady_clock::now();
}

void PassTimeRecorder::runAfterPass(Pass *pass, Operation *) {
  std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - started.lookup(pass);
  llvm::StringRef name = pass->getArgument();
  stats.addSeconds(name.empty() ? pass->getName() : name, elapsed.count());
}

} // namespace mocc
