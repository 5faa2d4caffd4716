// RUN: mocc-opt %s --split-input-file --mocc-gpu-map-kernels --gpu-kernel-outlining --mocc-gpu-serialize-spirv --mocc-gpu-lower-launches | FileCheck %s

// A CPU op between two kernels, on an arena buffer the first writes and the
// second reads: the host downloads the buffer's 64 bytes before the op (and
// waits for it), and uploads them after it, before the second kernel runs.
// CHECK: module attributes {
// CHECK-SAME: mocc.gpu_arena_downloads = 1 : i64, mocc.gpu_arena_uploads = 1 : i64
// CHECK-LABEL: func.func @main_graph
// CHECK-SAME: %[[ARENA:[^:]*]]: memref<?xi8>, %{{.*}}: !llvm.ptr {mocc.thread_pool}, %[[GPU:.*]]: !llvm.ptr)
// CHECK: call @mocc_gpu_dispatch
// CHECK: %[[BASE:.*]] = memref.extract_aligned_pointer_as_index %[[ARENA]]
// CHECK: %[[AT:.*]] = arith.addi %[[BASE]], %c0
// CHECK: %[[ADDRESS:.*]] = arith.index_castui %[[AT]]
// CHECK: %[[POINTER:.*]] = llvm.inttoptr %[[ADDRESS]]
// CHECK: call @mocc_gpu_download(%[[GPU]], %[[POINTER]], %c64_i64{{[_0-9]*}})
// CHECK-NEXT: call @mocc_gpu_sync(%[[GPU]])
// CHECK-NEXT: call @cpuKernel
// CHECK: call @mocc_gpu_upload(%[[GPU]], %{{.*}}, %c64_i64{{[_0-9]*}})
// CHECK: call @mocc_gpu_bind
// CHECK: call @mocc_gpu_dispatch
// CHECK-NEXT: call @mocc_gpu_sync(%[[GPU]])
// CHECK-NEXT: return
// CHECK: func.func private @mocc_gpu_upload(!llvm.ptr, !llvm.ptr, i64)
// CHECK: func.func private @mocc_gpu_download(!llvm.ptr, !llvm.ptr, i64)
#id = affine_map<(d0) -> (d0)>
func.func private @cpuKernel(memref<16xf32>)
func.func @main_graph(%x: memref<16xf32>, %y: memref<16xf32>, %arena: memref<?xi8>, %pool: !llvm.ptr {mocc.thread_pool}) {
  %c0 = arith.constant 0 : index
  %t = memref.view %arena[%c0][] : memref<?xi8> to memref<16xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<16xf32>) outs(%t : memref<16xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  }
  func.call @cpuKernel(%t) : (memref<16xf32>) -> ()
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%t : memref<16xf32>) outs(%y : memref<16xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.addf %a, %a : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Only the bytes a host access spans that kernels wrote since they were last
// downloaded: the upper half of the second kernel's buffer (32 bytes at 96)
// for a view of it, then the lower half (at 64) for a load from the whole
// (its memory effect is on the whole buffer); nothing of
// the first kernel's buffer, which the host does not read; nothing for
// bytes the host reads that no kernel wrote, and no upload of what the host
// writes, which no kernel reads.
// CHECK: module attributes {
// CHECK-SAME: mocc.gpu_arena_downloads = 2 : i64, mocc.gpu_arena_uploads = 0 : i64
// CHECK-LABEL: func.func @main_graph
// CHECK: call @mocc_gpu_dispatch
// CHECK: call @mocc_gpu_dispatch
// CHECK: %[[UPPER:.*]] = arith.addi %{{.*}}, %c96
// CHECK: call @mocc_gpu_download(%{{.*}}, %{{.*}}, %c32_i64{{[_0-9]*}})
// CHECK-NEXT: call @mocc_gpu_sync
// CHECK-NEXT: call @cpuRead(
// CHECK: %[[LOWER:.*]] = arith.addi %{{.*}}, %c64
// CHECK: call @mocc_gpu_download(%{{.*}}, %{{.*}}, %c32_i64{{[_0-9]*}})
// CHECK-NEXT: call @mocc_gpu_sync
// CHECK-NEXT: memref.load
// CHECK-NOT: mocc_gpu_download
// CHECK-NOT: mocc_gpu_upload
// CHECK: return
#id = affine_map<(d0) -> (d0)>
func.func private @cpuRead(memref<8xf32, strided<[1], offset: 8>>)
func.func @main_graph(%x: memref<16xf32>, %y: memref<16xf32>, %arena: memref<?xi8>, %pool: !llvm.ptr {mocc.thread_pool}) {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %t1 = memref.view %arena[%c0][] : memref<?xi8> to memref<16xf32>
  %t2 = memref.view %arena[%c64][] : memref<?xi8> to memref<16xf32>
  %t3 = memref.view %arena[%c128][] : memref<?xi8> to memref<16xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<16xf32>) outs(%t1 : memref<16xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%t1 : memref<16xf32>) outs(%t2 : memref<16xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.addf %a, %a : f32
    linalg.yield %r : f32
  }
  %upper = memref.subview %t2[8] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1], offset: 8>>
  func.call @cpuRead(%upper) : (memref<8xf32, strided<[1], offset: 8>>) -> ()
  %whole = memref.load %t2[%c0] : memref<16xf32>
  %unwritten = memref.load %t3[%c0] : memref<16xf32>
  %sum = arith.addf %whole, %unwritten : f32
  memref.store %sum, %t3[%c0] : memref<16xf32>
  memref.store %sum, %y[%c0] : memref<16xf32>
  return
}

