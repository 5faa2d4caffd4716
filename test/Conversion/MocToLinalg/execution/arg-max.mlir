// RUN: mocc-opt %s %lower-to-llvm | %run-main | FileCheck %s
// REQUIRES: mlir-cpu-runner

// Ties go to the first index, or the last with select_last_index; NaN is the
// maximum (numpy's argmax).

func.func private @printMemrefI64(tensor<*xi64>)

func.func @main() {
  %x = moc.constant dense<[[1.0, 5.0, 5.0, 2.0], [7.0, 7.0, 7.0, 7.0], [0.0, 0x7FC00000, 3.0, 0x7FC00000]]> : tensor<3x4xf32>
  %last = moc.arg_max %x {axis = 1 : i64, keepdims = false, select_last_index = true} : (tensor<3x4xf32>) -> tensor<3xi64>
  %u0 = tensor.cast %last : tensor<3xi64> to tensor<*xi64>
  call @printMemrefI64(%u0) : (tensor<*xi64>) -> ()
  %first = moc.arg_max %x {axis = 1 : i64, keepdims = false, select_last_index = false} : (tensor<3x4xf32>) -> tensor<3xi64>
  %u1 = tensor.cast %first : tensor<3xi64> to tensor<*xi64>
  call @printMemrefI64(%u1) : (tensor<*xi64>) -> ()
  return
}

// CHECK: rank = 1 offset = 0 sizes = [3] strides = [1] data =
// CHECK-NEXT: [2, 3, 3]
// CHECK: rank = 1 offset = 0 sizes = [3] strides = [1] data =
// CHECK-NEXT: [1, 0, 1]
