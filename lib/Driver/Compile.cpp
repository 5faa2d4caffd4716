//===- Compile.cpp - Import, optimize, lower and emit one model -----------===//
#include "mocc/Driver/Driver.h"

#include "mocc/Dialect/Moc/IR/MocDialect.h"
#include "mocc/Dialect/Moc/IR/MocOps.h"
#include "mocc/Pipelines/Pipelines.h"
#include "mocc/Tools/Registration.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/ToolOutputFile.h"

#include <chrono>

#include "mocc/model.h"

using namespace mlir;

namespace mocc {
namespace {

/// Renders a diagnostic's location for a one-line message: models name
/// nodes and tensors, not source lines.
std::string describeLocation(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return llvm::formatv("{0}:{1}:{2}", file.getFilename().str(),
                         file.getLine(), file.getColumn())
        .str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string text = describeLocation(inner); !text.empty())
        return text;
  return "";
}

/// Keeps the first error as one line: "<location>: <message>".
class FirstErrorHandler {
public:
  explicit FirstErrorHandler(MLIRContext &context)
      : handler(&context, [this](Diagnostic &diagnostic) {
          if (diagnostic.getSeverity() == DiagnosticSeverity::Error &&
              message.empty()) {
            std::string location = describeLocation(diagnostic.getLocation());
            std::string text = diagnostic.str();
            std::replace(text.begin(), text.end(), '\n', ' ');
            message = location.empty() ? text : location + ": " + text;
          }
          return success();
        }) {}
  std::string message;

private:
  ScopedDiagnosticHandler handler;
};

/// The mocc_dtype of an element type at the moc level.
int32_t dtypeOf(Type type) {
  if (type.isF32()) return MOCC_DTYPE_FLOAT32;
  if (type.isF16()) return MOCC_DTYPE_FLOAT16;
  if (type.isBF16()) return MOCC_DTYPE_BFLOAT16;
  if (type.isF64()) return MOCC_DTYPE_FLOAT64;
  if (type.isInteger(1)) return MOCC_DTYPE_BOOL;
  if (type.isUnsignedInteger(8)) return MOCC_DTYPE_UINT8;
  if (type.isUnsignedInteger(16)) return MOCC_DTYPE_UINT16;
  if (type.isUnsignedInteger(32)) return MOCC_DTYPE_UINT32;
  if (type.isUnsignedInteger(64)) return MOCC_DTYPE_UINT64;
  if (type.isInteger(8)) return MOCC_DTYPE_INT8;
  if (type.isInteger(16)) return MOCC_DTYPE_INT16;
  if (type.isInteger(32)) return MOCC_DTYPE_INT32;
  if (type.isInteger(64)) return MOCC_DTYPE_INT64;
  if (type.isUnsignedInteger(4)) return MOCC_DTYPE_UINT4;
  if (type.isInteger(4)) return MOCC_DTYPE_INT4;
  if (type.isUnsignedInteger(2)) return MOCC_DTYPE_UINT2;
  if (type.isInteger(2)) return MOCC_DTYPE_INT2;
  if (isa<Float8E4M3FNType>(type)) return MOCC_DTYPE_FLOAT8E4M3FN;
  if (isa<Float8E4M3FNUZType>(type)) return MOCC_DTYPE_FLOAT8E4M3FNUZ;
  if (isa<Float8E5M2Type>(type)) return MOCC_DTYPE_FLOAT8E5M2;
  if (isa<Float8E5M2FNUZType>(type)) return MOCC_DTYPE_FLOAT8E5M2FNUZ;
  if (isa<moc::Float4E2M1FNType>(type)) return MOCC_DTYPE_FLOAT4E2M1;
  if (isa<moc::Float8E8M0FNUType>(type)) return MOCC_DTYPE_FLOAT8E8M0;
  return MOCC_DTYPE_INVALID;
}

/// Reads the model's interface off the imported function: a dynamic
/// dimension is -1, resolved from the inputs when the model runs.
void captureSignature(func::FuncOp func, ModelSignature &signature) {
  auto describe = [](Type type, StringAttr name) {
    auto tensor = cast<RankedTensorType>(type);
    SmallVector<int64_t> dims =
        llvm::map_to_vector(tensor.getShape(), [](int64_t size) {
          return ShapedType::isDynamic(size) ? -1 : size;
        });
    return TensorSignature{name ? name.str() : "",
                           dtypeOf(tensor.getElementType()), dims};
  };
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes()))
    signature.inputs.push_back(
        describe(type, func.getArgAttrOfType<StringAttr>(i, kTensorNameAttr)));
  for (auto [i, type] : llvm::enumerate(func.getResultTypes()))
    signature.outputs.push_back(describe(
        type, func.getResultAttrOfType<StringAttr>(i, kTensorNameAttr)));
  auto values = [&](llvm::StringRef attrName,
                    SmallVectorImpl<ValueSignature> &out) {
    uint32_t first = 0;
    for (auto entry : func->getAttrOfType<ArrayAttr>(attrName)
                          .getAsRange<ArrayAttr>()) {
      auto count = uint32_t(cast<IntegerAttr>(entry[2]).getInt());
      out.push_back({cast<StringAttr>(entry[0]).str(),
                     int32_t(cast<IntegerAttr>(entry[1]).getInt()), first,
                     count});
      first += count;
    }
  };
  values(kInputValuesAttr, signature.inputValues);
  values(kOutputValuesAttr, signature.outputValues);
}

