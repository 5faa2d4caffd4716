//===- GPUTarget.cpp - Kernels on a GPU, the rest on the host CPU ---------===//
//
// A GPU model is a host library like a CPU model: the same bufferized entry
// and arena, with the kernels that a GPU runs replaced by dispatches
// (mocc-gpu-map-kernels, then MLIR's outliner, an API's serializer and
// mocc-gpu-lower-launches), and everything else lowered for the host CPU.
//
//===----------------------------------------------------------------------===//
#include "GPUTarget.h"

#include "../CPU/CPUTarget.h"
#include "mocc/Target/GPU/Passes.h"
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;

namespace mocc::gpu {
namespace {

/// MOCC_GPU_API_VULKAN (runtime/src/compiled_model.h).
constexpr int32_t kVulkanAPI = 1;

class VulkanTarget final : public TargetBackend {
public:
  VulkanTarget()
      : host(cpu::createCPUTarget(
            llvm::Triple(llvm::sys::getProcessTriple()).getArch() ==
                    llvm::Triple::aarch64
                ? cpu::Arch::AArch64
                : cpu::Arch::X86_64)) {}

  llvm::StringRef name() const override { return "vulkan"; }

  /// Threads run one output point each; the loop nests stay whole.
  bool tilesForThreads() const override { return false; }

  void buildLoweringPipeline(OpPassManager &pm,
                             const CodegenOptions &options) const override {
    cpu::buildBufferPipeline(pm, options, /*panelWidth=*/0);
    // Before the kernels leave the entry: math functions that shaders lack.
    pm.nest<func::FuncOp>().addPass(createExpandMathPass());
    MapKernelsToGPUPassOptions map;
    map.entryName = options.entryName;
    map.strict = options.gpuStrict;
    pm.addPass(createMapKernelsToGPUPass(map));
    pm.addPass(createGpuKernelOutliningPass());
    pm.addPass(createSerializeSPIRVPass());
    LowerLaunchesPassOptions launches;
    launches.entryName = options.entryName;
    launches.api = kVulkanAPI;
    pm.addPass(createLowerLaunchesPass(launches));
    cpu::buildHostPipeline(pm, options);
  }

  /// The host's code, for the machine mocc runs on (-mcpu names no CPU
  /// here).
  bool emit(ModuleOp module, const ModelSignature &signature,
            const CodegenOptions &options, ArtifactKind kind,
            llvm::StringRef path, std::string &error) const override {
    CodegenOptions hostOptions = options;
    hostOptions.cpu.clear();
    return host->emit(module, signature, hostOptions, kind, path, error);
  }

private:
  std::unique_ptr<TargetBackend> host;
};

} // namespace

std::unique_ptr<TargetBackend> createVulkanTarget() {
  return std::make_unique<VulkanTarget>();
}

} // namespace mocc::gpu
