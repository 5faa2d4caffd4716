// RUN: mocc-opt %s --split-input-file --verify-diagnostics

func.func @add_element_types(%x: tensor<2xf32>, %y: tensor<2xi32>) {
  // expected-error @+1 {{'moc.add' op expects operands of one element type, got 'f32' and 'i32'}}
  %0 = moc.add %x, %y : (tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  return
}

// -----

func.func @add_shapes(%x: tensor<2x3xf32>, %y: tensor<4xf32>) {
  // expected-error @+1 {{'moc.add' op expects broadcastable operand shapes}}
  %0 = moc.add %x, %y : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x?xf32>
  return
}

// -----

func.func @select_shapes(%c: tensor<3xi1>, %x: tensor<2xf32>) {
  // expected-error @+1 {{'moc.select' op expects broadcastable operand shapes}}
  %0 = moc.select %c, %x, %x : (tensor<3xi1>, tensor<2xf32>, tensor<2xf32>) -> tensor<?xf32>
  return
}

// -----

func.func @conv_rank(%x: tensor<3x8xf32>, %w: tensor<4x3xf32>) {
  // expected-error @+1 {{'moc.conv' op expects an input of rank 3 or more, got 2}}
  %0 = moc.conv %x, %w {strides = array<i64>, dilations = array<i64>, pads = array<i64>, group = 1 : i64}
      : (tensor<3x8xf32>, tensor<4x3xf32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @conv_weight_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>) {
  // expected-error @+1 {{'moc.conv' op expects a weight of rank 4, got 3}}
  %0 = moc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x?x?xf32>
  return
}

// -----

func.func @conv_attribute_sizes(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'moc.conv' op expects 2 strides and dilations and 4 pads}}
  %0 = moc.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x?x?xf32>
  return
}

// -----

func.func @conv_negative_pad(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'moc.conv' op expects positive strides and dilations and non-negative pads}}
  %0 = moc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: -1, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x5x6xf32>
  return
}

// -----

func.func @conv_group(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'moc.conv' op expects a positive group, got 0}}
  %0 = moc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 0 : i64}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{'moc.conv' op expects input channels (3) = weight channels (2) x group (1)}}
  %0 = moc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_filters(%x: tensor<1x6x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{'moc.conv' op expects filters (4) divisible by group (3)}}
  %0 = moc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 3 : i64}
      : (tensor<1x6x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'moc.conv' op expects a bias of shape [4]}}
  %0 = moc.conv %x, %w, %b {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @pool_rank(%x: tensor<8x8xf32>) {
  // expected-error @+1 {{'moc.max_pool' op expects an input of rank 3 or more}}
  %0 = moc.max_pool %x {kernel_shape = array<i64>, strides = array<i64>, dilations = array<i64>, pads = array<i64>, ceil_mode = false}
      : (tensor<8x8xf32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @pool_attribute_sizes(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+1 {{'moc.average_pool' op expects 2 kernel sizes, strides and dilations and 4 pads}}
  %0 = moc.average_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
                            pads = array<i64: 0, 0>, ceil_mode = false, count_include_pad = false}
      : (tensor<1x3x8x8xf32>) -> tensor<1x3x?x?xf32>
  return
}

// -----

func.func @pool_kernel(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+1 {{'moc.max_pool' op expects positive kernel sizes, strides and dilations and non-negative pads}}
  %0 = moc.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 0, 2>, dilations = array<i64: 1, 1>,
                        pads = array<i64: 0, 0, 0, 0>, ceil_mode = false}
      : (tensor<1x3x8x8xf32>) -> tensor<1x3x?x4xf32>
  return
}

// -----

func.func @batch_norm_rank(%x: tensor<8xf32>, %c: tensor<8xf32>) {
  // expected-error @+1 {{'moc.batch_norm' op expects an input of rank 2 or more}}
  %0 = moc.batch_norm %x, %c, %c, %c, %c {epsilon = 1.0e-05 : f32}
      : (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @batch_norm_channels(%x: tensor<1x8x4x4xf32>, %c: tensor<8xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{'moc.batch_norm' op expects variance of shape [8], got 'tensor<4xf32>'}}
  %0 = moc.batch_norm %x, %c, %c, %c, %v {epsilon = 1.0e-05 : f32}
      : (tensor<1x8x4x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<4xf32>) -> tensor<1x8x4x4xf32>
  return
}

// -----

func.func @layer_norm_axis(%x: tensor<2x8xf32>, %g: tensor<8xf32>) {
  // expected-error @+1 {{'moc.layer_norm' op expects axis in [0, 2), got 2}}
  %0 = moc.layer_norm %x, %g, %g {axis = 2 : i64, epsilon = 1.0e-05 : f32}
      : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @layer_norm_scale(%x: tensor<2x8xf32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{'moc.layer_norm' op expects scale and bias broadcastable to the normalized dimensions}}
  %0 = moc.layer_norm %x, %g, %g {axis = 1 : i64, epsilon = 1.0e-05 : f32}
      : (tensor<2x8xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @softmax_axis(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'moc.softmax' op expects axis in [0, 2), got -1}}
  %0 = moc.softmax %x {axis = -1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @reduce_axes_range(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'moc.reduce_sum' op expects axes in [0, 2), got 2}}
  %0 = moc.reduce_sum %x {axes = array<i64: 2>, keepdims = true} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @reduce_axes_sorted(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'moc.reduce_max' op expects sorted unique axes}}
  %0 = moc.reduce_max %x {axes = array<i64: 1, 0>, keepdims = true} : (tensor<2x8xf32>) -> tensor<1x1xf32>
  return
}

// -----

func.func @arg_max_axis(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'moc.arg_max' op expects axes in [0, 2), got 3}}
  %0 = moc.arg_max %x {axis = 3 : i64, keepdims = true, select_last_index = false} : (tensor<2x8xf32>) -> tensor<2x8xi64>
  return
}

