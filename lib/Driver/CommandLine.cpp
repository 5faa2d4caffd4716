//===- CommandLine.cpp - The mocc command line ----------------------------===//
#include "mocc/Driver/Driver.h"
#include "mocc/Tools/Registration.h"

#include "mlir/IR/BuiltinTypeInterfaces.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/CodeGen/CommandFlags.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

namespace mocc {
namespace {

constexpr llvm::StringLiteral kInputShapeForms =
    "NAME=1x3x224x224 (? keeps a dimension dynamic, () or nothing is a "
    "scalar), NAME=[DIMS,DIMS,...] for a sequence ([] is empty), NAME=none "
    "for an absent optional";

/// Parses "1x3x?x?" ("" or "()": a scalar); `?` stays dynamic.
bool parseDims(llvm::StringRef dims, std::vector<int64_t> &shape) {
  if (dims.empty() || dims == "()")
    return true;
  llvm::SmallVector<llvm::StringRef> parts;
  dims.split(parts, 'x');
  for (llvm::StringRef part : parts) {
    int64_t size;
    if (part == "?")
      size = mlir::ShapedType::kDynamic;
    else if (part.getAsInteger(10, size) || size < 0)
      return false;
    shape.push_back(size);
  }
  return true;
}

bool parseInputShape(llvm::StringRef spec, ImportOptions &options,
                     std::string &error) {
  auto [name, value] = spec.rsplit('=');
  InputShape shape;
  bool ok = !name.empty() && name.size() != spec.size();
  if (ok && value == "none") {
    shape.isAbsent = true;
  } else if (ok && value.consume_front("[")) {
    shape.isSequence = true;
    ok = value.consume_back("]");
    llvm::SmallVector<llvm::StringRef> elements;
    if (!value.empty())
      value.split(elements, ',');
    for (llvm::StringRef element : elements)
      ok = ok && parseDims(element, shape.shapes.emplace_back());
  } else if (ok) {
    ok = parseDims(value, shape.shapes.emplace_back());
  }
  if (!ok) {
    error = ("--input-shape expects " + kInputShapeForms + ", got '" + spec +
             "'")
                .str();
    return false;
  }
  options.inputShapes[name] = std::move(shape);
  return true;
}

bool parseBinding(llvm::StringRef spec, ImportOptions &options,
                  std::string &error) {
  auto [name, path] = spec.split('=');
  if (name.empty() || path.empty()) {
    error = "--bind-input expects NAME=TENSOR.pb, got '" + spec.str() + "'";
    return false;
  }
  options.boundInputs[name] = path.str();
  return true;
}

std::string defaultOutputPath(llvm::StringRef input, EmitKind emit) {
  if (emit == EmitKind::Imported || emit == EmitKind::MLIR)
    return "-";
  llvm::SmallString<128> path(llvm::sys::path::stem(input));
  path += emit == EmitKind::LLVMIR   ? ".ll"
          : emit == EmitKind::Object ? ".o"
                                     : ".so";
  return path.str().str();
}

} // namespace

int moccMain(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  static cl::OptionCategory category("mocc options");
  static cl::opt<std::string> input(cl::Positional, cl::desc("<model.onnx>"),
                                    cl::Required, cl::cat(category));
  static cl::opt<std::string> output("o", cl::desc("Output file"),
                                     cl::value_desc("path"), cl::cat(category));
  static cl::opt<std::string> target(
      "target",
      cl::desc("Target: x86_64, aarch64, host (default), vulkan or cuda"),
      cl::init("host"), cl::cat(category));
  // -mcpu is LLVM's own codegen flag: lld registers the same flags, so mocc
  // must share them rather than define its own.
  static llvm::codegen::RegisterCodeGenFlags codegenFlags;
  static cl::opt<unsigned> optLevel("O", cl::desc("Optimization level 0-3"),
                                    cl::Prefix, cl::init(2), cl::cat(category));
  static cl::list<std::string> inputShapes(
      "input-shape",
      cl::desc("Fix an input's shape: NAME=1x3x224x224, NAME=[DIMS,...] "
               "(a sequence), NAME=none (an absent optional)"),
      cl::cat(category));
  static cl::opt<bool> profile(
      "profile",
      cl::desc("Time each kernel at run time (mocc-run --profile reads the "
               "timers); off, the library carries none"),
      cl::cat(category));
  static cl::opt<bool> gpuStrict(
      "gpu-strict",
      cl::desc("GPU targets: fail, naming the node, on a kernel that would "
               "run on the CPU"),
      cl::cat(category));
  static cl::opt<std::string> gpuKernelsDir(
      "gpu-kernels-dir",
      cl::desc("GPU targets: also write each kernel's SPIR-V (.spv) or PTX "
               "(.ptx) into this directory"),
      cl::value_desc("dir"), cl::cat(category));
  static cl::list<std::string> bindings(
      "bind-input",
      cl::desc("Specialize the model on an input's value: NAME=TENSOR.pb"),
      cl::cat(category));
  // cl::desc keeps a pointer: the text must outlive the option.
  static const std::string disablePassHelp =
      "Turn off one optimization pass (repeatable): " +
      llvm::join(llvm::ArrayRef(kOptionalPasses), ", ");
  static cl::list<std::string> disabledPasses(
      "disable-pass", cl::desc(disablePassHelp), cl::cat(category));
  static cl::opt<EmitKind> emit(
      "emit", cl::desc("What to write"), cl::init(EmitKind::SharedLibrary),
      cl::values(clEnumValN(EmitKind::Imported, "import",
                            "moc IR as imported, before any pass"),
                 clEnumValN(EmitKind::MLIR, "mlir", "moc IR after graph passes"),
                 clEnumValN(EmitKind::LLVMIR, "llvm", "optimized LLVM IR"),
                 clEnumValN(EmitKind::Object, "obj", "an object file"),
                 clEnumValN(EmitKind::SharedLibrary, "so",
                            "a self-contained shared library (default)")),
      cl::cat(category));
  // Pass names, for --mlir-print-ir-after=PASS and the like.
  registerMoccPasses();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  cl::getRegisteredOptions()["mcpu"]->setDescription(
      "Target CPU (default: the host's for native targets, a baseline for "
      "cross targets)");
  cl::getRegisteredOptions()["mcpu"]->addCategory(category);
  // --stats is LLVM's flag too (its pass statistics, compiled out of
  // Debian's release build): mocc takes it over.
  auto *printStats =
      static_cast<cl::opt<bool, true> *>(cl::getRegisteredOptions()["stats"]);
  printStats->setDescription("Print the compiled model's kernels, memory "
                             "and compile time per pass as JSON on stdout");
  printStats->addCategory(category);
  cl::HideUnrelatedOptions(category);

  std::string parseErrors;
  llvm::raw_string_ostream parseStream(parseErrors);
  if (!cl::ParseCommandLineOptions(
          argc, argv, "mocc: compiles an ONNX model into a native library\n",
          &parseStream)) {
    llvm::StringRef first = llvm::StringRef(parseErrors).split('\n').first;
    first.consume_front("mocc: ");
    llvm::errs() << "mocc: error: " << first << "\n";
    return 1;
  }

  CompilerInvocation invocation;
  invocation.inputPath = input;
  invocation.target = target;
  invocation.emit = emit;
  invocation.codegen.cpu = llvm::codegen::getMCPU();
  invocation.codegen.optLevel = optLevel;
  invocation.codegen.profile = profile;
  invocation.codegen.gpuStrict = gpuStrict;
  invocation.codegen.gpuKernelsDir = gpuKernelsDir;
  invocation.outputPath =
      output.empty() ? defaultOutputPath(input, emit) : output.getValue();
  std::string error;
  bool ok = optLevel <= 3;
  if (!ok)
    error = "-O expects a level from 0 to 3";
  for (const std::string &pass : disabledPasses) {
    if (ok && !llvm::is_contained(kOptionalPasses, pass)) {
      error = "--disable-pass: unknown pass '" + pass + "' (optional passes: " +
              llvm::join(llvm::ArrayRef(kOptionalPasses), ", ") + ")";
      ok = false;
    }
    invocation.codegen.disabledPasses.push_back(pass);
  }
  for (const std::string &spec : inputShapes)
    ok = ok && parseInputShape(spec, invocation.import, error);
  for (const std::string &spec : bindings)
    ok = ok && parseBinding(spec, invocation.import, error);
  CompileStats stats;
  bool wantStats = printStats->getValue();
  // Keeps LLVM from reporting at exit that its statistics are disabled.
  printStats->setValue(false);
  if (ok)
    ok = compileModel(invocation, error, wantStats ? &stats : nullptr);
  if (!ok) {
    llvm::errs() << "mocc: error: " << error << "\n";
    return 1;
  }
  if (wantStats)
    stats.printJSON(llvm::outs());
  return 0;
}

} // namespace mocc
