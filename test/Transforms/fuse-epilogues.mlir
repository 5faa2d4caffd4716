// RUN: mocc-opt %s --split-input-file --mocc-fuse-epilogues | FileCheck %s

#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (n floordiv 16, k, n mod 16)>
#c = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
#col = affine_map<(m, n) -> (n)>

// GEMM, then bias, residual and ReLU: the product writes the result itself
// and carries the epilogue; its own buffer and zero-initialization are gone.
// CHECK-LABEL: func.func @gemm_bias_residual_relu
// CHECK-SAME: (%[[A:.+]]: memref<64x32xf32>, %[[B:.+]]: memref<2x32x16xf32>, %[[BIAS:.+]]: memref<32xf32>, %[[R:.+]]: memref<64x32xf32>, %[[Y:.+]]: memref<64x32xf32>)
// CHECK-NOT: memref.alloc
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%[[Y]] : memref<64x32xf32>)
// CHECK-NEXT: linalg.generic {{.+}} library_call = "mocc_sgemm_f32"} ins(%[[A]], %[[B]], %[[BIAS]], %[[R]] : memref<64x32xf32>, memref<2x32x16xf32>, memref<32xf32>, memref<64x32xf32>) outs(%[[Y]] : memref<64x32xf32>) attrs = {mocc.epilogue = {activation = 1 : i64, bias = 2 : i64, hi = 0.000000e+00 : f32, lo = 0.000000e+00 : f32, residual = 3 : i64}}
// CHECK-NOT: linalg.generic
func.func @gemm_bias_residual_relu(%a: memref<64x32xf32>, %b: memref<2x32x16xf32>, %bias: memref<32xf32>, %r: memref<64x32xf32>, %y: memref<64x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<64x32xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<64x32xf32>)
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"], library_call = "mocc_sgemm_f32"}
      ins(%a, %b : memref<64x32xf32>, memref<2x32x16xf32>) outs(%c : memref<64x32xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #col, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias, %r : memref<64x32xf32>, memref<32xf32>, memref<64x32xf32>) outs(%y : memref<64x32xf32>) {
  ^bb0(%p: f32, %bv: f32, %rv: f32, %out: f32):
    %s = arith.addf %p, %bv : f32
    %t = arith.addf %rv, %s : f32
    %u = arith.maximumf %t, %zero : f32
    linalg.yield %u : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (n floordiv 16, k, n mod 16)>
#c = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
#col = affine_map<(m, n) -> (n)>

// Bias and SiLU (x * sigmoid(x), sigmoid as its lowering writes it), and
// bias and Clip (ReLU6).
// CHECK-LABEL: func.func @gemm_bias_silu
// CHECK: linalg.generic
// CHECK-SAME: mocc.epilogue = {activation = 4 : i64, bias = 2 : i64
// CHECK-NOT: linalg.generic
func.func @gemm_bias_silu(%a: memref<64x32xf32>, %b: memref<2x32x16xf32>, %bias: memref<32xf32>, %y: memref<64x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %c = memref.alloc() : memref<64x32xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<64x32xf32>)
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"], library_call = "mocc_sgemm_f32"}
      ins(%a, %b : memref<64x32xf32>, memref<2x32x16xf32>) outs(%c : memref<64x32xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<64x32xf32>, memref<32xf32>) outs(%y : memref<64x32xf32>) {
  ^bb0(%p: f32, %bv: f32, %out: f32):
    %s = arith.addf %p, %bv : f32
    %n = arith.negf %s : f32
    %e = math.exp %n : f32
    %d = arith.addf %e, %one : f32
    %g = arith.divf %one, %d : f32
    %m = arith.mulf %s, %g : f32
    linalg.yield %m : f32
  }
  return
}

// CHECK-LABEL: func.func @gemm_bias_clip
// CHECK: linalg.generic
// CHECK-SAME: mocc.epilogue = {activation = 2 : i64, bias = 2 : i64, hi = 6.000000e+00 : f32, lo = 0.000000e+00 : f32}
// CHECK-NOT: linalg.generic
func.func @gemm_bias_clip(%a: memref<64x32xf32>, %b: memref<2x32x16xf32>, %bias: memref<32xf32>, %y: memref<64x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %c = memref.alloc() : memref<64x32xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<64x32xf32>)
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"], library_call = "mocc_sgemm_f32"}
      ins(%a, %b : memref<64x32xf32>, memref<2x32x16xf32>) outs(%c : memref<64x32xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<64x32xf32>, memref<32xf32>) outs(%y : memref<64x32xf32>) {
  ^bb0(%p: f32, %bv: f32, %out: f32):
    %s = arith.addf %p, %bv : f32
    %l = arith.maximumf %s, %zero : f32
    %h = arith.minimumf %l, %six : f32
    linalg.yield %h : f32
  }
  return
}

