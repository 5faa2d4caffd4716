// RUN: mocc-opt %s --split-input-file --mocc-call-kernels=panel-width=16 --cse | FileCheck %s

#a = affine_map<(r, m, n, k) -> (r, m, k)>
#b = affine_map<(r, m, n, k) -> (n floordiv 16, k, n mod 16)>
#c = affine_map<(r, m, n, k) -> (r, m, n)>

// A marked product on buffers, with the fill of zeros before it, becomes
// one call of the GEMM driver with the thread pool, the entry's new last
// argument, and the buffers as descriptors of dynamic shape (their C
// interface): rows of more than one dimension are collapsed.
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%[[A:.+]]: memref<2x64x64xf32>, %[[B:.+]]: memref<3x64x16xf32>, %[[C:.+]]: memref<2x64x40xf32>, %[[POOL:.+]]: !llvm.ptr {mocc.thread_pool})
// CHECK: %[[A2:.+]] = memref.collapse_shape %[[A]] {{\[}}[0, 1], [2]] : memref<2x64x64xf32> into memref<128x64xf32>
// CHECK: %[[AD:.+]] = memref.cast %[[A2]] : memref<128x64xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK: %[[BD:.+]] = memref.cast %[[B]] : memref<3x64x16xf32> to memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
// CHECK: %[[C2:.+]] = memref.collapse_shape %[[C]]
// CHECK: %[[CD:.+]] = memref.cast %[[C2]]
// With no epilogue, it passes an empty bias and residual and activation 0.
// CHECK: %[[NOBIAS:.+]] = memref.alloca() : memref<0xf32>
// CHECK: %[[NOBIASD:.+]] = memref.cast %[[NOBIAS]]
// CHECK: %[[NORES:.+]] = memref.alloca() : memref<0x0xf32>
// CHECK: %[[NORESD:.+]] = memref.cast %[[NORES]]
// CHECK: call @mocc_sgemm_f32(%[[POOL]], %[[AD]], %[[BD]], %[[CD]], %[[NOBIASD]], %[[NORESD]], %c0_i64, %cst{{.*}}, %cst{{.*}})
// CHECK-NOT: linalg.
// CHECK: func.func private @mocc_sgemm_f32(!llvm.ptr, memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?xf32, strided<[?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, i64, f32, f32) attributes {llvm.emit_c_interface}
func.func @main_graph(%a: memref<2x64x64xf32>, %b: memref<3x64x16xf32>, %c: memref<2x64x40xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<2x64x40xf32>)
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"], library_call = "mocc_sgemm_f32"}
      ins(%a, %b : memref<2x64x64xf32>, memref<3x64x16xf32>) outs(%c : memref<2x64x40xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#a = affine_map<(r, m, n, k) -> (r, m, k)>
#b = affine_map<(r, m, n, k) -> (n floordiv 16, k, n mod 16)>
#c = affine_map<(r, m, n, k) -> (r, m, n)>

// Buffers of run-time rows (identity layout: contiguous) are evenly
// strided rows too; the driver reads their sizes from the descriptors.
// CHECK-LABEL: func.func @main_graph
// CHECK: memref.collapse_shape %{{.+}} {{\[}}[0, 1], [2]] : memref<?x?x64xf32> into memref<?x64xf32>
// CHECK: call @mocc_sgemm_f32(
// CHECK-NOT: linalg.generic
func.func @main_graph(%a: memref<?x?x64xf32>, %b: memref<3x64x16xf32>, %c: memref<?x?x40xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<?x?x40xf32>)
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "parallel", "reduction"], library_call = "mocc_sgemm_f32"}
      ins(%a, %b : memref<?x?x64xf32>, memref<3x64x16xf32>) outs(%c : memref<?x?x40xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (n floordiv 16, k, n mod 16)>
#c = affine_map<(m, n, k) -> (m, n)>

// Columns of a strided view are not unit-stride rows: it stays a loop nest,
// unmarked; the entry still takes the pool.
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: !llvm.ptr {mocc.thread_pool})
// CHECK-NOT: call
// CHECK: linalg.generic
// CHECK-NOT: library_call
func.func @main_graph(%a: memref<8x4xf32, strided<[1, 8]>>, %b: memref<1x4x16xf32>, %c: memref<8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<8x16xf32>)
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"], library_call = "mocc_sgemm_f32"}
      ins(%a, %b : memref<8x4xf32, strided<[1, 8]>>, memref<1x4x16xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (n floordiv 16, k, n mod 16)>
#c = affine_map<(m, n, k) -> (m, n)>

// An output that does not start as zeros stays a loop nest: the kernel
// writes its product, it does not add to what is there.
// CHECK-LABEL: func.func @main_graph
// CHECK-NOT: call
// CHECK: linalg.generic
// CHECK-NOT: library_call
func.func @main_graph(%a: memref<8x4xf32>, %b: memref<1x4x16xf32>, %c: memref<8x16xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"], library_call = "mocc_sgemm_f32"}
      ins(%a, %b : memref<8x4xf32>, memref<1x4x16xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#in = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 * 2 + d4, d2 * 2 + d5 * 2, d6)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d3 floordiv 16, d4, d5, d6, d3 mod 16)>
#out = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>

// A marked convolution becomes one call of the convolution driver: the
// input as it is, the output's pixels as rows, then the kernel's height and
// width, strides and dilations, read off the loops and the window map,
// and no padding (zeros, as in the next case).
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%[[X:.+]]: memref<1x9x9x3xf32>, %[[B:.+]]: memref<1x3x3x3x16xf32>, %[[Y:.+]]: memref<1x4x3x4xf32>, %[[POOL:.+]]: !llvm.ptr {mocc.thread_pool})
// CHECK: %[[B3:.+]] = memref.collapse_shape %[[B]] {{\[}}[0], [1, 2, 3], [4]] : memref<1x3x3x3x16xf32> into memref<1x27x16xf32>
// CHECK: %[[XD:.+]] = memref.cast %[[X]] : memref<1x9x9x3xf32> to memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
// CHECK: %[[Y2:.+]] = memref.collapse_shape %[[Y]] {{\[}}[0, 1, 2], [3]] : memref<1x4x3x4xf32> into memref<12x4xf32>
// CHECK-DAG: %[[C3:.+]] = arith.constant 3 : i64
// CHECK-DAG: %[[C2:.+]] = arith.constant 2 : i64
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : i64
// CHECK: call @mocc_sconv2d_nhwc_f32(%[[POOL]], %[[XD]], %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[C3]], %[[C3]], %[[C2]], %[[C2]], %[[C1]], %[[C2]], %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}})
// CHECK-NOT: linalg.
func.func @main_graph(%x: memref<1x9x9x3xf32>, %b: memref<1x3x3x3x16xf32>, %y: memref<1x4x3x4xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<1x4x3x4xf32>)
  linalg.generic {indexing_maps = [#in, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"], library_call = "mocc_sconv2d_nhwc_f32"}
      ins(%x, %b : memref<1x9x9x3xf32>, memref<1x3x3x3x16xf32>) outs(%y : memref<1x4x3x4xf32>) {
  ^bb0(%a: f32, %w: f32, %acc: f32):
    %p = arith.mulf %a, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (n floordiv 16, k, n mod 16)>
#c = affine_map<(m, n, k) -> (m, n)>

// Products that start from one zero tensor get copies of its buffer: a copy
// of a buffer of zeros zeroes the output too, and the call replaces it.
// CHECK-LABEL: func.func @main_graph
// CHECK: linalg.fill
// CHECK-NOT: memref.copy
// CHECK: call @mocc_sgemm_f32
// CHECK-NOT: linalg.generic
func.func @main_graph(%a: memref<8x4xf32>, %b: memref<1x4x16xf32>, %zeros: memref<8x16xf32>, %c: memref<8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%zeros : memref<8x16xf32>)
  memref.copy %zeros, %c : memref<8x16xf32> to memref<8x16xf32>
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"], library_call = "mocc_sgemm_f32"}
      ins(%a, %b : memref<8x4xf32>, memref<1x4x16xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (n floordiv 16, k, n mod 16)>
#c = affine_map<(m, n, k) -> (m, n)>

// The same with run-time rows: the zeros are a buffer of the function's
// own, which only the fill uses once the call replaces the copy, and goes.
// CHECK-LABEL: func.func @main_graph
// CHECK-NOT: memref.alloc(
// CHECK-NOT: linalg.fill
// CHECK-NOT: memref.copy
// CHECK: call @mocc_sgemm_f32
func.func @main_graph(%a: memref<?x4xf32>, %b: memref<1x4x16xf32>, %c: memref<?x16xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %m = memref.dim %a, %c0 : memref<?x4xf32>
  %zeros = memref.alloc(%m) : memref<?x16xf32>
  linalg.fill ins(%zero : f32) outs(%zeros : memref<?x16xf32>)
  memref.copy %zeros, %c : memref<?x16xf32> to memref<?x16xf32>
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"], library_call = "mocc_sgemm_f32"}
      ins(%a, %b : memref<?x4xf32>, memref<1x4x16xf32>) outs(%c : memref<?x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#q = affine_map<(b, m, n, k) -> (m, b, k)>
#k = affine_map<(b, m, n, k) -> (b, n, k)>
#s = affine_map<(b, m, n, k) -> (b, m, n)>

// A marked batched product becomes a call with its operands viewed as
// [b][m][k], [b][k][n] and [b][m][n] (transposed views of the same memory),
// then the panel width the runtime packs b to.
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%[[Q:.+]]: memref<8x4x16xf32>, %[[K:.+]]: memref<4x8x16xf32>, %[[S:.+]]: memref<4x8x8xf32>, %[[POOL:.+]]: !llvm.ptr {mocc.thread_pool})
// CHECK: %[[QT:.+]] = memref.transpose %[[Q]] (d0, d1, d2) -> (d1, d0, d2)
// CHECK: %[[KT:.+]] = memref.transpose %[[K]] (d0, d1, d2) -> (d0, d2, d1)
// CHECK: %[[QD:.+]] = memref.cast %[[QT]]
// CHECK: %[[KD:.+]] = memref.cast %[[KT]]
// CHECK: %[[SD:.+]] = memref.cast %[[S]]
// CHECK: %[[NR:.+]] = arith.constant 16 : i64
// CHECK: call @mocc_sbatch_matmul_f32(%[[POOL]], %[[QD]], %[[KD]], %[[SD]], %[[NR]])
// CHECK-NOT: linalg.
func.func @main_graph(%q: memref<8x4x16xf32>, %key: memref<4x8x16xf32>, %s: memref<4x8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%s : memref<4x8x8xf32>)
  linalg.generic {indexing_maps = [#q, #k, #s], iterator_types = ["parallel", "parallel", "parallel", "reduction"], library_call = "mocc_sbatch_matmul_f32"}
      ins(%q, %key : memref<8x4x16xf32>, memref<4x8x16xf32>) outs(%s : memref<4x8x8xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }
  return
}

// -----

#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d3, d2 * 2 + d4 * 2, d5)>
#w = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>

// A marked depthwise convolution becomes a call with the kernel's height and
// width, strides and dilations read off the loops and the window map.
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%[[X:.+]]: memref<1x9x9x8xf32>, %[[W:.+]]: memref<3x3x8xf32>, %[[Y:.+]]: memref<1x4x3x8xf32>, %[[POOL:.+]]: !llvm.ptr {mocc.thread_pool})
// CHECK-DAG: %[[C3:.+]] = arith.constant 3 : i64
// CHECK-DAG: %[[C2:.+]] = arith.constant 2 : i64
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : i64
// CHECK: call @mocc_sdwconv2d_nhwc_f32(%[[POOL]], %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[C3]], %[[C3]], %[[C2]], %[[C2]], %[[C1]], %[[C2]], %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}})
// CHECK-NOT: linalg.
func.func @main_graph(%x: memref<1x9x9x8xf32>, %w: memref<3x3x8xf32>, %y: memref<1x4x3x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<1x4x3x8xf32>)
  linalg.generic {indexing_maps = [#win, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"], library_call = "mocc_sdwconv2d_nhwc_f32"}
      ins(%x, %w : memref<1x9x9x8xf32>, memref<3x3x8xf32>) outs(%y : memref<1x4x3x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d3, d2 + d4, d5)>
#w = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>

// An input padded with zeros (a zero map, then a copy inside) is read
// unpadded: the call takes the copied buffer and the padding (top, left,
// bottom, right), and the padded buffer and its ops go.
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%[[X:.+]]: memref<1x6x6x8xf32>, %{{.+}}: memref<3x3x8xf32>, %{{.+}}: memref<1x6x13x8xf32>, %[[POOL:.+]]: !llvm.ptr {mocc.thread_pool})
// CHECK-NOT: memref.alloc
// CHECK-NOT: linalg.map
// CHECK-NOT: memref.copy
// CHECK: %[[XD:.+]] = memref.cast %[[X]] : memref<1x6x6x8xf32> to memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0 : i64
// CHECK-DAG: %[[TWO:.+]] = arith.constant 2 : i64
// CHECK-DAG: %[[FOUR:.+]] = arith.constant 4 : i64
// CHECK-DAG: %[[FIVE:.+]] = arith.constant 5 : i64
// CHECK: call @mocc_sdwconv2d_nhwc_f32(%[[POOL]], %[[XD]], {{.+}}, %[[TWO]], %[[FOUR]], %[[ZERO]], %[[FIVE]])
// CHECK-NOT: linalg.
func.func @main_graph(%x: memref<1x6x6x8xf32>, %w: memref<3x3x8xf32>, %y: memref<1x6x13x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %padded = memref.alloc() : memref<1x8x15x8xf32>
  linalg.map outs(%padded : memref<1x8x15x8xf32>)
    () {
      linalg.yield %zero : f32
    }
  %inside = memref.subview %padded[0, 2, 4, 0] [1, 6, 6, 8] [1, 1, 1, 1] : memref<1x8x15x8xf32> to memref<1x6x6x8xf32, strided<[960, 120, 8, 1], offset: 272>>
  memref.copy %x, %inside : memref<1x6x6x8xf32> to memref<1x6x6x8xf32, strided<[960, 120, 8, 1], offset: 272>>
  linalg.fill ins(%zero : f32) outs(%y : memref<1x6x13x8xf32>)
  linalg.generic {indexing_maps = [#win, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"], library_call = "mocc_sdwconv2d_nhwc_f32"}
      ins(%padded, %w : memref<1x8x15x8xf32>, memref<3x3x8xf32>) outs(%y : memref<1x6x13x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#win = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d3, d2 + d4, d5)>
#w = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>

// The copied buffer is written after the copy, before the convolution: the
// call reads the padded buffer, which keeps its ops.
// CHECK-LABEL: func.func @main_graph
// CHECK: %[[PADDED:.+]] = memref.alloc
// CHECK: linalg.map
// CHECK: memref.copy
// CHECK: %[[PD:.+]] = memref.cast %[[PADDED]]
// CHECK: call @mocc_sdwconv2d_nhwc_f32(%{{.+}}, %[[PD]],
func.func @main_graph(%x: memref<1x6x6x8xf32>, %w: memref<3x3x8xf32>, %y: memref<1x6x6x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %padded = memref.alloc() : memref<1x8x8x8xf32>
  linalg.map outs(%padded : memref<1x8x8x8xf32>)
    () {
      linalg.yield %zero : f32
    }
  %inside = memref.subview %padded[0, 1, 1, 0] [1, 6, 6, 8] [1, 1, 1, 1] : memref<1x8x8x8xf32> to memref<1x6x6x8xf32, strided<[512, 64, 8, 1], offset: 72>>
  memref.copy %x, %inside : memref<1x6x6x8xf32> to memref<1x6x6x8xf32, strided<[512, 64, 8, 1], offset: 72>>
  linalg.fill ins(%zero : f32) outs(%x : memref<1x6x6x8xf32>)
  linalg.fill ins(%zero : f32) outs(%y : memref<1x6x6x8xf32>)
  linalg.generic {indexing_maps = [#win, #w, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"], library_call = "mocc_sdwconv2d_nhwc_f32"}
      ins(%padded, %w : memref<1x8x8x8xf32>, memref<3x3x8xf32>) outs(%y : memref<1x6x6x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (n floordiv 16, k, n mod 16)>
#c = affine_map<(m, n, k) -> (m, n)>
#col = affine_map<(m, n, k) -> (n)>

// A product with an epilogue (mocc-fuse-epilogues) passes its bias, its
// residual and its activation (Clip: 2, with its bounds) to the driver.
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%[[A:.+]]: memref<64x32xf32>, %[[B:.+]]: memref<2x32x16xf32>, %[[BIAS:.+]]: memref<32xf32>, %[[R:.+]]: memref<64x32xf32>, %[[C:.+]]: memref<64x32xf32>, %[[POOL:.+]]: !llvm.ptr {mocc.thread_pool})
// CHECK-DAG: %[[BIASD:.+]] = memref.cast %[[BIAS]] : memref<32xf32> to memref<?xf32, strided<[?], offset: ?>>
// CHECK-DAG: %[[RD:.+]] = memref.cast %[[R]] : memref<64x32xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK-DAG: %[[CLIP:.+]] = arith.constant 2 : i64
// CHECK-DAG: %[[LO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[HI:.+]] = arith.constant 6.000000e+00 : f32
// CHECK: call @mocc_sgemm_f32(%[[POOL]], %{{.+}}, %{{.+}}, %{{.+}}, %[[BIASD]], %[[RD]], %[[CLIP]], %[[LO]], %[[HI]])
// CHECK-NOT: linalg.
func.func @main_graph(%a: memref<64x32xf32>, %b: memref<2x32x16xf32>, %bias: memref<32xf32>, %r: memref<64x32xf32>, %c: memref<64x32xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<64x32xf32>)
  linalg.generic {indexing_maps = [#a, #b, #col, #c, #c], iterator_types = ["parallel", "parallel", "reduction"], library_call = "mocc_sgemm_f32"}
      ins(%a, %b, %bias, %r : memref<64x32xf32>, memref<2x32x16xf32>, memref<32xf32>, memref<64x32xf32>) outs(%c : memref<64x32xf32>)
      attrs = {mocc.epilogue = {activation = 2 : i64, bias = 2 : i64, hi = 6.0 : f32, lo = 0.0 : f32, residual = 3 : i64}} {
  ^bb0(%x: f32, %y: f32, %bv: f32, %rv: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
