// RUN: mocc-opt %s --split-input-file --mocc-fuse-elementwise | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>

// Elementwise chains merge, but not into a marked product: the scaling of
// its input and the relu of its result stay ops of their own.
// CHECK-LABEL: func.func @around_a_kernel
// CHECK: %[[S:.+]] = linalg.generic
// CHECK-SAME: ins(%{{.+}} : tensor<4x8xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[P:.+]] = linalg.generic
// CHECK-SAME: library_call = "mocc_sgemm_f32"
// CHECK-SAME: ins(%[[S]], %{{.+}} : tensor<4x8xf32>, tensor<8x16xf32>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[P]] : tensor<4x16xf32>)
// CHECK: arith.maximumf
func.func @around_a_kernel(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %z: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %c2 = arith.constant 2.0 : f32
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %scaled = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %c2 : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
  %shifted = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%scaled : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %c2 : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %p = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"], library_call = "mocc_sgemm_f32"}
      ins(%shifted, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%z : tensor<4x16xf32>) {
  ^bb0(%in: f32, %in2: f32, %acc: f32):
    %m = arith.mulf %in, %in2 : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  %e2 = tensor.empty() : tensor<4x16xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%p : tensor<4x16xf32>) outs(%e2 : tensor<4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %c0 : f32
    linalg.yield %m : f32
  } -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
#vec = affine_map<(d0) -> (d0)>

// A squeeze-excitation's scale: the sigmoid of 16 channels, broadcast over
// 64 pixels. It stays an op of its own (16 exponentials, not 1024); a
// broadcast that computes nothing (the copy) still fuses.
// CHECK-LABEL: func.func @broadcast_computation
// CHECK: %[[G:.+]] = linalg.generic
// CHECK-SAME: ins(%{{.+}} : tensor<16xf32>) outs(%{{.+}} : tensor<16xf32>)
// CHECK: math.exp
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[G]], %{{.+}}, %{{.+}} : tensor<16xf32>, tensor<16xf32>, tensor<64x16xf32>)
// CHECK-NOT: math.exp
// CHECK: arith.mulf
// CHECK-NOT: linalg.generic
func.func @broadcast_computation(%s: tensor<16xf32>, %t: tensor<16xf32>, %x: tensor<64x16xf32>) -> tensor<64x16xf32> {
  %e = tensor.empty() : tensor<16xf32>
  %gate = linalg.generic {indexing_maps = [#vec, #vec], iterator_types = ["parallel"]}
      ins(%s : tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = math.exp %in : f32
    linalg.yield %n : f32
  } -> tensor<16xf32>
  %copy = linalg.generic {indexing_maps = [#vec, #vec], iterator_types = ["parallel"]}
      ins(%t : tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<16xf32>
  %e2 = tensor.empty() : tensor<64x16xf32>
  %y = linalg.generic {indexing_maps = [#row, #row, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%gate, %copy, %x : tensor<16xf32>, tensor<16xf32>, tensor<64x16xf32>) outs(%e2 : tensor<64x16xf32>) {
  ^bb0(%g: f32, %c: f32, %in: f32, %out: f32):
    %m = arith.mulf %g, %in : f32
    %a = arith.addf %m, %c : f32
    linalg.yield %a : f32
  } -> tensor<64x16xf32>
  return %y : tensor<64x16xf32>
}
