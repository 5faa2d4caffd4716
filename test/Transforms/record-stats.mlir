// RUN: mocc-opt %s --mocc-record-stats | FileCheck %s

// Kernels are the ops of the entry function that become a loop nest each:
// the linalg op, the loop and the copy; not the views. Weights are the
// constant globals: 16 f32 and 3 i8 values.
// CHECK: module attributes {mocc.kernels = 3 : i64, mocc.weights_bytes = 67 : i64}
#id = affine_map<(d0) -> (d0)>
module {
  memref.global "private" constant @w : memref<16xf32> = dense<1.0>
  memref.global "private" constant @v : memref<3xi8> = dense<1>
  memref.global "private" @state : memref<1024xf32> = uninitialized
  func.func @main_graph(%x: memref<16xf32>, %y: memref<16xf32>, %z: memref<4x4xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %w = memref.get_global @w : memref<16xf32>
    linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
        ins(%x, %w : memref<16xf32>, memref<16xf32>) outs(%y : memref<16xf32>) {
    ^bb0(%a: f32, %b: f32, %out: f32):
      %s = arith.addf %a, %b : f32
      linalg.yield %s : f32
    }
    %view = memref.expand_shape %y [[0, 1]] output_shape [4, 4] : memref<16xf32> into memref<4x4xf32>
    scf.for %i = %c0 to %c4 step %c1 {
      %row = memref.subview %view[%i, 0] [1, 4] [1, 1] : memref<4x4xf32> to memref<4xf32, strided<[1], offset: ?>>
      %out = memref.subview %z[%i, 0] [1, 4] [1, 1] : memref<4x4xf32> to memref<4xf32, strided<[1], offset: ?>>
      memref.copy %row, %out : memref<4xf32, strided<[1], offset: ?>> to memref<4xf32, strided<[1], offset: ?>>
    }
    memref.copy %view, %z : memref<4x4xf32> to memref<4x4xf32>
    return
  }
}
