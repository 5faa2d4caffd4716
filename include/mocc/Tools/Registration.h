//===- Registration.h - What mocc's tools register --------------*- C++ -*-===//
//
// The dialects, interface models and passes mocc uses, and nothing else:
// registering everything upstream (registerAllPasses) slows every link.
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_TOOLS_REGISTRATION_H
#define MOCC_TOOLS_REGISTRATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mocc {

/// Adds moc and the upstream dialects below it, with the external interface
/// models that one-shot bufferization and the LLVM lowering need.
void registerMoccDialects(mlir::DialectRegistry &registry);

/// Registers mocc's passes and the upstream passes its pipelines and lit
/// tests use, so that they can be named on a command line.
void registerMoccPasses();

} // namespace mocc

#endif // MOCC_TOOLS_REGISTRATION_H
