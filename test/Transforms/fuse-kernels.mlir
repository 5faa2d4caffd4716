// RUN: mocc-opt %s --split-input-file --mocc-fuse-kernels --canonicalize | FileCheck %s

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d1)>

// A convolution, its broadcast bias and its relu become one parallel loop
// over the output channels; each iteration computes one 6x6 output plane.
// CHECK-LABEL: func.func @conv_bias_relu
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x8x8xf32>, %[[W:.+]]: tensor<4x3x3x3xf32>, %[[B:.+]]: tensor<4xf32>)
// CHECK: %[[R:.+]] = scf.forall (%[[F:.+]]) in (4) shared_outs(%[[ACC:.+]] = %{{.+}}) -> (tensor<1x4x6x6xf32>)
// CHECK:   %[[BIAS:.+]] = linalg.generic {{.+}} ins(%{{.+}} : tensor<1xf32>) outs(%{{.+}} : tensor<1x1x6x6xf32>)
// CHECK:   %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {{.+}} ins(%[[X]], %{{.+}} : tensor<1x3x8x8xf32>, tensor<1x3x3x3xf32>) outs(%[[BIAS]] : tensor<1x1x6x6xf32>)
// CHECK:   %[[RELU:.+]] = linalg.generic {{.+}} ins(%[[CONV]] : tensor<1x1x6x6xf32>)
// CHECK:     arith.maximumf
// CHECK:   scf.forall.in_parallel
// CHECK-NEXT: tensor.parallel_insert_slice %[[RELU]] into %[[ACC]][0, %[[F]], 0, 0] [1, 1, 6, 6]
// CHECK-NOT: linalg.
// CHECK: return %[[R]]
func.func @conv_bias_relu(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %bias = linalg.generic {indexing_maps = [#ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x6x6xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%bias : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv : tensor<1x4x6x6xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %cst : f32
    linalg.yield %m : f32
  } -> tensor<1x4x6x6xf32>
  return %relu : tensor<1x4x6x6xf32>
}

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// A producer with another user stays whole: fusing it would compute it twice.
// With nothing to fuse, the relu is left as it is.
// CHECK-LABEL: func.func @shared_producer
// CHECK: %[[CONV:.+]] = linalg.conv_2d_nchw_fchw
// CHECK: %[[RELU:.+]] = linalg.generic {{.+}} ins(%[[CONV]] : tensor<1x4x6x6xf32>)
// CHECK-NOT: scf.forall
// CHECK: return %[[RELU]], %[[CONV]]
func.func @shared_producer(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %init: tensor<1x4x6x6xf32>)
    -> (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%init : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv : tensor<1x4x6x6xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %cst : f32
    linalg.yield %m : f32
  } -> tensor<1x4x6x6xf32>
  return %relu, %conv : tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>
}

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// Every output channel of a convolution reads all input channels: its input's
// producer would be recomputed per tile, so it stays a kernel of its own.
// CHECK-LABEL: func.func @producer_read_whole_per_tile
// CHECK: %[[RELU:.+]] = linalg.generic
// CHECK: scf.forall
// CHECK:   linalg.conv_2d_nchw_fchw {{.+}} ins(%[[RELU]], %{{.+}} : tensor<1x3x8x8xf32>, tensor<1x3x3x3xf32>)
func.func @producer_read_whole_per_tile(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %init: tensor<1x4x6x6xf32>)
    -> tensor<1x4x6x6xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x8x8xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x3x8x8xf32>) outs(%e : tensor<1x3x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %cst : f32
    linalg.yield %m : f32
  } -> tensor<1x3x8x8xf32>
  %zero = linalg.fill ins(%cst : f32) outs(%init : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%relu, %w : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%zero : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return %conv : tensor<1x4x6x6xf32>
}

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// A pooling tiled over channels reads its windows whole in each plane: the
// relu before it is fused, one plane per iteration.
// CHECK-LABEL: func.func @relu_max_pool
// CHECK: scf.forall
// CHECK:   %[[RELU:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<1x1x8x8xf32>)
// CHECK:   linalg.pooling_nchw_max {{.+}} ins(%[[RELU]], %{{.+}} : tensor<1x1x8x8xf32>, tensor<2x2xf32>) outs(%{{.+}} : tensor<1x1x4x4xf32>)
// CHECK-NOT: linalg.
func.func @relu_max_pool(%x: tensor<1x3x8x8xf32>, %init: tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x8x8xf32>
  %window = tensor.empty() : tensor<2x2xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x3x8x8xf32>) outs(%e : tensor<1x3x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %cst : f32
    linalg.yield %m : f32
  } -> tensor<1x3x8x8xf32>
  %pool = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%relu, %window : tensor<1x3x8x8xf32>, tensor<2x2xf32>) outs(%init : tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  return %pool : tensor<1x3x4x4xf32>
}

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// Channels-last, the only plain dimension is the contiguous one: a tile per
// channel would stride through memory, so the relu is not fused. It runs
// whole, then the pooling row by row, both over contiguous channels.
// CHECK-LABEL: func.func @relu_max_pool_nhwc
// CHECK: %[[RELU:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<1x8x8x16xf32>)
// CHECK: scf.forall
// CHECK:   %[[ROWS:.+]] = tensor.extract_slice %[[RELU]]
// CHECK:   linalg.pooling_nhwc_max {{.+}} ins(%[[ROWS]], %{{.+}} : tensor<1x2x8x16xf32>, tensor<2x2xf32>) outs(%{{.+}} : tensor<1x1x4x16xf32>)
func.func @relu_max_pool_nhwc(%x: tensor<1x8x8x16xf32>, %init: tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x8x16xf32>
  %window = tensor.empty() : tensor<2x2xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x8x8x16xf32>) outs(%e : tensor<1x8x8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %cst : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x16xf32>
  %pool = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%relu, %window : tensor<1x8x8x16xf32>, tensor<2x2xf32>) outs(%init : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  return %pool : tensor<1x4x4x16xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// A producer used several times inside one group (a softmax's input and its
// row maximum) is fused: the whole softmax runs per row in one loop.
// CHECK-LABEL: func.func @softmax_rows
// CHECK: scf.forall
// CHECK:   linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]
// CHECK:     arith.maximumf
// CHECK:   linalg.generic {{.+}} iterator_types = ["parallel", "parallel"]
// CHECK:     math.exp
// CHECK:   scf.forall.in_parallel
// CHECK-NEXT: tensor.parallel_insert_slice
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: return
func.func @softmax_rows(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<8xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %max = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<8x16xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %m = arith.maximumf %in, %acc : f32
    linalg.yield %m : f32
  } -> tensor<8xf32>
  %o = tensor.empty() : tensor<8x16xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %max : tensor<8x16xf32>, tensor<8xf32>) outs(%o : tensor<8x16xf32>) {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %d = arith.subf %in, %m : f32
    %x2 = math.exp %d : f32
    linalg.yield %x2 : f32
  } -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>

