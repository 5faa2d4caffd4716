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

/// A private constant array of `entries` named `name`, or null if empty.
static Constant *privateArray(Module &module, StructType *entryType,
                              ArrayRef<Constant *> entries, const Twine &name) {
  if (entries.empty())
    return ConstantPointerNull::get(PointerType::getUnqual(module.getContext()));
  return privateGlobal(
      module, ConstantArray::get(ArrayType::get(entryType, entries.size()),
                                 entries),
      name);
}

/// The C string `name`, as the name of entry `index` of array `kind`.
static Constant *nameString(Module &module, StringRef name, StringRef kind,
                            size_t index) {
  return privateGlobal(
      module, ConstantDataArray::getString(module.getContext(), name),
      "mocc." + kind + ".name." + Twine(index));
}

/// The `mocc_compiled_tensor` array of `tensors`, or null if empty.
static Constant *tensorArray(Module &module, StructType *tensorType,
                             ArrayRef<TensorSignature> tensors,
                             StringRef kind) {
  LLVMContext &context = module.getContext();
  auto *i32 = Type::getInt32Ty(context);
  SmallVector<Constant *> entries;
  for (auto [i, tensor] : llvm::enumerate(tensors)) {
    SmallVector<uint64_t> dims(tensor.dims.begin(), tensor.dims.end());
    Constant *dimsGlobal =
        dims.empty() ? ConstantPointerNull::get(PointerType::getUnqual(context))
                     : privateGlobal(module,
                                     ConstantDataArray::get(context, dims),
                                     "mocc." + kind + ".dims." + Twine(i));
    entries.push_back(ConstantStruct::get(
        tensorType, {nameString(module, tensor.name, kind, i),
                     ConstantInt::get(i32, tensor.dtype),
                     ConstantInt::get(i32, tensor.dims.size()), dimsGlobal}));
  }
  return privateArray(module, tensorType, entries, "mocc." + kind);
}

