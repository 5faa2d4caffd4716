// RUN: mocc-opt %s --split-input-file --moc-convert-layout --canonicalize | FileCheck %s

// Two convolutions with a relu, a residual add and a max pooling between
// them run channels-last: one transpose at the input, one at the output, the
// weights re-laid out at compile time (a constant F x KH x KW x C).
// CHECK-LABEL: func.func @conv_stack
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x8x8xf32>)
// CHECK: %[[T:.+]] = moc.transpose %[[X]] {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x2x8x8xf32>) -> tensor<1x8x8x2xf32>
// CHECK: %[[C1:.+]] = moc.conv %[[T]], %{{.+}} {channels_last, {{.+}}} : (tensor<1x8x8x2xf32>, tensor<2x3x3x2xf32>) -> tensor<1x8x8x2xf32>
// CHECK: %[[R:.+]] = moc.relu %[[C1]] : (tensor<1x8x8x2xf32>) -> tensor<1x8x8x2xf32>
// CHECK: %[[A:.+]] = moc.add %[[R]], %[[C1]] : (tensor<1x8x8x2xf32>, tensor<1x8x8x2xf32>) -> tensor<1x8x8x2xf32>
// CHECK: %[[P:.+]] = moc.max_pool %[[A]] {ceil_mode = false, channels_last, {{.+}}} : (tensor<1x8x8x2xf32>) -> tensor<1x4x4x2xf32>
// CHECK: %[[C2:.+]] = moc.conv %[[P]], %{{.+}} {channels_last, {{.+}}} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>) -> tensor<1x4x4x3xf32>
// CHECK: %[[Y:.+]] = moc.transpose %[[C2]] {permutation = array<i64: 0, 3, 1, 2>} : (tensor<1x4x4x3xf32>) -> tensor<1x3x4x4xf32>
// CHECK-NOT: moc.transpose
// CHECK: return %[[Y]]
func.func @conv_stack(%x: tensor<1x2x8x8xf32>) -> tensor<1x3x4x4xf32> {
  %w1 = moc.constant dense<1.0> : tensor<2x2x3x3xf32>
  %w2 = moc.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]], [[[5.0]], [[6.0]]]]> : tensor<3x2x1x1xf32>
  %c1 = moc.conv %x, %w1 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64}
      : (tensor<1x2x8x8xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x8x8xf32>
  %r = moc.relu %c1 : (tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %a = moc.add %r, %c1 : (tensor<1x2x8x8xf32>, tensor<1x2x8x8xf32>) -> tensor<1x2x8x8xf32>
  %p = moc.max_pool %a {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
                        pads = array<i64: 0, 0, 0, 0>, ceil_mode = false} : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  %c2 = moc.conv %p, %w2 {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x4x4xf32>
  return %c2 : tensor<1x3x4x4xf32>
}

// -----

// Concatenation along channels and a global average pooling (a reduction
// that keeps its dimensions) are renumbered; the last transpose only moves
// unit dimensions, so it is a reshape.
// CHECK-LABEL: func.func @concat_and_mean
// CHECK: %[[A:.+]] = moc.conv {{.+}} -> tensor<1x4x4x2xf32>
// CHECK: %[[B:.+]] = moc.conv {{.+}} -> tensor<1x4x4x2xf32>
// CHECK: %[[C:.+]] = moc.concat %[[A]], %[[B]] {axis = 3 : i64} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32>
// CHECK: %[[M:.+]] = moc.reduce_mean %[[C]] {axes = array<i64: 1, 2>, keepdims = true} : (tensor<1x4x4x4xf32>) -> tensor<1x1x1x4xf32>
// CHECK: %[[R:.+]] = moc.reshape %[[M]] : (tensor<1x1x1x4xf32>) -> tensor<1x4x1x1xf32>
// CHECK: return %[[R]]
func.func @concat_and_mean(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x4x1x1xf32> {
  %a = moc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %b = moc.conv %a, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %c = moc.concat %a, %b {axis = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x4x4x4xf32>
  %m = moc.reduce_mean %c {axes = array<i64: 2, 3>, keepdims = true} : (tensor<1x4x4x4xf32>) -> tensor<1x4x1x1xf32>
  return %m : tensor<1x4x1x1xf32>
}

// -----

// An op that depends on the layout (a per-channel bias broadcast from a
// lower rank) stops the transpose; it is not rewritten.
// CHECK-LABEL: func.func @layout_dependent_user
// CHECK: moc.conv {{.+}}{channels_last
// CHECK: %[[T:.+]] = moc.transpose %{{.+}} {permutation = array<i64: 0, 3, 1, 2>}
// CHECK: moc.add %[[T]], %{{.+}} : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>)
func.func @layout_dependent_user(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>, %b: tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %a = moc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = moc.add %a, %b : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// A squeeze-and-excitation scale: the activation times a per-channel vector
// computed from it ([1, C, 1, 1]). Transposing the vector moves no data, so
// the transpose sinks through the product and cancels with the next
// convolution's: the block runs channels-last.
// CHECK-LABEL: func.func @excitation_scale
// CHECK: %[[C1:.+]] = moc.conv {{.+}}{channels_last
// CHECK: %[[M:.+]] = moc.reduce_mean %[[C1]] {axes = array<i64: 1, 2>, keepdims = true} : (tensor<1x4x4x2xf32>) -> tensor<1x1x1x2xf32>
// CHECK: %[[S:.+]] = moc.sigmoid %[[M]] : (tensor<1x1x1x2xf32>) -> tensor<1x1x1x2xf32>
// CHECK: %[[SCALED:.+]] = moc.mul %[[C1]], %[[S]] : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32>
// CHECK: %[[C2:.+]] = moc.conv %[[SCALED]], {{.+}}{channels_last
// CHECK: moc.transpose %[[C2]] {permutation = array<i64: 0, 3, 1, 2>}
// CHECK-NOT: moc.transpose
func.func @excitation_scale(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %a = moc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %m = moc.reduce_mean %a {axes = array<i64: 2, 3>, keepdims = true} : (tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32>
  %s = moc.sigmoid %m : (tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %scaled = moc.mul %a, %s : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %y = moc.conv %scaled, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}
