// RUN: mocc-opt %s --split-input-file --mocc-fold-transposes | FileCheck %s

// The consumer reads the untransposed tensor through a permuted map: k is
// [seq, heads, dim] and the batch matmul reads it as [heads, dim, seq].
// CHECK-DAG: #[[Q:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[K:.+]] = affine_map<(d0, d1, d2, d3) -> (d2, d0, d3)>
// CHECK-DAG: #[[S:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @into_consumer
// CHECK-SAME: (%[[QV:.+]]: tensor<4x8x16xf32>, %[[KV:.+]]: tensor<8x4x16xf32>
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {indexing_maps = [#[[Q]], #[[K]], #[[S]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[QV]], %[[KV]] : tensor<4x8x16xf32>, tensor<8x4x16xf32>)
func.func @into_consumer(%q: tensor<4x8x16xf32>, %k: tensor<8x4x16xf32>, %z: tensor<4x8x8xf32>) -> tensor<4x8x8xf32> {
  %e = tensor.empty() : tensor<4x16x8xf32>
  %t = linalg.transpose ins(%k : tensor<8x4x16xf32>) outs(%e : tensor<4x16x8xf32>) permutation = [1, 2, 0]
  %s = linalg.batch_matmul ins(%q, %t : tensor<4x8x16xf32>, tensor<4x16x8xf32>) outs(%z : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  return %s : tensor<4x8x8xf32>
}

// -----

// Read by a reshape, the transpose goes into its producer instead, which
// writes [seq, heads, dim] directly into a zero-filled tensor of that shape.
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, d2)>
// CHECK-LABEL: func.func @into_producer
// CHECK-NOT: linalg.transpose
// CHECK: %[[E:.+]] = tensor.empty() : tensor<8x4x16xf32>
// CHECK: %[[Z:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[E]] : tensor<8x4x16xf32>)
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#{{.+}}, #{{.+}}, #[[OUT]]]
// CHECK-SAME: outs(%[[Z]] : tensor<8x4x16xf32>)
// CHECK: tensor.collapse_shape %[[R]]
func.func @into_producer(%p: tensor<4x8x8xf32>, %v: tensor<4x8x16xf32>) -> tensor<8x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8x16xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8x16xf32>) -> tensor<4x8x16xf32>
  %a = linalg.batch_matmul ins(%p, %v : tensor<4x8x8xf32>, tensor<4x8x16xf32>) outs(%z : tensor<4x8x16xf32>) -> tensor<4x8x16xf32>
  %e2 = tensor.empty() : tensor<8x4x16xf32>
  %t = linalg.transpose ins(%a : tensor<4x8x16xf32>) outs(%e2 : tensor<8x4x16xf32>) permutation = [1, 0, 2]
  %r = tensor.collapse_shape %t [[0], [1, 2]] : tensor<8x4x16xf32> into tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}

// -----

// The same with a run-time number of heads and sequence length: the
// transposed init takes the sizes of the producer's, permuted.
// CHECK-LABEL: func.func @into_dynamic_producer
// CHECK-SAME: (%[[P:.+]]: tensor<?x?x?xf32>, %[[V:.+]]: tensor<?x?x16xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: %[[F:.+]] = linalg.fill
// CHECK: %[[HEADS:.+]] = tensor.dim %[[F]], %c0
// CHECK: %[[SEQ:.+]] = tensor.dim %[[F]], %c1
// CHECK: %[[E:.+]] = tensor.empty(%[[SEQ]], %[[HEADS]]) : tensor<?x?x16xf32>
// CHECK: %[[Z:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[E]] : tensor<?x?x16xf32>)
// CHECK: linalg.generic
// CHECK-SAME: outs(%[[Z]] : tensor<?x?x16xf32>)
func.func @into_dynamic_producer(%p: tensor<?x?x?xf32>, %v: tensor<?x?x16xf32>) -> tensor<?x?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %h = tensor.dim %p, %c0 : tensor<?x?x?xf32>
  %s = tensor.dim %p, %c1 : tensor<?x?x?xf32>
  %e = tensor.empty(%h, %s) : tensor<?x?x16xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  %a = linalg.batch_matmul ins(%p, %v : tensor<?x?x?xf32>, tensor<?x?x16xf32>) outs(%z : tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  %e2 = tensor.empty(%s, %h) : tensor<?x?x16xf32>
  %t = linalg.transpose ins(%a : tensor<?x?x16xf32>) outs(%e2 : tensor<?x?x16xf32>) permutation = [1, 0, 2]
  %r = tensor.collapse_shape %t [[0], [1, 2]] : tensor<?x?x16xf32> into tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

// -----

// A transpose of a function argument returned as is moves data: it stays.
// CHECK-LABEL: func.func @kept
// CHECK: linalg.transpose
func.func @kept(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %e = tensor.empty() : tensor<3x2xf32>
  %t = linalg.transpose ins(%x : tensor<2x3xf32>) outs(%e : tensor<3x2xf32>) permutation = [1, 0]
  return %t : tensor<3x2xf32>
}

// -----

// Element reads of a transpose (a padded convolution's window generic) read
// the untransposed tensor with permuted indices.
// CHECK-LABEL: func.func @into_extracts
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x4x5xf32>, %[[A:.+]]: index, %[[B:.+]]: index, %[[C:.+]]: index)
// CHECK-NOT: linalg.transpose
// CHECK: tensor.extract %[[X]][%{{.+}}, %[[C]], %[[A]], %[[B]]] : tensor<1x3x4x5xf32>
func.func @into_extracts(%x: tensor<1x3x4x5xf32>, %h: index, %w: index, %c: index) -> f32 {
  %c0 = arith.constant 0 : index
  %e = tensor.empty() : tensor<1x4x5x3xf32>
  %t = linalg.transpose ins(%x : tensor<1x3x4x5xf32>) outs(%e : tensor<1x4x5x3xf32>) permutation = [0, 2, 3, 1]
  %v = tensor.extract %t[%c0, %h, %w, %c] : tensor<1x4x5x3xf32>
  return %v : f32
}

// -----

// A named convolution's output stays channels-last for the convolution
// kernel; its transpose to NCHW stays.
// CHECK-LABEL: func.func @kept_convolution_output
// CHECK: linalg.conv_2d_nhwc_fhwc
// CHECK: linalg.transpose
func.func @kept_convolution_output(%x: tensor<1x8x8x4xf32>, %w: tensor<16x1x1x4xf32>) -> tensor<1x16x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x8x16xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  %c = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x8x8x4xf32>, tensor<16x1x1x4xf32>) outs(%z : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  %e2 = tensor.empty() : tensor<1x16x8x8xf32>
  %t = linalg.transpose ins(%c : tensor<1x8x8x16xf32>) outs(%e2 : tensor<1x16x8x8xf32>) permutation = [0, 3, 1, 2]
  return %t : tensor<1x16x8x8xf32>
}
