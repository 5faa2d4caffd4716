// RUN: mocc-opt %s | mocc-opt | FileCheck %s
// RUN: mocc-opt %s --mlir-print-op-generic | mocc-opt | FileCheck %s

// Round trip of every op family of the moc dialect.

// CHECK-LABEL: func.func @constants
func.func @constants() -> (tensor<2xf32>, tensor<3xui8>) {
  // CHECK: moc.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
  %0 = moc.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // CHECK: moc.constant dense<[1, 2, 255]> : tensor<3xui8>
  %1 = moc.constant dense<[1, 2, 255]> : tensor<3xui8>
  return %0, %1 : tensor<2xf32>, tensor<3xui8>
}

// CHECK-LABEL: func.func @unary
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>, %[[I:.+]]: tensor<4xi32>, %[[B:.+]]: tensor<4xi1>)
func.func @unary(%x: tensor<2x3xf32>, %i: tensor<4xi32>, %b: tensor<4xi1>) {
  // CHECK: moc.abs %[[X]] : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = moc.abs %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.neg %[[I]] : (tensor<4xi32>) -> tensor<4xi32>
  %1 = moc.neg %i : (tensor<4xi32>) -> tensor<4xi32>
  // CHECK: moc.sign
  %2 = moc.sign %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.relu
  %3 = moc.relu %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.exp
  %4 = moc.exp %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.log
  %5 = moc.log %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.sqrt
  %6 = moc.sqrt %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.reciprocal
  %7 = moc.reciprocal %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.sin
  %8 = moc.sin %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.cos
  %9 = moc.cos %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.tan
  %10 = moc.tan %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.asin
  %11 = moc.asin %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.acos
  %12 = moc.acos %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.atan
  %13 = moc.atan %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.sinh
  %14 = moc.sinh %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.cosh
  %15 = moc.cosh %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.tanh
  %16 = moc.tanh %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.asinh
  %17 = moc.asinh %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.acosh
  %18 = moc.acosh %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.atanh
  %19 = moc.atanh %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.erf
  %20 = moc.erf %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.sigmoid
  %21 = moc.sigmoid %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.softplus
  %22 = moc.softplus %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.softsign
  %23 = moc.softsign %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.floor
  %24 = moc.floor %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.ceil
  %25 = moc.ceil %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.round
  %26 = moc.round %x : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.not %[[B]] : (tensor<4xi1>) -> tensor<4xi1>
  %27 = moc.not %b : (tensor<4xi1>) -> tensor<4xi1>
  // CHECK: moc.bitwise_not %[[I]] : (tensor<4xi32>) -> tensor<4xi32>
  %28 = moc.bitwise_not %i : (tensor<4xi32>) -> tensor<4xi32>
  return
}

