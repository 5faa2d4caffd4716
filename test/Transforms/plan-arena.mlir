// RUN: mocc-opt %s --split-input-file --mocc-plan-arena | FileCheck %s

// Buffers whose lifetimes do not overlap share the arena: %a dies before %c
// is first written, so %c takes its place. The last buffer, only copied to
// the output, is computed in the output. The planned size (256 bytes) is the
// peak of simultaneously live bytes; with no sharing it would be 384.
// CHECK-LABEL: module attributes
// CHECK-SAME: mocc.arena_bytes = 256 : i64
// CHECK-SAME: mocc.arena_lower_bound_bytes = 256 : i64
// CHECK-SAME: mocc.naive_bytes = 384 : i64
// CHECK: func.func @main_graph(%[[X:.+]]: memref<32xf32>, %[[Y:.+]]: memref<32xf32>, %[[ARENA:.+]]: memref<?xi8>)
// CHECK: arith.constant 0 : index
// CHECK: %[[A:.+]] = memref.view %[[ARENA]]
// CHECK: arith.constant 128 : index
// CHECK: %[[B:.+]] = memref.view %[[ARENA]]
// CHECK: arith.constant 0 : index
// CHECK: %[[C:.+]] = memref.view %[[ARENA]]
// CHECK: memref.copy %[[B]], %[[C]]
// CHECK: memref.copy %[[C]], %[[Y]]
// CHECK-NEXT: return
module {
  func.func @main_graph(%x: memref<32xf32>, %y: memref<32xf32>) {
    %a = memref.alloc() : memref<32xf32>
    memref.copy %x, %a : memref<32xf32> to memref<32xf32>
    %b = memref.alloc() : memref<32xf32>
    memref.copy %a, %b : memref<32xf32> to memref<32xf32>
    %c = memref.alloc() : memref<32xf32>
    memref.copy %b, %c : memref<32xf32> to memref<32xf32>
    %d = memref.alloc() : memref<32xf32>
    memref.copy %c, %d : memref<32xf32> to memref<32xf32>
    memref.copy %d, %y : memref<32xf32> to memref<32xf32>
    return
  }
}

// -----

#id = affine_map<(d0) -> (d0)>

// An elementwise op writes into an input buffer that dies with it; a buffer
// that lives on (%a, read again by the last op) is not overwritten.
// CHECK-LABEL: module attributes {mocc.arena_bytes = 128 : i64, mocc.arena_lower_bound_bytes = 128 : i64, mocc.naive_bytes = 192 : i64}
// CHECK: %[[A:.+]] = memref.view
// CHECK: %[[B:.+]] = memref.view
// CHECK: linalg.generic {{.+}} ins(%[[A]] : memref<16xf32>) outs(%[[B]] : memref<16xf32>)
// CHECK: linalg.generic {{.+}} ins(%[[B]] : memref<16xf32>) outs(%[[B]] : memref<16xf32>)
// CHECK-NOT: memref.view
// CHECK: linalg.generic {{.+}} ins(%[[A]], %[[B]] : memref<16xf32>, memref<16xf32>)
module {
  func.func @main_graph(%x: memref<16xf32>, %y: memref<16xf32>) {
    %a = memref.alloc() : memref<16xf32>
    memref.copy %x, %a : memref<16xf32> to memref<16xf32>
    %b = memref.alloc() : memref<16xf32>
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
        ins(%a : memref<16xf32>) outs(%b : memref<16xf32>) {
    ^bb0(%in: f32, %out: f32):
      %e = math.exp %in : f32
      linalg.yield %e : f32
    }
    %c = memref.alloc() : memref<16xf32>
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
        ins(%b : memref<16xf32>) outs(%c : memref<16xf32>) {
    ^bb0(%in: f32, %out: f32):
      %e = math.exp %in : f32
      linalg.yield %e : f32
    }
    linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
        ins(%a, %c : memref<16xf32>, memref<16xf32>) outs(%y : memref<16xf32>) {
    ^bb0(%in: f32, %in1: f32, %out: f32):
      %s = arith.addf %in, %in1 : f32
      linalg.yield %s : f32
    }
    return
  }
}

// -----

// The per-tile buffer of a fused kernel moves out of its loop into the
// arena; it is live only while the loop runs.
// CHECK-LABEL: module attributes {mocc.arena_bytes = 64 : i64
// CHECK: %[[T:.+]] = memref.view %{{.+}}[%{{.+}}][] : memref<?xi8> to memref<4xf32>
// CHECK: scf.for
// CHECK-NOT: memref.alloc
// CHECK: memref.copy %{{.+}}, %[[T]]
module {
  func.func @main_graph(%x: memref<8x4xf32>, %y: memref<8x4xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c8 = arith.constant 8 : index
    scf.for %i = %c0 to %c8 step %c1 {
      %tile = memref.alloc() : memref<4xf32>
      %row = memref.subview %x[%i, 0] [1, 4] [1, 1] : memref<8x4xf32> to memref<4xf32, strided<[1], offset: ?>>
      memref.copy %row, %tile : memref<4xf32, strided<[1], offset: ?>> to memref<4xf32>
      %out = memref.subview %y[%i, 0] [1, 4] [1, 1] : memref<8x4xf32> to memref<4xf32, strided<[1], offset: ?>>
      memref.copy %tile, %out : memref<4xf32> to memref<4xf32, strided<[1], offset: ?>>
    }
    return
  }
}