// -----

func.func @reshape_element_type(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'moc.reshape' op expects the input's element type}}
  %0 = moc.reshape %x : (tensor<2x3xf32>) -> tensor<6xf16>
  return
}

// -----

func.func @reshape_count(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'moc.reshape' op expects 6 elements in the result, got 8}}
  %0 = moc.reshape %x : (tensor<2x3xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @broadcast_shape(%x: tensor<3xf32>) {
  // expected-error @+1 {{'moc.broadcast' op expects the input to broadcast to the result}}
  %0 = moc.broadcast %x : (tensor<3xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @broadcast_element_type(%x: tensor<3xf32>) {
  // expected-error @+1 {{'moc.broadcast' op expects the input's element type}}
  %0 = moc.broadcast %x : (tensor<3xf32>) -> tensor<2x3xi32>
  return
}

// -----

func.func @transpose_permutation(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'moc.transpose' op expects a permutation of the input's 2 dimensions}}
  %0 = moc.transpose %x {permutation = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @concat_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'moc.concat' op expects axis in [0, 2), got 2}}
  %0 = moc.concat %x, %x {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @concat_element_types(%x: tensor<2x3xf32>, %y: tensor<2x3xf16>) {
  // expected-error @+1 {{'moc.concat' op expects inputs of one rank and element type}}
  %0 = moc.concat %x, %y {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf16>) -> tensor<4x3xf32>
  return
}

// -----

func.func @concat_sizes(%x: tensor<2x3xf32>, %y: tensor<2x4xf32>) {
  // expected-error @+1 {{'moc.concat' op expects inputs to agree on dimension 1}}
  %0 = moc.concat %x, %y {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @slice_sizes(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{'moc.slice' op expects 2 starts, ends and steps}}
  %0 = moc.slice %x {starts = array<i64: 0>, ends = array<i64: 2, 5>, steps = array<i64: 1, 2>} : (tensor<2x6xf32>) -> tensor<?x2xf32>
  return
}

// -----

func.func @slice_step(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{'moc.slice' op expects non-zero steps}}
  %0 = moc.slice %x {starts = array<i64: 0, 0>, ends = array<i64: 2, 5>, steps = array<i64: 1, 0>} : (tensor<2x6xf32>) -> tensor<2x0xf32>
  return
}

// -----

func.func @slice_clamped(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{'moc.slice' op expects starts and ends clamped to dimension 1}}
  %0 = moc.slice %x {starts = array<i64: 0, 0>, ends = array<i64: 2, 7>, steps = array<i64: 1, 1>} : (tensor<2x6xf32>) -> tensor<2x7xf32>
  return
}

// -----

func.func @gather_axis(%x: tensor<10x4xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{'moc.gather' op expects axis in [0, 2), got 2}}
  %0 = moc.gather %x, %i {axis = 2 : i64} : (tensor<10x4xf32>, tensor<3xi64>) -> tensor<10x3xf32>
  return
}

// -----

func.func @pad_count(%x: tensor<2x3xf32>, %v: tensor<f32>) {
  // expected-error @+1 {{'moc.pad' op expects 4 pads}}
  %0 = moc.pad %x, %v {pads = array<i64: 1, 1>, mode = 0 : i32} : (tensor<2x3xf32>, tensor<f32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @pad_negative(%x: tensor<2x3xf32>, %v: tensor<f32>) {
  // expected-error @+1 {{'moc.pad' op expects non-negative pads}}
  %0 = moc.pad %x, %v {pads = array<i64: -1, 0, 0, 0>, mode = 0 : i32} : (tensor<2x3xf32>, tensor<f32>) -> tensor<1x3xf32>
  return
}

// -----

func.func @pad_value(%x: tensor<2x3xf32>, %v: tensor<1xf32>) {
  // expected-error @+1 {{'moc.pad' op expects a 0-d padding value of the input's type}}
  %0 = moc.pad %x, %v {pads = array<i64: 0, 0, 0, 0>, mode = 0 : i32} : (tensor<2x3xf32>, tensor<1xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @gather_negative_axis(%x: tensor<10x4xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{'moc.gather' op expects axis in [0, 2), got -1}}
  %0 = moc.gather %x, %i {axis = -1 : i64} : (tensor<10x4xf32>, tensor<3xi64>) -> tensor<3x4xf32>
  return
}

// -----

func.func @conv_transpose_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<3x2x3x3xf32>) {
  // expected-error @+1 {{'moc.conv_transpose' op expects input channels (4) = weight dimension 0 (3)}}
  %0 = moc.conv_transpose %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                                  output_padding = array<i64: 0, 0>, group = 1 : i64}
      : (tensor<1x4x8x8xf32>, tensor<3x2x3x3xf32>) -> tensor<1x2x10x10xf32>
  return
}

// -----

func.func @conv_transpose_output_padding(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{'moc.conv_transpose' op expects 2 strides, dilations and output paddings and 4 pads}}
  %0 = moc.conv_transpose %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                                  output_padding = array<i64: 0>, group = 1 : i64}
      : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x2x?x?xf32>
  return
}

// -----

func.func @gather_elements_rank(%x: tensor<3x4xf32>, %i: tensor<4xi64>) {
  // expected-error @+1 {{'moc.gather_elements' op expects indices of the input's rank (2)}}
  %0 = moc.gather_elements %x, %i {axis = 0 : i64} : (tensor<3x4xf32>, tensor<4xi64>) -> tensor<4xf32>
  return
}

// -----

func.func @gather_elements_axis(%x: tensor<3x4xf32>, %i: tensor<3x4xi64>) {
  // expected-error @+1 {{'moc.gather_elements' op expects axis in [0, 2), got 2}}
  %0 = moc.gather_elements %x, %i {axis = 2 : i64} : (tensor<3x4xf32>, tensor<3x4xi64>) -> tensor<3x4xf32>
  return
}

// -----

func.func @scatter_elements_shapes(%x: tensor<3x4xf32>, %i: tensor<2x4xi64>, %u: tensor<2x3xf32>) {
  // expected-error @+1 {{'moc.scatter_elements' op expects indices and updates of one shape}}
  %0 = moc.scatter_elements %x, %i, %u {axis = 0 : i64, reduction = 0 : i32}
      : (tensor<3x4xf32>, tensor<2x4xi64>, tensor<2x3xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @scatter_elements_type(%x: tensor<3x4xf32>, %i: tensor<2x4xi64>, %u: tensor<2x4xi32>) {
  // expected-error @+1 {{'moc.scatter_elements' op expects updates of the input's element type}}
  %0 = moc.scatter_elements %x, %i, %u {axis = 0 : i64, reduction = 0 : i32}
      : (tensor<3x4xf32>, tensor<2x4xi64>, tensor<2x4xi32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @scatter_nd_depth(%x: tensor<3x4xf32>, %i: tensor<2x3xi64>, %u: tensor<2xf32>) {
  // expected-error @+1 {{'moc.scatter_nd' op expects a static last indices dimension of at most the input's rank (2)}}
  %0 = moc.scatter_nd %x, %i, %u {reduction = 0 : i32} : (tensor<3x4xf32>, tensor<2x3xi64>, tensor<2xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @scatter_nd_updates(%x: tensor<3x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x3xf32>) {
  // expected-error @+1 {{'moc.scatter_nd' op expects updates of shape indices.shape[:-1] + input.shape[1:]}}
  %0 = moc.scatter_nd %x, %i, %u {reduction = 0 : i32} : (tensor<3x4xf32>, tensor<2x1xi64>, tensor<2x3xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @cumsum_axis(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'moc.cumsum' op expects axis in [0, 2), got 3}}
  %0 = moc.cumsum %x {axis = 3 : i64, exclusive = false, reverse = false} : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @resize_scales(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{'moc.resize' op expects 2 sizes and scales}}
  %0 = moc.resize %x {sizes = array<i64: 2, 8>, scales = array<f64: 2.0>, roi = array<f64>, mode = 0 : i32,
                      coordinate_transformation_mode = 0 : i32, nearest_mode = 0 : i32, cubic_coeff_a = -0.75 : f32,
                      exclude_outside = false, extrapolation_value = 0.0 : f32, antialias = false}
      : (tensor<2x4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @resize_roi(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{'moc.resize' op expects 4 roi values}}
  %0 = moc.resize %x {sizes = array<i64: 2, 8>, scales = array<f64: 1.0, 2.0>, roi = array<f64>, mode = 1 : i32,
                      coordinate_transformation_mode = 5 : i32, nearest_mode = 0 : i32, cubic_coeff_a = -0.75 : f32,
                      exclude_outside = false, extrapolation_value = 0.0 : f32, antialias = false}
      : (tensor<2x4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @resize_dynamic_size(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{'moc.resize' op expects one dynamic size per kDynamic in sizes}}
  %0 = moc.resize %x {sizes = array<i64: 2, -9223372036854775808>, scales = array<f64: 1.0, 2.0>, roi = array<f64>,
                      mode = 0 : i32, coordinate_transformation_mode = 0 : i32, nearest_mode = 0 : i32,
                      cubic_coeff_a = -0.75 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32,
                      antialias = false} : (tensor<2x4xf32>) -> tensor<2x?xf32>
  return
}

// -----

func.func @resize_mixed_scales(%x: tensor<2x4xf32>, %s: f64) {
  // expected-error @+1 {{'moc.resize' op expects 2 sizes and scales}}
  %0 = moc.resize %x scales(%s, %s) {sizes = array<i64: 2, 8>, scales = array<f64: 1.0, 2.0>, roi = array<f64>,
                      mode = 0 : i32, coordinate_transformation_mode = 0 : i32, nearest_mode = 0 : i32,
                      cubic_coeff_a = -0.75 : f32, exclude_outside = false, extrapolation_value = 0.0 : f32,
                      antialias = false} : (tensor<2x4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @resize_antialias_nearest(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{'moc.resize' op expects no antialias in nearest mode}}
  %0 = moc.resize %x {sizes = array<i64: 2, 2>, scales = array<f64: 1.0, 0.5>, roi = array<f64>, mode = 0 : i32,
                      coordinate_transformation_mode = 0 : i32, nearest_mode = 0 : i32, cubic_coeff_a = -0.75 : f32,
                      exclude_outside = false, extrapolation_value = 0.0 : f32, antialias = true}
      : (tensor<2x4xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @gather_elements_indices_shape(%x: tensor<3x4xf32>, %i: tensor<2x5xi64>) {
  // expected-error @+1 {{'moc.gather_elements' op expects indices no larger than the input in dimension 1 (5 > 4)}}
  %0 = moc.gather_elements %x, %i {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2x5xi64>) -> tensor<2x5xf32>
  return
}

// -----

func.func @scatter_elements_indices_shape(%x: tensor<3x4xf32>, %i: tensor<4x2xi64>, %u: tensor<4x2xf32>) {
  // expected-error @+1 {{'moc.scatter_elements' op expects indices no larger than the input in dimension 0 (4 > 3)}}
  %0 = moc.scatter_elements %x, %i, %u {axis = 1 : i64, reduction = 0 : i32}
      : (tensor<3x4xf32>, tensor<4x2xi64>, tensor<4x2xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @bitcast_width(%x: tensor<4xf32>) {
  // expected-error @+1 {{'moc.bitcast' op expects element types of one width, got 'f32' and 'i64'}}
  %0 = moc.bitcast %x : (tensor<4xf32>) -> tensor<4xi64>
  return
}

// -----

func.func @bitcast_codes_of_another_type(%x: tensor<4xi8>) {
  // expected-error @+1 {{'moc.bitcast' op expects the codes of '!moc.f4E2M1FN' as ui8, got 'i8'}}
  %0 = moc.bitcast %x : (tensor<4xi8>) -> tensor<4x!moc.f4E2M1FN>
  return
}

// -----

func.func @cast_rounding_to_another_type(%x: tensor<4xf32>) {
  // expected-error @+1 {{'moc.cast' op rounds to powers of two or saturates only to f8E8M0FNU}}
  %0 = moc.cast %x {saturate} : (tensor<4xf32>) -> tensor<4xf8E4M3FN>
  return
}

// -----

func.func @non_max_suppression_scores(%b: tensor<1x6x4xf32>, %s: tensor<1x2x5xf32>, %limit: tensor<i64>, %iou: tensor<f32>) {
  // expected-error @+1 {{'moc.non_max_suppression' op expects static f32 boxes [batch, boxes, 4] and scores [batch, classes, boxes]}}
  %0 = moc.non_max_suppression %b, %s, %limit, %iou {center_point_box = false}
      : (tensor<1x6x4xf32>, tensor<1x2x5xf32>, tensor<i64>, tensor<f32>) -> tensor<?x3xi64>
  return
}

// -----

func.func @unique_inverse_length(%k: tensor<6x1xi64>) {
  // expected-error @+1 {{'moc.unique' op expects i64 results [?], [6] and [?]}}
  %0:3 = moc.unique %k {sorted = true, float_keys = false}
      : (tensor<6x1xi64>) -> (tensor<?xi64>, tensor<5xi64>, tensor<?xi64>)
  return
}
