// RUN: mocc-opt %s --mocc-convert-moc-to-linalg --split-input-file | FileCheck %s

// Softmax subtracts the row maximum before exponentiating.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.+]]: tensor<2x5xf32>)
// CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[MAXINIT:.+]] = linalg.fill ins(%[[NEGINF]] : f32)
// CHECK: %[[MAX:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins(%[[X]] : tensor<2x5xf32>) outs(%[[MAXINIT]] : tensor<2xf32>)
// CHECK:   arith.maximumf
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins(%[[X]], %[[MAX]] : tensor<2x5xf32>, tensor<2xf32>)
// CHECK: ^bb0(%[[A:.+]]: f32, %[[M:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK:   %[[D:.+]] = arith.subf %[[A]], %[[M]] : f32
// CHECK:   %[[E:.+]] = math.exp %[[D]] : f32
// CHECK:   arith.addf %[[ACC]], %[[E]] : f32
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[MAX]], %[[SUM]] : tensor<2x5xf32>, tensor<2xf32>, tensor<2xf32>)
// CHECK: ^bb0(%[[A2:.+]]: f32, %[[M2:.+]]: f32, %[[S2:.+]]: f32, %{{.+}}: f32):
// CHECK:   %[[D2:.+]] = arith.subf %[[A2]], %[[M2]] : f32
// CHECK:   %[[E2:.+]] = math.exp %[[D2]] : f32
// CHECK:   arith.divf %[[E2]], %[[S2]] : f32
func.func @softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = moc.softmax %x {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// CHECK-LABEL: func.func @log_softmax
// CHECK: ^bb0(%[[A:.+]]: f32, %[[M:.+]]: f32, %[[S:.+]]: f32, %{{.+}}: f32):
// CHECK:   %[[D:.+]] = arith.subf %[[A]], %[[M]] : f32
// CHECK:   %[[L:.+]] = math.log %[[S]] : f32
// CHECK:   arith.subf %[[D]], %[[L]] : f32
func.func @log_softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = moc.log_softmax %x {axis = 0 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// Batch norm folds its vectors into a per-channel scale and shift.
// CHECK-DAG: #[[VEC:.+]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CH:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @batch_norm
// CHECK-SAME: (%[[X:.+]]: tensor<1x8x4x4xf32>, %[[S:.+]]: tensor<8xf32>, %[[B:.+]]: tensor<8xf32>, %[[M:.+]]: tensor<8xf32>, %[[V:.+]]: tensor<8xf32>)
// CHECK: %[[A:.+]] = linalg.generic {indexing_maps = [#[[VEC]], #[[VEC]], #[[VEC]], #[[VEC]], #[[VEC]]]
// CHECK-SAME: ins(%[[S]], %[[B]], %[[M]], %[[V]] :
// CHECK:   math.sqrt
// CHECK: %[[SHIFT:.+]] = linalg.generic
// CHECK-SAME: ins(%[[A]], %[[B]], %[[M]] :
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[CH]], #[[ID]]]
// CHECK-SAME: ins(%[[X]], %[[A]], %[[SHIFT]] : tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>)
// CHECK: ^bb0(%[[IN:.+]]: f32, %[[MUL:.+]]: f32, %[[ADD:.+]]: f32, %{{.+}}: f32):
// CHECK:   %[[T:.+]] = arith.mulf %[[IN]], %[[MUL]] : f32
// CHECK:   arith.addf %[[T]], %[[ADD]] : f32
func.func @batch_norm(%x: tensor<1x8x4x4xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>) -> tensor<1x8x4x4xf32> {
  %0 = moc.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32}
      : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// Layer norm reduces the mean, then the variance, over dimensions 1 and 2;
// scale and bias broadcast against the normalized dimensions.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[LEAD:.+]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-DAG: #[[LAST:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>, %[[G:.+]]: tensor<4xf32>, %[[B:.+]]: tensor<4xf32>)
// CHECK: %[[N:.+]] = arith.constant 1.200000e+01 : f32
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[LEAD]]], iterator_types = ["parallel", "reduction", "reduction"]}
// CHECK: %[[MEAN:.+]] = linalg.generic
// CHECK-SAME: ins(%[[SUM]] : tensor<2xf32>)
// CHECK:   arith.divf %{{.+}}, %[[N]] : f32
// CHECK: %[[SQ:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[LEAD]], #[[LEAD]]], iterator_types = ["parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[X]], %[[MEAN]] : tensor<2x3x4xf32>, tensor<2xf32>)
// CHECK: %[[RSTD:.+]] = linalg.generic
// CHECK-SAME: ins(%[[SQ]] : tensor<2xf32>)
// CHECK:   math.sqrt
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[LEAD]], #[[LEAD]], #[[LAST]], #[[LAST]], #[[ID]]]
// CHECK-SAME: ins(%[[X]], %[[MEAN]], %[[RSTD]], %[[G]], %[[B]] :
func.func @layer_norm(%x: tensor<2x3x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<2x3x4xf32> {
  %0 = moc.layer_norm %x, %g, %b {axis = 1 : i64, epsilon = 1.0e-05 : f32}
      : (tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// f16 statistics are kept in f32.
// CHECK-LABEL: func.func @softmax_f16
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.+}} : tensor<2xf32>)
// CHECK:   arith.extf %{{.+}} : f16 to f32
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.+}} : tensor<2xf32>)
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.+}} : tensor<2x5xf16>)
// CHECK:   arith.truncf %{{.+}} : f32 to f16
func.func @softmax_f16(%x: tensor<2x5xf16>) -> tensor<2x5xf16> {
  %0 = moc.softmax %x {axis = 1 : i64} : (tensor<2x5xf16>) -> tensor<2x5xf16>
  return %0 : tensor<2x5xf16>
}

// -----

// CHECK-LABEL: func.func @layer_norm_dynamic
// CHECK-SAME: (%[[X:.+]]: tensor<?x?xf32>
// CHECK: %[[D:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x?xf32>
// CHECK: %[[I:.+]] = arith.index_castui %{{.+}} : index to i64
// CHECK: arith.uitofp %[[I]] : i64 to f32
func.func @layer_norm_dynamic(%x: tensor<?x?xf32>, %g: tensor<?xf32>, %b: tensor<?xf32>) -> tensor<?x?xf32> {
  %0 = moc.layer_norm %x, %g, %b {axis = 1 : i64, epsilon = 1.0e-05 : f32}
      : (tensor<?x?xf32>, tensor<?xf32>, tensor<?xf32>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}
