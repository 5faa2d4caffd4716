// RUN: mocc-opt %s --mocc-convert-moc-to-linalg --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @reshape_collapse_expand
// CHECK-SAME: (%[[X:.+]]: tensor<1x512x1x1xf32>, %[[Y:.+]]: tensor<6xf32>)
// CHECK: tensor.collapse_shape %[[X]] {{\[}}[0], [1, 2, 3]] : tensor<1x512x1x1xf32> into tensor<1x512xf32>
// CHECK: tensor.expand_shape %[[Y]] {{\[}}[0, 1]] output_shape [2, 3] : tensor<6xf32> into tensor<2x3xf32>
func.func @reshape_collapse_expand(%x: tensor<1x512x1x1xf32>, %y: tensor<6xf32>) -> (tensor<1x512xf32>, tensor<2x3xf32>) {
  %0 = moc.reshape %x : (tensor<1x512x1x1xf32>) -> tensor<1x512xf32>
  %1 = moc.reshape %y : (tensor<6xf32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<1x512xf32>, tensor<2x3xf32>
}

// -----

// Without a reassociation, through the flat vector.
// CHECK-LABEL: func.func @reshape_general
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK: %[[F:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
// CHECK: tensor.expand_shape %[[F]] {{\[}}[0, 1]] output_shape [3, 2] : tensor<6xf32> into tensor<3x2xf32>
func.func @reshape_general(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = moc.reshape %x : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// One unknown result size: the element count divided by the known sizes.
// CHECK-LABEL: func.func @reshape_dynamic
// CHECK-SAME: (%[[X:.+]]: tensor<?x3x4xf32>)
// CHECK: %[[D:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x3x4xf32>
// CHECK: %[[N:.+]] = arith.muli %[[D]], %{{.+}} : index
// CHECK: %[[M:.+]] = arith.divui %[[N]], %{{.+}} : index
// CHECK: %[[S:.+]] = tensor.from_elements %[[M]], %{{.+}} : tensor<2xindex>
// CHECK: tensor.reshape %[[X]](%[[S]]) : (tensor<?x3x4xf32>, tensor<2xindex>) -> tensor<?x6xf32>
func.func @reshape_dynamic(%x: tensor<?x3x4xf32>) -> tensor<?x6xf32> {
  %0 = moc.reshape %x : (tensor<?x3x4xf32>) -> tensor<?x6xf32>
  return %0 : tensor<?x6xf32>
}

// -----

// CHECK-DAG: #[[IN:.+]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @broadcast
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%{{.+}} : tensor<3x1xf32>) outs(%{{.+}} : tensor<2x3x4xf32>)
func.func @broadcast(%x: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = moc.broadcast %x : (tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x8x?xf32>)
// CHECK: %[[D:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<1x3x8x?xf32>
// CHECK: %[[E:.+]] = tensor.empty(%[[D]]) : tensor<1x8x?x3xf32>
// CHECK: linalg.transpose ins(%[[X]] : tensor<1x3x8x?xf32>) outs(%[[E]] : tensor<1x8x?x3xf32>) permutation = [0, 2, 3, 1]
func.func @transpose(%x: tensor<1x3x8x?xf32>) -> tensor<1x8x?x3xf32> {
  %0 = moc.transpose %x {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x3x8x?xf32>) -> tensor<1x8x?x3xf32>
  return %0 : tensor<1x8x?x3xf32>
}

// -----

// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.+]]: tensor<1x2x4xf32>, %[[B:.+]]: tensor<1x3x4xf32>)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<1x5x4xf32>
// CHECK: %[[I:.+]] = tensor.insert_slice %[[A]] into %[[E]][0, 0, 0] [1, 2, 4] [1, 1, 1] : tensor<1x2x4xf32> into tensor<1x5x4xf32>
// CHECK: %[[R:.+]] = tensor.insert_slice %[[B]] into %[[I]][0, 2, 0] [1, 3, 4] [1, 1, 1] : tensor<1x3x4xf32> into tensor<1x5x4xf32>
// CHECK: return %[[R]]
func.func @concat(%a: tensor<1x2x4xf32>, %b: tensor<1x3x4xf32>) -> tensor<1x5x4xf32> {
  %0 = moc.concat %a, %b {axis = 1 : i64} : (tensor<1x2x4xf32>, tensor<1x3x4xf32>) -> tensor<1x5x4xf32>
  return %0 : tensor<1x5x4xf32>
}

// -----

// CHECK-LABEL: func.func @concat_dynamic
// CHECK-SAME: (%[[A:.+]]: tensor<?x4xf32>, %[[B:.+]]: tensor<?x4xf32>)
// CHECK: %[[DA:.+]] = tensor.dim %[[A]], %{{.+}} : tensor<?x4xf32>
// CHECK: %[[DB:.+]] = tensor.dim %[[B]], %{{.+}} : tensor<?x4xf32>
// CHECK: %[[N:.+]] = arith.addi %[[DA]], %[[DB]] : index
// CHECK: %[[E:.+]] = tensor.empty(%[[N]]) : tensor<?x4xf32>
// CHECK: %[[I:.+]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [%[[DA]], 4] [1, 1]
// CHECK: tensor.insert_slice %[[B]] into %[[I]][%[[DA]], 0] [%[[DB]], 4] [1, 1]
func.func @concat_dynamic(%a: tensor<?x4xf32>, %b: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = moc.concat %a, %b {axis = 0 : i64} : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @slice
// CHECK-SAME: (%[[X:.+]]: tensor<2x6xf32>)
// CHECK: %[[S:.+]] = tensor.extract_slice %[[X]][0, 1] [2, 2] [1, 2] : tensor<2x6xf32> to tensor<2x2xf32>
// CHECK: return %[[S]]
func.func @slice(%x: tensor<2x6xf32>) -> tensor<2x2xf32> {
  %0 = moc.slice %x {starts = array<i64: 0, 1>, ends = array<i64: 2, 5>, steps = array<i64: 1, 2>} : (tensor<2x6xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// A negative step extracts the same elements from the lowest one with the
// positive step, then reverses that dimension.
// CHECK-DAG: #[[REV:.+]] = affine_map<(d0, d1) -> (-d0 + 2, d1)>
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @slice_negative_step
// CHECK-SAME: (%[[X:.+]]: tensor<5x6xf32>)
// CHECK: %[[S:.+]] = tensor.extract_slice %[[X]][0, 0] [3, 3] [2, 2] : tensor<5x6xf32> to tensor<3x3xf32>
// CHECK: linalg.generic {indexing_maps = [#[[REV]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[S]] : tensor<3x3xf32>)
func.func @slice_negative_step(%x: tensor<5x6xf32>) -> tensor<3x3xf32> {
  %0 = moc.slice %x {starts = array<i64: 4, 0>, ends = array<i64: -1, 6>, steps = array<i64: -2, 2>} : (tensor<5x6xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// Gather reads the input at runtime indices; negative ones count from the
// end, out-of-range ones are clamped.
// CHECK-DAG: #[[IDX:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[T:.+]]: tensor<5x4xf32>, %[[I:.+]]: tensor<2x3xi32>)
// CHECK: %[[SIZE:.+]] = arith.constant 5 : index
// CHECK: linalg.generic {indexing_maps = [#[[IDX]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[I]] : tensor<2x3xi32>)
// CHECK: ^bb0(%[[RAW:.+]]: i32, %{{.+}}: f32):
// CHECK:   %[[IX:.+]] = arith.index_cast %[[RAW]] : i32 to index
// CHECK:   %[[NEG:.+]] = arith.cmpi slt, %[[IX]], %{{.+}} : index
// CHECK:   %[[WRAP:.+]] = arith.addi %[[IX]], %[[SIZE]] : index
// CHECK:   %[[SEL:.+]] = arith.select %[[NEG]], %[[WRAP]], %[[IX]] : index
// CHECK:   %[[HI:.+]] = arith.minsi %[[SEL]], %{{.+}} : index
// CHECK:   %[[ROW:.+]] = arith.maxsi %[[HI]], %{{.+}} : index
// CHECK:   %[[COL:.+]] = linalg.index 2 : index
// CHECK:   %[[V:.+]] = tensor.extract %[[T]][%[[ROW]], %[[COL]]] : tensor<5x4xf32>
// CHECK:   linalg.yield %[[V]] : f32
func.func @gather(%t: tensor<5x4xf32>, %i: tensor<2x3xi32>) -> tensor<2x3x4xf32> {
  %0 = moc.gather %t, %i {axis = 0 : i64} : (tensor<5x4xf32>, tensor<2x3xi32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @pad_constant
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x4x4xf32>, %[[V:.+]]: tensor<f32>)
// CHECK: %[[S:.+]] = tensor.extract %[[V]][] : tensor<f32>
// CHECK: tensor.pad %[[X]] low[0, 0, 1, 2] high[0, 0, 1, 0]
// CHECK:   tensor.yield %[[S]] : f32
// CHECK: } : tensor<1x3x4x4xf32> to tensor<1x3x6x6xf32>
func.func @pad_constant(%x: tensor<1x3x4x4xf32>, %v: tensor<f32>) -> tensor<1x3x6x6xf32> {
  %0 = moc.pad %x, %v {pads = array<i64: 0, 0, 1, 2, 0, 0, 1, 0>, mode = 0 : i32}
      : (tensor<1x3x4x4xf32>, tensor<f32>) -> tensor<1x3x6x6xf32>
  return %0 : tensor<1x3x6x6xf32>
}

// -----

// Reflect: period 2 (n - 1) around the shifted position.
// CHECK-LABEL: func.func @pad_reflect
// CHECK-SAME: (%[[X:.+]]: tensor<3x4xf32>
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.+}} : tensor<3x7xf32>)
// CHECK: %[[ROW:.+]] = linalg.index 0 : index
// CHECK: %[[COL:.+]] = linalg.index 1 : index
// CHECK: %[[SHIFTED:.+]] = arith.subi %[[COL]], %{{.+}} : index
// CHECK: %[[PERIOD:.+]] = arith.maxsi
// CHECK: %[[REM:.+]] = arith.remsi %[[SHIFTED]], %[[PERIOD]] : index
// CHECK: %[[J:.+]] = arith.select
// CHECK: %[[MIRROR:.+]] = arith.subi %[[PERIOD]], %[[J]] : index
// CHECK: %[[SRC:.+]] = arith.select %{{.+}}, %[[J]], %[[MIRROR]] : index
// CHECK: tensor.extract %[[X]][%[[ROW]], %[[SRC]]] : tensor<3x4xf32>
func.func @pad_reflect(%x: tensor<3x4xf32>, %v: tensor<f32>) -> tensor<3x7xf32> {
  %0 = moc.pad %x, %v {pads = array<i64: 0, 1, 0, 2>, mode = 1 : i32} : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x7xf32>
  return %0 : tensor<3x7xf32>
}

// -----

// CHECK-LABEL: func.func @pad_edge_wrap
// CHECK: linalg.generic
// CHECK:   arith.minsi
// CHECK:   arith.maxsi
// CHECK:   tensor.extract
// CHECK: linalg.generic
// CHECK:   arith.remsi
// CHECK:   tensor.extract
func.func @pad_edge_wrap(%x: tensor<3x4xf32>, %v: tensor<f32>) -> (tensor<5x4xf32>, tensor<5x4xf32>) {
  %0 = moc.pad %x, %v {pads = array<i64: 1, 0, 1, 0>, mode = 2 : i32} : (tensor<3x4xf32>, tensor<f32>) -> tensor<5x4xf32>
  %1 = moc.pad %x, %v {pads = array<i64: 1, 0, 1, 0>, mode = 3 : i32} : (tensor<3x4xf32>, tensor<f32>) -> tensor<5x4xf32>
  return %0, %1 : tensor<5x4xf32>, tensor<5x4xf32>
}

// -----

// Dropping or adding unit dimensions between dimensions of run-time size is
// one collapse or expansion, each unit dimension in the group before it
// (leading ones in the first).
// CHECK-LABEL: func.func @reshape_unit_dims
// CHECK: tensor.collapse_shape %{{.+}} {{\[\[}}0, 1], [2], [3], [4]] : tensor<?x1x?x?x3xf32> into tensor<?x?x?x3xf32>
// CHECK: tensor.expand_shape %{{.+}} {{\[\[}}0, 1, 2], [3, 4]] output_shape [1, %{{.+}}, 1, %{{.+}}, 1] : tensor<?x?xf32> into tensor<1x?x1x?x1xf32>
func.func @reshape_unit_dims(%x: tensor<?x1x?x?x3xf32>, %y: tensor<?x?xf32>) -> (tensor<?x?x?x3xf32>, tensor<1x?x1x?x1xf32>) {
  %0 = moc.reshape %x : (tensor<?x1x?x?x3xf32>) -> tensor<?x?x?x3xf32>
  %1 = moc.reshape %y : (tensor<?x?xf32>) -> tensor<1x?x1x?x1xf32>
  return %0, %1 : tensor<?x?x?x3xf32>, tensor<1x?x1x?x1xf32>
}
