// RUN: mocc-opt %s %lower-to-llvm | %run-main | FileCheck %s
// REQUIRES: mlir-cpu-runner

// Pooling and convolution over spatial sizes known only at run time: the
// result sizes follow ONNX's window rule (ceil_mode included), computed from
// the input's. The expected values come from onnx.reference.

func.func private @printMemrefF32(tensor<*xf32>)

func.func @pool_and_conv(%x: tensor<1x1x?x?xf32>) {
  %0 = moc.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
                        pads = array<i64: 1, 0, 1, 0>, ceil_mode = true}
      : (tensor<1x1x?x?xf32>) -> tensor<1x1x?x?xf32>
  %u0 = tensor.cast %0 : tensor<1x1x?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u0) : (tensor<*xf32>) -> ()
  %w = moc.constant dense<[[[[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]]]> : tensor<1x1x3x3xf32>
  %1 = moc.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, group = 1 : i64}
      : (tensor<1x1x?x?xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x?x?xf32>
  %u1 = tensor.cast %1 : tensor<1x1x?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  %x = moc.constant dense<[[[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0], [14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0], [21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0], [28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0]]]]> : tensor<1x1x5x7xf32>
  %d = tensor.cast %x : tensor<1x1x5x7xf32> to tensor<1x1x?x?xf32>
  call @pool_and_conv(%d) : (tensor<1x1x?x?xf32>) -> ()
  return
}

// CHECK: rank = 4 offset = 0 sizes = [1, 1, 3, 3] strides = [9, 9, 3, 1] data =
// CHECK-NEXT: {{\[+}}9, 11, 13],
// CHECK-NEXT: [23, 25, 27],
// CHECK-NEXT: [30, 32, 34]]]]
// CHECK: rank = 4 offset = 0 sizes = [1, 1, 3, 4] strides = [12, 12, 4, 1] data =
// CHECK-NEXT: {{\[+}}-10, -6, -6, 22],
// CHECK-NEXT: [-60, -8, -8, 76],
// CHECK-NEXT: [-80, -6, -6, 92]]]]
