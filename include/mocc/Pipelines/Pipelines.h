//===- Pipelines.h - Target-independent pass pipelines ----------*- C++ -*-===//
//
// The compiler runs, in order: the graph pipeline on moc, the linalg pipeline
// (moc -> linalg on tensors), then the target's lowering pipeline
// (TargetBackend::buildLoweringPipeline).
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_PIPELINES_PIPELINES_H
#define MOCC_PIPELINES_PIPELINES_H

#include "mocc/Pipelines/OptimizationOptions.h"

#include "mlir/Pass/PassManager.h"

namespace mocc {

using PipelineOptions = OptimizationOptions;

/// Graph-level optimization on moc: folding, canonicalization, dead code.
void buildGraphPipeline(mlir::OpPassManager &pm, const PipelineOptions &options);

/// moc -> linalg, tensor, arith and math on tensors.
void buildLinalgPipeline(mlir::OpPassManager &pm, const PipelineOptions &options);

} // namespace mocc

#endif // MOCC_PIPELINES_PIPELINES_H
