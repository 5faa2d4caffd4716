// RUN: mocc-opt %s %lower-to-llvm | %run-main | FileCheck %s
// REQUIRES: mlir-cpu-runner

// Reflect padding wider than the input mirrors repeatedly (numpy's
// np.pad(mode="reflect")).

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %x = moc.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %zero = moc.constant dense<0.0> : tensor<f32>
  %y = moc.pad %x, %zero {pads = array<i64: 1, 2, 1, 3>, mode = 1 : i32} : (tensor<2x3xf32>, tensor<f32>) -> tensor<4x8xf32>
  %u = tensor.cast %y : tensor<4x8xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

// CHECK: rank = 2 offset = 0 sizes = [4, 8] strides = [8, 1] data =
// CHECK-NEXT: {{\[+}}6, 5, 4, 5, 6, 5, 4, 5],
// CHECK-NEXT: [3, 2, 1, 2, 3, 2, 1, 2],
// CHECK-NEXT: [6, 5, 4, 5, 6, 5, 4, 5],
// CHECK-NEXT: [3, 2, 1, 2, 3, 2, 1, 2]]
