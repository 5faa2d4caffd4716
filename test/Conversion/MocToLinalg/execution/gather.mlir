// RUN: mocc-opt %s %lower-to-llvm | %run-main | FileCheck %s
// REQUIRES: mlir-cpu-runner

// Negative indices count from the end of the gathered dimension.

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %t = moc.constant dense<[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0], [9.0, 10.0, 11.0]]> : tensor<4x3xf32>
  %rows = moc.constant dense<[[-1, 0], [2, -3]]> : tensor<2x2xi64>
  %0 = moc.gather %t, %rows {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2x2xi64>) -> tensor<2x2x3xf32>
  %u0 = tensor.cast %0 : tensor<2x2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u0) : (tensor<*xf32>) -> ()
  %cols = moc.constant dense<[-1, 1]> : tensor<2xi32>
  %1 = moc.gather %t, %cols {axis = 1 : i64} : (tensor<4x3xf32>, tensor<2xi32>) -> tensor<4x2xf32>
  %u1 = tensor.cast %1 : tensor<4x2xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()
  return
}

// CHECK: rank = 3 offset = 0 sizes = [2, 2, 3] strides = [6, 3, 1] data =
// CHECK-NEXT: {{\[+}}9, 10, 11],
// CHECK-NEXT: [0, 1, 2]],
// CHECK-NEXT: {{\[+}}6, 7, 8],
// CHECK-NEXT: [3, 4, 5]]]
// CHECK: rank = 2 offset = 0 sizes = [4, 2] strides = [2, 1] data =
// CHECK-NEXT: {{\[+}}2, 1],
// CHECK-NEXT: [5, 4],
// CHECK-NEXT: [8, 7],
// CHECK-NEXT: [11, 10]]
