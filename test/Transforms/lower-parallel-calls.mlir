// RUN: mocc-opt %s --split-input-file --verify-diagnostics --mocc-lower-parallel-calls | FileCheck %s

// The marked call's captures go into a closure on the caller's stack, and
// the runtime's mocc_parallel_for runs the new chunk function, which loads
// them and calls the loop over its chunk, on the caller's thread pool.
// CHECK-LABEL: llvm.func internal @loop_chunk
// CHECK-SAME: (%[[CLOSURE:.+]]: !llvm.ptr, %[[BEGIN:.+]]: i64, %[[END:.+]]: i64)
// CHECK: %[[F0:.+]] = llvm.getelementptr %[[CLOSURE]][0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, i64)>
// CHECK: %[[P:.+]] = llvm.load %[[F0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[F1:.+]] = llvm.getelementptr %[[CLOSURE]][0, 1] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, i64)>
// CHECK: %[[N:.+]] = llvm.load %[[F1]] : !llvm.ptr -> i64
// CHECK: llvm.call @loop(%[[BEGIN]], %[[END]], %[[P]], %[[N]])
// CHECK-LABEL: llvm.func @main_graph
// CHECK-SAME: (%[[X:.+]]: !llvm.ptr, %[[POOL:.+]]: !llvm.ptr {mocc.thread_pool})
// CHECK: %[[C:.+]] = llvm.alloca %{{.+}} x !llvm.struct<(ptr, i64)>
// CHECK: llvm.store %[[X]], %{{.+}} : !llvm.ptr, !llvm.ptr
// CHECK: llvm.store %{{.+}}, %{{.+}} : i64, !llvm.ptr
// CHECK: %[[FN:.+]] = llvm.mlir.addressof @loop_chunk
// CHECK: llvm.call @mocc_parallel_for(%[[POOL]], %{{.+}}, %[[FN]], %[[C]])
// CHECK-NOT: llvm.call @loop(
// CHECK: llvm.func @mocc_parallel_for(!llvm.ptr, i64, !llvm.ptr, !llvm.ptr)
module {
  llvm.func internal @loop(%begin: i64, %end: i64, %x: !llvm.ptr, %n: i64) {
    llvm.return
  }
  llvm.func @main_graph(%x: !llvm.ptr, %pool: !llvm.ptr {mocc.thread_pool}) {
    %c0 = llvm.mlir.constant(0 : i64) : i64
    %c56 = llvm.mlir.constant(56 : i64) : i64
    %n = llvm.mlir.constant(4 : i64) : i64
    llvm.call @loop(%c0, %c56, %x, %n) {mocc.parallel_for} : (i64, i64, !llvm.ptr, i64) -> ()
    llvm.return
  }
}

// -----

// A parallel call in a function without a thread pool is an internal error.
module {
  llvm.func internal @loop(%begin: i64, %end: i64) {
    llvm.return
  }
  llvm.func @main_graph() {
    %c0 = llvm.mlir.constant(0 : i64) : i64
    %c8 = llvm.mlir.constant(8 : i64) : i64
    // expected-error @+1 {{internal error: a parallel call expects a thread pool}}
    llvm.call @loop(%c0, %c8) {mocc.parallel_for} : (i64, i64) -> ()
    llvm.return
  }
}