// Rows of run-time number and length: tiles of one row, with the row's
// maximum (one element per tile) fused. The negation before them would be a
// tile of run-time length: it stays a whole op, before the loop.
// CHECK-LABEL: func.func @softmax_dynamic_rows
// CHECK-SAME: (%[[X:.+]]: tensor<?x?xf32>)
// CHECK: %[[N:.+]] = tensor.dim %[[X]], %c0
// CHECK: %[[NEG:.+]] = linalg.generic
// CHECK:   arith.negf
// CHECK: scf.forall (%[[I:.+]]) in (%[[N]])
// CHECK:   tensor.extract_slice %[[NEG]][%[[I]], 0] [1, %{{.+}}] [1, 1] : tensor<?x?xf32> to tensor<1x?xf32>
// CHECK:   linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]} ins(%{{.+}} : tensor<1x?xf32>) outs(%{{.+}} : tensor<1xf32>)
// CHECK:     arith.maximumf
// CHECK:   linalg.generic {{.+}} iterator_types = ["parallel", "parallel"]
// CHECK:     math.exp
// CHECK:   scf.forall.in_parallel
func.func @softmax_dynamic_rows(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %x, %c0 : tensor<?x?xf32>
  %m = tensor.dim %x, %c1 : tensor<?x?xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %ne = tensor.empty(%n, %m) : tensor<?x?xf32>
  %neg = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x?xf32>) outs(%ne : tensor<?x?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.negf %in : f32
    linalg.yield %v : f32
  } -> tensor<?x?xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %max = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%neg : tensor<?x?xf32>) outs(%init : tensor<?xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %v = arith.maximumf %in, %acc : f32
    linalg.yield %v : f32
  } -> tensor<?xf32>
  %o = tensor.empty(%n, %m) : tensor<?x?xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%neg, %max : tensor<?x?xf32>, tensor<?xf32>) outs(%o : tensor<?x?xf32>) {
  ^bb0(%in: f32, %mx: f32, %out: f32):
    %d = arith.subf %in, %mx : f32
    %v = math.exp %d : f32
    linalg.yield %v : f32
  } -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}
