//===- Driver.h - Everything the mocc command does, as a library -*- C++ -*-===//
#ifndef MOCC_DRIVER_DRIVER_H
#define MOCC_DRIVER_DRIVER_H

#include "mocc/Driver/Stats.h"
#include "mocc/Importer/OnnxImporter.h"
#include "mocc/Target/TargetBackend.h"

#include <string>

namespace mocc {

enum class EmitKind { Imported, MLIR, LLVMIR, Object, SharedLibrary };

struct CompilerInvocation {
  std::string inputPath;
  std::string outputPath;
  std::string target = "host";
  EmitKind emit = EmitKind::SharedLibrary;
  CodegenOptions codegen;
  ImportOptions import;
};

/// Compiles a model as `invocation` says. On failure returns false and sets
/// `error` to one line naming what is wrong. Fills `stats` if given.
bool compileModel(const CompilerInvocation &invocation, std::string &error,
                  CompileStats *stats = nullptr);

/// The mocc command line: parses `argv`, compiles, prints errors as one line
/// on stderr. Returns the process exit code.
int moccMain(int argc, char **argv);

} // namespace mocc

#endif // MOCC_DRIVER_DRIVER_H