// -----

// A host copy that overwrites a whole dense buffer makes the kernel's bytes
// there dead: no download before it. A store writes only part of it: the
// rest is downloaded first. (The bfloat16 copy stays on the CPU: shaders
// have no bfloat16.) What the host wrote is uploaded before each kernel
// that uses it, also one that only writes it (it need not write it all).
// CHECK: module attributes {
// CHECK-SAME: mocc.gpu_arena_downloads = 1 : i64, mocc.gpu_arena_uploads = 2 : i64
// CHECK-LABEL: func.func @main_graph
// CHECK: call @mocc_gpu_dispatch
// CHECK-NOT: mocc_gpu_download
// CHECK: memref.copy
// CHECK: call @mocc_gpu_upload(%{{.*}}, %{{.*}}, %c64_i64{{[_0-9]*}})
// CHECK: call @mocc_gpu_dispatch
// CHECK: call @mocc_gpu_download(%{{.*}}, %{{.*}}, %c64_i64{{[_0-9]*}})
// CHECK-NEXT: call @mocc_gpu_sync
// CHECK-NEXT: memref.store
// CHECK: call @mocc_gpu_upload(%{{.*}}, %{{.*}}, %c64_i64{{[_0-9]*}})
// CHECK: call @mocc_gpu_dispatch
#id = affine_map<(d0) -> (d0)>
func.func @main_graph(%x: memref<16xf32>, %xb: memref<32xbf16>, %y: memref<16xf32>, %arena: memref<?xi8>, %pool: !llvm.ptr {mocc.thread_pool}) {
  %c0 = arith.constant 0 : index
  %t = memref.view %arena[%c0][] : memref<?xi8> to memref<16xf32>
  %tb = memref.view %arena[%c0][] : memref<?xi8> to memref<32xbf16>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<16xf32>) outs(%t : memref<16xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  }
  memref.copy %xb, %tb : memref<32xbf16> to memref<32xbf16>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<16xf32>) outs(%t : memref<16xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  }
  %b = memref.load %xb[%c0] : memref<32xbf16>
  memref.store %b, %tb[%c0] : memref<32xbf16>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%t : memref<16xf32>) outs(%y : memref<16xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.addf %a, %a : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A copy into a view at a run-time offset may touch any byte of the arena:
// it counts as a partial write of the whole arena, so the kernel's 64 bytes
// are downloaded first, never dropped as if overwritten.
// CHECK: module attributes {
// CHECK-SAME: mocc.gpu_arena_downloads = 1 : i64
// CHECK-LABEL: func.func @main_graph
// CHECK: call @mocc_gpu_dispatch
// CHECK: call @mocc_gpu_download(%{{.*}}, %{{.*}}, %c64_i64{{[_0-9]*}})
// CHECK-NEXT: call @mocc_gpu_sync
// CHECK-NEXT: memref.copy
#id = affine_map<(d0) -> (d0)>
func.func @main_graph(%x: memref<16xf32>, %xb: memref<8xbf16>, %i: index, %arena: memref<?xi8>, %pool: !llvm.ptr {mocc.thread_pool}) {
  %c0 = arith.constant 0 : index
  %t = memref.view %arena[%c0][] : memref<?xi8> to memref<16xf32>
  %tb = memref.view %arena[%c0][] : memref<?xi8> to memref<32xbf16>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<16xf32>) outs(%t : memref<16xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  }
  %part = memref.subview %tb[%i] [8] [1] : memref<32xbf16> to memref<8xbf16, strided<[1], offset: ?>>
  memref.copy %xb, %part : memref<8xbf16> to memref<8xbf16, strided<[1], offset: ?>>
  return
}
