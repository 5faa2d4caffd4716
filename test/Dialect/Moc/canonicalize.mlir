// RUN: mocc-opt %s --canonicalize --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @reshape_chain
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[R:.+]] = moc.reshape %[[X]] : (tensor<2x3x4xf32>) -> tensor<4x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_chain(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = moc.reshape %x : (tensor<2x3x4xf32>) -> tensor<24xf32>
  %1 = moc.reshape %0 : (tensor<24xf32>) -> tensor<6x4xf32>
  %2 = moc.reshape %1 : (tensor<6x4xf32>) -> tensor<4x6xf32>
  return %2 : tensor<4x6xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_identity
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @reshape_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = moc.reshape %x : (tensor<2x3xf32>) -> tensor<6xf32>
  %1 = moc.reshape %0 : (tensor<6xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_constant
// CHECK-NEXT: %[[C:.+]] = moc.constant dense<{{\[}}[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi32>
// CHECK-NEXT: return %[[C]]
func.func @reshape_constant() -> tensor<3x2xi32> {
  %0 = moc.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %1 = moc.reshape %0 : (tensor<2x3xi32>) -> tensor<3x2xi32>
  return %1 : tensor<3x2xi32>
}

// -----

// CHECK-LABEL: func.func @broadcast_splat
// CHECK-NEXT: %[[C:.+]] = moc.constant dense<2.500000e+00> : tensor<4x3xf32>
// CHECK-NEXT: return %[[C]]
func.func @broadcast_splat() -> tensor<4x3xf32> {
  %0 = moc.constant dense<2.5> : tensor<3xf32>
  %1 = moc.broadcast %0 : (tensor<3xf32>) -> tensor<4x3xf32>
  return %1 : tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func.func @broadcast_identity
// CHECK-SAME: (%[[X:.+]]: tensor<4x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @broadcast_identity(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
  %0 = moc.broadcast %x : (tensor<4x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_identity
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @transpose_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = moc.transpose %x {permutation = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_composition
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[T:.+]] = moc.transpose %[[X]] {permutation = array<i64: 2, 1, 0>} : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
// CHECK-NEXT: return %[[T]]
func.func @transpose_composition(%x: tensor<2x3x4xf32>) -> tensor<4x3x2xf32> {
  %0 = moc.transpose %x {permutation = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %1 = moc.transpose %0 {permutation = array<i64: 1, 0, 2>} : (tensor<3x4x2xf32>) -> tensor<4x3x2xf32>
  return %1 : tensor<4x3x2xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_inverse
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @transpose_inverse(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = moc.transpose %x {permutation = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
  %1 = moc.transpose %0 {permutation = array<i64: 0, 2, 1>} : (tensor<2x4x3xf32>) -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

// The transposed weight is laid out once, as a resource blob
// (1 2 3 / 4 5 6 -> 1 4 / 2 5 / 3 6, little-endian i32 after the alignment word).
// CHECK-LABEL: func.func @transpose_constant
// CHECK-NEXT: %[[C:.+]] = moc.constant dense_resource<transposed> : tensor<3x2xi32>
// CHECK-NEXT: return %[[C]]
// CHECK: transposed: "0x{{[0-9A-F]+}}010000000400000002000000050000000300000006000000"
func.func @transpose_constant() -> tensor<3x2xi32> {
  %0 = moc.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>
  %1 = moc.transpose %0 {permutation = array<i64: 1, 0>} : (tensor<2x3xi32>) -> tensor<3x2xi32>
  return %1 : tensor<3x2xi32>
}

// -----

// CHECK-LABEL: func.func @transpose_splat
// CHECK-NEXT: %[[C:.+]] = moc.constant dense<7> : tensor<3x2xi32>
// CHECK-NEXT: return %[[C]]
func.func @transpose_splat() -> tensor<3x2xi32> {
  %0 = moc.constant dense<7> : tensor<2x3xi32>
  %1 = moc.transpose %0 {permutation = array<i64: 1, 0>} : (tensor<2x3xi32>) -> tensor<3x2xi32>
  return %1 : tensor<3x2xi32>
}

// -----

// CHECK-LABEL: func.func @add_zero
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]], %[[X]]
func.func @add_zero(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %zero = moc.constant dense<0.0> : tensor<3xf32>
  %0 = moc.add %x, %zero : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = moc.add %zero, %x : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// Adding a zero that broadcasts the other operand to a larger shape is not
// an identity.
// CHECK-LABEL: func.func @add_zero_broadcasting
// CHECK: moc.add
func.func @add_zero_broadcasting(%x: tensor<3xf32>) -> tensor<2x3xf32> {
  %zero = moc.constant dense<0.0> : tensor<2x3xf32>
  %0 = moc.add %x, %zero : (tensor<3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @mul_one
// CHECK-SAME: (%[[X:.+]]: tensor<4xi64>)
// CHECK-NEXT: return %[[X]]
func.func @mul_one(%x: tensor<4xi64>) -> tensor<4xi64> {
  %one = moc.constant dense<1> : tensor<i64>
  %0 = moc.mul %x, %one : (tensor<4xi64>, tensor<i64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// CHECK-LABEL: func.func @mul_not_one
// CHECK: moc.mul
func.func @mul_not_one(%x: tensor<4xf32>) -> tensor<4xf32> {
  %two = moc.constant dense<2.0> : tensor<f32>
  %0 = moc.mul %x, %two : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @cast_identity
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @cast_identity(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = moc.cast %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A transpose that only moves dimensions of size 1 moves no data.
// CHECK-LABEL: func.func @transpose_of_unit_dims
// CHECK: %[[R:.+]] = moc.reshape %{{.+}} : (tensor<1x128x256xf32>) -> tensor<128x1x256xf32>
// CHECK: return %[[R]]
func.func @transpose_of_unit_dims(%x: tensor<1x128x256xf32>) -> tensor<128x1x256xf32> {
  %0 = moc.transpose %x {permutation = array<i64: 1, 0, 2>} : (tensor<1x128x256xf32>) -> tensor<128x1x256xf32>
  return %0 : tensor<128x1x256xf32>
}

// -----

// A transpose that reorders larger dimensions stays.
// CHECK-LABEL: func.func @transpose_moves_data
// CHECK: moc.transpose
func.func @transpose_moves_data(%x: tensor<1x4x128xf32>) -> tensor<128x1x4xf32> {
  %0 = moc.transpose %x {permutation = array<i64: 2, 0, 1>} : (tensor<1x4x128xf32>) -> tensor<128x1x4xf32>
  return %0 : tensor<128x1x4xf32>
}

// -----

// Reshaping a weight blob shares the blob.
// CHECK-LABEL: func.func @reshape_of_resource
// CHECK: %[[C:.+]] = moc.constant dense_resource<w> : tensor<2x2xf32>
// CHECK: return %[[C]]
func.func @reshape_of_resource() -> tensor<2x2xf32> {
  %w = moc.constant dense_resource<w> : tensor<4xf32>
  %0 = moc.reshape %w : (tensor<4xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// -----

// The square root of a constant is a constant (sqrt(2) in exported GELUs).
// CHECK-LABEL: func.func @sqrt_of_constant
// CHECK-NEXT: %[[C:.+]] = moc.constant dense<[1.41421354, 3.000000e+00]> : tensor<2xf32>
// CHECK-NEXT: return %[[C]]
func.func @sqrt_of_constant() -> tensor<2xf32> {
  %c = moc.constant dense<[2.0, 9.0]> : tensor<2xf32>
  %0 = moc.sqrt %c : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Shape arithmetic in expanded functions (LayerNormalization, Attention,
// Range) rounds, negates, compares and combines constants: it all folds.
// CHECK-LABEL: func.func @shape_arithmetic
// CHECK-DAG: moc.constant dense<[2.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK-DAG: moc.constant dense<[1.000000e+00, -2.000000e+00]> : tensor<2xf32>
// CHECK-DAG: moc.constant dense<[1, -2]> : tensor<2xi64>
// CHECK-DAG: moc.constant dense<2> : tensor<2xi64>
// CHECK-DAG: moc.constant dense<[true, false]> : tensor<2xi1>
// CHECK-NOT: moc.ceil
// CHECK-NOT: moc.floor
// CHECK-NOT: moc.neg
// CHECK-NOT: moc.mod
// CHECK-NOT: moc.and
func.func @shape_arithmetic() -> (tensor<2xf32>, tensor<2xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi1>) {
  %f = moc.constant dense<[1.5, -1.5]> : tensor<2xf32>
  %i = moc.constant dense<[-1, 2]> : tensor<2xi64>
  %three = moc.constant dense<3> : tensor<i64>
  %up = moc.ceil %f : (tensor<2xf32>) -> tensor<2xf32>
  %down = moc.floor %f : (tensor<2xf32>) -> tensor<2xf32>
  %neg = moc.neg %i : (tensor<2xi64>) -> tensor<2xi64>
  // Mod takes the divisor's sign: -1 mod 3 = 2.
  %mod = moc.mod %i, %three : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  %le = moc.less_equal %i, %three : (tensor<2xi64>, tensor<i64>) -> tensor<2xi1>
  %ne = moc.not %le : (tensor<2xi1>) -> tensor<2xi1>
  %gt = moc.greater %neg, %i : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi1>
  %and = moc.and %le, %gt : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  return %up, %down, %neg, %mod, %and : tensor<2xf32>, tensor<2xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi1>
}

// -----

// Relu folds on constants (Range's expanded function counts its trips
// through it): negatives and -0 become 0, NaN stays.
// CHECK-LABEL: func.func @relu_constant
// CHECK-NEXT: %[[C:.+]] = moc.constant dense<[0.000000e+00, 0.000000e+00, 2.500000e+00, 0x7FC00000]> : tensor<4xf32>
// CHECK-NEXT: %[[I:.+]] = moc.constant dense<[0, 3]> : tensor<2xi64>
// CHECK-NEXT: return %[[C]], %[[I]]
func.func @relu_constant() -> (tensor<4xf32>, tensor<2xi64>) {
  %x = moc.constant dense<[-1.0, -0.0, 2.5, 0x7FC00000]> : tensor<4xf32>
  %0 = moc.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  %i = moc.constant dense<[-7, 3]> : tensor<2xi64>
  %1 = moc.relu %i : (tensor<2xi64>) -> tensor<2xi64>
  return %0, %1 : tensor<4xf32>, tensor<2xi64>
}
