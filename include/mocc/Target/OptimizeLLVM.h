//===- OptimizeLLVM.h - LLVM's optimization pipeline for a target -*- C++
//-*-===//
#ifndef MOCC_TARGET_OPTIMIZELLVM_H
#define MOCC_TARGET_OPTIMIZELLVM_H

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace mocc {

/// Runs LLVM's default pipeline of `optLevel` (0 to 3) on `module` for the
/// target `machine` describes: the CPU targets' model and the CUDA kernels.
void optimizeLLVMModule(llvm::Module &module, llvm::TargetMachine &machine,
                        unsigned optLevel);

} // namespace mocc

#endif // MOCC_TARGET_OPTIMIZELLVM_H
