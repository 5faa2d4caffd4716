// RUN: mocc-opt %s %lower-to-llvm | %run-main | FileCheck %s
// REQUIRES: mlir-cpu-runner

// Average pooling with ceil_mode: the last window reaches past the padded
// input, and those positions never count; explicit padding counts only with
// count_include_pad. The expected values come from onnx.reference.

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %x = moc.constant dense<[[[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0, 16.0, 17.0], [18.0, 19.0, 20.0, 21.0, 22.0, 23.0], [24.0, 25.0, 26.0, 27.0, 28.0, 29.0], [30.0, 31.0, 32.0, 33.0, 34.0, 35.0]]]]> : tensor<1x1x6x6xf32>
  %0 = moc.average_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
                            pads = array<i64: 1, 1, 1, 1>, ceil_mode = true, count_include_pad = false}
      : (tensor<1x1x6x6xf32>) -> tensor<1x1x4x4xf32>
  %u0 = tensor.cast %0 : tensor<1x1x4x4xf32> to tensor<*xf32>
  call @printMemrefF32(%u0) : (tensor<*xf32>) -> ()
  %1 = moc.average_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
                            pads = array<i64: 1, 1, 1, 1>, ceil_mode = true, count_include_pad = true}
      : (tensor<1x1x6x6xf32>) -> tensor<1x1x4x4xf32>
  %u1 = tensor.cast %1 : tensor<1x1x4x4xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()
  return
}

// count_include_pad = false
// CHECK: rank = 4 offset = 0 sizes = [1, 1, 4, 4] strides = [16, 16, 4, 1] data =
// CHECK-NEXT: {{\[+}}3.5, 5, 7, 8],
// CHECK-NEXT: [12.5, 14, 16, 17],
// CHECK-NEXT: [24.5, 26, 28, 29],
// CHECK-NEXT: [30.5, 32, 34, 35]]]]
// count_include_pad = true
// CHECK: rank = 4 offset = 0 sizes = [1, 1, 4, 4] strides = [16, 16, 4, 1] data =
// CHECK-NEXT: {{\[+}}1.55556, 3.33333, 4.66667, 2.66667],
// CHECK-NEXT: [8.33333, 14, 16, 8.5],
// CHECK-NEXT: [16.3333, 26, 28, 14.5],
// CHECK-NEXT: [10.1667, 16, 17, 8.75]]]]
