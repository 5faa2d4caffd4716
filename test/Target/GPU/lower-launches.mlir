// RUN: mocc-opt %s --split-input-file --mocc-gpu-map-kernels --gpu-kernel-outlining --mocc-gpu-serialize-spirv --mocc-gpu-lower-launches | FileCheck %s
// RUN: mocc-opt %s --split-input-file --mocc-gpu-map-kernels --gpu-kernel-outlining --mocc-gpu-serialize-ptx="chip=sm_90" --mocc-gpu-lower-launches="api=2" | FileCheck %s --check-prefix=PTX

// The kernel's binary becomes a global, listed in the kernel table with its
// entry point, buffer count and workgroup size; the launch becomes a bind
// per buffer (the input read, the weight read and constant, the arena view
// written, at its byte shift) and a dispatch, through the instance's GPU,
// a new last argument.
// CHECK: module attributes {
// CHECK-SAME: mocc.gpu_kernel_table = {api = 1 : i32, kernels = [{binary = "mocc_gpu_binary_main_graph_kernel", block_size = 256 : i64, buffers = 3 : i64, name = "main_graph_kernel"}]}
// CHECK-SAME: mocc.gpu_transfers = 2 : i64
// CHECK-NOT: gpu.module
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: %[[ARENA:[^:]*]]: memref<?xi8>, %{{.*}}: !llvm.ptr {mocc.thread_pool}, %[[GPU:.*]]: !llvm.ptr)
// CHECK: %[[X:.*]] = memref.extract_aligned_pointer_as_index %arg0
// CHECK: call @mocc_gpu_bind(%[[GPU]], %c0_i64, %{{.*}}, %c64_i64, %c1_i64)
// CHECK: %[[W:.*]] = memref.extract_aligned_pointer_as_index %{{.*}} : memref<16xf32>
// CHECK: call @mocc_gpu_bind(%[[GPU]], %c1_i64{{.*}}, %{{.*}}, %c64_i64{{.*}}, %c5_i64)
// CHECK: %[[BASE:.*]] = memref.extract_aligned_pointer_as_index %[[ARENA]]
// CHECK: %[[SHIFTED:.*]] = arith.addi %[[BASE]], %c128
// CHECK: %[[Y:.*]] = arith.index_castui %[[SHIFTED]]
// CHECK: %[[YPTR:.*]] = llvm.inttoptr %[[Y]]
// CHECK: call @mocc_gpu_bind(%[[GPU]], %c2_i64, %[[YPTR]], %c64_i64{{.*}}, %c3_i64)
// CHECK: call @mocc_gpu_dispatch(%[[GPU]], %c0_i64{{.*}}, %{{.*}}, %{{.*}}, %{{.*}})
// The host waits for the batch before it returns.
// CHECK-NEXT: call @mocc_gpu_sync(%[[GPU]])
// CHECK-NEXT: return
// The SPIR-V magic number, little-endian.
// CHECK: llvm.mlir.global internal constant @mocc_gpu_binary_main_graph_kernel("\03\02#\07
// CHECK: func.func private @mocc_gpu_bind(!llvm.ptr, i64, !llvm.ptr, i64, i64)
// CHECK: func.func private @mocc_gpu_dispatch(!llvm.ptr, i64, i64, i64, i64)
// CHECK: func.func private @mocc_gpu_sync(!llvm.ptr)

// PTX: mocc.gpu_kernel_table = {api = 2 : i32
// PTX: llvm.mlir.global internal constant @mocc_gpu_binary_main_graph_kernel("{{.*}}.target sm_90{{.*}}.visible .entry main_graph_kernel({{.*}}.param .u64 main_graph_kernel_param_0,{{.*}}.maxntid 256, 1, 1{{.*}}\00")
#id = affine_map<(d0) -> (d0)>
memref.global "private" constant @weight : memref<16xf32> = dense<2.0>
func.func @main_graph(%x: memref<16xf32>, %arena: memref<?xi8>, %pool: !llvm.ptr {mocc.thread_pool}) {
  %w = memref.get_global @weight : memref<16xf32>
  %c128 = arith.constant 128 : index
  %y = memref.view %arena[%c128][] : memref<?xi8> to memref<16xf32>
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%x, %w : memref<16xf32>, memref<16xf32>) outs(%y : memref<16xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Kernels between two host accesses to memory run as one batch: no sync
// between the two dispatches, one before the CPU's call, one before return.
// CHECK-LABEL: func.func @main_graph
// CHECK: call @mocc_gpu_dispatch
// CHECK-NOT: call @mocc_gpu_sync
// CHECK: call @mocc_gpu_dispatch
// CHECK-NEXT: call @mocc_gpu_sync
// CHECK-NEXT: call @cpuKernel
// CHECK: call @mocc_gpu_dispatch
// CHECK-NEXT: call @mocc_gpu_sync
// CHECK-NEXT: return
#id = affine_map<(d0) -> (d0)>
func.func private @cpuKernel(memref<16xf32>)
func.func @main_graph(%x: memref<16xf32>, %y: memref<16xf32>, %arena: memref<?xi8>, %pool: !llvm.ptr {mocc.thread_pool}) {
  %c0 = arith.constant 0 : index
  %t = memref.view %arena[%c0][] : memref<?xi8> to memref<16xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<16xf32>) outs(%t : memref<16xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%t : memref<16xf32>) outs(%y : memref<16xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.addf %a, %a : f32
    linalg.yield %r : f32
  }
  call @cpuKernel(%y) : (memref<16xf32>) -> ()
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%y : memref<16xf32>) outs(%t : memref<16xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.mulf %a, %a : f32
    linalg.yield %r : f32
  }
  return
}
