//===- TargetBackend.h - What every code generation target provides -*- C++
//-*-===//
//
// A target turns the optimized, target-independent module into an artifact:
// it chooses its lowering pipeline below linalg, generates code, serializes
// and links. The CPU targets (x86-64, AArch64) live in targets/CPU, the GPU
// targets (Vulkan, CUDA) in targets/GPU.
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_TARGET_TARGETBACKEND_H
#define MOCC_TARGET_TARGETBACKEND_H

#include "mocc/Pipelines/OptimizationOptions.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/SmallVector.h"

#include <memory>
#include <string>

namespace mocc {

/// A model input or output as the runtime describes it.
struct TensorSignature {
  std::string name;
  int32_t dtype; // A mocc_dtype.
  llvm::SmallVector<int64_t> dims;
};

/// An ONNX graph input or output and the run of tensors that carries it: a
/// tensor is one, a sequence (of compile-time length) its elements, an
/// optional its value if present and none if absent.
struct ValueSignature {
  std::string name;
  int32_t kind; // A mocc_value_kind.
  uint32_t firstTensor, numTensors;
};

/// The interface of a compiled model, taken before lowering erases names
/// and signedness.
struct ModelSignature {
  llvm::SmallVector<TensorSignature> inputs, outputs;
  llvm::SmallVector<ValueSignature> inputValues, outputValues;
};

enum class ArtifactKind { LLVMIR, Object, SharedLibrary };

struct CodegenOptions : OptimizationOptions {
  /// CPU name for -mcpu; empty selects the target's default.
  std::string cpu;
  /// The entry function the pipeline lowers.
  std::string entryName = "main_graph";
  /// Time each kernel at run time (mocc --profile).
  bool profile = false;
  /// GPU targets: fail on a kernel left to the CPU (mocc --gpu-strict).
  bool gpuStrict = false;
  /// GPU targets: also write each kernel's SPIR-V or PTX into this
  /// directory (mocc --gpu-kernels-dir), if not empty.
  std::string gpuKernelsDir;
};

class TargetBackend {
public:
  virtual ~TargetBackend();

  /// The name -target selects, e.g. "x86_64".
  virtual llvm::StringRef name() const = 0;

  /// Whether convolutions run faster channels-last (NHWC) on this target; the
  /// graph pipeline then converts convolution regions to that layout.
  virtual bool prefersChannelsLast() const { return false; }

  /// Whether kernels are cut into tiles for the thread pool
  /// (mocc-fuse-kernels); GPU targets map whole kernels onto their threads.
  virtual bool tilesForThreads() const { return true; }

  /// The columns of a weight panel of this target's GEMM microkernel (for
  /// the CPU it depends on -mcpu), so that weights are packed at compile
  /// time in its format; 0 if products stay generated loop nests.
  virtual int64_t gemmPanelWidth(const CodegenOptions &options) const {
    return 0;
  }

  /// Adds the passes that lower the module from linalg on tensors to what
  /// `emit` consumes.
  virtual void buildLoweringPipeline(mlir::OpPassManager &pm,
                                     const CodegenOptions &options) const = 0;

  /// Generates the artifact for a lowered module into `path`. On failure
  /// returns false and sets `error` to one line.
  virtual bool emit(mlir::ModuleOp module, const ModelSignature &signature,
                    const CodegenOptions &options, ArtifactKind kind,
                    llvm::StringRef path, std::string &error) const = 0;
};

/// The backend for `-target=name` ("x86_64", "aarch64", "host", "vulkan" or
/// "cuda"), or null
/// with `error` naming the known targets.
std::unique_ptr<TargetBackend> createTargetBackend(llvm::StringRef name,
                                                   std::string &error);

} // namespace mocc

#endif // MOCC_TARGET_TARGETBACKEND_H
