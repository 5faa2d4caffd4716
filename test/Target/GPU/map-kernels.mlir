// RUN: mocc-opt %s --mocc-gpu-map-kernels --split-input-file | FileCheck %s
// RUN: mocc-opt %s --mocc-gpu-map-kernels="strict=true" --split-input-file --verify-diagnostics -o /dev/null

// One thread per output element: 1000 points in workgroups of 256, the
// last one guarded.
// CHECK: module attributes {mocc.cpu_fallback_kernels = 0 : i64, mocc.gpu_kernels = 1 : i64, mocc.gpu_tiled_kernels = 0 : i64, mocc.gpu_workgroup_kernels = 0 : i64}
// CHECK-LABEL: func.func @main_graph
// CHECK-DAG: %[[GROUPS:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[THREADS:.*]] = arith.constant 256 : index
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %[[GROUPS]], {{.*}}) threads({{.*}}) in ({{.*}} = %[[THREADS]],
// CHECK:   arith.cmpi ult, %{{.*}}, %c1000
// CHECK:   scf.if
// CHECK:     memref.load
// CHECK:     arith.maximumf
// CHECK:     memref.store
// CHECK:   gpu.terminator
// CHECK-NOT: linalg.generic
#id = affine_map<(d0) -> (d0)>
func.func @main_graph(%x: memref<1000xf32>, %y: memref<1000xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<1000xf32>) outs(%y : memref<1000xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A row reduction: each thread loops over its row; the reduction dimension
// first in the op moves inside.
// CHECK-LABEL: func.func @main_graph
// CHECK: gpu.launch
// CHECK:   arith.remui %{{.*}}, %c3
// CHECK:   scf.for %{{.*}} = %c0{{.*}} to %c5
// CHECK:     arith.addf
#in = affine_map<(d0, d1) -> (d1, d0)>
#out = affine_map<(d0, d1) -> (d1)>
func.func @main_graph(%x: memref<3x5xf32>, %y: memref<3xf32>) {
  linalg.generic {indexing_maps = [#in, #out], iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<3x5xf32>) outs(%y : memref<3xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Few points, long reductions: a workgroup of 256 threads per row. Each
// thread adds a strided share of the row's elementwise products, starting
// from 0; the partial sums meet in workgroup memory as a tree (128, ..., 1),
// a barrier after each level; thread 0 adds the total into the output.
// CHECK: module attributes {mocc.cpu_fallback_kernels = 0 : i64, mocc.gpu_kernels = 1 : i64, mocc.gpu_tiled_kernels = 0 : i64, mocc.gpu_workgroup_kernels = 1 : i64}
// CHECK-LABEL: func.func @main_graph
// CHECK-DAG: %[[ROWS:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[THREADS:.*]] = arith.constant 256 : index
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in ({{.*}} = %[[ROWS]], {{.*}}) threads(%[[T:.*]], %{{.*}}, %{{.*}}) in ({{.*}} = %[[THREADS]], {{.*}}) workgroup(%[[PARTIALS:.*]] : memref<256xf32, #gpu.address_space<workgroup>>)
// CHECK:   %[[SUM:.*]] = scf.for %[[K:.*]] = %[[T]] to %c3000{{.*}} step %c256{{.*}} iter_args(%[[ACC:.*]] = %cst{{.*}}) -> (f32)
// CHECK:     %[[A:.*]] = memref.load %{{.*}}[%{{.*}}, %{{.*}}] : memref<4x3000xf32>
// CHECK:     %[[B:.*]] = memref.load %{{.*}}[%{{.*}}, %{{.*}}] : memref<4x3000xf32>
// CHECK:     %[[P:.*]] = arith.mulf %[[A]], %[[B]]
// CHECK:     %[[NEXT:.*]] = arith.addf %[[ACC]], %[[P]]
// CHECK:     scf.yield %[[NEXT]]
// CHECK:   memref.store %[[SUM]], %[[PARTIALS]][%[[T]]]
// CHECK:   gpu.barrier
// CHECK:   arith.cmpi ult, %[[T]], %c128
// CHECK:   scf.if
// CHECK:     arith.addf
// CHECK:   gpu.barrier
// CHECK:   arith.cmpi ult, %[[T]], %c1{{(_[0-9]+)?}} :
// CHECK:   gpu.barrier
// CHECK:   arith.cmpi eq, %[[T]], %c0
// CHECK:   scf.if
// CHECK:     memref.load %[[PARTIALS]][%c0
// CHECK:     memref.load %{{.*}}[%{{.*}}] : memref<4xf32>
// CHECK:     arith.addf
// CHECK:     memref.store
#a = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @main_graph(%x: memref<4x3000xf32>, %w: memref<4x3000xf32>, %y: memref<4xf32>) {
  linalg.generic {indexing_maps = [#a, #a, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x, %w : memref<4x3000xf32>, memref<4x3000xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%in: f32, %weight: f32, %out: f32):
    %p = arith.mulf %in, %weight : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A maximum of 100 values, under 1024: workgroups of 64 threads, each
// thread's share starting from -inf.
// CHECK-LABEL: func.func @main_graph
// CHECK: gpu.launch {{.*}} workgroup(%{{.*}} : memref<64xf32, #gpu.address_space<workgroup>>)
// CHECK-DAG: %[[NEG_INF:.*]] = arith.constant 0xFF800000 : f32
// CHECK:   scf.for {{.*}} iter_args(%{{.*}} = %[[NEG_INF]]) -> (f32)
// CHECK:     arith.maximumf
func.func @main_graph(%x: memref<100xf32>, %y: memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
      ins(%x : memref<100xf32>) outs(%y : memref<f32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// The views of a slice move into the kernel, which binds the sliced buffer.
// CHECK-LABEL: func.func @main_graph
// CHECK-NOT: memref.subview
// CHECK: gpu.launch
// CHECK:   memref.subview %{{.*}}[2] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1], offset: 2>>
func.func @main_graph(%x: memref<8xf32>, %y: memref<4xf32>) {
  %slice = memref.subview %x[2] [4] [1] : memref<8xf32> to memref<4xf32, strided<[1], offset: 2>>
  memref.copy %slice, %y : memref<4xf32, strided<[1], offset: 2>> to memref<4xf32>
  return
}

// -----

// What a GPU cannot run stays on the CPU, counted: a runtime call, a
// dynamic shape, a function the devices lack (exp of f64), arithmetic on
// booleans (a max of i1), a floating-point remainder (Vulkan leaves fmod by
// zero and infinity undefined; NVVM's lowering calls libdevice).
// CHECK: module attributes {mocc.cpu_fallback_kernels = 5 : i64, mocc.gpu_kernels = 0 : i64, mocc.gpu_tiled_kernels = 0 : i64, mocc.gpu_workgroup_kernels = 0 : i64}
// CHECK: call @nonMaxSuppression
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK: arith.remf
// CHECK-NOT: gpu.launch
// CHECK: return
#id = affine_map<(d0) -> (d0)>
func.func private @nonMaxSuppression(memref<4xf32>)
func.func @main_graph(%x: memref<4xf32>, %d: memref<?xf32>, %e: memref<4xf64>, %b: memref<4xi1>) {
  // expected-error @below {{runtime call 'nonMaxSuppression' has no GPU lowering (--gpu-strict)}}
  call @nonMaxSuppression(%x) : (memref<4xf32>) -> ()
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel"]} outs(%d : memref<?xf32>) {
  ^bb0(%out: f32):
    linalg.yield %out : f32
  }
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel"]} outs(%e : memref<4xf64>) {
  ^bb0(%out: f64):
    %r = math.exp %out : f64
    linalg.yield %r : f64
  }
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel"]} outs(%b : memref<4xi1>) {
  ^bb0(%out: i1):
    %true = arith.constant true
    %r = arith.maxui %out, %true : i1
    linalg.yield %r : i1
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : memref<4xf32>) outs(%x : memref<4xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.remf %a, %out : f32
    linalg.yield %r : f32
  }
  return
}


// -----

// Many points sharing the values they combine: a workgroup per 16 x 16 tile
// of the product (32 of them). A chunk of 32 steps of the reduction at a
// time (it divides 96), the threads stage the tile's block of each operand
// in workgroup memory (a step's 16 values contiguous, padded to 17), then
// each thread combines its point's chunk from there into its running sum,
// a barrier before and after. Each thread stages four neighbours in memory
// at once (a vector load on a GPU): the left operand's along the reduction
// (four steps, 17 apart in workgroup memory), the right one's along the
// tile's columns (four neighbouring rows of the block).
// CHECK: module attributes {mocc.cpu_fallback_kernels = 0 : i64, mocc.gpu_kernels = 1 : i64, mocc.gpu_tiled_kernels = 1 : i64, mocc.gpu_workgroup_kernels = 0 : i64}
// CHECK-DAG: %[[TILES:.*]] = arith.constant 32 : index
// CHECK-DAG: %[[THREADS:.*]] = arith.constant 256 : index
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %[[TILES]], {{.*}}) threads(%[[T:[^,]*]], {{.*}}) in ({{.*}} = %[[THREADS]], {{.*}}) workgroup(%[[LHS:.*]] : memref<544xf32, #gpu.address_space<workgroup>>, %[[RHS:.*]] : memref<544xf32, #gpu.address_space<workgroup>>)
// CHECK:   %[[INIT:.*]] = memref.load %[[C:.*]][%{{.*}}, %{{.*}}] : memref<64x128xf32>
// CHECK:   %[[SUM:.*]] = scf.for %{{.*}} = %{{.*}} to %c96 step %c32{{.*}} iter_args(%{{.*}} = %[[INIT]]) -> (f32)
// CHECK:     %[[FIRST:.*]] = arith.muli %[[T]], %c4
// CHECK:     scf.for %{{.*}} = %[[FIRST]] to %c512 step %c1024
// CHECK:       %[[ROW:.*]] = arith.divui %{{.*}}, %c32
// CHECK:       %[[STEP:.*]] = arith.remui %{{.*}}, %c32
// CHECK:       %[[K:.*]] = arith.remui %{{.*}}, %c96
// CHECK:       memref.load %{{.*}}[%{{.*}}, %[[K]]] : memref<64x96xf32>
// CHECK:       memref.store %{{.*}}, %[[LHS]]
// CHECK:       %[[K1:.*]] = arith.addi %[[K]], %c1
// CHECK:       %[[STEP1:.*]] = arith.addi %[[STEP]], %c1
// CHECK:       memref.load %{{.*}}[%{{.*}}, %[[K1]]] : memref<64x96xf32>
// CHECK:       %[[SLOT1:.*]] = arith.muli %[[STEP1]], %c17
// CHECK:       arith.addi %[[SLOT1]], %[[ROW]]
// CHECK:       memref.store %{{.*}}, %[[LHS]]
// CHECK-COUNT-2: memref.load %{{.*}} : memref<64x96xf32>
// CHECK:     scf.for %{{.*}} = %{{.*}} to %c512{{.*}} step %c1024
// CHECK:       %[[RROW:.*]] = arith.remui %{{.*}}, %c16
// CHECK:       %[[RSTEP:.*]] = arith.divui %{{.*}}, %c16
// CHECK:       %[[COL:.*]] = arith.addi
// CHECK:       memref.load %{{.*}}[%{{.*}}, %[[COL]]] : memref<96x128xf32>
// CHECK:       memref.store %{{.*}}, %[[RHS]]
// CHECK:       %[[COL1:.*]] = arith.addi %[[COL]], %c1
// CHECK:       %[[RROW1:.*]] = arith.addi %[[RROW]], %c1
// CHECK:       memref.load %{{.*}}[%{{.*}}, %[[COL1]]] : memref<96x128xf32>
// CHECK:       %[[RBASE1:.*]] = arith.muli %[[RSTEP]], %c17
// CHECK:       %[[RSLOT1:.*]] = arith.addi %[[RBASE1]], %[[RROW1]]
// CHECK:       memref.store %{{.*}}, %[[RHS]][%[[RSLOT1]]]
// CHECK-COUNT-2: memref.load %{{.*}} : memref<96x128xf32>
// CHECK:     gpu.barrier
// CHECK:     scf.for %{{.*}} = %{{.*}} to %c32{{.*}} step %c1{{.*}} iter_args
// CHECK:       %[[A:.*]] = memref.load %[[LHS]]
// CHECK:       %[[B:.*]] = memref.load %[[RHS]]
// CHECK:       arith.mulf %[[A]], %[[B]]
// CHECK:       arith.addf
// CHECK:     gpu.barrier
// CHECK:   memref.store %[[SUM]], %[[C]]
// CHECK-NOT: linalg.matmul
func.func @main_graph(%a: memref<64x96xf32>, %b: memref<96x128xf32>, %c: memref<64x128xf32>) {
  linalg.matmul ins(%a, %b : memref<64x96xf32>, memref<96x128xf32>) outs(%c : memref<64x128xf32>)
  return
}

// -----

// A padded convolution's body reads its input window itself: the padded
// value (the select), which depends on no output channel, is what the tile's
// channels share and what is staged, its load guarded where the tile passes
// the edge (40 is no multiple of 16); the filter's values are staged too,
// one per thread at a time (its rows of 3 do not line up in fours). One
// chunk of 64 steps holds the 48 (its loops stop at 48). The stores of the
// points past the edge are skipped.
// CHECK: mocc.gpu_tiled_kernels = 1
// CHECK: gpu.launch {{.*}} threads(%[[T:[^,]*]], {{.*}} workgroup(%[[FILTER:.*]] : memref<1088xf32, #gpu.address_space<workgroup>>, %[[WINDOW:.*]] : memref<1088xf32, #gpu.address_space<workgroup>>)
// CHECK:   %[[EDGE:.*]] = arith.cmpi ult, %{{.*}}, %c40
// CHECK:   scf.for %{{.*}} = %{{.*}} to %c48 step %c64
// CHECK:     scf.for %{{.*}} = %[[T]] to %c1024{{.*}} step %c256
// CHECK:       memref.load %{{.*}} : memref<32x16x3xf32>
// CHECK:       memref.store %{{.*}}, %[[FILTER]]
// CHECK:       scf.if
// CHECK:         %[[INSIDE:.*]] = arith.cmpi ult, %{{.*}}, %c40
// CHECK:         %[[X:.*]] = memref.load %{{.*}} : memref<16x40x40xf32>
// CHECK:         %[[PADDED:.*]] = arith.select %[[INSIDE]], %[[X]], %cst
// CHECK:         memref.store %[[PADDED]], %[[WINDOW]]
// CHECK:     gpu.barrier
// CHECK:     scf.for
// CHECK-NOT:   memref.load %{{.*}} : memref<16x40x40xf32>
// CHECK:       %[[W:.*]] = memref.load %[[FILTER]]
// CHECK:       %[[V:.*]] = memref.load %[[WINDOW]]
// CHECK:       arith.mulf %[[V]], %[[W]]
// CHECK:     gpu.barrier
// CHECK:   scf.if %[[EDGE]]
// CHECK:     memref.store
#filter = affine_map<(d0, d1, d2, d3, d4) -> (d0, d3, d4)>
#out = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
func.func @main_graph(%x: memref<16x40x40xf32>, %w: memref<32x16x3xf32>, %y: memref<32x40x40xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c40 = arith.constant 40 : index
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#filter, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%w : memref<32x16x3xf32>) outs(%y : memref<32x40x40xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = linalg.index 3 : index
    %i = linalg.index 1 : index
    %j = linalg.index 2 : index
    %k = linalg.index 4 : index
    %jk = arith.addi %j, %k : index
    %col = arith.subi %jk, %c1 : index
    %inside = arith.cmpi ult, %col, %c40 : index
    %safe = arith.select %inside, %col, %c0 : index
    %v = memref.load %x[%c, %i, %safe] : memref<16x40x40xf32>
    %padded = arith.select %inside, %v, %zero : f32
    %p = arith.mulf %padded, %in : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A scalar operand (a map with no results) scales the left operand's
// elements in the body: the scaled element, which depends on no column, is
// what the tile's columns share and what is staged.
// CHECK: mocc.gpu_tiled_kernels = 1
// CHECK: gpu.launch {{.*}} workgroup(%[[RHS:.*]] : memref<544xf32, #gpu.address_space<workgroup>>, %[[SCALED:.*]] : memref<544xf32, #gpu.address_space<workgroup>>)
// CHECK-DAG:   %[[A:.*]] = memref.load %{{.*}} : memref<64x96xf32>
// CHECK-DAG:   %[[S:.*]] = memref.load %{{.*}}[] : memref<f32>
// CHECK:       %[[AS:.*]] = arith.mulf %[[A]], %[[S]]
// CHECK:       memref.store %[[AS]], %[[SCALED]]
// CHECK:     gpu.barrier
// CHECK:     scf.for
// CHECK-NOT:   memref<f32>
// CHECK:       memref.load %[[SCALED]]
// CHECK:     gpu.barrier
#lhs = affine_map<(d0, d1, d2) -> (d0, d2)>
#scalar = affine_map<(d0, d1, d2) -> ()>
#rhs = affine_map<(d0, d1, d2) -> (d2, d1)>
#res = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @main_graph(%a: memref<64x96xf32>, %s: memref<f32>, %b: memref<96x128xf32>, %c: memref<64x128xf32>) {
  linalg.generic {indexing_maps = [#lhs, #scalar, #rhs, #res], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %s, %b : memref<64x96xf32>, memref<f32>, memref<96x128xf32>) outs(%c : memref<64x128xf32>) {
  ^bb0(%x: f32, %scale: f32, %y: f32, %out: f32):
    %xs = arith.mulf %x, %scale : f32
    %p = arith.mulf %xs, %y : f32
    %sum = arith.addf %out, %p : f32
    linalg.yield %sum : f32
  }
  return
}

// -----

// A 1x1 convolution: its window's dimensions have one point each, so the
// input's innermost index that varies is the output's column. Threads stage
// the input four columns at a time along the tile (a row of the block is a
// point), and the filter four channels at a time along the reduction.
// CHECK: mocc.gpu_tiled_kernels = 1
// CHECK: gpu.launch {{.*}} threads(%[[T:[^,]*]], {{.*}} workgroup(%[[INPUT:.*]] : memref<544xf32, #gpu.address_space<workgroup>>, %[[FILTER:.*]] : memref<544xf32, #gpu.address_space<workgroup>>)
// CHECK:     %[[FIRST:.*]] = arith.muli %[[T]], %c4
// CHECK:     scf.for %[[E:.*]] = %[[FIRST]] to %c512 step %c1024
// CHECK:       %[[ROW:.*]] = arith.remui %[[E]], %c16
// CHECK:       memref.load %{{.*}} : memref<1x32x16x16xf32>
// CHECK:       %[[OW1:.*]] = arith.addi %{{.*}}, %c1
// CHECK:       %[[COL1:.*]] = affine.apply #{{.*}}(%[[OW1]], %{{.*}})
// CHECK:       memref.load %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %[[COL1]]] : memref<1x32x16x16xf32>
// CHECK-COUNT-2: memref.load %{{.*}} : memref<1x32x16x16xf32>
// CHECK:     %[[FIRST2:.*]] = arith.muli %[[T]], %c4
// CHECK:     scf.for %[[E2:.*]] = %[[FIRST2]] to %c512{{.*}} step %c1024
// CHECK:       %[[STEP:.*]] = arith.remui %[[E2]], %c32
// CHECK:       memref.load %{{.*}}[%[[OC:.*]], %[[C:.*]], %{{.*}}, %{{.*}}] : memref<64x32x1x1xf32>
// CHECK:       %[[C1:.*]] = arith.addi %[[C]], %c1
// CHECK:       memref.load %{{.*}}[%[[OC]], %[[C1]], %{{.*}}, %{{.*}}] : memref<64x32x1x1xf32>
// CHECK-COUNT-2: memref.load %{{.*}} : memref<64x32x1x1xf32>
// CHECK:     gpu.barrier
func.func @main_graph(%x: memref<1x32x16x16xf32>, %w: memref<64x32x1x1xf32>, %y: memref<1x64x16x16xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x32x16x16xf32>, memref<64x32x1x1xf32>) outs(%y : memref<1x64x16x16xf32>)
  return
}
