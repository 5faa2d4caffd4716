// RUN: mocc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(mocc-select-kernels{panel-width=2}))' | FileCheck %s

// A matmul by a constant [k][n] weight reads it packed in panels of two
// columns, the odd last panel padded with zeros.
// CHECK-LABEL: func.func @matmul
// CHECK: %[[P:.+]] = arith.constant dense_resource<[[BLOB:packed_weights[_0-9]*]]> : tensor<2x2x2xf32>
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [#{{.+}}, #[[PANEL:.+]], #{{.+}}]
// CHECK-SAME: library_call = "mocc_sgemm_f32"
// CHECK-SAME: ins(%{{.+}}, %[[P]] : tensor<5x2xf32>, tensor<2x2x2xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NOT: linalg.matmul
// Panels [[1, 2], [4, 5]] and [[3, 0], [6, 0]] (after the blob's alignment).
// CHECK: [[BLOB]]: "0x040000000000803F00000040000080400000A04000004040000000000000C04000000000"
func.func @matmul(%a: tensor<5x2xf32>, %z: tensor<5x3xf32>) -> tensor<5x3xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %c = linalg.matmul ins(%a, %w : tensor<5x2xf32>, tensor<2x3xf32>) outs(%z : tensor<5x3xf32>) -> tensor<5x3xf32>
  return %c : tensor<5x3xf32>
}

// -----

// Rows known only at run time (a sequence of any length) take the same
// kernel: k and n are the constant's. A product that starts from a
// non-zero accumulator starts from zeros of the run's shape and adds it
// after.
// CHECK-LABEL: func.func @matmul_dynamic_rows
// CHECK-SAME: (%[[A:.+]]: tensor<?x2xf32>, %[[Z:.+]]: tensor<?x3xf32>)
// CHECK: %[[ROWS:.+]] = tensor.dim %[[Z]], %c0
// CHECK: %[[E:.+]] = tensor.empty(%[[ROWS]]) : tensor<?x3xf32>
// CHECK: %[[ZEROS:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[E]] : tensor<?x3xf32>)
// CHECK: %[[P:.+]] = linalg.generic
// CHECK-SAME: library_call = "mocc_sgemm_f32"
// CHECK-SAME: ins(%[[A]], %{{.+}} : tensor<?x2xf32>, tensor<2x2x2xf32>) outs(%[[ZEROS]] : tensor<?x3xf32>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[P]], %[[Z]] : tensor<?x3xf32>, tensor<?x3xf32>)
func.func @matmul_dynamic_rows(%a: tensor<?x2xf32>, %z: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %c = linalg.matmul ins(%a, %w : tensor<?x2xf32>, tensor<2x3xf32>) outs(%z : tensor<?x3xf32>) -> tensor<?x3xf32>
  return %c : tensor<?x3xf32>
}

// -----

