//===- KernelTable.cpp - The CPU microkernels the lowering may call -------===//
//
// The tiles below are the generator parameters CMakeLists.txt builds each
// ISA's kernels with (the kernel names repeat them, and the kernel tests check
// that every name is defined in its ISA's bitcode).
//
//===----------------------------------------------------------------------===//
#include "mocc/Target/CPU/KernelTable.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/Module.h"
#include "llvm/Linker/Linker.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/TargetParser/Triple.h"

using namespace llvm;

namespace mocc::cpu {

namespace {

struct TableRow {
  KernelOp op;
  Isa isa;
  KernelInfo info;
};

// Why these tiles: CMakeLists.txt.
const TableRow kTable[] = {
    {KernelOp::GemmF32, Isa::X86_64,
     {"mocc_kernel_sgemm", "mocc_sgemm_6x8_sse2", 6, 8, 0,
      PackedFormat::GemmPanels}},
    {KernelOp::GemmF32, Isa::X86_64_AVX2,
     {"mocc_kernel_sgemm", "mocc_sgemm_6x16_avx2", 6, 16, 0,
      PackedFormat::GemmPanels}},
    {KernelOp::GemmF32, Isa::X86_64_AVX512,
     {"mocc_kernel_sgemm", "mocc_sgemm_8x32_avx512", 8, 32, 0,
      PackedFormat::GemmPanels}},
    {KernelOp::GemmF32, Isa::AArch64_NEON,
     {"mocc_kernel_sgemm", "mocc_sgemm_8x12_neon", 8, 12, 0,
      PackedFormat::GemmPanels}},
    {KernelOp::GemmF32, Isa::AArch64_DotProd,
     {"mocc_kernel_sgemm", "mocc_sgemm_8x12_dotprod", 8, 12, 0,
      PackedFormat::GemmPanels}},
    {KernelOp::ConvF32, Isa::X86_64,
     {"mocc_kernel_sconv", "mocc_sconv_6x8_sse2", 6, 8, 0,
      PackedFormat::GemmPanels}},
    {KernelOp::ConvF32, Isa::X86_64_AVX2,
     {"mocc_kernel_sconv", "mocc_sconv_6x16_avx2", 6, 16, 0,
      PackedFormat::GemmPanels}},
    {KernelOp::ConvF32, Isa::X86_64_AVX512,
     {"mocc_kernel_sconv", "mocc_sconv_8x32_avx512", 8, 32, 0,
      PackedFormat::GemmPanels}},
    {KernelOp::ConvF32, Isa::AArch64_NEON,
     {"mocc_kernel_sconv", "mocc_sconv_8x12_neon", 8, 12, 0,
      PackedFormat::GemmPanels}},
    {KernelOp::ConvF32, Isa::AArch64_DotProd,
     {"mocc_kernel_sconv", "mocc_sconv_8x12_dotprod", 8, 12, 0,
      PackedFormat::GemmPanels}},
    {KernelOp::DepthwiseF32, Isa::X86_64,
     {"mocc_kernel_dwconv", "mocc_dwconv_4x4_sse2", 4, 4, 0,
      PackedFormat::DepthwiseTaps}},
    {KernelOp::DepthwiseF32, Isa::X86_64_AVX2,
     {"mocc_kernel_dwconv", "mocc_dwconv_5x8_avx2", 5, 8, 0,
      PackedFormat::DepthwiseTaps}},
    {KernelOp::DepthwiseF32, Isa::X86_64_AVX512,
     {"mocc_kernel_dwconv", "mocc_dwconv_7x16_avx512", 7, 16, 0,
      PackedFormat::DepthwiseTaps}},
    {KernelOp::DepthwiseF32, Isa::AArch64_NEON,
     {"mocc_kernel_dwconv", "mocc_dwconv_7x4_neon", 7, 4, 0,
      PackedFormat::DepthwiseTaps}},
    {KernelOp::DepthwiseF32, Isa::AArch64_DotProd,
     {"mocc_kernel_dwconv", "mocc_dwconv_7x4_dotprod", 7, 4, 0,
      PackedFormat::DepthwiseTaps}},
};

// Each ISA's kernels and their C entries, linked into one module.
const unsigned char kSse2[] = {
#include "mocc_kernels_sse2.bc.inc"
};
const unsigned char kAvx2[] = {
#include "mocc_kernels_avx2.bc.inc"
};
const unsigned char kAvx512[] = {
#include "mocc_kernels_avx512.bc.inc"
};
const unsigned char kNeon[] = {
#include "mocc_kernels_neon.bc.inc"
};
const unsigned char kDotProd[] = {
#include "mocc_kernels_dotprod.bc.inc"
};

template <size_t N> StringRef bytes(const unsigned char (&data)[N]) {
  return StringRef(reinterpret_cast<const char *>(data), N);
}

StringRef bitcodeOf(Isa isa) {
  switch (isa) {
  case Isa::X86_64:
    return bytes(kSse2);
  case Isa::X86_64_AVX2:
    return bytes(kAvx2);
  case Isa::X86_64_AVX512:
    return bytes(kAvx512);
  case Isa::AArch64_NEON:
    return bytes(kNeon);
  case Isa::AArch64_DotProd:
    return bytes(kDotProd);
  }
  llvm_unreachable("unknown ISA");
}

bool isX86(Isa isa) {
  return isa == Isa::X86_64 || isa == Isa::X86_64_AVX2 ||
         isa == Isa::X86_64_AVX512;
}

} // namespace

const KernelInfo *lookupKernel(KernelOp op, Isa isa) {
  for (const TableRow &row : kTable) {
    if (row.op == op && row.isa == isa)
      return &row.info;
  }
  return nullptr;
}

std::optional<Isa> selectIsa(const MCSubtargetInfo &subtarget) {
  switch (subtarget.getTargetTriple().getArch()) {
  case Triple::x86_64:
    // What the Halide targets of CMakeLists.txt assume.
    if (subtarget.checkFeatures("+avx512f,+avx512cd,+avx512bw,+avx512dq,"
                                "+avx512vl,+avx2,+fma,+f16c"))
      return Isa::X86_64_AVX512;
    if (subtarget.checkFeatures("+avx2,+fma,+f16c"))
      return Isa::X86_64_AVX2;
    return Isa::X86_64;
  case Triple::aarch64:
    return subtarget.checkFeatures("+dotprod") ? Isa::AArch64_DotProd
                                               : Isa::AArch64_NEON;
  default:
    return std::nullopt;
  }
}

StringRef isaName(Isa isa) {
  switch (isa) {
  case Isa::X86_64:
    return "sse2";
  case Isa::X86_64_AVX2:
    return "avx2";
  case Isa::X86_64_AVX512:
    return "avx512";
  case Isa::AArch64_NEON:
    return "neon";
  case Isa::AArch64_DotProd:
    return "dotprod";
  }
  llvm_unreachable("unknown ISA");
}

bool linkKernels(Module &module, Isa isa, std::string &error) {
  if (Triple(module.getTargetTriple()).isX86() != isX86(isa)) {
    error = "internal error: the " + isaName(isa).str() +
            " kernels cannot link into a module for " +
            module.getTargetTriple();
    return false;
  }
  std::string name = "mocc_kernels_" + isaName(isa).str() + ".bc";
  Expected<std::unique_ptr<Module>> kernels = parseBitcodeFile(
      MemoryBufferRef(bitcodeOf(isa), name), module.getContext());
  if (!kernels) {
    error = "internal error: cannot read the embedded " + name + ": " +
            toString(kernels.takeError());
    return false;
  }
  // Halide's data layout is LLVM 14's; the model's is the one to code for.
  (*kernels)->setDataLayout(module.getDataLayout());
  (*kernels)->setTargetTriple(module.getTargetTriple());
  for (GlobalValue &value : (*kernels)->global_values()) {
    if (!value.isDeclaration() && !value.hasLocalLinkage())
      value.setVisibility(GlobalValue::HiddenVisibility);
  }
  if (Linker::linkModules(module, std::move(*kernels))) {
    error = "internal error: cannot link " + name + " into the model";
    return false;
  }
  return true;
}

} // namespace mocc::cpu
