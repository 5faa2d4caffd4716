// RUN: mocc-opt %s --mocc-convert-moc-to-linalg --canonicalize --cse --split-input-file | FileCheck %s

// Nearest: one tap per resized dimension, its input index computed per output
// position by a table generic (asymmetric: x = y / scale; floor), then read
// by a gather over the output.
// CHECK-DAG: #[[TABLE:.+]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[ROWS:.+]] = affine_map<(d0, d1, d2, d3) -> (d2)>
// CHECK-DAG: #[[COLS:.+]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @resize_nearest
// CHECK-SAME: (%[[X:.+]]: tensor<1x1x2x2xf32>)
// CHECK-DAG: %[[TWO:.+]] = arith.constant 2.000000e+00 : f64
// CHECK-DAG: %[[THREE:.+]] = arith.constant 3.000000e+00 : f64
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[TABLE]]], iterator_types = ["parallel"]} outs(%{{.+}} : tensor<4xi64>)
// CHECK:   arith.divf %{{.+}}, %[[TWO]] : f64
// CHECK:   arith.minsi
// CHECK: %[[C:.+]] = linalg.generic {indexing_maps = [#[[TABLE]]], iterator_types = ["parallel"]} outs(%{{.+}} : tensor<6xi64>)
// CHECK:   arith.divf %{{.+}}, %[[THREE]] : f64
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

// Linear, half_pixel, x2: a table of two taps per output column (indices
// clamped to the input, weights 1 - ratio and ratio), then a sum over a
// reduction loop in f32; f16 converts back at the end. The unchanged first
// dimension is copied.
// CHECK-DAG: #[[TAB:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @resize_linear
// CHECK-SAME: (%[[X:.+]]: tensor<2x4xf16>)
// CHECK: %[[TAPS:.+]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} outs(%{{.+}}, %{{.+}} : tensor<8x2xi64>, tensor<8x2xf32>)
// CHECK:   %[[T:.+]] = linalg.index 1 : index
// CHECK:   %[[RATIO:.+]] = arith.select %{{.+}}, %{{.+}}, %{{.+}} : f64
// CHECK:   %[[FIRST:.+]] = arith.subf %{{.+}}, %[[RATIO]] : f64
// CHECK:   %[[WEIGHT:.+]] = arith.select %{{.+}}, %[[FIRST]], %[[RATIO]] : f64
// CHECK:   %[[W32:.+]] = arith.truncf %[[WEIGHT]] : f64 to f32
// CHECK:   %[[LOW:.+]] = arith.maxsi
// CHECK:   %[[INDEX:.+]] = arith.minsi %[[LOW]], %{{.+}} : i64
// CHECK:   linalg.yield %[[INDEX]], %[[W32]] : i64, f32
// CHECK: %[[ACC:.+]] = linalg.fill
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[TAB]], #[[TAB]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[TAPS]]#0, %[[TAPS]]#1 : tensor<8x2xi64>, tensor<8x2xf32>) outs(%[[ACC]] : tensor<2x8xf32>)
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

// tf_crop_and_resize: positions whose coordinate falls outside the input (per
// dimension, recomputed from the output index) take extrapolation_value;
// integers accumulate in f64, round half to even and saturate.
// CHECK-LABEL: func.func @resize_crop
// CHECK-DAG: %[[E:.+]] = arith.constant 1.000000e+01 : f64
// CHECK: %[[SUM:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: outs(%{{.+}} : tensor<3x3xf64>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[SUM]] : tensor<3x3xf64>)
// CHECK: ^bb0(%[[V:.+]]: f64, %{{.+}}: i8):
// CHECK:   linalg.index 0 : index
// CHECK:   %[[BELOW0:.+]] = arith.cmpf olt
// CHECK:   %[[ABOVE0:.+]] = arith.cmpf ogt
// CHECK:   %[[ROWS:.+]] = arith.ori %[[BELOW0]], %[[ABOVE0]] : i1
// CHECK:   linalg.index 1 : index
// CHECK:   %[[BELOW1:.+]] = arith.cmpf olt
// CHECK:   %[[ABOVE1:.+]] = arith.cmpf ogt
// CHECK:   %[[COLS:.+]] = arith.ori %[[BELOW1]], %[[ABOVE1]] : i1
// CHECK:   %[[OUTSIDE:.+]] = arith.ori %[[ROWS]], %[[COLS]] : i1
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

// -----

// Size and scale known at run time, with antialias: the number of taps,
// -2 floor(-1 / min(scale, 1)), is computed per run too, and the weights of
// each output position are divided by their sum. The first dimension, of
// constant scale 1 and unchanged size, is copied.
// CHECK-LABEL: func.func @resize_dynamic
// CHECK-SAME: (%[[X:.+]]: tensor<2x4xf32>, %[[N:.+]]: index, %[[S:.+]]: f64)
// CHECK: %[[FILTER:.+]] = arith.minimumf %[[S]], %{{.+}} : f64
// CHECK: %[[SUPPORT:.+]] = arith.divf %{{.+}}, %[[FILTER]] : f64
// CHECK: %[[FLOOR:.+]] = arith.fptosi
// CHECK: %[[COUNT:.+]] = arith.muli %[[FLOOR]], %{{.+}} : i64
// CHECK: %[[TAPS:.+]] = arith.index_cast %[[COUNT]] : i64 to index
// CHECK: %[[INDICES:.+]] = tensor.empty(%[[N]], %[[TAPS]]) : tensor<?x?xi64>
// CHECK: %[[RAW:.+]]:2 = linalg.generic
// CHECK-SAME: outs(%[[INDICES]], %{{.+}} : tensor<?x?xi64>, tensor<?x?xf64>)
// CHECK:   arith.divf %{{.+}}, %[[S]] : f64
// CHECK: %[[SUMS:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK-SAME: ins(%[[RAW]]#1 : tensor<?x?xf64>) outs(%{{.+}} : tensor<?xf64>)
// CHECK: %[[WEIGHTS:.+]] = linalg.generic
// CHECK-SAME: ins(%[[RAW]]#1, %[[SUMS]] : tensor<?x?xf64>, tensor<?xf64>)
// CHECK:   arith.divf
// CHECK:   arith.truncf %{{.+}} : f64 to f32
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[RAW]]#0, %[[WEIGHTS]] : tensor<?x?xi64>, tensor<?x?xf32>) outs(%{{.+}} : tensor<2x?xf32>)
func.func @resize_dynamic(%x: tensor<2x4xf32>, %n: index, %s: f64) -> tensor<2x?xf32> {
  %one = arith.constant 1.0 : f64
  %0 = moc.resize %x sizes(%n) scales(%one, %s) {sizes = array<i64: 2, -9223372036854775808>, scales = array<f64>,
                      roi = array<f64>, mode = 1 : i32, coordinate_transformation_mode = 0 : i32, nearest_mode = 0 : i32,
                      cubic_coeff_a = -0.75 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32,
                      antialias = true} : (tensor<2x4xf32>) -> tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}
