// RUN: mocc-opt %s %lower-to-llvm | %run-main | FileCheck %s
// REQUIRES: mlir-cpu-runner

// Casts through float8 (stored as bytes: round to nearest even, no
// saturation: too large becomes NaN or infinity) and through 4- and 2-bit
// integers (which wrap). The expected values come from ml_dtypes, ONNX's
// reference for these types.

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %x = moc.constant dense<[0.1, 3.3e-3, 460.0, 464.0, -1.0e6, 0x7F800000, -0.0, 1.0e-9]> : tensor<8xf32>
  %a = moc.cast %x : (tensor<8xf32>) -> tensor<8xf8E4M3FN>
  %af = moc.cast %a : (tensor<8xf8E4M3FN>) -> tensor<8xf32>
  %u0 = tensor.cast %af : tensor<8xf32> to tensor<*xf32>
  call @printMemrefF32(%u0) : (tensor<*xf32>) -> ()
  %b = moc.cast %x : (tensor<8xf32>) -> tensor<8xf8E4M3FNUZ>
  %bf = moc.cast %b : (tensor<8xf8E4M3FNUZ>) -> tensor<8xf32>
  %u1 = tensor.cast %bf : tensor<8xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()
  %c = moc.cast %x : (tensor<8xf32>) -> tensor<8xf8E5M2>
  %cf = moc.cast %c : (tensor<8xf8E5M2>) -> tensor<8xf32>
  %u2 = tensor.cast %cf : tensor<8xf32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()
  %d = moc.cast %x : (tensor<8xf32>) -> tensor<8xf8E5M2FNUZ>
  %df = moc.cast %d : (tensor<8xf8E5M2FNUZ>) -> tensor<8xf32>
  %u3 = tensor.cast %df : tensor<8xf32> to tensor<*xf32>
  call @printMemrefF32(%u3) : (tensor<*xf32>) -> ()

  %y = moc.constant dense<[-9.5, 7.9, 8.5, 100.2]> : tensor<4xf32>
  %i4 = moc.cast %y : (tensor<4xf32>) -> tensor<4xi4>
  %i4f = moc.cast %i4 : (tensor<4xi4>) -> tensor<4xf32>
  %u4 = tensor.cast %i4f : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%u4) : (tensor<*xf32>) -> ()
  %ui2 = moc.cast %y : (tensor<4xf32>) -> tensor<4xui2>
  %ui2f = moc.cast %ui2 : (tensor<4xui2>) -> tensor<4xf32>
  %u5 = tensor.cast %ui2f : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%u5) : (tensor<*xf32>) -> ()
  // A 4-bit constant is stored extended to its byte.
  %k = moc.constant dense<[-8, 7, -1]> : tensor<3xi4>
  %kf = moc.cast %k : (tensor<3xi4>) -> tensor<3xf32>
  %u6 = tensor.cast %kf : tensor<3xf32> to tensor<*xf32>
  call @printMemrefF32(%u6) : (tensor<*xf32>) -> ()
  return
}

// CHECK: [0.101562, 0.00390625, 448, 448, -nan, nan, -0, 0]
// CHECK: [0.101562, 0.00292969, nan, nan, nan, nan, 0, 0]
// CHECK: [0.09375, 0.00341797, 448, 448, -inf, inf, -0, 0]
// CHECK: [0.09375, 0.00341797, 448, 448, nan, nan, 0, 0]
// CHECK: [7, 7, -8, 4]
// CHECK: [3, 3, 0, 0]
// CHECK: [-8, 7, -1]
