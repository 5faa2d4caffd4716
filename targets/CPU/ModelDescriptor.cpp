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

bool addModelDescriptor(Module &module, const ModelSignature &signature,
                        StringRef entryName, uint64_t arenaBytes,
                        std::string &error) {
  LLVMContext &context = module.getContext();
  std::string cInterface = ("_mlir_ciface_" + entryName).str();
  Function *callee = module.getFunction(cInterface);
  size_t numDescriptors = signature.inputs.size() + signature.outputs.size() + 1;
  if (!callee || callee->arg_size() != numDescriptors) {
    error = "internal error: the lowered module has no C interface '" +
            cInterface + "' taking one descriptor per input, output and arena";
    return false;
  }

  // void mocc_model_entry(void **descriptors)
  auto *ptrType = PointerType::getUnqual(context);
  auto *entryType =
      FunctionType::get(Type::getVoidTy(context), {ptrType}, false);
  Function *entry = Function::Create(entryType, GlobalValue::InternalLinkage,
                                     "mocc_model_entry", module);
  IRBuilder<> builder(BasicBlock::Create(context, "entry", entry));
  SmallVector<Value *> arguments;
  for (size_t i = 0; i < numDescriptors; ++i) {
    Value *slot = builder.CreateConstGEP1_64(ptrType, entry->getArg(0), i);
    arguments.push_back(builder.CreateLoad(ptrType, slot));
  }
  builder.CreateCall(callee, arguments);
  builder.CreateRetVoid();

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
