// RUN: mocc-opt %s --mocc-convert-moc-to-linalg --split-input-file | FileCheck %s

// An scf.for over the scanned dimension carries the result and the running
// sum; exclusive stores the sum before adding, reverse walks from the end.
// CHECK-LABEL: func.func @cumsum_exclusive_reverse
// CHECK-SAME: (%[[X:.+]]: tensor<3x4xf32>)
// CHECK-DAG: %[[ONE:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[N:.+]] = arith.constant 4 : index
// CHECK: %[[E:.+]] = tensor.empty() : tensor<3x4xf32>
// CHECK: %[[Z:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<3xf32>)
// CHECK: %[[R:.+]]:2 = scf.for %[[I:.+]] = %{{.+}} to %[[N]] step %[[ONE]] iter_args(%[[OUT:.+]] = %[[E]], %[[SUM:.+]] = %[[Z]])
// CHECK:   %[[LAST:.+]] = arith.subi %[[N]], %[[ONE]] : index
// CHECK:   %[[J:.+]] = arith.subi %[[LAST]], %[[I]] : index
// CHECK:   %[[S:.+]] = tensor.extract_slice %[[X]][0, %[[J]]] [3, 1] [1, 1] : tensor<3x4xf32> to tensor<3xf32>
// CHECK:   %[[W:.+]] = tensor.insert_slice %[[SUM]] into %[[OUT]][0, %[[J]]] [3, 1] [1, 1] : tensor<3xf32> into tensor<3x4xf32>
// CHECK:   %[[NEXT:.+]] = linalg.generic
// CHECK-SAME: ins(%[[S]] : tensor<3xf32>) outs(%[[SUM]] : tensor<3xf32>)
// CHECK:     arith.addf
// CHECK:   scf.yield %[[W]], %[[NEXT]] : tensor<3x4xf32>, tensor<3xf32>
// CHECK: return %[[R]]#0
func.func @cumsum_exclusive_reverse(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %0 = moc.cumsum %x {axis = 1 : i64, exclusive = true, reverse = true} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Inclusive: the updated sum is stored. 16-bit floats accumulate in f32 and
// the result is converted after the loop.
// CHECK-LABEL: func.func @cumsum_f16
// CHECK: %[[E:.+]] = tensor.empty() : tensor<5xf32>
// CHECK: %[[R:.+]]:2 = scf.for %[[I:.+]] = %{{.+}} iter_args(%[[OUT:.+]] = %[[E]], %[[SUM:.+]] = %{{.+}}) -> (tensor<5xf32>, tensor<f32>)
// CHECK:   %[[S:.+]] = tensor.extract_slice %{{.+}}[%[[I]]] [1] [1] : tensor<5xf16> to tensor<f16>
// CHECK:   %[[NEXT:.+]] = linalg.generic
// CHECK-SAME: ins(%[[S]] : tensor<f16>) outs(%[[SUM]] : tensor<f32>)
// CHECK:     arith.extf
// CHECK:   %[[W:.+]] = tensor.insert_slice %[[NEXT]] into %[[OUT]][%[[I]]] [1] [1] : tensor<f32> into tensor<5xf32>
// CHECK:   scf.yield %[[W]], %[[NEXT]]
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[R]]#0 : tensor<5xf32>)
// CHECK:   arith.truncf
func.func @cumsum_f16(%x: tensor<5xf16>) -> tensor<5xf16> {
  %0 = moc.cumsum %x {axis = 0 : i64, exclusive = false, reverse = false} : (tensor<5xf16>) -> tensor<5xf16>
  return %0 : tensor<5xf16>
}
