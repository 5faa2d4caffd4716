// RUN: mocc-opt %s --split-input-file --moc-fold-constants | FileCheck %s
// RUN: mocc-opt %s --split-input-file --canonicalize | FileCheck %s --check-prefix=CANON

// A batch normalization with constant statistics folds into the convolution
// before it: k = scale / sqrt(var + eps) = [2, 0.5]; the weights of filter f
// are scaled by k[f] and the bias becomes (b - mean) * k + shift.
// CHECK-LABEL: func.func @batch_norm_into_conv
// CHECK-DAG: %[[W:.+]] = moc.constant dense_resource<bn_folded> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.+]] = moc.constant dense<[3.000000e+00, 1.500000e+00]> : tensor<2xf32>
// CHECK: %[[Y:.+]] = moc.conv %{{.+}}, %[[W]], %[[B]]
// CHECK-NOT: moc.batch_norm
// CHECK: return %[[Y]]
// CHECK: bn_folded: "0x04000000000080400000803E"
func.func @batch_norm_into_conv(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = moc.constant dense<[[[[2.0]]], [[[0.5]]]]> : tensor<2x1x1x1xf32>
  %b = moc.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %scale = moc.constant dense<[4.0, 1.0]> : tensor<2xf32>
  %shift = moc.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %mean = moc.constant dense<[0.0, 2.0]> : tensor<2xf32>
  %var = moc.constant dense<[4.0, 4.0]> : tensor<2xf32>
  %c = moc.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %y = moc.batch_norm %c, %scale, %shift, %mean, %var {epsilon = 0.0 : f32}
      : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// The convolution's result has another user: it must stay, so the batch
// normalization is left alone.
// CHECK-LABEL: func.func @conv_used_twice
// CHECK: moc.conv
// CHECK: moc.batch_norm
func.func @conv_used_twice(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %s = moc.constant dense<1.0> : tensor<2xf32>
  %c = moc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = moc.batch_norm %c, %s, %s, %s, %s {epsilon = 0.0 : f32}
      : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y, %c : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Constant subgraphs beyond canonicalization's budget (4096 elements) are
// evaluated: here a cast and an add on 8192 elements.
// CANON-LABEL: func.func @large_constant_arithmetic
// CANON: moc.cast
// CHECK-LABEL: func.func @large_constant_arithmetic
// CHECK: %[[C:.+]] = moc.constant dense<3.000000e+00> : tensor<8192xf32>
// CHECK: moc.add %{{.+}}, %[[C]]
func.func @large_constant_arithmetic(%x: tensor<8192xf32>) -> tensor<8192xf32> {
  %a = moc.constant dense<1> : tensor<8192xi32>
  %b = moc.constant dense<2.0> : tensor<8192xf32>
  %f = moc.cast %a : (tensor<8192xi32>) -> tensor<8192xf32>
  %c = moc.add %f, %b : (tensor<8192xf32>, tensor<8192xf32>) -> tensor<8192xf32>
  %y = moc.add %x, %c : (tensor<8192xf32>, tensor<8192xf32>) -> tensor<8192xf32>
  return %y : tensor<8192xf32>
}

// -----

// A projection shortcut: two biased convolutions added. The first takes
// both biases, the second none, so that the sum is the second one's
// epilogue (its bias and its residual).
// CHECK-LABEL: func.func @added_conv_biases
// CHECK: %[[B:.+]] = moc.constant dense<[1.100000e+01, 2.200000e+01]> : tensor<2xf32>
// CHECK: %[[C:.+]] = moc.conv %{{.+}}, %{{.+}}, %[[B]] {
// CHECK: %[[D:.+]] = moc.conv %{{.+}}, %{{.+}} {
// CHECK: moc.add %[[C]], %[[D]]
func.func @added_conv_biases(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %b1 = moc.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b2 = moc.constant dense<[10.0, 20.0]> : tensor<2xf32>
  %c = moc.conv %x, %w, %b1 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %d = moc.conv %x, %w, %b2 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %y = moc.add %c, %d : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A convolution read twice keeps its bias: the other use needs it.
// CHECK-LABEL: func.func @added_conv_used_twice
// CHECK-COUNT-2: moc.conv %{{.+}}, %{{.+}}, %{{.+}} {
func.func @added_conv_used_twice(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x1x1xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %b1 = moc.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b2 = moc.constant dense<[10.0, 20.0]> : tensor<2xf32>
  %c = moc.conv %x, %w, %b1 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %d = moc.conv %x, %w, %b2 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %y = moc.add %c, %d : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %y, %d : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
