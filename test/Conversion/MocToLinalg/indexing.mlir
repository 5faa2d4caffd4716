// RUN: mocc-opt %s --mocc-convert-moc-to-linalg --split-input-file | FileCheck %s

// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @gather_elements
// CHECK-SAME: (%[[X:.+]]: tensor<3x4xf32>, %[[I:.+]]: tensor<2x4xi64>)
// CHECK: %[[SIZE:.+]] = arith.constant 3 : index
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[I]] : tensor<2x4xi64>)
// CHECK: ^bb0(%[[RAW:.+]]: i64, %{{.+}}: f32):
// CHECK:   %[[IX:.+]] = arith.index_cast %[[RAW]] : i64 to index
// CHECK:   %[[NEG:.+]] = arith.cmpi slt, %[[IX]], %{{.+}} : index
// CHECK:   %[[WRAP:.+]] = arith.addi %[[IX]], %[[SIZE]] : index
// CHECK:   %[[SEL:.+]] = arith.select %[[NEG]], %[[WRAP]], %[[IX]] : index
// CHECK:   %[[HI:.+]] = arith.minsi %[[SEL]], %{{.+}} : index
// CHECK:   %[[ROW:.+]] = arith.maxsi %[[HI]], %{{.+}} : index
// CHECK:   %[[COL:.+]] = linalg.index 1 : index
// CHECK:   %[[V:.+]] = tensor.extract %[[X]][%[[ROW]], %[[COL]]] : tensor<3x4xf32>
// CHECK:   linalg.yield %[[V]] : f32
func.func @gather_elements(%x: tensor<3x4xf32>, %i: tensor<2x4xi64>) -> tensor<2x4xf32> {
  %0 = moc.gather_elements %x, %i {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2x4xi64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// One update per step of a loop nest over the updates, in row-major order.
// CHECK-LABEL: func.func @scatter_elements_max
// CHECK-SAME: (%[[X:.+]]: tensor<3x4xf32>, %[[I:.+]]: tensor<2x4xi64>, %[[U:.+]]: tensor<2x4xf32>)
// CHECK: %[[R:.+]] = scf.for %[[A:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[T0:.+]] = %[[X]]) -> (tensor<3x4xf32>)
// CHECK:   scf.for %[[B:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[T:.+]] = %[[T0]]) -> (tensor<3x4xf32>)
// CHECK:     tensor.extract %[[I]][%[[A]], %[[B]]] : tensor<2x4xi64>
// CHECK:     %[[COL:.+]] = arith.maxsi
// CHECK:     %[[NEW:.+]] = tensor.extract %[[U]][%[[A]], %[[B]]] : tensor<2x4xf32>
// CHECK:     %[[OLD:.+]] = tensor.extract %[[T]][%[[A]], %[[COL]]] : tensor<3x4xf32>
// CHECK:     %[[M:.+]] = arith.maximumf %[[OLD]], %[[NEW]] : f32
// CHECK:     %[[INS:.+]] = tensor.insert %[[M]] into %[[T]][%[[A]], %[[COL]]] : tensor<3x4xf32>
// CHECK:     scf.yield %[[INS]] : tensor<3x4xf32>
// CHECK: return %[[R]]
func.func @scatter_elements_max(%x: tensor<3x4xf32>, %i: tensor<2x4xi64>, %u: tensor<2x4xf32>) -> tensor<3x4xf32> {
  %0 = moc.scatter_elements %x, %i, %u {axis = 1 : i64, reduction = 3 : i32}
      : (tensor<3x4xf32>, tensor<2x4xi64>, tensor<2x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Without reduction the update replaces the element.
// CHECK-LABEL: func.func @scatter_elements_none
// CHECK-SAME: (%{{.+}}: tensor<5xi32>, %{{.+}}: tensor<3xi32>, %[[U:.+]]: tensor<3xi32>)
// CHECK: scf.for %[[K:.+]] = %{{.+}} iter_args(%[[T:.+]] = %{{.+}}) -> (tensor<5xi32>)
// CHECK: %[[POS:.+]] = arith.maxsi
// CHECK-NEXT: %[[NEW:.+]] = tensor.extract %[[U]][%[[K]]] : tensor<3xi32>
// CHECK-NEXT: tensor.insert %[[NEW]] into %[[T]][%[[POS]]] : tensor<5xi32>
func.func @scatter_elements_none(%x: tensor<5xi32>, %i: tensor<3xi32>, %u: tensor<3xi32>) -> tensor<5xi32> {
  %0 = moc.scatter_elements %x, %i, %u {axis = 0 : i64, reduction = 0 : i32}
      : (tensor<5xi32>, tensor<3xi32>, tensor<3xi32>) -> tensor<5xi32>
  return %0 : tensor<5xi32>
}

// -----

// Slices: the reduction combines into the addressed slice of the carried
// tensor in place.
// CHECK-LABEL: func.func @scatter_nd_slices_add
// CHECK-SAME: (%[[X:.+]]: tensor<3x4xf32>, %[[I:.+]]: tensor<2x1xi32>, %[[U:.+]]: tensor<2x4xf32>)
// CHECK: scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[T:.+]] = %[[X]]) -> (tensor<3x4xf32>)
// CHECK:   tensor.extract %[[I]][%[[K]], %{{.+}}] : tensor<2x1xi32>
// CHECK:   %[[ROW:.+]] = arith.maxsi
// CHECK:   %[[NEW:.+]] = tensor.extract_slice %[[U]][%[[K]], 0] [1, 4] [1, 1] : tensor<2x4xf32> to tensor<4xf32>
// CHECK:   %[[OLD:.+]] = tensor.extract_slice %[[T]][%[[ROW]], 0] [1, 4] [1, 1] : tensor<3x4xf32> to tensor<4xf32>
// CHECK:   %[[SUM:.+]] = linalg.generic
// CHECK-SAME: ins(%[[NEW]] : tensor<4xf32>) outs(%[[OLD]] : tensor<4xf32>)
// CHECK:     arith.addf
// CHECK:   %[[INS:.+]] = tensor.insert_slice %[[SUM]] into %[[T]][%[[ROW]], 0] [1, 4] [1, 1] : tensor<4xf32> into tensor<3x4xf32>
// CHECK:   scf.yield %[[INS]]
func.func @scatter_nd_slices_add(%x: tensor<3x4xf32>, %i: tensor<2x1xi32>, %u: tensor<2x4xf32>) -> tensor<3x4xf32> {
  %0 = moc.scatter_nd %x, %i, %u {reduction = 1 : i32} : (tensor<3x4xf32>, tensor<2x1xi32>, tensor<2x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Full index tuples address single elements; unsigned minimum.
// CHECK-LABEL: func.func @scatter_nd_elements_min
// CHECK-SAME: (%[[X:.+]]: tensor<3x4xi8>, %[[I:.+]]: tensor<2x2xi64>, %[[U:.+]]: tensor<2xi8>)
// CHECK: scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[T:.+]] = %[[X]]) -> (tensor<3x4xi8>)
// CHECK:   %[[ROW:.+]] = arith.maxsi
// CHECK:   %[[COL:.+]] = arith.maxsi
// CHECK:   %[[NEW:.+]] = tensor.extract %[[U]][%[[K]]] : tensor<2xi8>
// CHECK:   %[[OLD:.+]] = tensor.extract %[[T]][%[[ROW]], %[[COL]]] : tensor<3x4xi8>
// CHECK:   %[[MIN:.+]] = arith.minui %[[OLD]], %[[NEW]] : i8
// CHECK:   tensor.insert %[[MIN]] into %[[T]][%[[ROW]], %[[COL]]] : tensor<3x4xi8>
func.func @scatter_nd_elements_min(%x: tensor<3x4xui8>, %i: tensor<2x2xi64>, %u: tensor<2xui8>) -> tensor<3x4xui8> {
  %0 = moc.scatter_nd %x, %i, %u {reduction = 4 : i32} : (tensor<3x4xui8>, tensor<2x2xi64>, tensor<2xui8>) -> tensor<3x4xui8>
  return %0 : tensor<3x4xui8>
}
