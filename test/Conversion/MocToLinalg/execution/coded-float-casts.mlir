// RUN: mocc-opt %s %lower-to-llvm | %run-main | FileCheck %s
// REQUIRES: mlir-cpu-runner

// Casts through moc's byte-coded floats. FLOAT4E2M1 rounds to nearest even
// and saturates; ml_dtypes gives NaN the code of zero with the other sign.
// E8M0 keeps the exponent, rounded up, down or to nearest, with and without
// saturation. The expected values come from ml_dtypes and
// onnx.numpy_helper.to_float8e8m0, ONNX's references.

func.func private @printMemrefF32(tensor<*xf32>)
func.func private @printMemrefI32(tensor<*xi32>)

func.func @codes(%e: tensor<16x!moc.f8E8M0FNU>) {
  %bytes = moc.bitcast %e : (tensor<16x!moc.f8E8M0FNU>) -> tensor<16xui8>
  %wide = moc.cast %bytes : (tensor<16xui8>) -> tensor<16xi32>
  %u = tensor.cast %wide : tensor<16xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

func.func @main() {
  %x = moc.constant dense<[0x7FC00000, 0xFFC00000, 0x7F800000, 0xFF800000, 6.5, -7.0, 0.24, -0.26, 1.0e-30, -1.0e-30, 1.75, 2.5, 3.5, 4.99, 5.0, 5.01]> : tensor<16xf32>
  %f4 = moc.cast %x : (tensor<16xf32>) -> tensor<16x!moc.f4E2M1FN>
  %f4f = moc.cast %f4 : (tensor<16x!moc.f4E2M1FN>) -> tensor<16xf32>
  %u0 = tensor.cast %f4f : tensor<16xf32> to tensor<*xf32>
  call @printMemrefF32(%u0) : (tensor<*xf32>) -> ()
  // A float4 constant: its codes, bitcast.
  %k = moc.constant dense<[1, 3, 7, 9, 15]> : tensor<5xui8>
  %kc = moc.bitcast %k : (tensor<5xui8>) -> tensor<5x!moc.f4E2M1FN>
  %kf = moc.cast %kc : (tensor<5x!moc.f4E2M1FN>) -> tensor<5xf32>
  %u1 = tensor.cast %kf : tensor<5xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()

  // 0, subnormals, 2^-127, NaN, +-inf, -2, 1.5, 3, 1.5 * 2^127, 2^127,
  // 0.75, 0.7, 1, -0.
  %y = moc.constant dense<[0.0, 1.0e-39, 3.0e-39, 0x00400000, 0x7FC00000, 0x7F800000, 0xFF800000, -2.0, 1.5, 3.0, 0x7F400000, 0x7F000000, 0.75, 0.7, 1.0, -0.0]> : tensor<16xf32>
  %up = moc.cast %y : (tensor<16xf32>) -> tensor<16x!moc.f8E8M0FNU>
  call @codes(%up) : (tensor<16x!moc.f8E8M0FNU>) -> ()
  %upSat = moc.cast %y {saturate} : (tensor<16xf32>) -> tensor<16x!moc.f8E8M0FNU>
  call @codes(%upSat) : (tensor<16x!moc.f8E8M0FNU>) -> ()
  %down = moc.cast %y {power_rounding = 1 : i32} : (tensor<16xf32>) -> tensor<16x!moc.f8E8M0FNU>
  call @codes(%down) : (tensor<16x!moc.f8E8M0FNU>) -> ()
  %nearest = moc.cast %y {power_rounding = 2 : i32} : (tensor<16xf32>) -> tensor<16x!moc.f8E8M0FNU>
  call @codes(%nearest) : (tensor<16x!moc.f8E8M0FNU>) -> ()
  %nearestSat = moc.cast %y {power_rounding = 2 : i32, saturate} : (tensor<16xf32>) -> tensor<16x!moc.f8E8M0FNU>
  call @codes(%nearestSat) : (tensor<16x!moc.f8E8M0FNU>) -> ()
  // Decoded: 2^(code - 127), 0xFF the NaN.
  %p = moc.constant dense<[0, 1, 126, 127, 128, 254, 255]> : tensor<7xui8>
  %pc = moc.bitcast %p : (tensor<7xui8>) -> tensor<7x!moc.f8E8M0FNU>
  %pf = moc.cast %pc : (tensor<7x!moc.f8E8M0FNU>) -> tensor<7xf32>
  %u2 = tensor.cast %pf : tensor<7xf32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()
  return
}

// CHECK: [-0, 0, 6, -6, 6, -6, 0, -0.5, 0, -0, 2, 2, 4, 4, 4, 6]
// CHECK: [0.5, 1.5, 6, -0.5, -6]
// CHECK: [0, 1, 1, 1, 255, 255, 255, 128, 128, 129, 255, 254, 127, 127, 127, 0]
// CHECK: [0, 1, 1, 1, 255, 255, 255, 128, 128, 129, 254, 254, 127, 127, 127, 0]
// CHECK: [0, 0, 0, 0, 255, 255, 255, 128, 127, 128, 254, 254, 126, 126, 127, 0]
// CHECK: [0, 0, 0, 0, 255, 255, 255, 128, 128, 129, 255, 254, 127, 126, 127, 0]
// CHECK: [0, 0, 0, 0, 255, 255, 255, 128, 128, 129, 254, 254, 127, 126, 127, 0]
// CHECK: [5.87747e-39, 1.17549e-38, 0.5, 1, 2, 1.70141e+38, nan]
