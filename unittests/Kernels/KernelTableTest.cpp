//===- KernelTableTest.cpp - The kernel table and the embedded bitcode ----===//
//
// Every ISA's module links into a model module of its architecture, defines
// the entries and the kernels the table names, and compiles with LLVM 19;
// the ISA chosen for a subtarget is the best it runs.
//
//===----------------------------------------------------------------------===//
#include "mocc/Target/CPU/KernelTable.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

using namespace mocc::cpu;

namespace {

const char *kX86Triple = "x86_64-unknown-linux-gnu";
const char *kAArch64Triple = "aarch64-unknown-linux-gnu";

const llvm::Target &initTarget(llvm::StringRef triple) {
  static const bool initialized = [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
    LLVMInitializeAArch64TargetInfo();
    LLVMInitializeAArch64Target();
    LLVMInitializeAArch64TargetMC();
    LLVMInitializeAArch64AsmPrinter();
    return true;
  }();
  (void)initialized;
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple.str(), error);
  EXPECT_NE(target, nullptr) << error;
  return *target;
}

std::optional<Isa> isaFor(llvm::StringRef triple, llvm::StringRef cpu,
                          llvm::StringRef features = "") {
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget(
      initTarget(triple).createMCSubtargetInfo(triple.str(), cpu, features));
  return selectIsa(*subtarget);
}

TEST(KernelTableTest, SelectsTheBestIsaTheTargetRuns) {
  EXPECT_EQ(isaFor(kX86Triple, "x86-64"), Isa::X86_64);
  EXPECT_EQ(isaFor(kX86Triple, "x86-64-v3"), Isa::X86_64_AVX2);
  EXPECT_EQ(isaFor(kX86Triple, "haswell"), Isa::X86_64_AVX2);
  EXPECT_EQ(isaFor(kX86Triple, "x86-64", "+avx2,+fma,+f16c"), Isa::X86_64_AVX2);
  EXPECT_EQ(isaFor(kX86Triple, "x86-64-v4"), Isa::X86_64_AVX512);
  EXPECT_EQ(isaFor(kX86Triple, "znver4"), Isa::X86_64_AVX512);
  // AVX-512 F alone is not what the AVX-512 kernels are built for.
  EXPECT_EQ(isaFor(kX86Triple, "knl"), Isa::X86_64_AVX2);
  EXPECT_EQ(isaFor(kAArch64Triple, "generic"), Isa::AArch64_NEON);
  EXPECT_EQ(isaFor(kAArch64Triple, "cortex-a53"), Isa::AArch64_NEON);
  EXPECT_EQ(isaFor(kAArch64Triple, "cortex-a76"), Isa::AArch64_DotProd);
  EXPECT_EQ(isaFor(kAArch64Triple, "generic", "+dotprod"),
            Isa::AArch64_DotProd);
}

class KernelBitcodeTest : public ::testing::TestWithParam<Isa> {
protected:
  bool isX86() const {
    return GetParam() == Isa::X86_64 || GetParam() == Isa::X86_64_AVX2 ||
           GetParam() == Isa::X86_64_AVX512;
  }
};

// Links the ISA's module into an empty model module of its architecture and
// compiles it for the oldest CPU that selects the ISA.
TEST_P(KernelBitcodeTest, LinksAndCompiles) {
  const std::pair<KernelOp, llvm::StringRef> ops[] = {
      {KernelOp::GemmF32, "mocc_kernel_sgemm"},
      {KernelOp::ConvF32, "mocc_kernel_sconv"},
      {KernelOp::DepthwiseF32, "mocc_kernel_dwconv"}};
  std::vector<const KernelInfo *> infos;
  for (auto [op, entry] : ops) {
    const KernelInfo *info = lookupKernel(op, GetParam());
    ASSERT_NE(info, nullptr) << entry.str();
    EXPECT_EQ(info->entry, entry);
    // The name repeats the tile, so that the bitcode defining it shows
    // that the table's tile is the one built.
    std::string tile = std::to_string(info->mr) + "x" +
                       std::to_string(info->nr) + "_" +
                       isaName(GetParam()).str();
    EXPECT_TRUE(info->kernel.ends_with(tile)) << info->kernel.str();
    infos.push_back(info);
  }

  const char *triple = isX86() ? kX86Triple : kAArch64Triple;
  const char *cpu = nullptr;
  switch (GetParam()) {
  case Isa::X86_64:
    cpu = "x86-64";
    break;
  case Isa::X86_64_AVX2:
    cpu = "x86-64-v3";
    break;
  case Isa::X86_64_AVX512:
    cpu = "x86-64-v4";
    break;
  case Isa::AArch64_NEON:
    cpu = "generic";
    break;
  case Isa::AArch64_DotProd:
    cpu = "cortex-a76";
    break;
  }
  ASSERT_EQ(isaFor(triple, cpu), GetParam());
  std::unique_ptr<llvm::TargetMachine> machine(
      initTarget(triple).createTargetMachine(
          triple, cpu, "", llvm::TargetOptions(), llvm::Reloc::PIC_));
  ASSERT_NE(machine, nullptr);

  llvm::LLVMContext context;
  llvm::Module module("model", context);
  module.setTargetTriple(triple);
  module.setDataLayout(machine->createDataLayout());
  std::string error;
  ASSERT_TRUE(linkKernels(module, GetParam(), error)) << error;
  EXPECT_FALSE(llvm::verifyModule(module, &llvm::errs()));
  for (const KernelInfo *info : infos) {
    for (llvm::StringRef name : {info->entry, info->kernel}) {
      llvm::Function *function = module.getFunction(name);
      ASSERT_NE(function, nullptr) << name.str();
      EXPECT_FALSE(function->isDeclaration()) << name.str();
      EXPECT_EQ(function->getVisibility(), llvm::GlobalValue::HiddenVisibility)
          << name.str();
    }
  }

  llvm::SmallVector<char, 0> object;
  llvm::raw_svector_ostream out(object);
  llvm::legacy::PassManager codegen;
  ASSERT_FALSE(machine->addPassesToEmitFile(codegen, out, nullptr,
                                            llvm::CodeGenFileType::ObjectFile));
  codegen.run(module);
  EXPECT_FALSE(object.empty());
}

TEST_P(KernelBitcodeTest, RefusesAnotherArchitecture) {
  llvm::LLVMContext context;
  llvm::Module module("model", context);
  module.setTargetTriple(isX86() ? kAArch64Triple : kX86Triple);
  std::string error;
  EXPECT_FALSE(linkKernels(module, GetParam(), error));
  EXPECT_NE(error.find("cannot link into a module for"), std::string::npos)
      << error;
}

INSTANTIATE_TEST_SUITE_P(AllIsas, KernelBitcodeTest,
                         ::testing::Values(Isa::X86_64, Isa::X86_64_AVX2,
                                           Isa::X86_64_AVX512,
                                           Isa::AArch64_NEON,
                                           Isa::AArch64_DotProd),
                         [](const ::testing::TestParamInfo<Isa> &param) {
                           return isaName(param.param).str();
                         });

} // namespace
