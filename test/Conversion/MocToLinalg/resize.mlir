// RUN: mocc-opt %s --mocc-convert-moc-to-linalg --split-input-file | FileCheck %s

// Nearest: one tap per resized dimension, read from compile-time tables of
// input indices (asymmetric, floor: repeat each element).
// CHECK-DAG: #[[ROWS:.+]] = affine_map<(d0, d1, d2, d3) -> (d2)>
// CHECK-DAG: #[[COLS:.+]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @resize_nearest
// CHECK-SAME: (%[[X:.+]]: tensor<1x1x2x2xf32>)
// CHECK-DAG: %[[R:.+]] = arith.constant dense<[0, 0, 1, 1]> : tensor<4xi64>
// CHECK-DAG: %[[C:.+]] = arith.constant dense<[0, 0, 0, 1, 1, 1]> : tensor<6xi64>
// CHECK: linalg.generic {indexing_maps = [#[[ROWS]], #[[COLS]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[R]], %[[C]] : tensor<4xi64>, tensor<6xi64>)
// CHECK: ^bb0(%[[RI:.+]]: i64, %[[CI:.+]]: i64, %{{.+}}: f32):
// CHECK:   %[[N:.+]] = linalg.index 0 : index
// CHECK:   %[[CH:.+]] = linalg.index 1 : index
// CHECK:   %[[H:.+]] = arith.index_cast %[[RI]] : i64 to index
// CHECK:   %[[W:.+]] = arith.index_cast %[[CI]] : i64 to index
// CHECK:   %[[V:.+]] = tensor.extract %[[X]][%[[N]], %[[CH]], %[[H]], %[[W]]] : tensor<1x1x2x2xf32>
// CHECK:   linalg.yield %[[V]] : f32
func.func @resize_nearest(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x6xf32> {
  %0 = moc.resize %x {sizes = array<i64: 1, 1, 4, 6>, scales = array<f64: 1.0, 1.0, 2.0, 3.0>, roi = array<f64>,
                      mode = 0 : i32, coordinate_transformation_mode = 4 : i32, nearest_mode = 2 : i32,
                      cubic_coeff_a = -0.75 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32,
                      antialias = false} : (tensor<1x1x2x2xf32>) -> tensor<1x1x4x6xf32>
  return %0 : tensor<1x1x4x6xf32>
}

// -----

// Linear, half_pixel, x2: two taps per output column with weights 1/4 and
// 3/4 (edge taps clamped), summed over a reduction loop in f32; f16 converts
// back at the end. The unchanged first dimension is copied.
// CHECK-DAG: #[[TAB:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @resize_linear
// CHECK-SAME: (%[[X:.+]]: tensor<2x4xf16>)
// CHECK-DAG: %[[IDX:.+]] = arith.constant dense<{{\[\[}}0, 0], [0, 1], [0, 1], [1, 2], [1, 2], [2, 3], [2, 3], [3, 3]]> : tensor<8x2xi64>
// CHECK-DAG: %[[WTS:.+]] = arith.constant dense<{{\[\[}}2.500000e-01, 7.500000e-01], [7.500000e-01, 2.500000e-01], {{.*}}]> : tensor<8x2xf32>
// CHECK: %[[ACC:.+]] = linalg.fill
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[TAB]], #[[TAB]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[IDX]], %[[WTS]] : tensor<8x2xi64>, tensor<8x2xf32>) outs(%[[ACC]] : tensor<2x8xf32>)
// CHECK: ^bb0(%[[I:.+]]: i64, %[[WT:.+]]: f32, %[[A:.+]]: f32):
// CHECK:   %[[ROW:.+]] = linalg.index 0 : index
// CHECK:   %[[COL:.+]] = arith.index_cast %[[I]] : i64 to index
// CHECK:   %[[V:.+]] = tensor.extract %[[X]][%[[ROW]], %[[COL]]] : tensor<2x4xf16>
// CHECK:   %[[V32:.+]] = arith.extf %[[V]] : f16 to f32
// CHECK:   %[[P:.+]] = arith.mulf %[[WT]], %[[V32]] : f32
// CHECK:   %[[S:.+]] = arith.addf %[[A]], %[[P]] : f32
// CHECK:   linalg.yield %[[S]] : f32
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[SUM]] : tensor<2x8xf32>)
// CHECK:   arith.truncf %{{.+}} : f32 to f16
func.func @resize_linear(%x: tensor<2x4xf16>) -> tensor<2x8xf16> {
  %0 = moc.resize %x {sizes = array<i64: 2, 8>, scales = array<f64: 1.0, 2.0>, roi = array<f64>,
                      mode = 1 : i32, coordinate_transformation_mode = 0 : i32, nearest_mode = 0 : i32,
                      cubic_coeff_a = -0.75 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32,
                      antialias = false} : (tensor<2x4xf16>) -> tensor<2x8xf16>
  return %0 : tensor<2x8xf16>
}

// -----

// tf_crop_and_resize: positions outside the input (flagged per dimension)
// take extrapolation_value; integers accumulate in f64, round half to even and
// saturate.
// CHECK-LABEL: func.func @resize_crop
// CHECK: %[[SUM:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: outs(%{{.+}} : tensor<3x3xf64>)
// CHECK-DAG: %[[ROWS:.+]] = arith.constant dense<[false, false, true]> : tensor<3xi1>
// CHECK-DAG: %[[COLS:.+]] = arith.constant dense<false> : tensor<3xi1>
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[SUM]], %[[ROWS]], %[[COLS]] : tensor<3x3xf64>, tensor<3xi1>, tensor<3xi1>)
// CHECK: ^bb0(%[[V:.+]]: f64, %[[R:.+]]: i1, %[[C:.+]]: i1, %{{.+}}: i8):
// CHECK:   %[[OUTSIDE:.+]] = arith.ori %[[R]], %[[C]] : i1
// CHECK:   %[[E:.+]] = arith.constant 1.000000e+01 : f64
// CHECK:   %[[SEL:.+]] = arith.select %[[OUTSIDE]], %[[E]], %[[V]] : f64
// CHECK:   math.roundeven %[[SEL]] : f64
// CHECK:   arith.minimumf
// CHECK:   arith.maximumf
// CHECK:   arith.fptosi
// CHECK:   arith.trunci %{{.+}} : i64 to i8
func.func @resize_crop(%x: tensor<4x4xui8>) -> tensor<3x3xui8> {
  %0 = moc.resize %x {sizes = array<i64: 3, 3>, scales = array<f64: 0.75, 0.75>, roi = array<f64: 0.4, 0.6, 1.2, 0.8>,
                      mode = 1 : i32, coordinate_transformation_mode = 5 : i32, nearest_mode = 0 : i32,
                      cubic_coeff_a = -0.75 : f32, exclude_outside = false, extrapolation_value = 10.0 : f32,
                      antialias = false} : (tensor<4x4xui8>) -> tensor<3x3xui8>
  return %0 : tensor<3x3xui8>
}
