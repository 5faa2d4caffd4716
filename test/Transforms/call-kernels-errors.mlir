// RUN: mocc-opt %s --mocc-call-kernels=panel-width=16 --verify-diagnostics

#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (n floordiv 16, k, n mod 16)>
#c = affine_map<(m, n, k) -> (m, n)>
#col = affine_map<(m, n, k) -> (n)>

// A product carrying an epilogue computes only the product as loops: if it
// cannot call its kernel (here its output is not zeroed before it), that is
// an error, never a result without the epilogue.
func.func @main_graph(%a: memref<64x32xf32>, %b: memref<2x32x16xf32>, %bias: memref<32xf32>, %c: memref<64x32xf32>) {
  // expected-error @+1 {{internal error: a product with a fused epilogue cannot call its kernel}}
  linalg.generic {indexing_maps = [#a, #b, #col, #c], iterator_types = ["parallel", "parallel", "reduction"], library_call = "mocc_sgemm_f32"}
      ins(%a, %b, %bias : memref<64x32xf32>, memref<2x32x16xf32>, memref<32xf32>) outs(%c : memref<64x32xf32>)
      attrs = {mocc.epilogue = {activation = 1 : i64, bias = 2 : i64, hi = 0.0 : f32, lo = 0.0 : f32}} {
  ^bb0(%x: f32, %y: f32, %bv: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
