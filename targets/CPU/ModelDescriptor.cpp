//===- ModelDescriptor.cpp - The runtime's description of a model ---------===//
//
// Emits, in LLVM IR, the `mocc_compiled_model` structure that
// runtime/src/compiled_model.h declares. Its field order and types must stay
// those of the C structs there.
//
//===----------------------------------------------------------------------===//
#include "CPUTarget.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"

#include "mocc/model.h"

using namespace llvm;

namespace mocc::cpu {

/// A private constant global holding `value`.
static Constant *privateGlobal(Module &module, Constant *value,
                               const Twine &name) {
  return new GlobalVariable(module, value->getType(), /*isConstant=*/true,
                            GlobalValue::PrivateLinkage, value, name);
}

/// The `mocc_compiled_tensor` array of `tensors`, or null if empty.
static Constant *tensorArray(Module &module, StructType *tensorType,
                             ArrayRef<TensorSignature> tensors,
                             StringRef kind) {
  LLVMContext &context = module.getContext();
  auto *ptrType = PointerType::getUnqual(context);
  if (tensors.empty())
    return ConstantPointerNull::get(ptrType);
  SmallVector<Constant *> entries;
  for (auto [i, tensor] : llvm::enumerate(tensors)) {
    Constant *name = privateGlobal(
        module, ConstantDataArray::getString(context, tensor.name),
        "mocc." + kind + ".name." + Twine(i));
    SmallVector<uint64_t> dims(tensor.dims.begin(), tensor.dims.end());
    Constant *dimsGlobal =
        dims.empty() ? ConstantPointerNull::get(ptrType)
                     : privateGlobal(module,
                                     ConstantDataArray::get(context, dims),
                                     "mocc." + kind + ".dims." + Twine(i));
    entries.push_back(ConstantStruct::get(
        tensorType,
        {name, ConstantInt::get(Type::getInt32Ty(context), tensor.dtype),
         ConstantInt::get(Type::getInt32Ty(context), tensor.dims.size()),
         dimsGlobal}));
  }
  return privateGlobal(
      module,
      ConstantArray::get(ArrayType::get(tensorType, entries.size()), entries),
      "mocc." + kind);
}

/// Whether an output's shape is known only when the model runs.
static bool isDynamic(const TensorSignature &tensor) {
  return llvm::is_contained(tensor.dims, -1);
}

/// The LLVM struct of a rank-`rank` memref descriptor (see memref.h).
static StructType *descriptorType(LLVMContext &context, size_t rank) {
  auto *ptrType = PointerType::getUnqual(context);
  auto *i64 = Type::getInt64Ty(context);
  SmallVector<Type *> fields = {ptrType, ptrType, i64};
  if (rank > 0)
    fields.append(2, ArrayType::get(i64, rank));
  return StructType::get(context, fields);
}

/// Defines `void mocc_model_entry(void **descriptors)`: calls the lowered
/// entry's C interface with the descriptors of the inputs, the static
/// outputs and the arena; the outputs of dynamic shape are its results
/// (returned through a pointer first argument), copied into their slots.
/// Returns null after setting `error`.
static Function *defineEntry(Module &module, const ModelSignature &signature,
                             StringRef entryName, std::string &error) {
  LLVMContext &context = module.getContext();
  std::string cInterface = ("_mlir_ciface_" + entryName).str();
  Function *callee = module.getFunction(cInterface);
  SmallVector<Type *> dynamicTypes;
  for (const TensorSignature &output : signature.outputs)
    if (isDynamic(output))
      dynamicTypes.push_back(descriptorType(context, output.dims.size()));
  size_t numDescriptors = signature.inputs.size() + signature.outputs.size() + 1;
  size_t numArguments =
      numDescriptors - dynamicTypes.size() + (dynamicTypes.empty() ? 0 : 1);
  if (!callee || callee->arg_size() != numArguments) {
    error = "internal error: the lowered module has no C interface '" +
            cInterface +
            "' taking its results, then one descriptor per "
            "input, static output and arena";
    return nullptr;
  }

  auto *ptrType = PointerType::getUnqual(context);
  auto *entryType =
      FunctionType::get(Type::getVoidTy(context), {ptrType}, false);
  Function *entry = Function::Create(entryType, GlobalValue::InternalLinkage,
                                     "mocc_model_entry", module);
  IRBuilder<> builder(BasicBlock::Create(context, "entry", entry));
  auto slot = [&](size_t i) {
    return builder.CreateLoad(
        ptrType, builder.CreateConstGEP1_64(ptrType, entry->getArg(0), i));
  };
  // A single result is returned as its descriptor, several as a struct.
  Type *resultsType = dynamicTypes.size() == 1
                          ? dynamicTypes.front()
                          : StructType::get(context, dynamicTypes);
  Value *results = nullptr;
  SmallVector<Value *> arguments;
  if (!dynamicTypes.empty())
    arguments.push_back(results = builder.CreateAlloca(resultsType));
  size_t numInputs = signature.inputs.size();
  for (size_t i = 0; i < numDescriptors; ++i) {
    bool dynamicOutput = i >= numInputs && i < numDescriptors - 1 &&
                         isDynamic(signature.outputs[i - numInputs]);
    if (!dynamicOutput)
      arguments.push_back(slot(i));
  }
  builder.CreateCall(callee, arguments);
  size_t result = 0;
  for (auto [i, output] : llvm::enumerate(signature.outputs)) {
    if (!isDynamic(output))
      continue;
    Value *descriptor =
        dynamicTypes.size() == 1
            ? results
            : builder.CreateStructGEP(resultsType, results, result);
    builder.CreateStore(builder.CreateLoad(dynamicTypes[result++], descriptor),
                        slot(numInputs + i));
  }
  builder.CreateRetVoid();
  return entry;
}

bool addModelDescriptor(Module &module, const ModelSignature &signature,
                        StringRef entryName, uint64_t arenaBytes,
                        std::string &error) {
  Function *entry = defineEntry(module, signature, entryName, error);
  if (!entry)
    return false;
  LLVMContext &context = module.getContext();
  auto *ptrType = PointerType::getUnqual(context);
  auto *i32 = Type::getInt32Ty(context);
  auto *tensorType = StructType::create(
      context, {ptrType, i32, i32, ptrType}, "mocc_compiled_tensor");
  auto *modelType = StructType::create(
      context,
      {i32, i32, i32, i32, ptrType, ptrType, Type::getInt64Ty(context), ptrType},
      "mocc_compiled_model_desc");
  Constant *model = ConstantStruct::get(
      modelType,
      {ConstantInt::get(i32, MOCC_ABI_VERSION),
       ConstantInt::get(i32, signature.inputs.size()),
       ConstantInt::get(i32, signature.outputs.size()), ConstantInt::get(i32, 0),
       tensorArray(module, tensorType, signature.inputs, "inputs"),
       tensorArray(module, tensorType, signature.outputs, "outputs"),
       ConstantInt::get(Type::getInt64Ty(context), arenaBytes), entry});
  new GlobalVariable(module, modelType, /*isConstant=*/true,
                     GlobalValue::ExternalLinkage, model, "mocc_compiled_model");
  return true;
}

} // namespace mocc::cpu
