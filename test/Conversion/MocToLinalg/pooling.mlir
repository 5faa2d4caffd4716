// RUN: mocc-opt %s --mocc-convert-moc-to-linalg --split-input-file | FileCheck %s

// Max pooling reads through the padding as -inf, including the end positions
// ceil_mode windows reach (four 3-wide windows with stride 2 need 9 of the 8
// positions): a window generic, no padded copy.
// CHECK-LABEL: func.func @max_pool_ceil
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x8x8xf32>)
// CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK-NOT: tensor.pad
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.+}} : tensor<1x2x4x4xf32>)
// CHECK: %[[WIN:.+]] = tensor.empty() : tensor<3x3xf32>
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[WIN]] : tensor<3x3xf32>) outs(%[[INIT]] : tensor<1x2x4x4xf32>)
// CHECK: %[[H:.+]] = arith.cmpi ult
// CHECK: %[[W:.+]] = arith.cmpi ult
// CHECK: %[[INSIDE:.+]] = arith.andi %[[H]], %[[W]] : i1
// CHECK: %[[E:.+]] = tensor.extract %[[X]]
// CHECK: %[[V:.+]] = arith.select %[[INSIDE]], %[[E]], %[[NEGINF]] : f32
// CHECK: arith.maximumf %{{.+}}, %[[V]] : f32
func.func @max_pool_ceil(%x: tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32> {
  %0 = moc.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
                        pads = array<i64: 0, 0, 0, 0>, ceil_mode = true} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// The average divides by the positions inside the input only: per dimension
// [2, 3, 3, 2] for a 3-wide window, stride 2, one leading pad and one ceil_mode
// position at the end of 7.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[H:.+]] = affine_map<(d0, d1, d2, d3) -> (d2)>
// CHECK-DAG: #[[W:.+]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @average_pool_exclude_pad
// CHECK-NOT: tensor.pad
// CHECK: %[[SUM:.+]] = linalg.generic
// CHECK: tensor.extract
// CHECK: arith.addf
// CHECK: %[[CH:.+]] = arith.constant dense<[2.000000e+00, 3.000000e+00, 3.000000e+00, 2.000000e+00]> : tensor<4xf32>
// CHECK: %[[CW:.+]] = arith.constant dense<[2.000000e+00, 3.000000e+00, 3.000000e+00, 2.000000e+00]> : tensor<4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[H]], #[[W]], #[[ID]]]
// CHECK-SAME: ins(%[[SUM]], %[[CH]], %[[CW]] : tensor<1x2x4x4xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK: ^bb0(%[[S:.+]]: f32, %[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
// CHECK:   %[[N:.+]] = arith.mulf %[[A]], %[[B]] : f32
// CHECK:   arith.divf %[[S]], %[[N]] : f32
func.func @average_pool_exclude_pad(%x: tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32> {
  %0 = moc.average_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
                            pads = array<i64: 1, 1, 0, 0>, ceil_mode = true, count_include_pad = false}
      : (tensor<1x2x7x7xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// count_include_pad counts the explicit padding but never the ceil_mode
// positions: [3, 3, 3, 2] along the height (6 rows padded by 1 + 1, the
// last window reaches one row further), and [3, 3, 3] along the width.
// CHECK-LABEL: func.func @average_pool_include_pad
// CHECK: arith.constant dense<[3.000000e+00, 3.000000e+00, 3.000000e+00, 2.000000e+00]> : tensor<4xf32>
// CHECK: arith.constant dense<3.000000e+00> : tensor<3xf32>
func.func @average_pool_include_pad(%x: tensor<1x1x6x7xf32>) -> tensor<1x1x4x3xf32> {
  %0 = moc.average_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
                            pads = array<i64: 1, 0, 1, 0>, ceil_mode = true, count_include_pad = true}
      : (tensor<1x1x6x7xf32>) -> tensor<1x1x4x3xf32>
  return %0 : tensor<1x1x4x3xf32>
}

// -----

// Windows of one size everywhere divide by a scalar.
// CHECK-LABEL: func.func @average_pool_uniform
// CHECK: linalg.pooling_nchw_sum
// CHECK: ^bb0(%[[S:.+]]: f32, %{{.+}}: f32):
// CHECK:   %[[N:.+]] = arith.constant 4.000000e+00 : f32
// CHECK:   arith.divf %[[S]], %[[N]] : f32
func.func @average_pool_uniform(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %0 = moc.average_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
                            pads = array<i64: 0, 0, 0, 0>, ceil_mode = false, count_include_pad = false}
      : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// Unpadded 3-d pooling uses a window generic over (n, c, o1, o2, o3, k1, k2,
// k3) that reads the input as an operand.
// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2 * 2 + d5, d3 * 2 + d6, d4 * 2 + d7)>
// CHECK-DAG: #[[WIN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d5, d6, d7)>
// CHECK-LABEL: func.func @max_pool_3d
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[WIN]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK: ^bb0(%[[X:.+]]: f32, %{{.+}}: f32, %[[ACC:.+]]: f32):
// CHECK:   arith.maximumf %[[ACC]], %[[X]] : f32
func.func @max_pool_3d(%x: tensor<1x1x6x6x6xf32>) -> tensor<1x1x3x3x3xf32> {
  %0 = moc.max_pool %x {kernel_shape = array<i64: 2, 2, 2>, strides = array<i64: 2, 2, 2>, dilations = array<i64: 1, 1, 1>,
                        pads = array<i64: 0, 0, 0, 0, 0, 0>, ceil_mode = false} : (tensor<1x1x6x6x6xf32>) -> tensor<1x1x3x3x3xf32>
  return %0 : tensor<1x1x3x3x3xf32>
}

// -----

// CHECK-LABEL: func.func @max_pool_1d
// CHECK: linalg.pooling_ncw_max
func.func @max_pool_1d(%x: tensor<1x2x9xf32>) -> tensor<1x2x4xf32> {
  %0 = moc.max_pool %x {kernel_shape = array<i64: 3>, strides = array<i64: 2>, dilations = array<i64: 1>,
                        pads = array<i64: 0, 0>, ceil_mode = false} : (tensor<1x2x9xf32>) -> tensor<1x2x4xf32>
  return %0 : tensor<1x2x4xf32>
}

// -----

// Integer maxima: the padding reads as the type's lowest value, compared as
// unsigned for unsigned types (the named ops compare as signed).
// CHECK-LABEL: func.func @max_pool_ui8
// CHECK-SAME: (%[[X:.+]]: tensor<1x1x4x4xi8>)
// CHECK: %[[LOW:.+]] = arith.constant 0 : i8
// CHECK: linalg.generic
// CHECK:   %[[E:.+]] = tensor.extract %[[X]]
// CHECK:   %[[V:.+]] = arith.select %{{.+}}, %[[E]], %[[LOW]] : i8
// CHECK:   arith.maxui %{{.+}}, %[[V]]
func.func @max_pool_ui8(%x: tensor<1x1x4x4xui8>) -> tensor<1x1x3x3xui8> {
  %0 = moc.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
                        pads = array<i64: 1, 1, 1, 1>, ceil_mode = false} : (tensor<1x1x4x4xui8>) -> tensor<1x1x3x3xui8>
  return %0 : tensor<1x1x3x3xui8>
}
