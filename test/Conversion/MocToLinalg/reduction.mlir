// RUN: mocc-opt %s --mocc-convert-moc-to-linalg --split-input-file | FileCheck %s

// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[KEPT:.+]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @reduce_sum
// CHECK-SAME: (%[[X:.+]]: tensor<2x5x3xf32>)
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<5xf32>)
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[KEPT]]], iterator_types = ["reduction", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[X]] : tensor<2x5x3xf32>) outs(%[[INIT]] : tensor<5xf32>)
// CHECK: ^bb0(%[[IN:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK:   arith.addf %[[ACC]], %[[IN]] : f32
// CHECK: tensor.expand_shape %[[R]] {{\[}}[0, 1, 2]] output_shape [1, 5, 1] : tensor<5xf32> into tensor<1x5x1xf32>
func.func @reduce_sum(%x: tensor<2x5x3xf32>) -> tensor<1x5x1xf32> {
  %0 = moc.reduce_sum %x {axes = array<i64: 0, 2>, keepdims = true} : (tensor<2x5x3xf32>) -> tensor<1x5x1xf32>
  return %0 : tensor<1x5x1xf32>
}

// -----

// The mean divides by the number of reduced elements (integers truncate).
// CHECK-LABEL: func.func @reduce_mean_int
// CHECK: linalg.generic
// CHECK:   arith.addi
// CHECK: %[[N:.+]] = arith.constant 6 : i32
// CHECK: linalg.generic
// CHECK:   arith.divsi %{{.+}}, %[[N]] : i32
func.func @reduce_mean_int(%x: tensor<2x5x3xi32>) -> tensor<5xi32> {
  %0 = moc.reduce_mean %x {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x5x3xi32>) -> tensor<5xi32>
  return %0 : tensor<5xi32>
}

// -----

// CHECK-LABEL: func.func @reduce_max_min
// CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NEGINF]] : f32)
// CHECK:   arith.maximumf
// CHECK: %[[UMAX:.+]] = arith.constant -1 : i8
// CHECK: linalg.fill ins(%[[UMAX]] : i8)
// CHECK:   arith.minui
// CHECK: %[[SMIN:.+]] = arith.constant -128 : i8
// CHECK: linalg.fill ins(%[[SMIN]] : i8)
// CHECK:   arith.maxsi
func.func @reduce_max_min(%x: tensor<4x3xf32>, %u: tensor<4x3xui8>, %s: tensor<4x3xi8>) -> (tensor<3xf32>, tensor<4xui8>, tensor<4xi8>) {
  %0 = moc.reduce_max %x {axes = array<i64: 0>, keepdims = false} : (tensor<4x3xf32>) -> tensor<3xf32>
  %1 = moc.reduce_min %u {axes = array<i64: 1>, keepdims = false} : (tensor<4x3xui8>) -> tensor<4xui8>
  %2 = moc.reduce_max %s {axes = array<i64: 1>, keepdims = false} : (tensor<4x3xi8>) -> tensor<4xi8>
  return %0, %1, %2 : tensor<3xf32>, tensor<4xui8>, tensor<4xi8>
}

// -----

// CHECK-LABEL: func.func @reduce_prod
// CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK: linalg.fill ins(%[[ONE]] : f32)
// CHECK:   arith.mulf
func.func @reduce_prod(%x: tensor<4x3xf32>) -> tensor<f32> {
  %0 = moc.reduce_prod %x {axes = array<i64: 0, 1>, keepdims = false} : (tensor<4x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// No axes: nothing to reduce.
// CHECK-LABEL: func.func @reduce_no_axes
// CHECK-SAME: (%[[X:.+]]: tensor<4x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @reduce_no_axes(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %0 = moc.reduce_sum %x {axes = array<i64>, keepdims = true} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// arg_max carries (value, index) and breaks ties by index: the last one with
// select_last_index. NaN wins over numbers and ties with NaN.
// CHECK-LABEL: func.func @arg_max_last
// CHECK-SAME: (%[[X:.+]]: tensor<2x5xf32>)
// CHECK-DAG: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK-DAG: %[[NONE:.+]] = arith.constant -1 : i64
// CHECK: %[[V0:.+]] = linalg.fill ins(%[[NEGINF]] : f32)
// CHECK: %[[I0:.+]] = linalg.fill ins(%[[NONE]] : i64)
// CHECK: %[[R:.+]]:2 = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: ins(%[[X]] : tensor<2x5xf32>) outs(%[[V0]], %[[I0]] : tensor<2xf32>, tensor<2xi64>)
// CHECK: ^bb0(%[[IN:.+]]: f32, %[[BEST:.+]]: f32, %[[BESTI:.+]]: i64):
// CHECK:   %[[IDX:.+]] = linalg.index 1 : index
// CHECK:   %[[I:.+]] = arith.index_cast %[[IDX]] : index to i64
// CHECK:   %[[GT:.+]] = arith.cmpf ogt, %[[IN]], %[[BEST]] : f32
// CHECK:   %[[EQ:.+]] = arith.cmpf oeq, %[[IN]], %[[BEST]] : f32
// CHECK:   %[[TIE:.+]] = arith.cmpi sgt, %[[I]], %[[BESTI]] : i64
// CHECK:   %[[UPD:.+]] = arith.ori
// CHECK:   arith.select %[[UPD]], %[[IN]], %[[BEST]] : f32
// CHECK:   arith.select %[[UPD]], %[[I]], %[[BESTI]] : i64
// CHECK: tensor.expand_shape %[[R]]#1 {{\[}}[0, 1]] output_shape [2, 1] : tensor<2xi64> into tensor<2x1xi64>
func.func @arg_max_last(%x: tensor<2x5xf32>) -> tensor<2x1xi64> {
  %0 = moc.arg_max %x {axis = 1 : i64, keepdims = true, select_last_index = true} : (tensor<2x5xf32>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

// CHECK-LABEL: func.func @arg_min_first
// CHECK-DAG: %[[UMAX:.+]] = arith.constant -1 : i16
// CHECK-DAG: %[[NONE:.+]] = arith.constant 9223372036854775807 : i64
// CHECK:   arith.cmpi ult
// CHECK:   arith.cmpi slt, %{{.+}}, %{{.+}} : i64
func.func @arg_min_first(%x: tensor<2x5xui16>) -> tensor<5xi64> {
  %0 = moc.arg_min %x {axis = 0 : i64, keepdims = false, select_last_index = false} : (tensor<2x5xui16>) -> tensor<5xi64>
  return %0 : tensor<5xi64>
}
