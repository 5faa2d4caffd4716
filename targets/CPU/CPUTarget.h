//===- CPUTarget.h - Pieces of the CPU code generator -----------*- C++ -*-===//
#ifndef MOCC_TARGETS_CPU_CPUTARGET_H
#define MOCC_TARGETS_CPU_CPUTARGET_H

#include "mocc/Target/TargetBackend.h"

#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

namespace mocc::cpu {

enum class Arch { X86_64, AArch64 };

/// The TargetBackend of one CPU architecture.
std::unique_ptr<TargetBackend> createCPUTarget(Arch arch);

/// The kernels that `mocc --profile` times, by id (mocc-profile-kernels).
struct ProfiledKernels {
  llvm::SmallVector<std::string> names;
  llvm::SmallVector<int64_t> flops;
};

/// The kernels of a model compiled for a GPU target: per kernel its entry
/// point, the LLVM global holding its binary, its buffer count and its
/// threads per workgroup.
struct GPUKernelTable {
  int32_t api = 0; // mocc-gpu-lower-launches' (1 Vulkan, 2 CUDA); 0: CPU
  struct Kernel {
    std::string name, binary;
    int64_t buffers, blockSize;
  };
  llvm::SmallVector<Kernel> kernels;
};

/// Adds `mocc_compiled_model` (the runtime's view of the model: names, dtypes,
/// shapes, arena size, the profiled kernels and GPU kernels if any) and its
/// entry, which unpacks an array of memref descriptors into a call of the
/// entry function's C interface.
bool addModelDescriptor(llvm::Module &module, const ModelSignature &signature,
                        llvm::StringRef entryName, uint64_t arenaBytes,
                        const ProfiledKernels &profiled,
                        const GPUKernelTable &gpu, std::string &error);

/// The CPU lowering up to the planned arena: bufferization, out-parameters,
/// kernel calls (with the GEMM panels of `panelWidth`, 0 for none), the
/// arena, statistics and profile timers. GPU targets share it for the host.
void buildBufferPipeline(mlir::OpPassManager &pm, const CodegenOptions &options,
                         int64_t panelWidth);

/// The rest of the CPU lowering: loops on the thread pool, then the LLVM
/// dialect.
void buildHostPipeline(mlir::OpPassManager &pm, const CodegenOptions &options);

/// Links the runtime's helpers, as bitcode for `arch`, into `module`.
bool linkRuntimeHelpers(llvm::Module &module, Arch arch, std::string &error);

/// The rest of the runtime, an ELF object for `arch`, which every model
/// links (mocc_compiled_model is the one symbol it takes from the model).
llvm::StringRef runtimeObject(Arch arch);

/// Links the model's object `objectPath` and the runtime's into the shared
/// library `outputPath` with lld, in process. Only the model ABI is
/// exported.
bool linkSharedLibrary(llvm::StringRef objectPath, llvm::StringRef outputPath,
                       Arch arch, std::string &error);

/// Links the model's object and the runtime's into one relocatable object,
/// which a user links with the C library alone.
bool linkRelocatableObject(llvm::StringRef objectPath,
                           llvm::StringRef outputPath, Arch arch,
                           std::string &error);

} // namespace mocc::cpu

#endif // MOCC_TARGETS_CPU_CPUTARGET_H