// A bias of zeros, folded to a scalar: ReLU alone, into a channel slice of a
// concatenation (rows strided by the concatenation's channels).
// CHECK-LABEL: func.func @gemm_zero_bias_relu_into_slice
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.+}} : memref<64x32xf32, strided<[48, 1]>>) attrs = {mocc.epilogue = {activation = 1 : i64, hi = 0.000000e+00 : f32, lo = 0.000000e+00 : f32}}
// CHECK-NOT: linalg.generic
func.func @gemm_zero_bias_relu_into_slice(%a: memref<64x32xf32>, %b: memref<2x32x16xf32>, %y: memref<64x48xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<64x32xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<64x32xf32>)
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"], library_call = "mocc_sgemm_f32"}
      ins(%a, %b : memref<64x32xf32>, memref<2x32x16xf32>) outs(%c : memref<64x32xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  %slice = memref.subview %y[0, 0] [64, 32] [1, 1] : memref<64x48xf32> to memref<64x32xf32, strided<[48, 1]>>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<64x32xf32>) outs(%slice : memref<64x32xf32, strided<[48, 1]>>) {
  ^bb0(%p: f32, %out: f32):
    %s = arith.addf %p, %zero : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (n floordiv 16, k, n mod 16)>
#c = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>

// Left alone: an activation the drivers do not know (tanh), and a result
// that is the residual's own buffer (each block would be overwritten before
// its residual is read).
// CHECK-LABEL: func.func @unknown_activation
// CHECK: memref.alloc
// CHECK: library_call = "mocc_sgemm_f32"
// CHECK-NOT: mocc.epilogue
// CHECK: math.tanh
func.func @unknown_activation(%a: memref<64x32xf32>, %b: memref<2x32x16xf32>, %y: memref<64x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<64x32xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<64x32xf32>)
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"], library_call = "mocc_sgemm_f32"}
      ins(%a, %b : memref<64x32xf32>, memref<2x32x16xf32>) outs(%c : memref<64x32xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<64x32xf32>) outs(%y : memref<64x32xf32>) {
  ^bb0(%p: f32, %out: f32):
    %t = math.tanh %p : f32
    linalg.yield %t : f32
  }
  return
}

// CHECK-LABEL: func.func @result_is_residual
// CHECK: memref.alloc
// CHECK-NOT: mocc.epilogue
func.func @result_is_residual(%a: memref<64x32xf32>, %b: memref<2x32x16xf32>, %r: memref<64x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<64x32xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<64x32xf32>)
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"], library_call = "mocc_sgemm_f32"}
      ins(%a, %b : memref<64x32xf32>, memref<2x32x16xf32>) outs(%c : memref<64x32xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %r : memref<64x32xf32>, memref<64x32xf32>) outs(%r : memref<64x32xf32>) {
  ^bb0(%p: f32, %rv: f32, %out: f32):
    %s = arith.addf %p, %rv : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (n floordiv 16, k, n mod 16)>
#c = affine_map<(m, n, k) -> (m, n)>
#id = affine_map<(m, n) -> (m, n)>
#col = affine_map<(m, n) -> (n)>

// A residual block's end as bufferization leaves it: the second product
// writes the buffer of zeros that the first one's output was copied from,
// and the sum adds the residual before the product. The second product
// takes the epilogue; the copy of zeros becomes a fill of the first
// product's output.
// CHECK-LABEL: func.func @product_in_shared_zeros
// CHECK-SAME: (%[[A:.+]]: memref<64x32xf32>, %[[B:.+]]: memref<2x32x16xf32>, %[[BIAS:.+]]: memref<32xf32>, %[[Y:.+]]: memref<64x32xf32>)
// CHECK: %[[FIRST:.+]] = memref.alloc() : memref<64x32xf32>
// CHECK-NEXT: linalg.fill ins(%{{.+}} : f32) outs(%[[FIRST]] : memref<64x32xf32>)
// CHECK-NEXT: linalg.generic {{.+}} library_call = "mocc_sgemm_f32"} ins(%[[A]], %[[B]] : {{.+}}) outs(%[[FIRST]] : memref<64x32xf32>)
// CHECK-NOT: memref.alloc
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%[[Y]] : memref<64x32xf32>)
// CHECK-NEXT: linalg.generic {{.+}} library_call = "mocc_sgemm_f32"} ins(%[[A]], %[[B]], %[[BIAS]], %[[FIRST]] : {{.+}}) outs(%[[Y]] : memref<64x32xf32>) attrs = {mocc.epilogue = {activation = 1 : i64, bias = 2 : i64, hi = 0.000000e+00 : f32, lo = 0.000000e+00 : f32, residual = 3 : i64}}
// CHECK-NOT: linalg.generic
// CHECK-NOT: memref.copy
func.func @product_in_shared_zeros(%a: memref<64x32xf32>, %b: memref<2x32x16xf32>, %bias: memref<32xf32>, %y: memref<64x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %zeros = memref.alloc() : memref<64x32xf32>
  linalg.fill ins(%zero : f32) outs(%zeros : memref<64x32xf32>)
  %first = memref.alloc() : memref<64x32xf32>
  memref.copy %zeros, %first : memref<64x32xf32> to memref<64x32xf32>
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"], library_call = "mocc_sgemm_f32"}
      ins(%a, %b : memref<64x32xf32>, memref<2x32x16xf32>) outs(%first : memref<64x32xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"], library_call = "mocc_sgemm_f32"}
      ins(%a, %b : memref<64x32xf32>, memref<2x32x16xf32>) outs(%zeros : memref<64x32xf32>) {
  ^bb0(%x: f32, %w: f32, %acc: f32):
    %p = arith.mulf %x, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #col, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%first, %bias, %zeros : memref<64x32xf32>, memref<32xf32>, memref<64x32xf32>) outs(%y : memref<64x32xf32>) {
  ^bb0(%r: f32, %bv: f32, %p: f32, %out: f32):
    %s = arith.addf %r, %bv : f32
    %t = arith.addf %s, %p : f32
    %u = arith.maximumf %t, %zero : f32
    linalg.yield %u : f32
  }
  return
}
