// RUN: mocc-opt %s --mocc-convert-moc-to-linalg | FileCheck %s

// Non-max suppression, unique, non-zero and determinants run in the runtime
// on buffers.

// The selection runs in the runtime on buffers: room for every box of every
// batch and class up to the limit (1 x 2 x min(6, limit) rows, the limit
// read at run time), of which the result is the prefix the runtime reports.
// CHECK: func.func private @nonMaxSuppression(memref<?x?x?xf32>, memref<?x?x?xf32>, memref<?x3xi64>, i64, f32, f32, i32, i32) -> i64 attributes {llvm.emit_c_interface}
// CHECK-LABEL: func.func @nms
// CHECK: %[[LIMIT:.+]] = tensor.extract %{{.+}}[] : tensor<i64>
// CHECK: %[[CLAMPED:.+]] = arith.maxsi %[[LIMIT]], %c0_i64 : i64
// CHECK: %[[PER:.+]] = arith.minsi %[[CLAMPED]], %c6_i64 : i64
// CHECK: %[[PERI:.+]] = arith.index_cast %[[PER]] : i64 to index
// CHECK: %[[CAP:.+]] = arith.muli %[[PERI]], %c2 : index
// CHECK: %[[ROWS:.+]] = memref.alloc(%[[CAP]]) : memref<?x3xi64>
// CHECK: %[[N:.+]] = call @nonMaxSuppression(
// CHECK: %[[ALL:.+]] = bufferization.to_tensor %[[ROWS]] restrict writable
// CHECK: %[[LEN:.+]] = arith.index_cast %[[N]] : i64 to index
// CHECK: tensor.extract_slice %[[ALL]][0, 0] [%[[LEN]], 3] [1, 1] : tensor<?x3xi64> to tensor<?x3xi64>
func.func @nms(%boxes: tensor<1x6x4xf32>, %scores: tensor<1x2x6xf32>, %limit: tensor<i64>, %iou: tensor<f32>, %min_score: tensor<f32>) -> tensor<?x3xi64> {
  %0 = moc.non_max_suppression %boxes, %scores, %limit, %iou, %min_score {center_point_box = false}
      : (tensor<1x6x4xf32>, tensor<1x2x6xf32>, tensor<i64>, tensor<f32>, tensor<f32>) -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// Unique: the runtime fills the first occurrences, the inverse and the
// counts; the distinct ones are the prefix it reports.
// CHECK-LABEL: func.func @unique
// CHECK: %[[N:.+]] = call @uniqueRows(
// CHECK: tensor.extract_slice %{{.+}}[0] [%{{.+}}] [1] : tensor<6xi64> to tensor<?xi64>
func.func @unique(%keys: tensor<6x1xi64>) -> (tensor<?xi64>, tensor<6xi64>, tensor<?xi64>) {
  %0:3 = moc.unique %keys {sorted = true, float_keys = false}
      : (tensor<6x1xi64>) -> (tensor<?xi64>, tensor<6xi64>, tensor<?xi64>)
  return %0#0, %0#1, %0#2 : tensor<?xi64>, tensor<6xi64>, tensor<?xi64>
}

// NonZero: a byte per element for the runtime, which lists the coordinates.
// CHECK-LABEL: func.func @non_zero
// CHECK: linalg.generic
// CHECK: arith.cmpf une
// CHECK: %[[N:.+]] = call @nonZero(
// CHECK: tensor.extract_slice %{{.+}}[0, 0] [2, %{{.+}}] [1, 1] : tensor<2x6xi64> to tensor<2x?xi64>
func.func @non_zero(%x: tensor<2x3xf32>) -> tensor<2x?xi64> {
  %0 = moc.non_zero %x : (tensor<2x3xf32>) -> tensor<2x?xi64>
  return %0 : tensor<2x?xi64>
}

// Det: the runtime writes one determinant per matrix.
// CHECK-LABEL: func.func @determinant
// CHECK: %[[OUT:.+]] = memref.alloc() : memref<2xf32>
// CHECK: call @determinants(
// CHECK: bufferization.to_tensor %[[OUT]] restrict writable
func.func @determinant(%x: tensor<2x3x3xf32>) -> tensor<2xf32> {
  %0 = moc.determinant %x : (tensor<2x3x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
