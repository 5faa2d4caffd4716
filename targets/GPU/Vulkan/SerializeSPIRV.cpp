//===- SerializeSPIRV.cpp - gpu.module to a Vulkan SPIR-V binary ----------===//
//
// Each gpu.module is converted on a copy of its own, in a scratch module, so
// that the host side keeps its gpu.launch_func targets until
// mocc-gpu-lower-launches replaces them.
//
//===----------------------------------------------------------------------===//
#include "mocc/Target/GPU/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToSPIRV/ArithToSPIRV.h"
#include "mlir/Conversion/ControlFlowToSPIRV/ControlFlowToSPIRV.h"
#include "mlir/Conversion/FuncToSPIRV/FuncToSPIRV.h"
#include "mlir/Conversion/GPUToSPIRV/GPUToSPIRV.h"
#include "mlir/Conversion/IndexToSPIRV/IndexToSPIRV.h"
#include "mlir/Conversion/MathToSPIRV/MathToSPIRV.h"
#include "mlir/Conversion/MemRefToSPIRV/MemRefToSPIRV.h"
#include "mlir/Conversion/SCFToSPIRV/SCFToSPIRV.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Dialect/SPIRV/IR/TargetAndABI.h"
#include "mlir/Dialect/SPIRV/Transforms/Passes.h"
#include "mlir/Dialect/SPIRV/Transforms/SPIRVConversion.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/SPIRV/Serialization.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/Passes.h"

namespace mocc::gpu {
#define GEN_PASS_DEF_SERIALIZESPIRVPASS
#include "mocc/Target/GPU/Passes.h.inc"
} // namespace mocc::gpu

using namespace mlir;

