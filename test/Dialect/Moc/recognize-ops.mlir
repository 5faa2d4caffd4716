// RUN: mocc-opt %s --split-input-file --moc-recognize-ops | FileCheck %s

// torch's export of nn.GELU before opset 20: Div, Erf, Add, Mul, Mul.
// CHECK-LABEL: func.func @gelu_as_exported
// CHECK-SAME: (%[[X:.+]]: tensor<2x8xf32>)
// CHECK-NEXT: %[[G:.+]] = moc.gelu %[[X]] {tanh_approximation = false}
// CHECK-NEXT: return %[[G]]
func.func @gelu_as_exported(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %sqrt2 = moc.constant dense<1.41421354> : tensor<f32>
  %one = moc.constant dense<1.0> : tensor<f32>
  %half = moc.constant dense<0.5> : tensor<f32>
  %d = moc.div %x, %sqrt2 : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %e = moc.erf %d : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %a = moc.add %e, %one : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %m = moc.mul %x, %a : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %y = moc.mul %m, %half : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// The factors in another order, the division as a product by 1 / sqrt(2).
// CHECK-LABEL: func.func @gelu_other_order
// CHECK: moc.gelu
// CHECK-NOT: moc.erf
func.func @gelu_other_order(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = moc.constant dense<0.707106769> : tensor<f32>
  %one = moc.constant dense<1.0> : tensor<f32>
  %half = moc.constant dense<0.5> : tensor<f32>
  %h = moc.mul %half, %x : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %d = moc.mul %x, %r : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %e = moc.erf %d : (tensor<4xf32>) -> tensor<4xf32>
  %a = moc.add %one, %e : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %y = moc.mul %h, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// An intermediate that is used elsewhere must stay: nothing is rewritten.
// So is a chain with another constant (not GELU).
// CHECK-LABEL: func.func @not_gelu
// CHECK-NOT: moc.gelu
// CHECK: return
func.func @not_gelu(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %sqrt2 = moc.constant dense<1.41421354> : tensor<f32>
  %one = moc.constant dense<1.0> : tensor<f32>
  %half = moc.constant dense<0.5> : tensor<f32>
  %third = moc.constant dense<0.333> : tensor<f32>
  %d = moc.div %x, %sqrt2 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %e = moc.erf %d : (tensor<4xf32>) -> tensor<4xf32>
  %a = moc.add %e, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %m = moc.mul %x, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %y = moc.mul %m, %half : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %d2 = moc.div %x, %sqrt2 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %e2 = moc.erf %d2 : (tensor<4xf32>) -> tensor<4xf32>
  %a2 = moc.add %e2, %one : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %m2 = moc.mul %x, %a2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %y2 = moc.mul %m2, %third : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %y, %e, %y2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
