//===- SharedLibraryLinker.cpp - lld, in process --------------------------===//
#include "CPUTarget.h"

#include "lld/Common/Driver.h"
#include "llvm/Support/raw_ostream.h"

LLD_HAS_DRIVER(elf)

namespace mocc::cpu {

bool linkSharedLibrary(llvm::StringRef objectPath, llvm::StringRef outputPath,
                       Arch arch, std::string &error) {
  std::string object = objectPath.str(), output = outputPath.str();
  std::vector<const char *> args = {
      "ld.lld",        "-m", arch == Arch::X86_64 ? "elf_x86_64" : "aarch64linux",
      "-shared",       "--gc-sections", "-z", "noexecstack", "-z", "relro",
      "-z",            "now", "--hash-style=both", "--build-id",
      "-o",            output.c_str(), object.c_str()};
  std::string messages;
  llvm::raw_string_ostream errors(messages);
  llvm::raw_null_ostream out;
  lld::Result result =
      lld::lldMain(args, out, errors, {{lld::Gnu, &lld::elf::link}});
  if (result.retCode != 0) {
    llvm::StringRef first = llvm::StringRef(messages).split('\n').first;
    error = "cannot link '" + output + "': " + first.str();
    return false;
  }
  return true;
}

} // namespace mocc::cpu
