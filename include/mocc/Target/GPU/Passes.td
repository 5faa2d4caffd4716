//===- Passes.td - The GPU targets' lowering passes --------*- tablegen -*-===//
#ifndef MOCC_TARGET_GPU_PASSES
#define MOCC_TARGET_GPU_PASSES

include "mlir/Pass/PassBase.td"

def SplitReductionsPass : Pass<"mocc-gpu-split-reductions", "mlir::func::FuncOp"> {
  let summary = "Splits long reductions to few points across workgroups";
  let description = [{
    On linalg ops on tensors, before bufferization: a reduction (one
    reduction dimension, one output, static sizes, operands indexed by
    plain dimensions, no `linalg.index` in its body) to few points of many
    values each becomes a partial reduction of `ratio` contiguous chunks
    per point, the chunks a new innermost parallel dimension of a
    temporary, and the reduction of those partial values
    (`linalg::splitReduction`). The ratio is the largest power of two that
    divides the reduction, keeps each chunk at least 1024 values and the
    partial reduction within 1024 points (those mocc-gpu-map-kernels gives
    a workgroup each); below 8 the op stays whole.

    ```mlir
    // sum of 2 x 65536 -> 2
    linalg.generic {iterator_types = ["parallel", "reduction"]} ...
    // becomes: 2 x 64 partial sums of 1024 values, then 2 sums of 64
    ```
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def MapKernelsToGPUPass : Pass<"mocc-gpu-map-kernels", "mlir::ModuleOp"> {
  let summary = "Turns the entry's kernels that a GPU can run into gpu.launch";
  let description = [{
    On the bufferized entry whose buffers the arena holds: every kernel
    (a linalg op, or a copy between buffers) whose buffers have static
    shapes and strides, whose element types a GPU shader handles and whose
    body is arithmetic becomes a `gpu.launch`. One thread computes one point
    of the op's parallel dimensions, running its reduction dimensions as a
    loop; the points are numbered row-major and cut into workgroups of
    `workgroup-size` threads (a second grid dimension when there are more
    than 65535 groups). A kernel of few points and long reductions gets a
    workgroup per point instead, reducing in workgroup memory; with
    `tile-products`, a product or convolution of many points a workgroup per
    tile of points, the operand values they share staged in workgroup
    memory. The other kernels (runtime calls, loops carrying
    tensors, dynamic shapes) stay on the CPU, in the same order. The counts
    are recorded as `mocc.gpu_kernels` (of them `mocc.gpu_workgroup_kernels`
    and `mocc.gpu_tiled_kernels`) and `mocc.cpu_fallback_kernels`; with
    `strict`, a kernel left on the CPU is an error naming its ONNX node.

    ```mlir
    linalg.generic {...} ins(%a : memref<1024xf32>) outs(%b : memref<1024xf32>)
    // becomes
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %c4, ...)
               threads(%tx, %ty, %tz) in (%wx = %c256, ...) {
      %i = (%by * %gx + %bx) * 256 + %tx
      scf.if %i < 1024 { <the op's body at point %i> }
      gpu.terminator
    }
    ```
  }];
  let options = [
    Option<"entryName", "entry", "std::string", "\"main_graph\"",
           "Name of the model's entry function">,
    Option<"workgroupSize", "workgroup-size", "int64_t", "256",
           "Threads per workgroup">,
    Option<"strict", "strict", "bool", "false",
           "Fail on a kernel that must run on the CPU">,
    Option<"tileProducts", "tile-products", "bool", "true",
           "Give a product of many points a workgroup per tile">,
  ];
  let dependentDialects = ["mlir::affine::AffineDialect",
                           "mlir::arith::ArithDialect", "mlir::gpu::GPUDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect"];
}

def SerializeSPIRVPass : Pass<"mocc-gpu-serialize-spirv", "mlir::ModuleOp"> {
  let summary = "Compiles each gpu.module to a SPIR-V binary for Vulkan";
  let description = [{
    Converts a copy of each `gpu.module` (its kernels with their buffers at
    descriptor set 0, bindings in argument order, and the workgroup size of
    their launch) to the `spirv` dialect for a Vulkan 1.1 environment with
    the 8-, 16- and 64-bit types, and serializes it; the binary is attached
    to the `gpu.module` as the string attribute `mocc.binary` for
    mocc-gpu-lower-launches.
  }];
  let dependentDialects = ["mlir::spirv::SPIRVDialect"];
}

def SerializePTXPass : Pass<"mocc-gpu-serialize-ptx", "mlir::ModuleOp"> {
  let summary = "Compiles each gpu.module to PTX for CUDA";
  let description = [{
    Converts a copy of each `gpu.module` to the LLVM and NVVM dialects (its
    kernels taking one bare pointer per buffer, math as LLVM intrinsics),
    translates it to LLVM IR and has LLVM's NVPTX back end write PTX for
    `chip`, all in process (no CUDA toolkit). The NUL-terminated PTX text is
    attached to the `gpu.module` as the string attribute `mocc.binary` for
    mocc-gpu-lower-launches.
  }];
  let options = [
    Option<"chip", "chip", "std::string", "\"sm_80\"",
           "The GPU architecture the PTX targets (sm_XX)">,
    Option<"optLevel", "opt-level", "unsigned", "2",
           "LLVM optimization level of the kernels">,
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect", "mlir::NVVM::NVVMDialect"];
}

def LowerLaunchesPass : Pass<"mocc-gpu-lower-launches", "mlir::ModuleOp"> {
  let summary = "Turns gpu.launch_func into calls of the runtime's GPU module";
  let description = [{
    After the kernels are serialized (`mocc.binary` on each `gpu.module`):
    gives the entry one more argument, the instance's `mocc_gpu` (after the
    thread pool), and replaces each `gpu.launch_func` by a call
    `mocc_gpu_bind(gpu, slot, pointer, bytes, flags)` per buffer and one
    `mocc_gpu_dispatch(gpu, kernel, groups_x, groups_y, groups_z)`
    (runtime/src/gpu/gpu.h). A dispatch may return before its kernel runs:
    a `mocc_gpu_sync(gpu)` precedes the host's next access to memory (a CPU
    kernel, a load, a call, the return), so the dispatches between two
    accesses run as one batch. A buffer's flags say whether the kernel reads
    or writes it and whether it is a constant (a global). The binaries
    become LLVM globals, listed with their entry points and buffer counts in
    the module attribute `mocc.gpu_kernel_table`, which the target puts in
    the model's description; the `gpu.module`s are erased. The bindings of
    buffers outside the arena (inputs, outputs, weights), which the runtime
    copies, are counted as `mocc.gpu_transfers`.

    Where the device keeps its own copy of the arena, the host's code sees
    the host's: before a launch, `mocc_gpu_upload(gpu, pointer, bytes)`
    copies the arena bytes it uses that the host wrote since; before a host
    access, `mocc_gpu_download(gpu, pointer, bytes)` copies those a kernel
    wrote since (ArenaTransfers.cpp), counted as `mocc.gpu_arena_uploads`
    and `mocc.gpu_arena_downloads`. Where the host and the device share the
    arena, the runtime ignores them.
  }];
  let options = [
    Option<"entryName", "entry", "std::string", "\"main_graph\"",
           "Name of the model's entry function">,
    Option<"api", "api", "int32_t", "1",
           "The runtime's API for the kernels (1 Vulkan, 2 CUDA)">,
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect", "mlir::func::FuncDialect",
                           "mlir::memref::MemRefDialect"];
}

#endif // MOCC_TARGET_GPU_PASSES
