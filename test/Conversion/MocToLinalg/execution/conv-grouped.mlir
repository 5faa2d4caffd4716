// RUN: mocc-opt %s %lower-to-llvm | %run-main | FileCheck %s
// REQUIRES: mlir-cpu-runner

// Grouped convolution (2 groups) with asymmetric padding and stride; the
// expected values come from onnx.reference.

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %x = moc.constant dense<[[[[-2.0, -1.0, 0.0, 1.0], [2.0, -2.0, -1.0, 0.0], [1.0, 2.0, -2.0, -1.0], [0.0, 1.0, 2.0, -2.0]], [[-1.0, 0.0, 1.0, 2.0], [-2.0, -1.0, 0.0, 1.0], [2.0, -2.0, -1.0, 0.0], [1.0, 2.0, -2.0, -1.0]], [[0.0, 1.0, 2.0, -2.0], [-1.0, 0.0, 1.0, 2.0], [-2.0, -1.0, 0.0, 1.0], [2.0, -2.0, -1.0, 0.0]], [[1.0, 2.0, -2.0, -1.0], [0.0, 1.0, 2.0, -2.0], [-1.0, 0.0, 1.0, 2.0], [-2.0, -1.0, 0.0, 1.0]]]]> : tensor<1x4x4x4xf32>
  %w = moc.constant dense<[[[[-1.0, 0.0], [1.0, -1.0]], [[0.0, 1.0], [-1.0, 0.0]]], [[[1.0, -1.0], [0.0, 1.0]], [[-1.0, 0.0], [1.0, -1.0]]], [[[0.0, 1.0], [-1.0, 0.0]], [[1.0, -1.0], [0.0, 1.0]]], [[[-1.0, 0.0], [1.0, -1.0]], [[0.0, 1.0], [-1.0, 0.0]]]]> : tensor<4x2x2x2xf32>
  %b = moc.constant dense<[0.5, -1.0, 2.0, 0.0]> : tensor<4xf32>
  %y = moc.conv %x, %w, %b {strides = array<i64: 2, 1>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 0, 0, 1>, group = 2 : i64}
      : (tensor<1x4x4x4xf32>, tensor<4x2x2x2xf32>, tensor<4xf32>) -> tensor<1x4x2x4xf32>
  %u = tensor.cast %y : tensor<1x4x2x4xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

// CHECK: rank = 4 offset = 0 sizes = [1, 4, 2, 4] strides = [32, 8, 4, 1] data =
// CHECK-NEXT: {{\[+}}0.5, -0.5, -1.5, -0.5],
// CHECK-NEXT: [-5.5, 8.5, 2.5, -0.5]],
// CHECK-NEXT: {{\[+}}-3, -2, -1, 1],
// CHECK-NEXT: [11, -4, -4, -2]],
// CHECK-NEXT: {{\[+}}4, -1, -1, 4],
// CHECK-NEXT: [3, 4, 10, -1]],
// CHECK-NEXT: {{\[+}}-2, -3, 6, -1],
// CHECK-NEXT: [2, 1, -5, -3]]]]
