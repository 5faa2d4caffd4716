// RUN: mocc-opt %s %lower-to-llvm | %run-main | FileCheck %s
// REQUIRES: mlir-cpu-runner

// Scatters apply their updates in order: with duplicate indices the last
// write wins (none) or every update combines (add); negative indices count
// from the end. CumSum, exclusive and reversed.

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %x = moc.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %i = moc.constant dense<[[1, 1, -1], [1, 0, -1]]> : tensor<2x3xi64>
  %u = moc.constant dense<[[10.0, 20.0, 30.0], [40.0, 50.0, 60.0]]> : tensor<2x3xf32>
  %0 = moc.scatter_elements %x, %i, %u {axis = 1 : i64, reduction = 0 : i32}
      : (tensor<2x3xf32>, tensor<2x3xi64>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %u0 = tensor.cast %0 : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u0) : (tensor<*xf32>) -> ()
  %rows = moc.constant dense<[[1], [-1], [0]]> : tensor<3x1xi32>
  %slices = moc.constant dense<[[1.0, 1.0, 1.0], [2.0, 2.0, 2.0], [3.0, 3.0, 3.0]]> : tensor<3x3xf32>
  %1 = moc.scatter_nd %x, %rows, %slices {reduction = 1 : i32}
      : (tensor<2x3xf32>, tensor<3x1xi32>, tensor<3x3xf32>) -> tensor<2x3xf32>
  %u1 = tensor.cast %1 : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()
  %2 = moc.cumsum %x {axis = 1 : i64, exclusive = true, reverse = true} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %u2 = tensor.cast %2 : tensor<2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()
  return
}

// CHECK: rank = 2 offset = 0 sizes = [2, 3] strides = [3, 1] data =
// CHECK-NEXT: {{\[+}}1, 20, 30],
// CHECK-NEXT: [50, 40, 60]]
// CHECK: rank = 2 offset = 0 sizes = [2, 3] strides = [3, 1] data =
// CHECK-NEXT: {{\[+}}4, 5, 6],
// CHECK-NEXT: [7, 8, 9]]
// CHECK: rank = 2 offset = 0 sizes = [2, 3] strides = [3, 1] data =
// CHECK-NEXT: {{\[+}}5, 3, 0],
// CHECK-NEXT: [11, 6, 0]]
