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

// Not products the kernel computes: a weight known only at run time, and a
// 1x1 convolution of stride 2 (its rows are not the input's rows).
// CHECK-LABEL: func.func @not_selected
// CHECK-NOT: library_call
// CHECK: linalg.matmul
// CHECK: linalg.conv_2d_nhwc_fhwc
func.func @not_selected(%a: tensor<5x2xf32>, %w: tensor<2x3xf32>, %z: tensor<5x3xf32>,
                        %x: tensor<1x4x4x3xf32>, %y: tensor<1x2x2x4xf32>) -> (tensor<5x3xf32>, tensor<1x2x2x4xf32>) {
  %c = linalg.matmul ins(%a, %w : tensor<5x2xf32>, tensor<2x3xf32>) outs(%z : tensor<5x3xf32>) -> tensor<5x3xf32>
  %k = arith.constant dense<1.0> : tensor<4x1x1x3xf32>
  %d = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %k : tensor<1x4x4x3xf32>, tensor<4x1x1x3xf32>) outs(%y : tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
  return %c, %d : tensor<5x3xf32>, tensor<1x2x2x4xf32>
}
