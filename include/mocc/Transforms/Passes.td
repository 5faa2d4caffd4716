//===- Passes.td - Passes below the moc level ----------------*- tablegen -*-===//
#ifndef MOCC_TRANSFORMS_PASSES_TD
#define MOCC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def CheckShapesPass : Pass<"mocc-check-shapes", "mlir::ModuleOp"> {
  let summary = "Checks at run time the dynamic dimensions the code relies on";
  let description = [{
    Every fact about dynamic dimensions that the lowered linalg and tensor
    ops rely on becomes a call to the runtime's checks, which fail the run
    with a message naming the node and the dimensions: operand dimensions a
    loop indexes equal the loop's size, windows fit, slices lie inside their
    tensors, casts to static sizes and reshapes keep sizes and counts. Checks
    on the inputs' shapes alone run first, before any kernel; static shapes
    get none.

    ```mlir
    %1 = linalg.generic ins(%x, %y : tensor<?xf32>, tensor<?xf32>) ...
    // gains, at the top of the function:
    %dx = tensor.dim %x, %c0 : tensor<?xf32>
    %dy = tensor.dim %y, %c0 : tensor<?xf32>
    call @mocc_check_equal(%message, %dy, %dx) : (!llvm.ptr, index, index) -> ()
    ```
  }];
  let dependentDialects = ["mlir::affine::AffineDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect",
                           "mlir::LLVM::LLVMDialect",
                           "mlir::tensor::TensorDialect"];
}

