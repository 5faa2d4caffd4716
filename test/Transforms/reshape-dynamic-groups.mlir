// RUN: mocc-opt %s --mocc-reshape-dynamic-groups | FileCheck %s

// Two dynamic sizes in one group: a reshape by the output shape.
// CHECK-LABEL: func.func @two_dynamic_in_a_group
// CHECK-SAME: (%[[X:.+]]: tensor<?x64xf32>, %[[B:.+]]: index, %[[T:.+]]: index)
// CHECK: %[[C64:.+]] = arith.constant 64 : index
// CHECK: %[[SHAPE:.+]] = tensor.from_elements %[[B]], %[[T]], %[[C64]] : tensor<3xindex>
// CHECK: %[[R:.+]] = tensor.reshape %[[X]](%[[SHAPE]])
// CHECK-NOT: tensor.expand_shape
// CHECK: return %[[R]]
func.func @two_dynamic_in_a_group(%x: tensor<?x64xf32>, %b: index, %t: index) -> tensor<?x?x64xf32> {
  %e = tensor.expand_shape %x [[0, 1], [2]] output_shape [%b, %t, 64] : tensor<?x64xf32> into tensor<?x?x64xf32>
  return %e : tensor<?x?x64xf32>
}

// One dynamic size per group stays an expansion.
// CHECK-LABEL: func.func @one_dynamic_per_group
// CHECK: tensor.expand_shape
// CHECK-NOT: tensor.reshape
func.func @one_dynamic_per_group(%x: tensor<?x64xf32>, %b: index) -> tensor<?x4x16xf32> {
  %e = tensor.expand_shape %x [[0], [1, 2]] output_shape [%b, 4, 16] : tensor<?x64xf32> into tensor<?x4x16xf32>
  return %e : tensor<?x4x16xf32>
}