// -----

// A parallel loop's per-tile buffer is each thread's own: a stack buffer at
// the start of the loop's body, not in the arena.
// CHECK-LABEL: module attributes {mocc.arena_bytes = 0 : i64
// CHECK: scf.forall
// CHECK-NEXT: %[[T:.+]] = memref.alloca() {alignment = 64 : i64} : memref<4xf32>
// CHECK-NOT: memref.alloc
// CHECK: memref.copy %{{.+}}, %[[T]]
module {
  func.func @main_graph(%x: memref<8x4xf32>, %y: memref<8x4xf32>) {
    scf.forall (%i) in (8) {
      %row = memref.subview %x[%i, 0] [1, 4] [1, 1] : memref<8x4xf32> to memref<4xf32, strided<[1], offset: ?>>
      %tile = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
      memref.copy %row, %tile : memref<4xf32, strided<[1], offset: ?>> to memref<4xf32>
      %out = memref.subview %y[%i, 0] [1, 4] [1, 1] : memref<8x4xf32> to memref<4xf32, strided<[1], offset: ?>>
      memref.copy %tile, %out : memref<4xf32> to memref<4xf32, strided<[1], offset: ?>>
    }
    return
  }
}

// -----

// A parallel loop whose per-tile buffers would take more than 128 KiB of
// each thread's stack runs sequentially, its buffer in the arena.
// CHECK-LABEL: module attributes {mocc.arena_bytes = 262144 : i64
// CHECK: %[[T:.+]] = memref.view %{{.+}}[%{{.+}}][] : memref<?xi8> to memref<65536xf32>
// CHECK-NOT: scf.forall
// CHECK: scf.for
// CHECK-NOT: memref.alloc
// CHECK: memref.copy %{{.+}}, %[[T]]
module {
  func.func @main_graph(%x: memref<2x65536xf32>, %y: memref<2x65536xf32>) {
    scf.forall (%i) in (2) {
      %row = memref.subview %x[%i, 0] [1, 65536] [1, 1] : memref<2x65536xf32> to memref<65536xf32, strided<[1], offset: ?>>
      %tile = memref.alloc() : memref<65536xf32>
      memref.copy %row, %tile : memref<65536xf32, strided<[1], offset: ?>> to memref<65536xf32>
      %out = memref.subview %y[%i, 0] [1, 65536] [1, 1] : memref<2x65536xf32> to memref<65536xf32, strided<[1], offset: ?>>
      memref.copy %tile, %out : memref<65536xf32> to memref<65536xf32, strided<[1], offset: ?>>
    }
    return
  }
}

// -----

// A buffer of dynamic size stays a heap allocation, freed after its last
// use; the returned one is the runtime's to free. Static ones go to the arena.
// CHECK-LABEL: module attributes {mocc.arena_bytes = 64 : i64
// CHECK: func.func @main_graph(%[[X:.+]]: memref<?xf32>, %{{.+}}: memref<?xi8>) -> memref<?xf32>
// CHECK: %[[T:.+]] = memref.alloc(%{{.+}}) : memref<?xf32>
// CHECK: %[[R:.+]] = memref.alloc(%{{.+}}) : memref<?xf32>
// CHECK: memref.copy %[[X]], %[[T]]
// CHECK-NEXT: memref.copy %[[T]], %[[R]]
// CHECK-NEXT: memref.dealloc %[[T]]
// CHECK-NOT: memref.dealloc
// CHECK: return %[[R]]
module {
  func.func @main_graph(%x: memref<?xf32>) -> memref<?xf32> {
    %c0 = arith.constant 0 : index
    %n = memref.dim %x, %c0 : memref<?xf32>
    %t = memref.alloc(%n) : memref<?xf32>
    %r = memref.alloc(%n) : memref<?xf32>
    %s = memref.alloc() : memref<4xf32>
    memref.copy %x, %t : memref<?xf32> to memref<?xf32>
    memref.copy %t, %r : memref<?xf32> to memref<?xf32>
    %v = memref.subview %r[0] [4] [1] : memref<?xf32> to memref<4xf32, strided<[1]>>
    memref.copy %v, %s : memref<4xf32, strided<[1]>> to memref<4xf32>
    return %r : memref<?xf32>
  }
}

// -----

// Returned through a cast (a result more static than the entry's result
// type) is returned too: not freed, nothing after the return.
// CHECK-LABEL: func.func @main_graph(%{{.+}}: memref<3x?xf32>
// CHECK: %[[R:.+]] = memref.alloc(%{{.+}}) : memref<3x?xf32>
// CHECK-NOT: memref.dealloc
// CHECK: %[[C:.+]] = memref.cast %[[R]]
// CHECK-NOT: memref.dealloc
// CHECK: return %[[C]]
// CHECK-NEXT: }
module {
  func.func @main_graph(%x: memref<3x?xf32>) -> memref<?x?xf32> {
    %c1 = arith.constant 1 : index
    %n = memref.dim %x, %c1 : memref<3x?xf32>
    %r = memref.alloc(%n) : memref<3x?xf32>
    memref.copy %x, %r : memref<3x?xf32> to memref<3x?xf32>
    %c = memref.cast %r : memref<3x?xf32> to memref<?x?xf32>
    return %c : memref<?x?xf32>
  }
}