bool writeMLIR(ModuleOp module, llvm::StringRef path, std::string &error) {
  std::string openError;
  std::unique_ptr<llvm::ToolOutputFile> out = openOutputFile(path, &openError);
  if (!out) {
    error = openError;
    return false;
  }
  OpPrintingFlags flags;
  flags.elideLargeElementsAttrs(64).elideLargeResourceString(1024);
  module->print(out->os(), flags);
  out->keep();
  return true;
}

} // namespace

bool compileModel(const CompilerInvocation &invocation, std::string &error,
                  CompileStats *stats) {
  std::unique_ptr<TargetBackend> target =
      createTargetBackend(invocation.target, error);
  if (!target)
    return false;
  // Times the steps that are not passes into `stats`.
  auto timed = [&](llvm::StringRef step, auto run) {
    auto start = std::chrono::steady_clock::now();
    auto result = run();
    std::chrono::duration<double> elapsed =
        std::chrono::steady_clock::now() - start;
    if (stats)
      stats->addSeconds(step, elapsed.count());
    return result;
  };
  OnnxModelPtr model = timed(
      "load", [&] { return loadOnnxModel(invocation.inputPath, error); });
  if (!model)
    return false;

  DialectRegistry registry;
  registerMoccDialects(registry);
  MLIRContext context(registry, MLIRContext::Threading::DISABLED);
  FirstErrorHandler diagnostics(context);
  auto fail = [&](llvm::StringRef fallback) {
    error = diagnostics.message.empty() ? fallback.str() : diagnostics.message;
    return false;
  };

  ImportOptions importOptions = invocation.import;
  importOptions.functionName = invocation.codegen.entryName;
  OwningOpRef<ModuleOp> module = timed(
      "import", [&] { return importOnnxModel(*model, context, importOptions); });
  if (!module)
    return fail("cannot import the model");
  if (invocation.emit == EmitKind::Imported)
    return writeMLIR(*module, invocation.outputPath, error);

  // --mlir-timing reports the compile time of every pass.
  DefaultTimingManager timing;
  applyDefaultTimingManagerCLOptions(timing);
  TimingScope timingScope = timing.getRootScope();

  PipelineOptions pipeline = invocation.codegen;
  pipeline.channelsLast = target->prefersChannelsLast();
  pipeline.gemmPanelWidth = target->gemmPanelWidth(invocation.codegen);
  if (!target->tilesForThreads())
    pipeline.disabledPasses.push_back("mocc-fuse-kernels");
  PassManager graph(&context);
  graph.enableTiming(timingScope);
  if (stats)
    graph.addInstrumentation(std::make_unique<PassTimeRecorder>(*stats));
  buildGraphPipeline(graph, pipeline);
  if (failed(applyPassManagerCLOptions(graph)) || failed(graph.run(*module)))
    return fail("graph optimization failed");
  if (invocation.emit == EmitKind::MLIR)
    return writeMLIR(*module, invocation.outputPath, error);

  auto entry = module->lookupSymbol<func::FuncOp>(invocation.codegen.entryName);
  ModelSignature signature;
  captureSignature(entry, signature);
  entry->setAttr("llvm.emit_c_interface", UnitAttr::get(&context));

  PassManager lowering(&context);
  lowering.enableTiming(timingScope);
  if (stats)
    lowering.addInstrumentation(std::make_unique<PassTimeRecorder>(*stats));
  buildLinalgPipeline(lowering, pipeline);
  target->buildLoweringPipeline(lowering, invocation.codegen);
  if (failed(applyPassManagerCLOptions(lowering)) ||
      failed(lowering.run(*module)))
    return fail("lowering failed");

  ArtifactKind kind = invocation.emit == EmitKind::LLVMIR ? ArtifactKind::LLVMIR
                      : invocation.emit == EmitKind::Object
                          ? ArtifactKind::Object
                          : ArtifactKind::SharedLibrary;
  if (stats)
    stats->readModuleAttributes(*module);
  return timed("llvm-codegen", [&] {
    return target->emit(*module, signature, invocation.codegen, kind,
                        invocation.outputPath, error);
  });
}

} // namespace mocc