// A weight read transposed ([n][k], Gemm's transB) packs to the same panels.
// CHECK-LABEL: func.func @matmul_transposed_weight
// CHECK: arith.constant dense_resource<[[BLOB:packed_weights[_0-9]*]]> : tensor<2x2x2xf32>
// CHECK: library_call = "mocc_sgemm_f32"
// CHECK: [[BLOB]]: "0x040000000000803F00000040000080400000A04000004040000000000000C04000000000"
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @matmul_transposed_weight(%a: tensor<5x2xf32>, %z: tensor<5x3xf32>) -> tensor<5x3xf32> {
  %w = arith.constant dense<[[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]> : tensor<3x2xf32>
  %c = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<5x2xf32>, tensor<3x2xf32>) outs(%z : tensor<5x3xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<5x3xf32>
  return %c : tensor<5x3xf32>
}

// -----

// A 1x1 channels-last convolution of stride 1 is a product whose rows are
// the pixels: the input is read as it is, rows (n, h, w) and k its channels.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[W:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d3 floordiv 2, d4, d3 mod 2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// The kernel writes its product into zeros; the accumulator it started
// from (a bias, here the argument) is added after it.
// CHECK-LABEL: func.func @pointwise_conv
// CHECK-SAME: (%{{.+}}: tensor<1x4x4x3xf32>, %[[Z:.+]]: tensor<1x4x4x4xf32>)
// CHECK: %[[ZEROS:.+]] = linalg.fill
// CHECK: %[[P:.+]] = linalg.generic {indexing_maps = [#[[IN]], #[[W]], #[[OUT]]]
// CHECK-SAME: library_call = "mocc_sgemm_f32"
// CHECK-SAME: ins(%{{.+}}, %{{.+}} : tensor<1x4x4x3xf32>, tensor<2x3x2xf32>) outs(%[[ZEROS]] : tensor<1x4x4x4xf32>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[P]], %[[Z]] : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>)
// CHECK: arith.addf
func.func @pointwise_conv(%x: tensor<1x4x4x3xf32>, %z: tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> {
  %w = arith.constant dense<1.0> : tensor<4x1x1x3xf32>
  %c = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x4x4x3xf32>, tensor<4x1x1x3xf32>) outs(%z : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %c : tensor<1x4x4x4xf32>
}

// -----

// A weight known only at run time is not packed: the product stays.
// CHECK-LABEL: func.func @not_selected
// CHECK-NOT: library_call
// CHECK: linalg.matmul
func.func @not_selected(%a: tensor<5x2xf32>, %w: tensor<2x3xf32>, %z: tensor<5x3xf32>) -> tensor<5x3xf32> {
  %c = linalg.matmul ins(%a, %w : tensor<5x2xf32>, tensor<2x3xf32>) outs(%z : tensor<5x3xf32>) -> tensor<5x3xf32>
  return %c : tensor<5x3xf32>
}

// -----

// Any other channels-last convolution is the product of its input's windows
// by the weight [F][KH*KW*C], packed the same way ([panels][KH][KW][C][NR],
// so that every loop is a dimension of an operand); the loops stay the
// convolution's, and the input is read through its windows.
// CHECK-DAG: #[[WIN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 * 2 + d4, d2 * 2 + d5, d6)>
// CHECK-DAG: #[[PANEL:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d3 floordiv 2, d4, d5, d6, d3 mod 2)>
// CHECK-LABEL: func.func @conv_3x3_stride_2
// CHECK: linalg.generic {indexing_maps = [#[[WIN]], #[[PANEL]], #{{.+}}]
// CHECK-SAME: library_call = "mocc_sconv2d_nhwc_f32"
// CHECK-SAME: ins(%{{.+}}, %{{.+}} : tensor<1x9x9x3xf32>, tensor<2x3x3x3x2xf32>)
func.func @conv_3x3_stride_2(%x: tensor<1x9x9x3xf32>) -> tensor<1x4x4x4xf32> {
  %w = arith.constant dense<0.5> : tensor<4x3x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %c = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %w : tensor<1x9x9x3xf32>, tensor<4x3x3x3xf32>) outs(%z : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %c : tensor<1x4x4x4xf32>
}

// -----

// A product of two activations per batch (attention's QK^T, here with K
// read transposed) is marked as it is, over loops (b, m, n, k), starting
// from zeros: nothing to pack at compile time.
// CHECK-DAG: #[[A:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[B:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[C:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @attention_scores
// CHECK-SAME: (%[[Q:.+]]: tensor<4x8x16xf32>, %[[K:.+]]: tensor<4x8x16xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"], library_call = "mocc_sbatch_matmul_f32"}
// CHECK-SAME: ins(%[[Q]], %[[K]] : tensor<4x8x16xf32>, tensor<4x8x16xf32>)
#q = affine_map<(b, m, n, k) -> (b, m, k)>
#k = affine_map<(b, m, n, k) -> (b, n, k)>
#s = affine_map<(b, m, n, k) -> (b, m, n)>
func.func @attention_scores(%q: tensor<4x8x16xf32>, %key: tensor<4x8x16xf32>) -> tensor<4x8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8x8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  %c = linalg.generic {indexing_maps = [#q, #k, #s], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %key : tensor<4x8x16xf32>, tensor<4x8x16xf32>) outs(%z : tensor<4x8x8xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<4x8x8xf32>
  return %c : tensor<4x8x8xf32>
}

// -----

// Attention's products over a run-time batch and sequence are marked too.
// CHECK-LABEL: func.func @attention_scores_dynamic
// CHECK: library_call = "mocc_sbatch_matmul_f32"
// CHECK-SAME: ins(%{{.+}}, %{{.+}} : tensor<?x?x16xf32>, tensor<?x?x16xf32>)
#qd = affine_map<(b, m, n, k) -> (b, m, k)>
#kd = affine_map<(b, m, n, k) -> (b, n, k)>
#sd = affine_map<(b, m, n, k) -> (b, m, n)>
func.func @attention_scores_dynamic(%q: tensor<?x?x16xf32>, %key: tensor<?x?x16xf32>, %z: tensor<?x?x?xf32>) -> tensor<?x?x?xf32> {
  %zero = arith.constant 0.0 : f32
  %f = linalg.fill ins(%zero : f32) outs(%z : tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  %c = linalg.generic {indexing_maps = [#qd, #kd, #sd], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %key : tensor<?x?x16xf32>, tensor<?x?x16xf32>) outs(%f : tensor<?x?x?xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<?x?x?xf32>
  return %c : tensor<?x?x?xf32>
}

// -----

// A channels-last depthwise convolution (as the lowering builds it from a
// padded input) reads its weight laid out [KH][KW][C] at compile time.
// CHECK-DAG: #[[WIN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d3, d2 + d4, d5)>
// CHECK-DAG: #[[W:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>
// CHECK-LABEL: func.func @depthwise
// CHECK: %[[K:.+]] = arith.constant dense_resource<[[BLOB:depthwise_weights[_0-9]*]]> : tensor<1x2x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[WIN]], #[[W]], #{{.+}}]
// CHECK-SAME: library_call = "mocc_sdwconv2d_nhwc_f32"
// CHECK-SAME: ins(%{{.+}}, %[[K]] : tensor<1x4x5x3xf32>, tensor<1x2x3xf32>)
// Channels [1, 2], [3, 4], [5, 6] become taps [1, 3, 5], [2, 4, 6].
// CHECK: [[BLOB]]: "0x040000000000803F000040400000A04000000040000080400000C040"
#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d3, d2 + d4, d5)>
#w = affine_map<(d0, d1, d2, d3, d4, d5) -> (d5, d3, d4, 0)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>
func.func @depthwise(%x: tensor<1x4x5x3xf32>) -> tensor<1x4x4x3xf32> {
  %w = arith.constant dense<[[[[1.0], [2.0]]], [[[3.0], [4.0]]], [[[5.0], [6.0]]]]> : tensor<3x1x2x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x3xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %c = linalg.generic {indexing_maps = [#win, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
      ins(%x, %w : tensor<1x4x5x3xf32>, tensor<3x1x2x1xf32>) outs(%z : tensor<1x4x4x3xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x3xf32>
  return %c : tensor<1x4x4x3xf32>
}
