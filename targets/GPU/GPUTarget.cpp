//===- GPUTarget.cpp - Kernels on a GPU, the rest on the host CPU ---------===//
//
// A GPU model is a host library like a CPU model: the same bufferized entry
// and arena, with the kernels that a GPU runs replaced by dispatches
// (mocc-gpu-map-kernels, then MLIR's outliner, the API's serializer: SPIR-V
// for Vulkan, PTX for CUDA, and
// mocc-gpu-lower-launches), and everything else lowered for the host CPU.
//
//===----------------------------------------------------------------------===//
#include "GPUTarget.h"

#include "../CPU/CPUTarget.h"
#include "mocc/Target/GPU/Passes.h"
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;

namespace mocc::gpu {
namespace {

/// The kernel table's `api` (mocc-gpu-lower-launches), which names the
/// runtime's opener in the model descriptor (ModelDescriptor.cpp).
enum class API : int32_t { Vulkan = 1, CUDA = 2 };

class GPUTarget final : public TargetBackend {
public:
  explicit GPUTarget(API api)
      : api(api), host(cpu::createCPUTarget(
                      llvm::Triple(llvm::sys::getProcessTriple()).getArch() ==
                              llvm::Triple::aarch64
                          ? cpu::Arch::AArch64
                          : cpu::Arch::X86_64)) {}

  llvm::StringRef name() const override {
    return api == API::Vulkan ? "vulkan" : "cuda";
  }

  /// Threads run one output point each; the loop nests stay whole.
  bool tilesForThreads() const override { return false; }

  void buildLoweringPipeline(OpPassManager &pm,
                             const CodegenOptions &options) const override {
    if (options.runs("mocc-gpu-split-reductions"))
      pm.nest<func::FuncOp>().addPass(createSplitReductionsPass());
    cpu::buildBufferPipeline(pm, options, /*panelWidth=*/0);
    // Before the kernels leave the entry: math functions that shaders lack.
    pm.nest<func::FuncOp>().addPass(createExpandMathPass());
    MapKernelsToGPUPassOptions map;
    map.entryName = options.entryName;
    map.strict = options.gpuStrict;
    map.tileProducts = options.runs("mocc-gpu-tile-products");
    pm.addPass(createMapKernelsToGPUPass(map));
    pm.addPass(createGpuKernelOutliningPass());
    if (api == API::Vulkan) {
      pm.addPass(createSerializeSPIRVPass());
    } else {
      SerializePTXPassOptions ptx;
      ptx.chip = options.cpu.empty() ? "sm_80" : options.cpu;
      ptx.optLevel = options.optLevel;
      pm.addPass(createSerializePTXPass(ptx));
    }
    LowerLaunchesPassOptions launches;
    launches.entryName = options.entryName;
    launches.api = static_cast<int32_t>(api);
    pm.addPass(createLowerLaunchesPass(launches));
    cpu::buildHostPipeline(pm, options);
  }

  /// The host's code, for the machine mocc runs on (-mcpu names the GPU
  /// architecture for CUDA, nothing for Vulkan).
  bool emit(ModuleOp module, const ModelSignature &signature,
            const CodegenOptions &options, ArtifactKind kind,
            llvm::StringRef path, std::string &error) const override {
    if (!options.gpuKernelsDir.empty() &&
        !writeKernels(module, options.gpuKernelsDir, error))
      return false;
    CodegenOptions hostOptions = options;
    hostOptions.cpu.clear();
    return host->emit(module, signature, hostOptions, kind, path, error);
  }

private:
  /// Writes each kernel's binary (mocc-gpu-lower-launches made them LLVM
  /// globals) to `dir`/<kernel>.spv or .ptx.
  bool writeKernels(ModuleOp module, llvm::StringRef dir,
                    std::string &error) const {
    if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
      error = "cannot create '" + dir.str() + "': " + ec.message();
      return false;
    }
    auto table = module->getAttrOfType<DictionaryAttr>(kKernelTableAttr);
    for (auto kernel :
         table.getAs<ArrayAttr>("kernels").getAsRange<DictionaryAttr>()) {
      auto global = module.lookupSymbol<LLVM::GlobalOp>(
          kernel.getAs<StringAttr>("binary"));
      StringRef code = cast<StringAttr>(*global.getValue()).getValue();
      if (api == API::CUDA)
        code = code.drop_back(); // the NUL the driver needs
      llvm::SmallString<128> path(dir);
      // Kernels of different modules may share a name: files take the
      // module's (the binary is "mocc_gpu_binary_<module>").
      StringRef file = global.getSymName();
      file.consume_front("mocc_gpu_binary_");
      llvm::sys::path::append(path,
                              file + (api == API::Vulkan ? ".spv" : ".ptx"));
      std::error_code ec;
      llvm::raw_fd_ostream out(path, ec);
      if (ec) {
        error = "cannot write '" + path.str().str() + "': " + ec.message();
        return false;
      }
      out << code;
    }
    return true;
  }

  API api;
  std::unique_ptr<TargetBackend> host;
};

} // namespace

std::unique_ptr<TargetBackend> createVulkanTarget() {
  return std::make_unique<GPUTarget>(API::Vulkan);
}

std::unique_ptr<TargetBackend> createCUDATarget() {
  return std::make_unique<GPUTarget>(API::CUDA);
}

} // namespace mocc::gpu