def ExpandMathPass : Pass<"mocc-expand-math", "mlir::func::FuncOp"> {
  let summary = "Expands math functions into arithmetic";
  let description = [{
    Replaces math dialect functions (exp, tanh, erf, sin, ...) by polynomial
    approximations and expansions in arith, so that a compiled model needs no
    math library at run time and the vectorizer sees plain arithmetic.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect"];
}

def VectorizableLoopsPass : Pass<"mocc-vectorizable-loops", "mlir::func::FuncOp"> {
  let summary = "Lowers linalg ops to loops whose innermost LLVM vectorizes";
  let description = [{
    Lowers each linalg op on buffers to scf.for loops, like
    linalg-convert-to-loops, in a form LLVM's loop vectorizer takes:
    inputs the innermost loop does not index are loaded before it, a
    reduction's accumulators are carried by it (iter_args) rather than kept
    in memory, and float reductions are marked `reassoc`. A reduction over a
    window whose data is contiguous along a parallel dimension (NHWC max
    pooling, depthwise convolution) gets that dimension innermost.
  }];
  let dependentDialects = ["mlir::affine::AffineDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect"];
}

def FuseEpiloguesPass : Pass<"mocc-fuse-epilogues", "mlir::func::FuncOp"> {
  let summary = "Folds bias, residual and activation into the kernel products";
  let description = [{
    On buffers, before the arena is planned: the elementwise op that reads a
    product marked for the GEMM, convolution or depthwise kernel and computes
    `activation(product + bias[column] + residual)` (activation none, ReLU,
    Clip, sigmoid or SiLU) is folded into the product, which writes the op's
    output and carries the epilogue in `mocc.epilogue` (the bias and residual
    become inputs its body ignores). The kernel's driver applies it to each
    block of the output as soon as the microkernel wrote it. Only where the
    output and residual are laid out as the kernel needs and the output
    shares no buffer with the residual or the product's input.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect"];
}

def FoldTransposesPass : Pass<"mocc-fold-transposes", "mlir::func::FuncOp"> {
  let summary = "Folds transposes into the index maps of their consumers or producers";
  let description = [{
    A `linalg.transpose` with one user that is a linalg op disappears into
    that op: the op reads the untransposed tensor through a permuted map
    (named ops become generics); element reads (`tensor.extract`, as in a
    padded convolution) permute their indices. Otherwise, if the transpose is
    the only user
    of a linalg op whose output starts empty or filled, that op writes its
    result in transposed order. No kernel is left for the transpose.

    ```mlir
    %t = linalg.transpose ins(%k : tensor<128x4x64xf32>) outs(%e : tensor<4x64x128xf32>) permutation = [1, 2, 0]
    %s = linalg.batch_matmul ins(%q, %t : ...) outs(%z : tensor<4x128x128xf32>)
    // becomes
    %s = linalg.generic {indexing_maps = [(b, m, n, k) -> (b, m, k),
                                          (b, m, n, k) -> (n, b, k),
                                          (b, m, n, k) -> (b, m, n)], ...}
        ins(%q, %k : ...) outs(%z : tensor<4x128x128xf32>)
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def FuseElementwisePass : Pass<"mocc-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Merges chains of elementwise ops, never into kernel products";
  let description = [{
    Upstream's elementwise fusion (a producer with one use is computed inside
    its consumer, reshapes are folded by expanding the loops), except that
    products marked for a microkernel by mocc-select-kernels are neither
    fused into nor reshaped: they stay the multiply-accumulate the kernels
    compute, and what follows them fuses with what follows.

    ```mlir
    %s = linalg.generic {library_call = "mocc_sbatch_matmul_f32", ...} ins(%q, %k ...)
    %e = linalg.generic {exp(x - max)} ins(%s, %max ...)   // stays apart
    ```
  }];
  let dependentDialects = ["mlir::affine::AffineDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def FuseKernelsPass : Pass<"mocc-fuse-kernels", "mlir::func::FuncOp"> {
  let summary = "Fuses producers into their consumers' loop nests";
  let description = [{
    On linalg ops on tensors: every op that ends a chain is tiled over its
    outer parallel dimensions (one output plane of a convolution per tile),
    and the linalg ops producing its operands are computed per tile in the
    same loop nest. A producer is fused only if the group is its only user
    and the tiles read disjoint parts of it, so nothing is computed twice.
    A convolution with its bias, activation, residual add and a following
    pooling becomes one kernel that never writes a whole intermediate tensor.
    The tiles are independent: the loop is an `scf.forall`, which
    mocc-parallel-loops runs on the thread pool.

    ```mlir
    %c = linalg.conv_2d_nchw_fchw ins(%x, %w : ...) outs(%bias : ...)
    %r = linalg.generic {relu} ins(%c : ...) outs(%e : ...)
    // becomes
    %r = scf.forall (%f) in (64) shared_outs(%acc = %e) {
      // the bias, convolution and relu of output channel %f
    }
    ```
  }];
  let dependentDialects = ["mlir::affine::AffineDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect"];
}

def CallKernelsPass : Pass<"mocc-call-kernels", "mlir::ModuleOp"> {
  let summary = "Turns the ops that mocc-select-kernels marked into microkernel calls";
  let description = [{
    On buffers: every `linalg.generic` whose `library_call` is a kernel of
    the CPU kernel layer (`mocc_sgemm_f32`), starting from a fill of zeros,
    becomes a call of that runtime function (through MLIR's C interface: the
    buffers as descriptors, rows of several dimensions collapsed to one).
    The entry function gets a last argument, the instance's thread pool
    (`!llvm.ptr`), which every call receives. A marked op whose buffers are
    not rows of unit stride stays a loop nest. A convolution whose input is
    a zero-padded copy of another buffer reads that buffer instead, with
    the padding as four more i64 operands (top, left, bottom, right); the
    padded buffer and its fill and copy are erased.

    ```mlir
    linalg.generic {library_call = "mocc_sgemm_f32", ...}
        ins(%a, %packed : memref<128x768xf32>, memref<48x768x16xf32>)
        outs(%c : memref<128x768xf32>)
    // becomes
    func.call @mocc_sgemm_f32(%pool, %a_any, %packed_any, %c_any)
        // each buffer memref.cast to dynamic sizes and strides
    ```
  }];
  let options = [
    Option<"entryName", "entry-name", "std::string", "\"main_graph\"",
           "the entry function, which receives the thread pool">,
    Option<"panelWidth", "panel-width", "int64_t", "0",
           "the GEMM kernel's panel width (NR), to which the runtime packs "
           "products of two activations; 0: they stay loop nests">,
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect",
                           "mlir::memref::MemRefDialect"];
}

def ConcatInPlacePass : Pass<"mocc-concat-in-place", "mlir::func::FuncOp"> {
  let summary = "Orders concatenations so that their inputs are computed in place";
  let description = [{
    Moves the empty result of each `tensor.insert_slice` chain to the start
    of the function and each insertion right after the producer of the
    inserted tensor. Empty tensor elimination then makes every producer
    write into its part of the result, and bufferization copies nothing.

    ```mlir
    %a = linalg.generic ... outs(%e0) ...
    %b = linalg.generic ... outs(%e1) ...
    %r = tensor.empty()
    %0 = tensor.insert_slice %a into %r[0, 0] [1, 64] [1, 1]
    %1 = tensor.insert_slice %b into %0[0, 64] [1, 64] [1, 1]
    // becomes
    %r = tensor.empty()
    %a = linalg.generic ... outs(%e0) ...
    %0 = tensor.insert_slice %a into %r[0, 0] [1, 64] [1, 1]
    %b = linalg.generic ... outs(%e1) ...
    %1 = tensor.insert_slice %b into %0[0, 64] [1, 64] [1, 1]
    ```
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
}

def ReshapeDynamicGroupsPass
    : Pass<"mocc-reshape-dynamic-groups", "mlir::func::FuncOp"> {
  let summary = "Turns expansions of one dimension into several dynamic ones "
                "into reshapes by a shape tensor";
  let description = [{
    MLIR 19 infers the dynamic sizes of a `tensor.expand_shape` from its
    source, one per group, when it bufferizes the op and when it folds a
    `tensor.dim` of its result; a group with several (a [B*T, 64] product
    expanded back to [B, T, 64] when B and T are both dynamic) has no such
    inference. Such an expansion becomes a `tensor.reshape` by its output
    shape, which bufferizes to `memref.reshape` (copying a strided source
    first). It runs right after the lowering to linalg and again before
    bufferization.

    ```mlir
    %e = tensor.expand_shape %x [[0, 1], [2]] output_shape [%b, %t, 64]
        : tensor<?x64xf32> into tensor<?x?x64xf32>
    // becomes
    %shape = tensor.from_elements %b, %t, %c64 : tensor<3xindex>
    %e = tensor.reshape %x(%shape)
        : (tensor<?x64xf32>, tensor<3xindex>) -> tensor<?x?x64xf32>
    ```
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::tensor::TensorDialect"];
}

def FlattenGlobalsPass : Pass<"mocc-flatten-globals", "mlir::ModuleOp"> {
  let summary = "Stores every constant buffer as a one-dimensional global";
  let description = [{
    Rewrites each multi-dimensional `memref.global` into a one-dimensional
    one and each `memref.get_global` of it into a `memref.expand_shape` of the
    flat buffer. Weights then translate to one flat LLVM constant each rather
    than one small constant per innermost row, which keeps compile time
    linear in the size of the weights. Weight blobs are shared, not copied.

    ```mlir
    memref.global "private" constant @w : memref<2x3xf32> = dense<...>
    // becomes
    memref.global "private" constant @w : memref<6xf32> = dense<...>
    ```
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def ResultsToOutParamsPass : Pass<"mocc-results-to-out-params", "mlir::ModuleOp"> {
  let summary = "Turns the entry's static results into out-parameters";
  let description = [{
    After bufferization: each result of the entry function with a static
    shape becomes an argument appended after the inputs, which the function
    copies its result into (`mocc-plan-arena` then computes it there); the
    runtime allocates those buffers once. A result with a dynamic shape stays
    a result: its size is known only when the model runs, so the function
    returns a heap buffer of its own (copying into a fresh one a result that
    is a view, an input or returned twice) and the runtime adopts it.

    ```mlir
    func.func @main_graph(%x: memref<?x4xf32>) -> (memref<?x4xf32>, memref<4xf32>)
    // becomes
    func.func @main_graph(%x: memref<?x4xf32>, %out1: memref<4xf32>) -> memref<?x4xf32>
    ```
  }];
  let options = [
    Option<"entryName", "entry", "std::string", "\"main_graph\"",
           "Name of the model's entry function">,
  ];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def PlanArenaPass : Pass<"mocc-plan-arena", "mlir::ModuleOp"> {
  let summary = "Places every intermediate buffer in one static arena";
  let description = [{
    After bufferization, replaces each `memref.alloc` of the entry function
    by a `memref.view` into an arena passed as the function's last argument
    (`memref<?xi8>`), and records the arena's size in bytes as the module
    attribute `mocc.arena_bytes`. A model instance allocates its arena once,
    so running a model allocates nothing. Buffers whose lifetimes do not
    overlap share arena space (greedy by size over liveness intervals of the
    straight-line entry block). An elementwise op writes into an input
    buffer that dies with it, and the per-tile buffers of fused kernels move
    out of their loops first, except those of a parallel loop (`scf.forall`):
    each thread needs its own, so they become stack allocations at the start
    of the loop's body (at most 128 KiB of them; a loop that needs more
    becomes sequential, an `scf.for` nest, and its buffers move out). A buffer of dynamic size stays a heap
    allocation and is freed after its last use (unless the entry returns
    it: the runtime adopts those). The peak of simultaneously live bytes and the
    sum of all buffer sizes are recorded as `mocc.arena_lower_bound_bytes`
    and `mocc.naive_bytes`.

    ```mlir
    %0 = memref.alloc() : memref<4xf32>
    // becomes
    %0 = memref.view %arena[%c64][] : memref<?xi8> to memref<4xf32>
    ```
  }];
  let options = [
    Option<"entryName", "entry", "std::string", "\"main_graph\"",
           "Name of the function whose buffers are planned">,
    Option<"alignment", "alignment", "int64_t", "64",
           "Alignment of every buffer in the arena, in bytes">,
    Option<"reuse", "reuse", "bool", "true",
           "Share memory between buffers (by liveness, and elementwise ops "
           "in place); without it each buffer has its own (-O0)">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def SelectKernelsPass : Pass<"mocc-select-kernels", "mlir::func::FuncOp"> {
  let summary = "Maps matrix products with constant weights onto the GEMM microkernel";
  let description = [{
    On linalg ops on tensors, before fusion: an f32 matrix product of static
    shape whose right operand is a constant (`linalg.matmul`, a contraction
    generic with the weight in either order, a 1x1 channels-last convolution
    of stride 1) becomes the same product of the weight packed at compile
    time into the microkernel's panels of `panel-width` columns,
    `packed[n / NR][k][n % NR]` (zero-padded), marked with the kernel's
    `library_call`. Its semantics are unchanged, so without a kernel it is
    still a loop nest; mocc-call-kernels turns it into a call.

    ```mlir
    %c = linalg.matmul ins(%a, %w : tensor<128x768xf32>, tensor<768x768xf32>) outs(%z : ...)
    // becomes, with panel-width=16
    %c = linalg.generic {indexing_maps = [(m, n, k) -> (m, k),
                                          (m, n, k) -> (n floordiv 16, k, n mod 16),
                                          (m, n, k) -> (m, n)],
                         library_call = "mocc_sgemm_f32", ...}
        ins(%a, %packed : tensor<128x768xf32>, tensor<48x768x16xf32>) outs(%z : ...)
    ```
  }];
  let options = [
    Option<"panelWidth", "panel-width", "int64_t", "0",
           "columns of a packed weight panel (the kernel's NR); 0 selects nothing">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect"];
}

def RecordStatsPass : Pass<"mocc-record-stats", "mlir::ModuleOp"> {
  let summary = "Records the kernel count and weight size of a model";
  let description = [{
    On the bufferized model, before loops are made: counts the ops of the
    entry function that each become one loop nest (linalg ops, loops of fused
    kernels, copies) and sums the sizes of the constant globals, as the
    module attributes `mocc.kernels` and `mocc.weights_bytes`.
  }];
  let options = [
    Option<"entryName", "entry", "std::string", "\"main_graph\"",
           "Name of the model's entry function">,
  ];
}

def ProfileKernelsPass : Pass<"mocc-profile-kernels", "mlir::ModuleOp"> {
  let summary = "Times each kernel of the entry at run time (mocc --profile)";
  let description = [{
    On the bufferized model, where RecordStats counts the kernels: brackets
    each kernel of the entry function with calls of the runtime's
    `mocc_profile_begin(id)` and `mocc_profile_end(id)` (i32 ids from 0, in
    program order) and records, per id, the ONNX nodes the kernel computes
    ("name (Op) + ...", from its location) and its FLOP count (2 per
    multiply-add of a contraction with static sizes, else 0) as the module
    attributes `mocc.profile_names` and `mocc.profile_flops`, which the
    target puts in the model's description for the runtime.
  }];
  let options = [
    Option<"entryName", "entry", "std::string", "\"main_graph\"",
           "Name of the model's entry function">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect"];
}

def ParallelLoopsPass : Pass<"mocc-parallel-loops", "mlir::ModuleOp"> {
  let summary = "Outlines the entry's parallel loops for the thread pool";
  let description = [{
    Replaces each `scf.forall` of the entry function (a kernel that
    mocc-fuse-kernels tiled) by a call of a new private function that runs
    a range of its iterations, `(begin, end, captures...)`, called over all
    of them. Iterations of a multi-dimensional loop are numbered in row
    major order. The loop's stack buffers (mocc-plan-arena puts them at the
    start of its body) are made once per call. A call whose loop computes
    enough elements to pay for a dispatch is marked `mocc.parallel_for`:
    mocc-lower-parallel-calls hands it to the thread pool.

    ```mlir
    scf.forall (%i) in (56) { ... }
    // becomes
    call @main_graph_loop(%c0, %c56, %in, %out) {mocc.parallel_for} : ...
    ```
  }];
  let options = [
    Option<"entryName", "entry", "std::string", "\"main_graph\"",
           "Name of the model's entry function">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect",
                           "mlir::LLVM::LLVMDialect",
                           "mlir::scf::SCFDialect"];
}

def LowerParallelCallsPass : Pass<"mocc-lower-parallel-calls", "mlir::ModuleOp"> {
  let summary = "Runs marked calls of outlined loops on the thread pool";
  let description = [{
    On the LLVM dialect: each call marked `mocc.parallel_for`,
    `@loop(0, count, captures...)`, stores its captures in a closure on the
    caller's stack and becomes `mocc_parallel_for(pool, count, @loop_chunk,
    closure)`, the pool being the caller's argument marked
    `mocc.thread_pool`; the new `@loop_chunk(closure, begin, end)` loads the
    captures and calls `@loop(begin, end, captures...)`.
  }];
}

#endif // MOCC_TRANSFORMS_PASSES_TD
