//===- RuntimeLink.cpp - The runtime, linked into every model -------------===//
//
// The C runtime is built per architecture at build time and embedded in
// mocc, so mocc needs no runtime files or target toolchain. It comes in two
// parts. The helpers that generated code calls in its loops are bitcode:
// LLVM inlines them into the model and compiles them for its CPU. They are
// compiled for the architecture's baseline and unvectorized; their functions
// lose that baseline here and are vectorized for the model's CPU like the
// generated code. The rest (the model ABI, the thread pool, the GPU drivers)
// is an object that lld links as it is: compiling it again for each model
// took most of the time a small model takes to compile.
//
//===----------------------------------------------------------------------===//
#include "CPUTarget.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Linker/Linker.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;

namespace mocc::cpu {

static const unsigned char kHelpersX86_64[] = {
#include "mocc_runtime_x86_64.bc.inc"
};
static const unsigned char kHelpersAArch64[] = {
#include "mocc_runtime_aarch64.bc.inc"
};
static const unsigned char kObjectX86_64[] = {
#include "mocc_runtime_x86_64.o.inc"
};
static const unsigned char kObjectAArch64[] = {
#include "mocc_runtime_aarch64.o.inc"
};

template <size_t N> static StringRef bytesOf(const unsigned char (&data)[N]) {
  return StringRef(reinterpret_cast<const char *>(data), N);
}

bool linkRuntimeHelpers(Module &module, Arch arch, std::string &error) {
  StringRef bytes =
      arch == Arch::X86_64 ? bytesOf(kHelpersX86_64) : bytesOf(kHelpersAArch64);
  Expected<std::unique_ptr<Module>> helpers = parseBitcodeFile(
      MemoryBufferRef(bytes, "mocc_runtime.bc"), module.getContext());
  if (!helpers) {
    error = "internal error: cannot read the embedded runtime: " +
            toString(helpers.takeError());
    return false;
  }
  for (Function &function : **helpers)
    for (StringRef attribute : {"target-cpu", "target-features", "tune-cpu"})
      function.removeFnAttr(attribute);
  (*helpers)->setDataLayout(module.getDataLayout());
  (*helpers)->setTargetTriple(module.getTargetTriple());
  if (Linker::linkModules(module, std::move(*helpers))) {
    error = "internal error: cannot link the runtime into the model";
    return false;
  }
  return true;
}

StringRef runtimeObject(Arch arch) {
  return arch == Arch::X86_64 ? bytesOf(kObjectX86_64)
                              : bytesOf(kObjectAArch64);
}

} // namespace mocc::cpu
