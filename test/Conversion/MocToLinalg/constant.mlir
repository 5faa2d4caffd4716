// RUN: mocc-opt %s --mocc-convert-moc-to-linalg --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @dense
// CHECK: %[[C:.+]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: return %[[C]]
func.func @dense() -> tensor<2xf32> {
  %0 = moc.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Unsigned constants keep their bits under the signless type.
// CHECK-LABEL: func.func @unsigned
// CHECK-SAME: () -> tensor<3xi8>
// CHECK: %[[C:.+]] = arith.constant dense<[1, -128, -1]> : tensor<3xi8>
// CHECK: return %[[C]] : tensor<3xi8>
func.func @unsigned() -> tensor<3xui8> {
  %0 = moc.constant dense<[1, 128, 255]> : tensor<3xui8>
  return %0 : tensor<3xui8>
}

// -----

// Resource blobs stay blobs (the weights are never copied).
// CHECK-LABEL: func.func @resource
// CHECK: arith.constant dense_resource<weights> : tensor<2xf32>
// CHECK: arith.constant dense_resource<bytes> : tensor<3xi8>
// CHECK: weights: "0x040000000000803F00000040"
func.func @resource() -> (tensor<2xf32>, tensor<3xui8>) {
  %0 = moc.constant dense_resource<weights> : tensor<2xf32>
  %1 = moc.constant dense_resource<bytes> : tensor<3xui8>
  return %0, %1 : tensor<2xf32>, tensor<3xui8>
}
{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803F00000040",
      bytes: "0x04000000010203"
    }
  }
#-}

// -----

// Function signatures, calls and returns follow the type conversion.
// CHECK-LABEL: func.func private @callee(tensor<4xi16>) -> tensor<4xi16>
// CHECK-LABEL: func.func @caller
// CHECK-SAME: (%[[X:.+]]: tensor<4xi16>) -> tensor<4xi16>
// CHECK: %[[R:.+]] = call @callee(%[[X]]) : (tensor<4xi16>) -> tensor<4xi16>
// CHECK: return %[[R]] : tensor<4xi16>
func.func private @callee(tensor<4xui16>) -> tensor<4xui16>
func.func @caller(%x: tensor<4xui16>) -> tensor<4xui16> {
  %0 = call @callee(%x) : (tensor<4xui16>) -> tensor<4xui16>
  return %0 : tensor<4xui16>
}
