// RUN: mocc-opt %s --split-input-file --mocc-parallel-loops | FileCheck %s

// A parallel loop becomes a function over a range of its iterations, called
// over all of them; the 2x64 iterations are numbered row by row. The arena's
// views are made again inside (their offsets stay constants), the arena and
// the output are passed, the stack buffer is made once per call, before the
// loop over the range, and the call is marked for the thread pool.
// CHECK-LABEL: func.func private @main_graph_loop
// CHECK-SAME: (%[[BEGIN:.+]]: index, %[[END:.+]]: index, %[[ARENA:.+]]: memref<?xi8>, %[[Y:.+]]: memref<2x64x512xf32>)
// CHECK-SAME: attributes {llvm.linkage = #llvm.linkage<internal>}
// CHECK: %[[X:.+]] = memref.view %[[ARENA]]
// CHECK: %[[T:.+]] = memref.alloca() : memref<512xf32>
// CHECK: scf.for %[[I:.+]] = %[[BEGIN]] to %[[END]]
// CHECK-DAG: %[[J:.+]] = arith.remsi %[[I]], %{{.+}}
// CHECK-DAG: %[[R:.+]] = arith.divsi %[[I]], %{{.+}}
// CHECK: memref.subview %[[X]][%{{.+}}, %{{.+}}, 0]
// CHECK: memref.copy %{{.+}}, %[[T]]
// CHECK-NOT: memref.alloca
// CHECK: return
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%[[ARENA:.+]]: memref<?xi8>, %[[Y:.+]]: memref<2x64x512xf32>)
// CHECK-NOT: scf.forall
// CHECK: call @main_graph_loop(%{{.+}}, %{{.+}}, %[[ARENA]], %[[Y]]) {mocc.parallel_for}
module {
  func.func @main_graph(%arena: memref<?xi8>, %y: memref<2x64x512xf32>) {
    %c0 = arith.constant 0 : index
    %x = memref.view %arena[%c0][] : memref<?xi8> to memref<2x64x512xf32>
    scf.forall (%i, %j) in (2, 64) {
      %tile = memref.alloca() : memref<512xf32>
      %row = memref.subview %x[%i, %j, 0] [1, 1, 512] [1, 1, 1] : memref<2x64x512xf32> to memref<512xf32, strided<[1], offset: ?>>
      memref.copy %row, %tile : memref<512xf32, strided<[1], offset: ?>> to memref<512xf32>
      %out = memref.subview %y[%i, %j, 0] [1, 1, 512] [1, 1, 1] : memref<2x64x512xf32> to memref<512xf32, strided<[1], offset: ?>>
      linalg.copy ins(%tile : memref<512xf32>) outs(%out : memref<512xf32, strided<[1], offset: ?>>)
    }
    return
  }
}

// -----

// A loop with too little work for a dispatch is called without the mark: it
// runs on the calling thread.
// CHECK-LABEL: func.func @main_graph
// CHECK: call @main_graph_loop(%{{.+}}, %{{.+}}, %{{.+}}) : (index, index, memref<8x4xf32>) -> ()
module {
  func.func @main_graph(%y: memref<8x4xf32>) {
    %one = arith.constant 1.0 : f32
    scf.forall (%i) in (8) {
      %out = memref.subview %y[%i, 0] [1, 4] [1, 1] : memref<8x4xf32> to memref<4xf32, strided<[1], offset: ?>>
      linalg.fill ins(%one : f32) outs(%out : memref<4xf32, strided<[1], offset: ?>>)
    }
    return
  }
}

// -----

// Work known at run time only (rows of run-time length, read from a view of
// a buffer made before the loop): the run compares it with the threshold and
// calls the loop marked for the thread pool, or not.
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: (%[[Y:.+]]: memref<?x?xf32>)
// CHECK-DAG: %[[ROWS:.+]] = memref.dim %[[Y]], %c0
// CHECK-DAG: %[[COLS:.+]] = memref.dim %[[Y]], %c1
// CHECK: %[[TRIPS:.+]] = arith.muli %[[ROWS]], %c1
// CHECK: %[[WORK:.+]] = arith.muli %[[COLS]], %[[TRIPS]]
// CHECK: %[[ENOUGH:.+]] = arith.cmpi sge, %[[WORK]], %c32768
// CHECK: scf.if %[[ENOUGH]] {
// CHECK:   call @main_graph_loop({{.+}}) {mocc.parallel_for}
// CHECK: } else {
// CHECK:   call @main_graph_loop({{.+}}) : (index, index, memref<?x?xf32>) -> ()
// CHECK: }
module {
  func.func @main_graph(%y: memref<?x?xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %one = arith.constant 1.0 : f32
    %n = memref.dim %y, %c0 : memref<?x?xf32>
    %m = memref.dim %y, %c1 : memref<?x?xf32>
    scf.forall (%i) in (%n) {
      %out = memref.subview %y[%i, 0] [1, %m] [1, 1] : memref<?x?xf32> to memref<?xf32, strided<[1], offset: ?>>
      linalg.fill ins(%one : f32) outs(%out : memref<?xf32, strided<[1], offset: ?>>)
    }
    return
  }
}