// CHECK-LABEL: func.func @param_unary
func.func @param_unary(%x: tensor<2x3xf32>) {
  // CHECK: moc.leaky_relu %{{.+}} {alpha = 1.000000e-01 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = moc.leaky_relu %x {alpha = 0.1 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.elu %{{.+}} {alpha = 1.000000e+00 : f32}
  %1 = moc.elu %x {alpha = 1.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.celu %{{.+}} {alpha = 1.000000e+00 : f32}
  %2 = moc.celu %x {alpha = 1.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.selu %{{.+}} {alpha = 1.673260e+00 : f32, gamma = 1.050700e+00 : f32}
  %3 = moc.selu %x {alpha = 1.67326 : f32, gamma = 1.0507 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.hard_sigmoid %{{.+}} {alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32}
  %4 = moc.hard_sigmoid %x {alpha = 0.2 : f32, beta = 0.5 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.thresholded_relu %{{.+}} {alpha = 1.000000e+00 : f32}
  %5 = moc.thresholded_relu %x {alpha = 1.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.gelu %{{.+}} {tanh_approximation = true}
  %6 = moc.gelu %x {tanh_approximation = true} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// CHECK-LABEL: func.func @binary
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>, %[[Y:.+]]: tensor<3xf32>, %[[I:.+]]: tensor<4xui8>, %[[B:.+]]: tensor<4xi1>)
func.func @binary(%x: tensor<2x3xf32>, %y: tensor<3xf32>, %i: tensor<4xui8>, %b: tensor<4xi1>) {
  // CHECK: moc.add %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = moc.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.sub
  %1 = moc.sub %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.mul
  %2 = moc.mul %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.div
  %3 = moc.div %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.pow
  %4 = moc.pow %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.max
  %5 = moc.max %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.min
  %6 = moc.min %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.mod %[[I]], %[[I]] : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %7 = moc.mod %i, %i : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  // CHECK: moc.fmod
  %8 = moc.fmod %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.prelu
  %9 = moc.prelu %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: moc.and %[[B]], %[[B]] : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %10 = moc.and %b, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  // CHECK: moc.or
  %11 = moc.or %b, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  // CHECK: moc.xor
  %12 = moc.xor %b, %b : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  // CHECK: moc.bitwise_and
  %13 = moc.bitwise_and %i, %i : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  // CHECK: moc.bitwise_or
  %14 = moc.bitwise_or %i, %i : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  // CHECK: moc.bitwise_xor
  %15 = moc.bitwise_xor %i, %i : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  // CHECK: moc.shift_left
  %16 = moc.shift_left %i, %i : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  // CHECK: moc.shift_right
  %17 = moc.shift_right %i, %i : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  // CHECK: moc.equal %[[X]], %[[Y]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %18 = moc.equal %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: moc.less
  %19 = moc.less %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: moc.less_equal
  %20 = moc.less_equal %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: moc.greater
  %21 = moc.greater %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: moc.greater_equal
  %22 = moc.greater_equal %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  return
}

// CHECK-LABEL: func.func @select_and_cast
func.func @select_and_cast(%c: tensor<2x1xi1>, %x: tensor<2x3xf32>, %y: tensor<f32>) -> (tensor<2x3xf32>, tensor<2x3xi64>) {
  // CHECK: moc.select %{{.+}}, %{{.+}}, %{{.+}} : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %0 = moc.select %c, %x, %y : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  // CHECK: moc.cast %{{.+}} : (tensor<2x3xf32>) -> tensor<2x3xi64>
  %1 = moc.cast %0 : (tensor<2x3xf32>) -> tensor<2x3xi64>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xi64>
}

// CHECK-LABEL: func.func @coded_floats
func.func @coded_floats(%x: tensor<4xf32>, %codes: tensor<4xui8>) -> (tensor<4x!moc.f4E2M1FN>, tensor<4x!moc.f8E8M0FNU>) {
  // CHECK: moc.bitcast %{{.+}} : (tensor<4xui8>) -> tensor<4x!moc.f4E2M1FN>
  %0 = moc.bitcast %codes : (tensor<4xui8>) -> tensor<4x!moc.f4E2M1FN>
  // CHECK: moc.cast %{{.+}} {power_rounding = 2 : i32, saturate} : (tensor<4xf32>) -> tensor<4x!moc.f8E8M0FNU>
  %1 = moc.cast %x {power_rounding = 2 : i32, saturate} : (tensor<4xf32>) -> tensor<4x!moc.f8E8M0FNU>
  return %0, %1 : tensor<4x!moc.f4E2M1FN>, tensor<4x!moc.f8E8M0FNU>
}

// CHECK-LABEL: func.func @linear_algebra
func.func @linear_algebra(%a: tensor<8x128x64xf32>, %b: tensor<64x32xf32>, %x: tensor<1x3x32x32xf32>,
                          %w: tensor<8x3x3x3xf32>, %bias: tensor<8xf32>) {
  // CHECK: moc.matmul %{{.+}}, %{{.+}} : (tensor<8x128x64xf32>, tensor<64x32xf32>) -> tensor<8x128x32xf32>
  %0 = moc.matmul %a, %b : (tensor<8x128x64xf32>, tensor<64x32xf32>) -> tensor<8x128x32xf32>
  // CHECK: moc.conv %{{.+}}, %{{.+}}, %{{.+}} {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
  // CHECK-SAME: : (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x16x16xf32>
  %1 = moc.conv %x, %w, %bias {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64}
      : (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x16x16xf32>
  // CHECK: moc.conv %{{.+}}, %{{.+}} {
  // CHECK-SAME: (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x30x30xf32>
  %2 = moc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x30x30xf32>
  return
}

// CHECK-LABEL: func.func @pooling
func.func @pooling(%x: tensor<1x8x32x32xf32>) {
  // CHECK: moc.max_pool %{{.+}} {ceil_mode = false, dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
  // CHECK-SAME: : (tensor<1x8x32x32xf32>) -> tensor<1x8x16x16xf32>
  %0 = moc.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
                        pads = array<i64: 0, 0, 0, 0>, ceil_mode = false} : (tensor<1x8x32x32xf32>) -> tensor<1x8x16x16xf32>
  // CHECK: moc.average_pool %{{.+}} {ceil_mode = true, count_include_pad = false,
  // CHECK-SAME: -> tensor<1x8x11x11xf32>
  %1 = moc.average_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 3, 3>, dilations = array<i64: 1, 1>,
                            pads = array<i64: 0, 0, 0, 0>, ceil_mode = true, count_include_pad = false}
      : (tensor<1x8x32x32xf32>) -> tensor<1x8x11x11xf32>
  return
}

// CHECK-LABEL: func.func @normalization
func.func @normalization(%x: tensor<1x8x4x4xf32>, %c: tensor<8xf32>, %t: tensor<1x128x768xf32>, %g: tensor<768xf32>) {
  // CHECK: moc.batch_norm %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} {epsilon = 9.99999974E-6 : f32}
  %0 = moc.batch_norm %x, %c, %c, %c, %c {epsilon = 1.0e-05 : f32}
      : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  // CHECK: moc.layer_norm %{{.+}}, %{{.+}}, %{{.+}} {axis = 2 : i64, epsilon = 9.99999974E-6 : f32}
  %1 = moc.layer_norm %t, %g, %g {axis = 2 : i64, epsilon = 1.0e-05 : f32}
      : (tensor<1x128x768xf32>, tensor<768xf32>, tensor<768xf32>) -> tensor<1x128x768xf32>
  // CHECK: moc.softmax %{{.+}} {axis = 2 : i64} : (tensor<1x128x768xf32>) -> tensor<1x128x768xf32>
  %2 = moc.softmax %t {axis = 2 : i64} : (tensor<1x128x768xf32>) -> tensor<1x128x768xf32>
  // CHECK: moc.log_softmax %{{.+}} {axis = 1 : i64}
  %3 = moc.log_softmax %t {axis = 1 : i64} : (tensor<1x128x768xf32>) -> tensor<1x128x768xf32>
  return
}

// CHECK-LABEL: func.func @reductions
func.func @reductions(%x: tensor<2x10xf32>) {
  // CHECK: moc.reduce_sum %{{.+}} {axes = array<i64: 1>, keepdims = true} : (tensor<2x10xf32>) -> tensor<2x1xf32>
  %0 = moc.reduce_sum %x {axes = array<i64: 1>, keepdims = true} : (tensor<2x10xf32>) -> tensor<2x1xf32>
  // CHECK: moc.reduce_mean %{{.+}} {axes = array<i64: 0, 1>, keepdims = false} : (tensor<2x10xf32>) -> tensor<f32>
  %1 = moc.reduce_mean %x {axes = array<i64: 0, 1>, keepdims = false} : (tensor<2x10xf32>) -> tensor<f32>
  // CHECK: moc.reduce_max
  %2 = moc.reduce_max %x {axes = array<i64: 0>, keepdims = false} : (tensor<2x10xf32>) -> tensor<10xf32>
  // CHECK: moc.reduce_min
  %3 = moc.reduce_min %x {axes = array<i64: 0>, keepdims = false} : (tensor<2x10xf32>) -> tensor<10xf32>
  // CHECK: moc.reduce_prod
  %4 = moc.reduce_prod %x {axes = array<i64>, keepdims = false} : (tensor<2x10xf32>) -> tensor<2x10xf32>
  // CHECK: moc.arg_max %{{.+}} {axis = 1 : i64, keepdims = false, select_last_index = false} : (tensor<2x10xf32>) -> tensor<2xi64>
  %5 = moc.arg_max %x {axis = 1 : i64, keepdims = false, select_last_index = false} : (tensor<2x10xf32>) -> tensor<2xi64>
  // CHECK: moc.arg_min %{{.+}} {axis = 0 : i64, keepdims = true, select_last_index = true} : (tensor<2x10xf32>) -> tensor<1x10xi64>
  %6 = moc.arg_min %x {axis = 0 : i64, keepdims = true, select_last_index = true} : (tensor<2x10xf32>) -> tensor<1x10xi64>
  return
}

// CHECK-LABEL: func.func @data_movement
func.func @data_movement(%x: tensor<1x3x8x8xf32>, %t: tensor<1000x64xf32>, %ids: tensor<1x8xi64>, %z: tensor<f32>) {
  // CHECK: moc.reshape %{{.+}} : (tensor<1x3x8x8xf32>) -> tensor<3x64xf32>
  %0 = moc.reshape %x : (tensor<1x3x8x8xf32>) -> tensor<3x64xf32>
  // CHECK: moc.broadcast %{{.+}} : (tensor<1x3x8x8xf32>) -> tensor<2x3x8x8xf32>
  %1 = moc.broadcast %x : (tensor<1x3x8x8xf32>) -> tensor<2x3x8x8xf32>
  // CHECK: moc.transpose %{{.+}} {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x3x8x8xf32>) -> tensor<1x8x8x3xf32>
  %2 = moc.transpose %x {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x3x8x8xf32>) -> tensor<1x8x8x3xf32>
  // CHECK: moc.concat %{{.+}}, %{{.+}} {axis = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32>) -> tensor<1x6x8x8xf32>
  %3 = moc.concat %x, %x {axis = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<1x3x8x8xf32>) -> tensor<1x6x8x8xf32>
  // CHECK: moc.slice %{{.+}} {ends = array<i64: 1, 3, -1, 8>, starts = array<i64: 0, 0, 7, 1>, steps = array<i64: 1, 2, -2, 3>}
  // CHECK-SAME: : (tensor<1x3x8x8xf32>) -> tensor<1x2x4x3xf32>
  %4 = moc.slice %x {starts = array<i64: 0, 0, 7, 1>, ends = array<i64: 1, 3, -1, 8>, steps = array<i64: 1, 2, -2, 3>}
      : (tensor<1x3x8x8xf32>) -> tensor<1x2x4x3xf32>
  // CHECK: moc.gather %{{.+}}, %{{.+}} {axis = 0 : i64} : (tensor<1000x64xf32>, tensor<1x8xi64>) -> tensor<1x8x64xf32>
  %5 = moc.gather %t, %ids {axis = 0 : i64} : (tensor<1000x64xf32>, tensor<1x8xi64>) -> tensor<1x8x64xf32>
  // CHECK: moc.pad %{{.+}}, %{{.+}} {mode = 1 : i32, pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>}
  // CHECK-SAME: : (tensor<1x3x8x8xf32>, tensor<f32>) -> tensor<1x3x10x10xf32>
  %6 = moc.pad %x, %z {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = 1 : i32}
      : (tensor<1x3x8x8xf32>, tensor<f32>) -> tensor<1x3x10x10xf32>
  return
}

// CHECK-LABEL: func.func @conv_transpose
func.func @conv_transpose(%x: tensor<1x4x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<6xf32>) {
  // CHECK: moc.conv_transpose %{{.+}}, %{{.+}}, %{{.+}} {dilations = array<i64: 1, 1>, group = 2 : i64, output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
  // CHECK-SAME: : (tensor<1x4x8x8xf32>, tensor<4x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x16x16xf32>
  %0 = moc.conv_transpose %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
                                      output_padding = array<i64: 1, 1>, group = 2 : i64}
      : (tensor<1x4x8x8xf32>, tensor<4x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x16x16xf32>
  return
}

// CHECK-LABEL: func.func @indexing
func.func @indexing(%x: tensor<3x4xf32>, %i: tensor<2x4xi64>, %u: tensor<2x4xf32>, %t: tensor<2x1xi32>, %s: tensor<2x4xf32>) {
  // CHECK: moc.gather_elements %{{.+}}, %{{.+}} {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2x4xi64>) -> tensor<2x4xf32>
  %0 = moc.gather_elements %x, %i {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2x4xi64>) -> tensor<2x4xf32>
  // CHECK: moc.scatter_elements %{{.+}}, %{{.+}}, %{{.+}} {axis = 0 : i64, reduction = 1 : i32}
  // CHECK-SAME: : (tensor<3x4xf32>, tensor<2x4xi64>, tensor<2x4xf32>) -> tensor<3x4xf32>
  %1 = moc.scatter_elements %x, %i, %u {axis = 0 : i64, reduction = 1 : i32}
      : (tensor<3x4xf32>, tensor<2x4xi64>, tensor<2x4xf32>) -> tensor<3x4xf32>
  // CHECK: moc.scatter_nd %{{.+}}, %{{.+}}, %{{.+}} {reduction = 0 : i32}
  // CHECK-SAME: : (tensor<3x4xf32>, tensor<2x1xi32>, tensor<2x4xf32>) -> tensor<3x4xf32>
  %2 = moc.scatter_nd %x, %t, %s {reduction = 0 : i32} : (tensor<3x4xf32>, tensor<2x1xi32>, tensor<2x4xf32>) -> tensor<3x4xf32>
  // CHECK: moc.cumsum %{{.+}} {axis = 1 : i64, exclusive = true, reverse = false} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  %3 = moc.cumsum %x {axis = 1 : i64, exclusive = true, reverse = false} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return
}

// Sizes and scales known at run time only.
// CHECK-LABEL: func.func @resize_dynamic
// CHECK-SAME: (%[[X:.+]]: tensor<2x4xf32>, %[[N:.+]]: index, %[[S:.+]]: f64, %[[R:.+]]: f32)
// CHECK: moc.resize %[[X]] sizes(%[[N]]) scales(%[[S]], %[[S]]) roi(%[[R]], %[[R]], %[[R]], %[[R]]) {{{.*}}roi = array<f64>, scales = array<f64>, sizes = array<i64: 2, -9223372036854775808>}
// CHECK-SAME: : (tensor<2x4xf32>) -> tensor<2x?xf32>
func.func @resize_dynamic(%x: tensor<2x4xf32>, %n: index, %s: f64, %r: f32) {
  %0 = moc.resize %x sizes(%n) scales(%s, %s) roi(%r, %r, %r, %r) {sizes = array<i64: 2, -9223372036854775808>,
                      scales = array<f64>, roi = array<f64>, mode = 1 : i32, coordinate_transformation_mode = 5 : i32,
                      nearest_mode = 0 : i32, cubic_coeff_a = -0.75 : f32, exclude_outside = false,
                      extrapolation_value = 0.0 : f32, antialias = false} : (tensor<2x4xf32>) -> tensor<2x?xf32>
  return
}

// CHECK-LABEL: func.func @resize
func.func @resize(%x: tensor<1x3x4x4xf32>) {
  // CHECK: moc.resize %{{.+}} {antialias = false, coordinate_transformation_mode = 0 : i32, cubic_coeff_a = -7.500000e-01 : f32,
  // CHECK-SAME: exclude_outside = false, extrapolation_value = 0.000000e+00 : f32, mode = 1 : i32, nearest_mode = 0 : i32,
  // CHECK-SAME: roi = array<f64>, scales = array<f64: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>, sizes = array<i64: 1, 3, 8, 8>}
  // CHECK-SAME: : (tensor<1x3x4x4xf32>) -> tensor<1x3x8x8xf32>
  %0 = moc.resize %x {sizes = array<i64: 1, 3, 8, 8>, scales = array<f64: 1.0, 1.0, 2.0, 2.0>, roi = array<f64>,
                      mode = 1 : i32, coordinate_transformation_mode = 0 : i32, nearest_mode = 0 : i32,
                      cubic_coeff_a = -0.75 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32,
                      antialias = false} : (tensor<1x3x4x4xf32>) -> tensor<1x3x8x8xf32>
  return
}
