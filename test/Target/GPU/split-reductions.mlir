// RUN: mocc-opt %s --split-input-file --mocc-gpu-split-reductions | FileCheck %s

// The rows of a 2 x 65536 sum: 64 chunks of 1024 a row, the chunks a new
// innermost dimension of a temporary started at the sum's identity, then
// each row's 64 partial sums into the original output.
// CHECK-LABEL: func.func @row_sum
// CHECK-SAME: (%[[X:.*]]: tensor<2x65536xf32>, %[[INIT:.*]]: tensor<2xf32>)
// CHECK: %[[CHUNKS:.*]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2]] output_shape [2, 64, 1024]
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[PARTIAL_INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<2x64xf32>)
// CHECK: %[[PARTIAL:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[CHUNKS]] : tensor<2x64x1024xf32>) outs(%[[PARTIAL_INIT]] : tensor<2x64xf32>)
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[PARTIAL]] : tensor<2x64xf32>) outs(%[[INIT]] : tensor<2xf32>)
// CHECK: arith.addf
#sum = {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
func.func @row_sum(%x: tensor<2x65536xf32>, %init: tensor<2xf32>) -> tensor<2xf32> {
  %r = linalg.generic #sum ins(%x : tensor<2x65536xf32>) outs(%init : tensor<2xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

// Whole: rows of 4096 make fewer than 8 chunks of 1024; 512 rows leave room
// for only 2 chunks a row within 1024 points.
// CHECK-LABEL: func.func @short_rows
// CHECK: linalg.generic
// CHECK-NOT: linalg.generic
// CHECK-LABEL: func.func @many_rows
// CHECK: linalg.generic
// CHECK-NOT: linalg.generic
#sum = {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
func.func @short_rows(%x: tensor<2x4096xf32>, %init: tensor<2xf32>) -> tensor<2xf32> {
  %r = linalg.generic #sum ins(%x : tensor<2x4096xf32>) outs(%init : tensor<2xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.maximumf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<2xf32>
  return %r : tensor<2xf32>
}
func.func @many_rows(%x: tensor<512x65536xf32>, %init: tensor<512xf32>) -> tensor<512xf32> {
  %r = linalg.generic #sum ins(%x : tensor<512x65536xf32>) outs(%init : tensor<512xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<512xf32>
  return %r : tensor<512xf32>
}

// -----

// Whole: a body that reads its indices (the split would renumber them) and
// a pooling window (an input indexed by a sum of dimensions).
// CHECK-LABEL: func.func @indexed
// CHECK: linalg.generic
// CHECK-NOT: linalg.generic
// CHECK-LABEL: func.func @window
// CHECK-NOT: tensor.expand_shape
// CHECK: linalg.pooling_ncw_max
func.func @indexed(%x: tensor<2x65536xf32>, %init: tensor<2xf32>) -> tensor<2xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<2x65536xf32>) outs(%init : tensor<2xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %i = linalg.index 1 : index
    %n = arith.index_cast %i : index to i32
    %f = arith.sitofp %n : i32 to f32
    %p = arith.mulf %a, %f : f32
    %s = arith.addf %p, %acc : f32
    linalg.yield %s : f32
  } -> tensor<2xf32>
  return %r : tensor<2xf32>
}
func.func @window(%x: tensor<1x8x8192xf32>, %w: tensor<8192xf32>, %init: tensor<1x8x1xf32>) -> tensor<1x8x1xf32> {
  %r = linalg.pooling_ncw_max {dilations = dense<1> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>}
      ins(%x, %w : tensor<1x8x8192xf32>, tensor<8192xf32>) outs(%init : tensor<1x8x1xf32>) -> tensor<1x8x1xf32>
  return %r : tensor<1x8x1xf32>
}