/// The `mocc_compiled_value` array of `values`, or null if empty.
static Constant *valueArray(Module &module, StructType *valueType,
                            ArrayRef<ValueSignature> values, StringRef kind) {
  auto *i32 = Type::getInt32Ty(module.getContext());
  SmallVector<Constant *> entries;
  for (auto [i, value] : llvm::enumerate(values))
    entries.push_back(ConstantStruct::get(
        valueType, {nameString(module, value.name, kind, i),
                    ConstantInt::get(i32, value.kind),
                    ConstantInt::get(i32, value.firstTensor),
                    ConstantInt::get(i32, value.numTensors)}));
  return privateArray(module, valueType, entries, "mocc." + kind);
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
/// outputs and the arena, then the thread pool (the slot after the arena's
/// holds the pool itself); the outputs of dynamic shape are its results
/// (returned through a pointer first argument), copied into their slots.
/// A GPU model's entry takes the instance's mocc_gpu from the slot after the
/// pool's. Returns null after setting `error`.
static Function *defineEntry(Module &module, const ModelSignature &signature,
                             StringRef entryName, bool gpu,
                             std::string &error) {
  LLVMContext &context = module.getContext();
  std::string cInterface = ("_mlir_ciface_" + entryName).str();
  Function *callee = module.getFunction(cInterface);
  SmallVector<Type *> dynamicTypes;
  for (const TensorSignature &output : signature.outputs)
    if (isDynamic(output))
      dynamicTypes.push_back(descriptorType(context, output.dims.size()));
  size_t numDescriptors = signature.inputs.size() + signature.outputs.size() + 1;
  size_t numArguments = numDescriptors - dynamicTypes.size() +
                        (dynamicTypes.empty() ? 0 : 1) + /*pool*/ 1 +
                        (gpu ? 1 : 0);
  if (!callee || callee->arg_size() != numArguments) {
    error = "internal error: the lowered module has no C interface '" +
            cInterface +
            "' taking its results, then one descriptor per "
            "input, static output and arena, then the thread pool" +
            (gpu ? " and the GPU" : "");
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
  arguments.push_back(slot(numDescriptors));
  if (gpu)
    arguments.push_back(slot(numDescriptors + 1));
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

/// The `mocc_compiled_profile` of `profiled`, or null if it has no kernel.
static Constant *profileTable(Module &module, const ProfiledKernels &profiled) {
  LLVMContext &context = module.getContext();
  auto *ptrType = PointerType::getUnqual(context);
  if (profiled.names.empty())
    return ConstantPointerNull::get(ptrType);
  auto *i32 = Type::getInt32Ty(context);
  SmallVector<Constant *> names;
  for (auto [i, name] : llvm::enumerate(profiled.names))
    names.push_back(nameString(module, name, "kernel", i));
  Constant *nameArray = privateGlobal(
      module, ConstantArray::get(ArrayType::get(ptrType, names.size()), names),
      "mocc.kernel.names");
  SmallVector<uint64_t> flops(profiled.flops.begin(), profiled.flops.end());
  Constant *flopsArray = privateGlobal(
      module, ConstantDataArray::get(context, flops), "mocc.kernel.flops");
  auto *tableType = StructType::create(context, {i32, i32, ptrType, ptrType},
                                       "mocc_compiled_profile");
  return privateGlobal(
      module,
      ConstantStruct::get(tableType,
                          {ConstantInt::get(i32, names.size()),
                           ConstantInt::get(i32, 0), nameArray, flopsArray}),
      "mocc.profile");
}

/// The `mocc_compiled_gpu` of `table`, or null for a CPU target.
static Constant *gpuTable(Module &module, const GPUKernelTable &table,
                          std::string &error) {
  if (table.api == 0)
    return ConstantPointerNull::get(
        PointerType::getUnqual(module.getContext()));
  LLVMContext &context = module.getContext();
  auto *ptrType = PointerType::getUnqual(context);
  auto *i32 = Type::getInt32Ty(context);
  auto *i64 = Type::getInt64Ty(context);
  auto *kernelType = StructType::create(
      context, {ptrType, ptrType, i64, i32, i32}, "mocc_compiled_gpu_kernel");
  SmallVector<Constant *> kernels;
  for (auto [i, kernel] : llvm::enumerate(table.kernels)) {
    GlobalVariable *binary = module.getNamedGlobal(kernel.binary);
    if (!binary) {
      error = "internal error: no binary for GPU kernel '" + kernel.name + "'";
      return nullptr;
    }
    uint64_t bytes =
        module.getDataLayout().getTypeAllocSize(binary->getValueType());
    kernels.push_back(ConstantStruct::get(
        kernelType,
        {nameString(module, kernel.name, "gpu_kernel", i), binary,
         ConstantInt::get(i64, bytes), ConstantInt::get(i32, kernel.buffers),
         ConstantInt::get(i32, kernel.blockSize)}));
  }
  // The runtime's opener of the API (1 is Vulkan): the link keeps the
  // driver code of this API only.
  FunctionCallee open = module.getOrInsertFunction(
      table.api == 1 ? "mocc_vulkan_open" : "mocc_cuda_open",
      FunctionType::get(ptrType, {ptrType, i32, ptrType}, false));
  auto *gpuType =
      StructType::create(context, {i32, ptrType, ptrType}, "mocc_compiled_gpu");
  return new GlobalVariable(
      module, gpuType, /*isConstant=*/true, GlobalValue::PrivateLinkage,
      ConstantStruct::get(gpuType, {ConstantInt::get(i32, kernels.size()),
                                    privateArray(module, kernelType, kernels,
                                                 "mocc.gpu_kernels"),
                                    cast<Constant>(open.getCallee())}),
      "mocc.gpu");
}

bool addModelDescriptor(Module &module, const ModelSignature &signature,
                        StringRef entryName, uint64_t arenaBytes,
                        const ProfiledKernels &profiled,
                        const GPUKernelTable &gpu, std::string &error) {
  Function *entry =
      defineEntry(module, signature, entryName, gpu.api != 0, error);
  if (!entry)
    return false;
  LLVMContext &context = module.getContext();
  auto *ptrType = PointerType::getUnqual(context);
  auto *i32 = Type::getInt32Ty(context);
  auto *i64 = Type::getInt64Ty(context);
  auto *tensorType = StructType::create(
      context, {ptrType, i32, i32, ptrType}, "mocc_compiled_tensor");
  auto *valueType = StructType::create(context, {ptrType, i32, i32, i32},
                                       "mocc_compiled_value");
  Constant *gpuKernels = gpuTable(module, gpu, error);
  if (!gpuKernels)
    return false;
  auto *modelType =
      StructType::create(context,
                         {i32, i32, i32, i32, ptrType, ptrType, i64, ptrType,
                          i32, i32, ptrType, ptrType, ptrType, ptrType},
                         "mocc_compiled_model_desc");
  Constant *model = ConstantStruct::get(
      modelType,
      {ConstantInt::get(i32, MOCC_ABI_VERSION),
       ConstantInt::get(i32, signature.inputs.size()),
       ConstantInt::get(i32, signature.outputs.size()),
       ConstantInt::get(i32, 0),
       tensorArray(module, tensorType, signature.inputs, "inputs"),
       tensorArray(module, tensorType, signature.outputs, "outputs"),
       ConstantInt::get(i64, arenaBytes), entry,
       ConstantInt::get(i32, signature.inputValues.size()),
       ConstantInt::get(i32, signature.outputValues.size()),
       valueArray(module, valueType, signature.inputValues, "input_values"),
       valueArray(module, valueType, signature.outputValues, "output_values"),
       profileTable(module, profiled), gpuKernels});
  new GlobalVariable(module, modelType, /*isConstant=*/true,
                     GlobalValue::ExternalLinkage, model, "mocc_compiled_model");
  return true;
}

} // namespace mocc::cpu
