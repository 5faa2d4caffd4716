// RUN: mocc-opt %s --split-input-file --mocc-results-to-out-params | FileCheck %s

// A static result becomes an out-parameter written by a copy; a dynamic one
// that the entry allocates itself stays a result.
// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME: %[[X:[^:]+]]: memref<?x4xf32>, %[[OUT:[^:]+]]: memref<4xf32>) -> memref<?x4xf32>
// CHECK: %[[D:.+]] = memref.alloc(%{{.+}}) : memref<?x4xf32>
// CHECK: memref.copy %[[S:.+]], %[[OUT]]
// CHECK-NEXT: return %[[D]] : memref<?x4xf32>
module {
  func.func @main_graph(%x: memref<?x4xf32>) -> (memref<?x4xf32>, memref<4xf32>) {
    %c0 = arith.constant 0 : index
    %n = memref.dim %x, %c0 : memref<?x4xf32>
    %d = memref.alloc(%n) : memref<?x4xf32>
    memref.copy %x, %d : memref<?x4xf32> to memref<?x4xf32>
    %s = memref.alloc() : memref<4xf32>
    return %d, %s : memref<?x4xf32>, memref<4xf32>
  }
}

// -----

// A dynamic result the runtime could not own (an input, a view, a buffer
// returned twice) is copied into a fresh allocation of its size.
// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME: %[[X:[^:]+]]: memref<?xf32>) -> (memref<?xf32>, memref<?xf32>)
// CHECK: %[[N0:.+]] = memref.dim %[[X]], %{{.+}}
// CHECK: %[[A0:.+]] = memref.alloc(%[[N0]]) : memref<?xf32>
// CHECK: memref.copy %[[X]], %[[A0]]
// CHECK: %[[N1:.+]] = memref.dim %[[X]], %{{.+}}
// CHECK: %[[A1:.+]] = memref.alloc(%[[N1]]) : memref<?xf32>
// CHECK: memref.copy %[[X]], %[[A1]]
// CHECK: return %[[A0]], %[[A1]]
module {
  func.func @main_graph(%x: memref<?xf32>) -> (memref<?xf32>, memref<?xf32>) {
    return %x, %x : memref<?xf32>, memref<?xf32>
  }
}
