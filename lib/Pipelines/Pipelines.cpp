//===- Pipelines.cpp - Target-independent pass pipelines ------------------===//
#include "mocc/Pipelines/Pipelines.h"

#include "mocc/Conversion/Passes.h"
#include "mocc/Dialect/Moc/Transforms/Passes.h"
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace mocc {

void buildGraphPipeline(OpPassManager &pm, const PipelineOptions &options) {
  // Canonicalization runs the moc folders; it is what removes the dead
  // constants and identities an importer leaves behind, at every level.
  pm.addPass(createCanonicalizerPass());
  if (options.runs("moc-fold-constants"))
    pm.nest<func::FuncOp>().addPass(moc::createFoldConstantsPass());
  if (options.runs("moc-recognize-ops"))
    pm.nest<func::FuncOp>().addPass(moc::createRecognizeOpsPass());
  if (options.channelsLast && options.runs("moc-convert-layout")) {
    pm.nest<func::FuncOp>().addPass(moc::createConvertLayoutPass());
    pm.addPass(createCanonicalizerPass());
  }
  if (options.optLevel > 0)
    pm.addPass(createCSEPass());
}

void buildLinalgPipeline(OpPassManager &pm, const PipelineOptions &options) {
  pm.addPass(createConvertMocToLinalgPass());
  // Before any folding of tensor.dim: MLIR 19 reifies an expansion's dynamic
  // sizes from its source, wrongly where a group has several.
  pm.nest<func::FuncOp>().addPass(createReshapeDynamicGroupsPass());
  pm.addPass(createCanonicalizerPass());
  // At every level: a run must never rely on a dimension it did not check.
  pm.addPass(createCheckShapesPass());
  if (options.optLevel == 0)
    return;
  OpPassManager &func = pm.nest<func::FuncOp>();
  if (options.runs("mocc-fold-transposes"))
    func.addPass(createFoldTransposesPass());
  // Kernels are selected before elementwise fusion, which leaves them be.
  if (options.gemmPanelWidth > 0 && options.runs("mocc-select-kernels")) {
    SelectKernelsPassOptions kernels;
    kernels.panelWidth = options.gemmPanelWidth;
    func.addPass(createSelectKernelsPass(kernels));
  }
  if (options.runs("mocc-fuse-elementwise"))
    func.addPass(createFuseElementwisePass());
  if (options.runs("mocc-fuse-kernels"))
    func.addPass(createFuseKernelsPass());
  func.addPass(createCanonicalizerPass());
  func.addPass(createCSEPass());
}

} // namespace mocc
