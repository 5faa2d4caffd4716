//===- SharedLibraryLinker.cpp - lld, in process --------------------------===//
#include "CPUTarget.h"

#include "lld/Common/Driver.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

LLD_HAS_DRIVER(elf)

namespace mocc::cpu {

/// Runs lld on the model's object and the runtime's, with `options` before
/// them.
static bool runLLD(llvm::StringRef modelObject, llvm::StringRef outputPath,
                   Arch arch, llvm::ArrayRef<const char *> options,
                   std::string &error) {
  llvm::SmallString<128> runtimePath;
  int fd;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "mocc-runtime", "o", fd, runtimePath)) {
    error = "cannot create a temporary object file: " + ec.message();
    return false;
  }
  {
    llvm::raw_fd_ostream runtime(fd, /*shouldClose=*/true);
    runtime << runtimeObject(arch);
  }
  std::string model = modelObject.str(), output = outputPath.str();
  std::vector<const char *> args = {
      "ld.lld", "-m", arch == Arch::X86_64 ? "elf_x86_64" : "aarch64linux"};
  llvm::append_range(args, options);
  llvm::append_range(
      args, std::initializer_list<const char *>{
                "-o", output.c_str(), model.c_str(), runtimePath.c_str()});
  std::string messages;
  llvm::raw_string_ostream errors(messages);
  llvm::raw_null_ostream out;
  lld::Result result =
      lld::lldMain(args, out, errors, {{lld::Gnu, &lld::elf::link}});
  llvm::sys::fs::remove(runtimePath);
  if (result.retCode != 0) {
    llvm::StringRef first = llvm::StringRef(messages).split('\n').first;
    error = "cannot link '" + output + "': " + first.str();
    return false;
  }
  return true;
}

bool linkSharedLibrary(llvm::StringRef objectPath, llvm::StringRef outputPath,
                       Arch arch, std::string &error) {
  return runLLD(objectPath, outputPath, arch,
                {"-shared", "--gc-sections", "-z", "noexecstack", "-z", "relro",
                 "-z", "now", "--hash-style=both", "--build-id"},
                error);
}

bool linkRelocatableObject(llvm::StringRef objectPath,
                           llvm::StringRef outputPath, Arch arch,
                           std::string &error) {
  return runLLD(objectPath, outputPath, arch, {"-r"}, error);
}

} // namespace mocc::cpu
