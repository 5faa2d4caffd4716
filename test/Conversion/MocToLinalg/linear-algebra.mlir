// RUN: mocc-opt %s --mocc-convert-moc-to-linalg --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @matmul_2d
// CHECK-SAME: (%[[A:.+]]: tensor<3x4xf32>, %[[B:.+]]: tensor<4x5xf32>)
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.+]] = tensor.empty() : tensor<3x5xf32>
// CHECK: %[[F:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<3x5xf32>)
// CHECK: %[[R:.+]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<3x4xf32>, tensor<4x5xf32>) outs(%[[F]] : tensor<3x5xf32>)
// CHECK: return %[[R]]
func.func @matmul_2d(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %0 = moc.matmul %a, %b : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// Batches sharing one right operand fold into the rows of one matmul.
// CHECK-LABEL: func.func @matmul_shared_rhs
// CHECK-SAME: (%[[A:.+]]: tensor<2x3x4xf32>, %[[B:.+]]: tensor<1x4x5xf32>)
// CHECK-DAG: %[[B2:.+]] = tensor.collapse_shape %[[B]] {{\[}}[0, 1], [2]] : tensor<1x4x5xf32> into tensor<4x5xf32>
// CHECK-DAG: %[[A2:.+]] = tensor.collapse_shape %[[A]] {{\[}}[0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK: %[[M:.+]] = linalg.matmul ins(%[[A2]], %[[B2]] : tensor<6x4xf32>, tensor<4x5xf32>)
// CHECK: tensor.expand_shape %[[M]] {{\[}}[0, 1], [2]] output_shape [2, 3, 5] : tensor<6x5xf32> into tensor<2x3x5xf32>
func.func @matmul_shared_rhs(%a: tensor<2x3x4xf32>, %b: tensor<1x4x5xf32>) -> tensor<2x3x5xf32> {
  %0 = moc.matmul %a, %b : (tensor<2x3x4xf32>, tensor<1x4x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// Equal batches flatten into one batch_matmul.
// CHECK-LABEL: func.func @matmul_batch
// CHECK: %[[A:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2], [3]] : tensor<2x6x3x4xf32> into tensor<12x3x4xf32>
// CHECK: %[[B:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2], [3]] : tensor<2x6x4x5xf32> into tensor<12x4x5xf32>
// CHECK: %[[M:.+]] = linalg.batch_matmul ins(%[[A]], %[[B]] : tensor<12x3x4xf32>, tensor<12x4x5xf32>)
// CHECK: tensor.expand_shape %[[M]] {{\[}}[0, 1], [2], [3]] output_shape [2, 6, 3, 5]
func.func @matmul_batch(%a: tensor<2x6x3x4xf32>, %b: tensor<2x6x4x5xf32>) -> tensor<2x6x3x5xf32> {
  %0 = moc.matmul %a, %b : (tensor<2x6x3x4xf32>, tensor<2x6x4x5xf32>) -> tensor<2x6x3x5xf32>
  return %0 : tensor<2x6x3x5xf32>
}

// -----

// Broadcast batches: a generic over (b0, b1, m, n, k).
// CHECK-DAG: #[[LHS:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG: #[[RHS:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @matmul_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK: ^bb0(%[[X:.+]]: f32, %[[Y:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK:   %[[P:.+]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK:   %[[S:.+]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK:   linalg.yield %[[S]] : f32
func.func @matmul_broadcast(%a: tensor<2x1x3x4xf32>, %b: tensor<6x4x5xf32>) -> tensor<2x6x3x5xf32> {
  %0 = moc.matmul %a, %b : (tensor<2x1x3x4xf32>, tensor<6x4x5xf32>) -> tensor<2x6x3x5xf32>
  return %0 : tensor<2x6x3x5xf32>
}

// -----

// f16 accumulates in f32.
// CHECK-LABEL: func.func @matmul_f16
// CHECK: %[[M:.+]] = linalg.matmul ins(%{{.+}}, %{{.+}} : tensor<3x4xf16>, tensor<4x5xf16>) outs(%{{.+}} : tensor<3x5xf32>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[M]] : tensor<3x5xf32>) outs(%{{.+}} : tensor<3x5xf16>)
// CHECK:   arith.truncf %{{.+}} : f32 to f16
func.func @matmul_f16(%a: tensor<3x4xf16>, %b: tensor<4x5xf16>) -> tensor<3x5xf16> {
  %0 = moc.matmul %a, %b : (tensor<3x4xf16>, tensor<4x5xf16>) -> tensor<3x5xf16>
  return %0 : tensor<3x5xf16>
}

// -----

// CHECK-LABEL: func.func @matmul_dynamic_rows
// CHECK-SAME: (%[[A:.+]]: tensor<?x3x4xf32>, %[[B:.+]]: tensor<4x5xf32>)
// CHECK: %[[D:.+]] = tensor.dim %[[A]], %{{.+}} : tensor<?x3x4xf32>
// CHECK: %[[A2:.+]] = tensor.collapse_shape %[[A]] {{\[}}[0, 1], [2]] : tensor<?x3x4xf32> into tensor<?x4xf32>
// CHECK: linalg.matmul ins(%[[A2]], %[[B]] : tensor<?x4xf32>, tensor<4x5xf32>)
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2]] output_shape [%[[D]], 3, 5] : tensor<?x5xf32> into tensor<?x3x5xf32>
func.func @matmul_dynamic_rows(%a: tensor<?x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<?x3x5xf32> {
  %0 = moc.matmul %a, %b : (tensor<?x3x4xf32>, tensor<4x5xf32>) -> tensor<?x3x5xf32>
  return %0 : tensor<?x3x5xf32>
}

// -----

// The accumulator starts as the broadcast bias. A padded convolution is a
// generic over (n, f, oh, ow, c, kh, kw) that reads the input through the
// padding: row oh * 2 + kh - 1 (low pad 1), zero outside; no padded copy.
// CHECK-DAG: #[[CHANNEL:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[WT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d4, d5, d6)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @conv_2d
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x8x8xf32>, %[[W:.+]]: tensor<4x3x3x3xf32>, %[[B:.+]]: tensor<4xf32>)
// CHECK-NOT: tensor.pad
// CHECK: %[[INIT:.+]] = linalg.generic {indexing_maps = [#[[CHANNEL]], #[[ID]]]
// CHECK-SAME: ins(%[[B]] : tensor<4xf32>)
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[WT]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[W]] : tensor<4x3x3x3xf32>) outs(%[[INIT]] : tensor<1x4x4x4xf32>)
// CHECK: ^bb0(%[[WV:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-DAG: %[[OH:.+]] = linalg.index 2 : index
// CHECK-DAG: %[[KH:.+]] = linalg.index 5 : index
// CHECK: %[[KD:.+]] = arith.muli %[[KH]], %{{.+}} : index
// CHECK: %[[OS:.+]] = arith.muli %[[OH]], %{{.+}} : index
// CHECK: %[[S:.+]] = arith.addi %[[OS]], %[[KD]] : index
// CHECK: %[[H:.+]] = arith.subi %[[S]], %{{.+}} : index
// CHECK: arith.cmpi ult, %[[H]]
// CHECK: %[[E:.+]] = tensor.extract %[[X]]
// CHECK: %[[V:.+]] = arith.select %{{.+}}, %[[E]], %{{.+}} : f32
// CHECK: %[[M:.+]] = arith.mulf %[[V]], %[[WV]] : f32
// CHECK: arith.addf %[[ACC]], %[[M]] : f32
// CHECK: return %[[R]]
func.func @conv_2d(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %0 = moc.conv %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 2, 1, 0>, group = 1 : i64}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// A padded channels-last convolution of one group reads a zero-padded copy
// of its input with the named op (the CPU's convolution kernel takes it).
// CHECK-LABEL: func.func @conv_2d_channels_last_padded
// CHECK-SAME: (%[[X:.+]]: tensor<1x8x8x3xf32>, %[[W:.+]]: tensor<4x3x3x3xf32>)
// CHECK: %[[P:.+]] = tensor.pad %[[X]] low[0, 1, 2, 0] high[0, 1, 0, 0]
// CHECK: tensor<1x8x8x3xf32> to tensor<1x10x10x3xf32>
// CHECK: linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME: ins(%[[P]], %[[W]] : tensor<1x10x10x3xf32>, tensor<4x3x3x3xf32>)
func.func @conv_2d_channels_last_padded(%x: tensor<1x8x8x3xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x4x4xf32> {
  %0 = moc.conv %x, %w {channels_last, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 2, 1, 0>, group = 1 : i64}
      : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// A padded channels-last depthwise convolution reads a zero-padded copy of
// its input through the window map, channels innermost, the weight
// [C][KH][KW][1] at (c, kh, kw, 0).
// CHECK-DAG: #[[WIN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d3, d2 * 2 + d4, d5)>
// CHECK-DAG: #[[W:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d5, d3, d4, 0)>
// CHECK-LABEL: func.func @conv_depthwise_channels_last_padded
// CHECK: %[[P:.+]] = tensor.pad %{{.+}} low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: linalg.generic {indexing_maps = [#[[WIN]], #[[W]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
// CHECK-SAME: ins(%[[P]], %{{.+}} : tensor<1x10x10x4xf32>, tensor<4x3x3x1xf32>)
func.func @conv_depthwise_channels_last_padded(%x: tensor<1x8x8x4xf32>, %w: tensor<4x3x3x1xf32>) -> tensor<1x4x4x4xf32> {
  %0 = moc.conv %x, %w {channels_last, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 4 : i64}
      : (tensor<1x8x8x4xf32>, tensor<4x3x3x1xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// CHECK-LABEL: func.func @conv_depthwise
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x8x8xf32>, %[[W:.+]]: tensor<4x1x3x3xf32>)
// CHECK: %[[F:.+]] = tensor.collapse_shape %[[W]] {{\[}}[0, 1], [2], [3]] : tensor<4x1x3x3xf32> into tensor<4x3x3xf32>
// CHECK: linalg.depthwise_conv_2d_nchw_chw {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
// CHECK-SAME: ins(%[[X]], %[[F]] : tensor<1x4x8x8xf32>, tensor<4x3x3xf32>)
func.func @conv_depthwise(%x: tensor<1x4x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32> {
  %0 = moc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, group = 4 : i64}
      : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// Grouped 2-d convolution splits the channels into (group, channels / group).
// CHECK-LABEL: func.func @conv_grouped
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x8x8xf32>, %[[W:.+]]: tensor<6x2x3x3xf32>)
// CHECK-DAG: %[[GX:.+]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 8, 8]
// CHECK-DAG: %[[GW:.+]] = tensor.expand_shape %[[W]] {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 3]
// CHECK: %[[R:.+]] = linalg.conv_2d_ngchw_gfchw
// CHECK-SAME: ins(%[[GX]], %[[GW]] : tensor<1x2x2x8x8xf32>, tensor<2x3x2x3x3xf32>)
// CHECK: tensor.collapse_shape %[[R]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x3x6x6xf32> into tensor<1x6x6x6xf32>
func.func @conv_grouped(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x6x6xf32> {
  %0 = moc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, group = 2 : i64}
      : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// Padded grouped convolutions read input channel f / (F/group) * (C/group)
// + c: here f / 3 * 2 + c.
// CHECK-DAG: #[[WT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d3, d4)>
// CHECK-DAG: #[[OUT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @conv_grouped_1d
// CHECK: linalg.generic {indexing_maps = [#[[WT]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%{{.+}} : tensor<6x2x3xf32>) outs(%{{.+}} : tensor<1x6x3xf32>)
// CHECK-DAG: %[[F:.+]] = linalg.index 1 : index
// CHECK-DAG: %[[C3:.+]] = arith.constant 3 : index
// CHECK: %[[G:.+]] = arith.divui %[[F]], %[[C3]] : index
// CHECK: %[[C2:.+]] = arith.constant 2 : index
// CHECK: %[[GC:.+]] = arith.muli %[[G]], %[[C2]] : index
// CHECK: arith.addi %[[GC]], %{{.+}} : index
func.func @conv_grouped_1d(%x: tensor<1x4x8xf32>, %w: tensor<6x2x3xf32>) -> tensor<1x6x3xf32> {
  %0 = moc.conv %x, %w {strides = array<i64: 2>, dilations = array<i64: 2>, pads = array<i64: 0, 1>, group = 2 : i64}
      : (tensor<1x4x8xf32>, tensor<6x2x3xf32>) -> tensor<1x6x3xf32>
  return %0 : tensor<1x6x3xf32>
}

// -----

// CHECK-LABEL: func.func @conv_1d_3d
// CHECK: linalg.conv_1d_ncw_fcw
// CHECK: linalg.conv_3d_ncdhw_fcdhw
func.func @conv_1d_3d(%x: tensor<1x2x8xf32>, %w: tensor<3x2x3xf32>, %y: tensor<1x2x4x4x4xf32>, %v: tensor<3x2x2x2x2xf32>)
    -> (tensor<1x3x6xf32>, tensor<1x3x3x3x3xf32>) {
  %0 = moc.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 0, 0>, group = 1 : i64}
      : (tensor<1x2x8xf32>, tensor<3x2x3xf32>) -> tensor<1x3x6xf32>
  %1 = moc.conv %y, %v {strides = array<i64: 1, 1, 1>, dilations = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>, group = 1 : i64}
      : (tensor<1x2x4x4x4xf32>, tensor<3x2x2x2x2xf32>) -> tensor<1x3x3x3x3xf32>
  return %0, %1 : tensor<1x3x6xf32>, tensor<1x3x3x3x3xf32>
}

// -----

// A transposed convolution is a stride-1 convolution of the input with
// (stride - 1) zeros between its elements, padded by dilation * (K - 1) - pad
// (plus output_padding at the end), with the weight's channels swapped per
// group and its kernel flipped.
// CHECK-DAG: #[[FLIP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1, -d3 + 2, -d4 + 2)>
// CHECK-LABEL: func.func @conv_transpose
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x3x3xf32>, %[[W:.+]]: tensor<4x3x3x3xf32>, %[[B:.+]]: tensor<6xf32>)
// CHECK: %[[Z:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x4x5x5xf32>)
// CHECK: %[[SPREAD:.+]] = tensor.insert_slice %[[X]] into %[[Z]][0, 0, 0, 0] [1, 4, 3, 3] [1, 1, 2, 2] : tensor<1x4x3x3xf32> into tensor<1x4x5x5xf32>
// CHECK: %[[WG:.+]] = tensor.expand_shape %[[W]] {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 2, 3, 3, 3] : tensor<4x3x3x3xf32> into tensor<2x2x3x3x3xf32>
// CHECK: %[[WT:.+]] = linalg.generic {indexing_maps = [#[[FLIP]], #{{.+}}]
// CHECK-SAME: ins(%[[WG]] : tensor<2x2x3x3x3xf32>) outs(%{{.+}} : tensor<2x3x2x3x3xf32>)
// CHECK: %[[F:.+]] = tensor.collapse_shape %[[WT]] {{\[}}[0, 1], [2], [3], [4]] : tensor<2x3x2x3x3xf32> into tensor<6x2x3x3xf32>
// CHECK: linalg.generic {{.+}} ins(%[[F]] : tensor<6x2x3x3xf32>) outs(%{{.+}} : tensor<1x6x6x6xf32>)
// CHECK: tensor.extract %[[SPREAD]]
func.func @conv_transpose(%x: tensor<1x4x3x3xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x6x6xf32> {
  %0 = moc.conv_transpose %x, %w, %b {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
                                      output_padding = array<i64: 1, 1>, group = 2 : i64}
      : (tensor<1x4x3x3xf32>, tensor<4x3x3x3xf32>, tensor<6xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// Pads larger than the kernel's reach crop the input instead.
// CHECK-LABEL: func.func @conv_transpose_crop
// CHECK-SAME: (%[[X:.+]]: tensor<1x1x3xf32>
// CHECK: %[[C:.+]] = tensor.extract_slice %[[X]][0, 0, 1] [1, 1, 2] [1, 1, 1] : tensor<1x1x3xf32> to tensor<1x1x2xf32>
// CHECK: linalg.generic {{.+}} ins(%{{.+}} : tensor<2x1x2xf32>) outs(%{{.+}} : tensor<1x2x2xf32>)
// CHECK: tensor.extract %[[C]]
func.func @conv_transpose_crop(%x: tensor<1x1x3xf32>, %w: tensor<1x2x2xf32>) -> tensor<1x2x2xf32> {
  %0 = moc.conv_transpose %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>, pads = array<i64: 2, 0>,
                                  output_padding = array<i64: 0>, group = 1 : i64}
      : (tensor<1x1x3xf32>, tensor<1x2x2xf32>) -> tensor<1x2x2xf32>
  return %0 : tensor<1x2x2xf32>
}
