// RUN: mocc-opt %s --split-input-file --mocc-vectorizable-loops --canonicalize | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// A sum along rows: the innermost loop carries the accumulator in a
// register, loaded before it and stored after it, and the addition may be
// reassociated.
// CHECK-LABEL: func.func @row_sum
// CHECK: scf.for %[[I:.+]] =
// CHECK:   %[[INIT:.+]] = memref.load %{{.+}}[%[[I]]]
// CHECK:   %[[SUM:.+]] = scf.for %[[J:.+]] = {{.+}} iter_args(%[[ACC:.+]] = %[[INIT]]) -> (f32)
// CHECK:     %[[X:.+]] = memref.load %{{.+}}[%[[I]], %[[J]]]
// CHECK:     %[[NEXT:.+]] = arith.addf %[[X]], %[[ACC]] fastmath<reassoc>
// CHECK:     scf.yield %[[NEXT]]
// CHECK:   memref.store %[[SUM]], %{{.+}}[%[[I]]]
// CHECK-NOT: linalg.
func.func @row_sum(%x: memref<4x64xf32>, %y: memref<4xf32>) {
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<4x64xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#out = affine_map<(h, w, c, kh, kw) -> (h, w, c)>
#win = affine_map<(h, w, c, kh, kw) -> (kh, kw)>

// A padded pooling reads its input by loads in the body (zero outside), and
// its window operand only gives the window's loops: the output's contiguous
// channels become the innermost loop.
// CHECK-LABEL: func.func @padded_max_pool
// CHECK: scf.for %[[H:[a-z0-9]+]] =
// CHECK: scf.for %[[W:[a-z0-9]+]] =
// CHECK: scf.for %[[KH:[a-z0-9]+]] =
// CHECK: scf.for %[[KW:[a-z0-9]+]] =
// CHECK: scf.for %[[C:[a-z0-9]+]] =
// CHECK-NOT: iter_args
// CHECK:   memref.load %{{.+}}[%{{.+}}, %{{.+}}, %[[C]]] : memref<6x6x16xf32>
// CHECK:   arith.maximumf {{.*}} fastmath<reassoc>
// CHECK:   memref.store %{{.+}}, %{{.+}}[%[[H]], %[[W]], %[[C]]]
func.func @padded_max_pool(%x: memref<6x6x16xf32>, %window: memref<3x3xf32>, %y: memref<3x3x16xf32>) {
  %c6 = arith.constant 6 : index
  %low = arith.constant 0xFF800000 : f32
  linalg.generic {indexing_maps = [#win, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%window : memref<3x3xf32>) outs(%y : memref<3x3x16xf32>) {
  ^bb0(%unused: f32, %acc: f32):
    %h = linalg.index 0 : index
    %w = linalg.index 1 : index
    %c = linalg.index 2 : index
    %kh = linalg.index 3 : index
    %kw = linalg.index 4 : index
    %iy = affine.apply affine_map<(a, b) -> (a * 2 + b - 1)>(%h, %kh)
    %ix = affine.apply affine_map<(a, b) -> (a * 2 + b - 1)>(%w, %kw)
    %iny = arith.cmpi ult, %iy, %c6 : index
    %inx = arith.cmpi ult, %ix, %c6 : index
    %in = arith.andi %iny, %inx : i1
    %v = scf.if %in -> f32 {
      %l = memref.load %x[%iy, %ix, %c] : memref<6x6x16xf32>
      scf.yield %l : f32
    } else {
      scf.yield %low : f32
    }
    %m = arith.maximumf %acc, %v : f32
    linalg.yield %m : f32
  }
  return
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// Softmax's last step: the row's maximum and sum do not change along the
// row and are loaded once per row; the innermost loop reads and writes only
// what it indexes.
// CHECK-LABEL: func.func @normalize_rows
// CHECK: scf.for %[[I:.+]] =
// CHECK:   %[[MAX:.+]] = memref.load %{{.+}}[%[[I]]]
// CHECK:   %[[SUM:.+]] = memref.load %{{.+}}[%[[I]]]
// CHECK:   scf.for %[[J:.+]] =
// CHECK-NOT: memref.load %{{.+}}[%[[I]]] :
// CHECK:     %[[X:.+]] = memref.load %{{.+}}[%[[I]], %[[J]]]
// CHECK:     %[[D:.+]] = arith.subf %[[X]], %[[MAX]]
// CHECK:     %[[Q:.+]] = arith.divf %[[D]], %[[SUM]]
// CHECK:     memref.store %[[Q]], %{{.+}}[%[[I]], %[[J]]]
func.func @normalize_rows(%x: memref<4x64xf32>, %max: memref<4xf32>, %sum: memref<4xf32>, %y: memref<4x64xf32>) {
  linalg.generic {indexing_maps = [#id, #row, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %max, %sum : memref<4x64xf32>, memref<4xf32>, memref<4xf32>) outs(%y : memref<4x64xf32>) {
  ^bb0(%in: f32, %m: f32, %s: f32, %out: f32):
    %d = arith.subf %in, %m : f32
    %q = arith.divf %d, %s : f32
    linalg.yield %q : f32
  }
  return
}

// -----

// Channels-last max pooling: the channels, contiguous in input and output,
// become the innermost loop, inside the window's; no accumulator is carried.
// CHECK-LABEL: func.func @max_pool_nhwc
// CHECK: %[[N:.+]] = arith.constant 0 : index
// CHECK: scf.for %[[H:[a-z0-9]+]] =
// CHECK: scf.for %[[W:[a-z0-9]+]] =
// CHECK: scf.for %[[KH:[a-z0-9]+]] =
// CHECK: scf.for %[[KW:[a-z0-9]+]] =
// CHECK: scf.for %[[C:[a-z0-9]+]] =
// CHECK-NOT: iter_args
// CHECK:   %[[X:.+]] = memref.load %{{.+}}[%[[N]], %{{.+}}, %{{.+}}, %[[C]]]
// CHECK:   %[[ACC:.+]] = memref.load %{{.+}}[%[[N]], %[[H]], %[[W]], %[[C]]]
// CHECK:   %[[M:.+]] = arith.maximumf %[[ACC]], %[[X]]
// CHECK:   memref.store %[[M]], %{{.+}}[%[[N]], %[[H]], %[[W]], %[[C]]]
func.func @max_pool_nhwc(%x: memref<1x8x8x16xf32>, %window: memref<3x3xf32>, %y: memref<1x3x3x16xf32>) {
  linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %window : memref<1x8x8x16xf32>, memref<3x3xf32>) outs(%y : memref<1x3x3x16xf32>)
  return
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// linalg.map has no block argument for its output: left for
// linalg-convert-to-loops.
// CHECK-LABEL: func.func @map_left_alone
// CHECK: linalg.map
func.func @map_left_alone(%x: memref<4x8xf32>, %y: memref<4x8xf32>) {
  linalg.map { math.absf } ins(%x : memref<4x8xf32>) outs(%y : memref<4x8xf32>)
  return
}
