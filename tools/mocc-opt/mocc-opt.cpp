//===- mocc-opt.cpp - mocc's IR driver for lit tests ----------------------===//
#include "mocc/Tools/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mocc::registerMoccDialects(registry);
  mocc::registerMoccPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "mocc IR driver\n", registry));
}
