// RUN: mocc-opt %s --split-input-file --mocc-gpu-map-kernels --gpu-kernel-outlining --mocc-gpu-serialize-ptx="chip=sm_90" | FileCheck %s

// A tiled product of two arena buffers at 16-byte aligned offsets: the
// kernel's pointers are marked aligned, so each thread's four staged
// neighbours of either operand are one vector load.
// CHECK: gpu.module @main_graph_kernel
// CHECK-SAME: ld.global.v4.f32{{.*}}ld.global.v4.f32
func.func @main_graph(%arena: memref<?xi8>) {
  %c0 = arith.constant 0 : index
  %c24576 = arith.constant 24576 : index
  %c73728 = arith.constant 73728 : index
  %a = memref.view %arena[%c0][] : memref<?xi8> to memref<64x96xf32>
  %b = memref.view %arena[%c24576][] : memref<?xi8> to memref<96x128xf32>
  %c = memref.view %arena[%c73728][] : memref<?xi8> to memref<64x128xf32>
  linalg.matmul ins(%a, %b : memref<64x96xf32>, memref<96x128xf32>) outs(%c : memref<64x128xf32>)
  return
}

// -----

// The same product with its operands 4 and 8 bytes past 16-byte alignment:
// nothing is known of their pointers, and the loads stay scalar.
// CHECK: gpu.module @main_graph_kernel attributes {mocc.binary = "{{([^v"]|v[^4"])*}}ld.global.f32{{([^v"]|v[^4"])*}}"}
func.func @main_graph(%arena: memref<?xi8>) {
  %c4 = arith.constant 4 : index
  %c24584 = arith.constant 24584 : index
  %c73728 = arith.constant 73728 : index
  %a = memref.view %arena[%c4][] : memref<?xi8> to memref<64x96xf32>
  %b = memref.view %arena[%c24584][] : memref<?xi8> to memref<96x128xf32>
  %c = memref.view %arena[%c73728][] : memref<?xi8> to memref<64x128xf32>
  linalg.matmul ins(%a, %b : memref<64x96xf32>, memref<96x128xf32>) outs(%c : memref<64x128xf32>)
  return
}
