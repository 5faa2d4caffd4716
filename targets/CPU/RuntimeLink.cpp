//===- RuntimeLink.cpp - The runtime, linked into every model -------------===//
//
// The C runtime is compiled to LLVM bitcode per architecture at build time
// and embedded in mocc, so mocc needs no runtime files or target toolchain
// and LLVM can inline the runtime into the model. It is compiled for the
// architecture's baseline and unvectorized; its functions lose that baseline
// here and are compiled, and vectorized, for the model's CPU like the
// generated code.
//
//===----------------------------------------------------------------------===//
#include "CPUTarget.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Linker/Linker.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;

namespace mocc::cpu {

static const unsigned char kRuntimeX86_64[] = {
#include "mocc_runtime_x86_64.bc.inc"
};
static const unsigned char kRuntimeAArch64[] = {
#include "mocc_runtime_aarch64.bc.inc"
};

bool linkRuntime(Module &module, Arch arch, std::string &error) {
  StringRef bytes =
      arch == Arch::X86_64
          ? StringRef(reinterpret_cast<const char *>(kRuntimeX86_64),
                      sizeof(kRuntimeX86_64))
          : StringRef(reinterpret_cast<const char *>(kRuntimeAArch64),
                      sizeof(kRuntimeAArch64));
  Expected<std::unique_ptr<Module>> runtime = parseBitcodeFile(
      MemoryBufferRef(bytes, "mocc_runtime.bc"), module.getContext());
  if (!runtime) {
    error = "internal error: cannot read the embedded runtime: " +
            toString(runtime.takeError());
    return false;
  }
  for (Function &function : **runtime)
    for (StringRef attribute : {"target-cpu", "target-features", "tune-cpu"})
      function.removeFnAttr(attribute);
  (*runtime)->setDataLayout(module.getDataLayout());
  (*runtime)->setTargetTriple(module.getTargetTriple());
  if (Linker::linkModules(module, std::move(*runtime))) {
    error = "internal error: cannot link the runtime into the model";
    return false;
  }
  return true;
}

} // namespace mocc::cpu