namespace mocc::gpu {
namespace {

/// Vulkan 1.1 (SPIR-V 1.3) with the storage and arithmetic types of the
/// buffers mocc-gpu-map-kernels lets through; mocc-gpu-serialize-spirv's
/// update of the module's requirements keeps only what a kernel uses, and
/// the runtime enables those features on the device.
spirv::TargetEnvAttr vulkanTargetEnv(MLIRContext *context) {
  using spirv::Capability;
  using spirv::Extension;
  auto triple = spirv::VerCapExtAttr::get(
      spirv::Version::V_1_3,
      {Capability::Shader, Capability::Int8, Capability::Int16,
       Capability::Int64, Capability::Float16, Capability::Float64,
       Capability::StorageBuffer8BitAccess,
       Capability::StorageBuffer16BitAccess},
      {Extension::SPV_KHR_storage_buffer_storage_class,
       Extension::SPV_KHR_8bit_storage, Extension::SPV_KHR_16bit_storage},
      context);
  return spirv::TargetEnvAttr::get(triple,
                                   spirv::getDefaultResourceLimits(context),
                                   spirv::ClientAPI::Vulkan);
}

/// Marks each kernel's entry point with its workgroup size and its buffers
/// with their bindings (set 0, in argument order: the runtime's contract).
LogicalResult setABI(mlir::gpu::GPUModuleOp module) {
  MLIRContext *context = module.getContext();
  for (auto func : module.getOps<mlir::gpu::GPUFuncOp>()) {
    std::optional<ArrayRef<int32_t>> block = func.getKnownBlockSize();
    if (!block)
      return func.emitError(
          "internal error: kernel without a known block size");
    func->setAttr(spirv::getEntryPointABIAttrName(),
                  spirv::getEntryPointABIAttr(context, *block));
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      func.setArgAttr(
          i, spirv::getInterfaceVarABIAttrName(),
          spirv::getInterfaceVarABIAttr(0, i, std::nullopt, context));
  }
  return success();
}

/// Turns each kernel's workgroup attributions into allocations in the
/// Workgroup storage class, which MLIR's SPIR-V lowering makes module
/// variables (its lowering of gpu.func takes no attributions, and its
/// storage class mapping no GPU address space).
void allocateWorkgroupMemory(mlir::gpu::GPUModuleOp module) {
  for (auto func : module.getOps<mlir::gpu::GPUFuncOp>()) {
    unsigned count = func.getNumWorkgroupAttributions();
    if (count == 0)
      continue;
    Block &entry = func.getBody().front();
    OpBuilder builder = OpBuilder::atBlockBegin(&entry);
    for (BlockArgument attribution : func.getWorkgroupAttributions()) {
      auto type = cast<MemRefType>(attribution.getType());
      attribution.replaceAllUsesWith(builder.create<memref::AllocOp>(
          func.getLoc(),
          MemRefType::get(
              type.getShape(), type.getElementType(), type.getLayout(),
              spirv::StorageClassAttr::get(func.getContext(),
                                           spirv::StorageClass::Workgroup))));
    }
    entry.eraseArguments(func.getNumArguments(), count);
    func->removeAttr(
        mlir::gpu::GPUFuncOp::getNumWorkgroupAttributionsAttrName());
  }
}

/// Converts the gpu.module in `scratch` to a spirv.module.
LogicalResult convertToSPIRV(ModuleOp scratch) {
  MLIRContext *context = scratch.getContext();
  PassManager prepare(context);
  // Loads and stores through the views moved into the kernel index the
  // buffers it binds.
  prepare.addPass(memref::createFoldMemRefAliasOpsPass());
  prepare.addPass(createLowerAffinePass());
  prepare.addPass(createCanonicalizerPass());
  prepare.addPass(createCSEPass());
  if (failed(prepare.run(scratch)))
    return failure();

  scratch.walk(allocateWorkgroupMemory);
  spirv::MemorySpaceToStorageClassConverter storageClasses(
      spirv::mapMemorySpaceToVulkanStorageClass);
  scratch.walk([&](mlir::gpu::GPUModuleOp module) {
    spirv::convertMemRefTypesAndAttrs(module, storageClasses);
  });

  spirv::TargetEnvAttr targetEnv = vulkanTargetEnv(context);
  std::unique_ptr<ConversionTarget> target =
      SPIRVConversionTarget::get(targetEnv);
  SPIRVTypeConverter types(targetEnv);
  ScfToSPIRVContext scfContext;
  RewritePatternSet patterns(context);
  populateGPUToSPIRVPatterns(types, patterns);
  arith::populateArithToSPIRVPatterns(types, patterns);
  cf::populateControlFlowToSPIRVPatterns(types, patterns);
  populateFuncToSPIRVPatterns(types, patterns);
  index::populateIndexToSPIRVPatterns(types, patterns);
  populateMathToSPIRVPatterns(types, patterns);
  populateMemRefToSPIRVPatterns(types, patterns);
  populateSCFToSPIRVPatterns(types, scfContext, patterns);
  SmallVector<Operation *> modules;
  scratch.walk([&](mlir::gpu::GPUModuleOp module) {
    module->setAttr(spirv::getTargetEnvAttrName(), targetEnv);
    modules.push_back(module);
  });
  if (failed(applyPartialConversion(modules, *target, std::move(patterns))))
    return failure();

  PassManager finish(context);
  OpPassManager &spirvModule = finish.nest<spirv::ModuleOp>();
  spirvModule.addPass(spirv::createSPIRVLowerABIAttributesPass());
  spirvModule.addPass(spirv::createSPIRVUpdateVCEPass());
  return finish.run(scratch);
}

struct SerializeSPIRVPass : impl::SerializeSPIRVPassBase<SerializeSPIRVPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto kernels : module.getOps<mlir::gpu::GPUModuleOp>()) {
      OwningOpRef<ModuleOp> scratch = ModuleOp::create(kernels.getLoc());
      OpBuilder::atBlockBegin(scratch->getBody()).clone(*kernels);
      spirv::ModuleOp binaryModule;
      if (succeeded(
              setABI(*scratch->getOps<mlir::gpu::GPUModuleOp>().begin())) &&
          succeeded(convertToSPIRV(*scratch)))
        scratch->walk([&](spirv::ModuleOp op) { binaryModule = op; });
      SmallVector<uint32_t> words;
      if (!binaryModule || failed(spirv::serialize(binaryModule, words))) {
        kernels.emitError() << "cannot compile GPU kernel module '"
                            << kernels.getName() << "' to SPIR-V";
        return signalPassFailure();
      }
      kernels->setAttr(
          kBinaryAttr,
          StringAttr::get(
              &getContext(),
              StringRef(reinterpret_cast<const char *>(words.data()),
                        words.size() * sizeof(uint32_t))));
    }
  }
};

} // namespace
} // namespace mocc::gpu
