//===- TargetBackend.cpp - The targets -target can name -------------------===//
#include "mocc/Target/TargetBackend.h"

#include "CPU/CPUTarget.h"
#include "GPU/GPUTarget.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

namespace mocc {

TargetBackend::~TargetBackend() = default;

std::unique_ptr<TargetBackend> createTargetBackend(llvm::StringRef name,
                                                   std::string &error) {
  if (name == "vulkan")
    return gpu::createVulkanTarget();
  if (name == "cuda")
    return gpu::createCUDATarget();
  if (name == "host") {
    llvm::Triple host(llvm::sys::getProcessTriple());
    name = host.getArch() == llvm::Triple::aarch64 ? "aarch64" : "x86_64";
  }
  std::optional<cpu::Arch> arch =
      llvm::StringSwitch<std::optional<cpu::Arch>>(name)
          .Cases("x86_64", "x86-64", cpu::Arch::X86_64)
          .Cases("aarch64", "arm64", cpu::Arch::AArch64)
          .Default(std::nullopt);
  if (!arch) {
    error = "unknown target '" + name.str() +
            "' (known targets: x86_64, aarch64, host, vulkan, cuda)";
    return nullptr;
  }
  return cpu::createCPUTarget(*arch);
}

} // namespace mocc
