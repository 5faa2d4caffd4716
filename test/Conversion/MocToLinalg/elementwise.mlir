// RUN: mocc-opt %s --mocc-convert-moc-to-linalg --split-input-file | FileCheck %s

// Broadcasting lives in the indexing maps: missing leading dimensions are
// dropped, size-1 dimensions read index 0.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[BCAST:.+]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>, %[[Y:.+]]: tensor<3x1xf32>)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<2x3x4xf32>
// CHECK: %[[R:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[BCAST]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[Y]] : tensor<2x3x4xf32>, tensor<3x1xf32>) outs(%[[E]] : tensor<2x3x4xf32>)
// CHECK: ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
// CHECK:   %[[S:.+]] = arith.addf %[[A]], %[[B]] : f32
// CHECK:   linalg.yield %[[S]] : f32
// CHECK: return %[[R]]
func.func @add_broadcast(%x: tensor<2x3x4xf32>, %y: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = moc.add %x, %y : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Unsigned tensors become signless and pick unsigned arithmetic.
// CHECK-LABEL: func.func @unsigned
// CHECK-SAME: (%[[X:.+]]: tensor<4xi8>, %[[Y:.+]]: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi1>, tensor<4xi8>, tensor<4xi32>)
// CHECK: arith.divui
// CHECK: arith.cmpi ult
// CHECK: arith.maxui
// CHECK: arith.extui %{{.+}} : i8 to i32
// CHECK: return %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : tensor<4xi8>, tensor<4xi1>, tensor<4xi8>, tensor<4xi32>
func.func @unsigned(%x: tensor<4xui8>, %y: tensor<4xui8>) -> (tensor<4xui8>, tensor<4xi1>, tensor<4xui8>, tensor<4xi32>) {
  %0 = moc.div %x, %y : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = moc.less %x, %y : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  %2 = moc.max %x, %y : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %3 = moc.cast %x : (tensor<4xui8>) -> tensor<4xi32>
  return %0, %1, %2, %3 : tensor<4xui8>, tensor<4xi1>, tensor<4xui8>, tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @signed
// CHECK: arith.divsi
// CHECK: arith.cmpi slt
// CHECK: arith.maxsi
// CHECK: arith.extsi %{{.+}} : i8 to i32
func.func @signed(%x: tensor<4xi8>, %y: tensor<4xi8>) -> (tensor<4xi8>, tensor<4xi1>, tensor<4xi8>, tensor<4xi32>) {
  %0 = moc.div %x, %y : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %1 = moc.less %x, %y : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi1>
  %2 = moc.max %x, %y : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %3 = moc.cast %x : (tensor<4xi8>) -> tensor<4xi32>
  return %0, %1, %2, %3 : tensor<4xi8>, tensor<4xi1>, tensor<4xi8>, tensor<4xi32>
}

// -----

// Integer mod takes the divisor's sign: the C remainder moves by one divisor
// when it is non-zero and its sign differs.
// CHECK-LABEL: func.func @mod_signed
// CHECK: ^bb0(%[[A:.+]]: i32, %[[B:.+]]: i32, %{{.+}}: i32):
// CHECK:   %[[REM:.+]] = arith.remsi %[[A]], %[[B]] : i32
// CHECK:   %[[NZ:.+]] = arith.cmpi ne, %[[REM]], %{{.+}} : i32
// CHECK:   %[[RN:.+]] = arith.cmpi slt, %[[REM]], %{{.+}} : i32
// CHECK:   %[[BN:.+]] = arith.cmpi slt, %[[B]], %{{.+}} : i32
// CHECK:   %[[DIFF:.+]] = arith.xori %[[RN]], %[[BN]] : i1
// CHECK:   %[[ADJ:.+]] = arith.andi %[[NZ]], %[[DIFF]] : i1
// CHECK:   %[[SUM:.+]] = arith.addi %[[REM]], %[[B]] : i32
// CHECK:   arith.select %[[ADJ]], %[[SUM]], %[[REM]] : i32
func.func @mod_signed(%x: tensor<4xi32>, %y: tensor<4xi32>) -> tensor<4xi32> {
  %0 = moc.mod %x, %y : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @mod_unsigned
// CHECK: arith.remui
// CHECK-NOT: arith.select
func.func @mod_unsigned(%x: tensor<4xui32>, %y: tensor<4xui32>) -> tensor<4xui32> {
  %0 = moc.mod %x, %y : (tensor<4xui32>, tensor<4xui32>) -> tensor<4xui32>
  return %0 : tensor<4xui32>
}

// -----

// CHECK-LABEL: func.func @float_math
// CHECK: math.roundeven
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: math.erf
// CHECK: math.exp
func.func @float_math(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = moc.round %x : (tensor<4xf32>) -> tensor<4xf32>
  %1 = moc.max %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = moc.min %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = moc.erf %x : (tensor<4xf32>) -> tensor<4xf32>
  %4 = moc.exp %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2, %3, %4 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// 16-bit floats compute transcendental functions in f32.
// CHECK-LABEL: func.func @tanh_f16
// CHECK: ^bb0(%[[IN:.+]]: f16, %{{.+}}: f16):
// CHECK:   %[[W:.+]] = arith.extf %[[IN]] : f16 to f32
// CHECK:   %[[T:.+]] = math.tanh %[[W]] : f32
// CHECK:   %[[N:.+]] = arith.truncf %[[T]] : f32 to f16
// CHECK:   linalg.yield %[[N]] : f16
func.func @tanh_f16(%x: tensor<4xf16>) -> tensor<4xf16> {
  %0 = moc.tanh %x : (tensor<4xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// CHECK-LABEL: func.func @relu_int
// CHECK: arith.maxsi
func.func @relu_int(%x: tensor<4xi32>) -> tensor<4xi32> {
  %0 = moc.relu %x : (tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @leaky_relu
// CHECK: ^bb0(%[[IN:.+]]: f32, %{{.+}}: f32):
// CHECK:   %[[ALPHA:.+]] = arith.constant 1.000000e-01 : f32
// CHECK:   %[[S:.+]] = arith.mulf %[[IN]], %[[ALPHA]] : f32
// CHECK:   %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:   %[[NEG:.+]] = arith.cmpf olt, %[[IN]], %[[ZERO]] : f32
// CHECK:   arith.select %[[NEG]], %[[S]], %[[IN]] : f32
func.func @leaky_relu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = moc.leaky_relu %x {alpha = 0.1 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @gelu
// CHECK: math.erf
// CHECK-LABEL: func.func @gelu_tanh
// CHECK: math.tanh
func.func @gelu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = moc.gelu %x {tanh_approximation = false} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func @gelu_tanh(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = moc.gelu %x {tanh_approximation = true} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Integer powers are computed by squaring in a loop.
// CHECK-LABEL: func.func @pow_int
// CHECK: linalg.generic
// CHECK: scf.for
// CHECK: arith.muli
func.func @pow_int(%x: tensor<4xi32>, %y: tensor<4xi32>) -> tensor<4xi32> {
  %0 = moc.pow %x, %y : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

// CHECK-LABEL: func.func @select
// CHECK-SAME: (%[[C:.+]]: tensor<2x1xi1>, %[[X:.+]]: tensor<2x3xf32>, %[[Y:.+]]: tensor<f32>)
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[C]], %[[X]], %[[Y]] : tensor<2x1xi1>, tensor<2x3xf32>, tensor<f32>)
// CHECK: ^bb0(%[[CC:.+]]: i1, %[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
// CHECK:   arith.select %[[CC]], %[[A]], %[[B]] : f32
func.func @select(%c: tensor<2x1xi1>, %x: tensor<2x3xf32>, %y: tensor<f32>) -> tensor<2x3xf32> {
  %0 = moc.select %c, %x, %y : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Casts: floats truncate toward zero, anything to bool is x != 0, unsigned
// narrow targets go through i64 so that negative values wrap.
// CHECK-LABEL: func.func @casts
// CHECK: arith.fptosi %{{.+}} : f32 to i32
// CHECK: arith.cmpf une, %{{.+}}, %{{.+}} : f32
// CHECK: %[[W:.+]] = arith.fptosi %{{.+}} : f32 to i64
// CHECK: arith.trunci %[[W]] : i64 to i8
// CHECK: arith.uitofp %{{.+}} : i16 to f32
func.func @casts(%x: tensor<4xf32>, %u: tensor<4xui16>) -> (tensor<4xi32>, tensor<4xi1>, tensor<4xui8>, tensor<4xf32>) {
  %0 = moc.cast %x : (tensor<4xf32>) -> tensor<4xi32>
  %1 = moc.cast %x : (tensor<4xf32>) -> tensor<4xi1>
  %2 = moc.cast %x : (tensor<4xf32>) -> tensor<4xui8>
  %3 = moc.cast %u : (tensor<4xui16>) -> tensor<4xf32>
  return %0, %1, %2, %3 : tensor<4xi32>, tensor<4xi1>, tensor<4xui8>, tensor<4xf32>
}

// -----

// Dynamic sizes come from an operand that has them.
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: (%[[X:.+]]: tensor<?x4xf32>, %[[Y:.+]]: tensor<4xf32>)
// CHECK: %[[C0:.+]] = arith.constant 0 : index
// CHECK: %[[D:.+]] = tensor.dim %[[X]], %[[C0]] : tensor<?x4xf32>
// CHECK: tensor.empty(%[[D]]) : tensor<?x4xf32>
func.func @dynamic(%x: tensor<?x4xf32>, %y: tensor<4xf32>) -> tensor<?x4xf32> {
  %0 = moc.sub %x, %y : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Shifts follow ONNX BitShift: amounts outside [0, width) shift every bit
// out; right shifts are arithmetic for signed and logical for unsigned types.
// CHECK-LABEL: func.func @shifts
// CHECK: ^bb0(%[[X:.+]]: i8, %[[Y:.+]]: i8, %{{.+}}: i8):
// CHECK:   %[[IN:.+]] = arith.cmpi ult, %[[Y]], %{{.+}} : i8
// CHECK:   %[[NEG:.+]] = arith.cmpi slt, %[[X]], %{{.+}} : i8
// CHECK:   %[[OUT:.+]] = arith.select %[[NEG]], %{{.+}}, %{{.+}} : i8
// CHECK:   %[[S:.+]] = arith.shrsi %[[X]], %[[Y]] : i8
// CHECK:   arith.select %[[IN]], %[[S]], %[[OUT]] : i8
// CHECK: arith.shrui
// CHECK: arith.shli
func.func @shifts(%x: tensor<4xi8>, %u: tensor<4xui8>) -> (tensor<4xi8>, tensor<4xui8>, tensor<4xui8>) {
  %0 = moc.shift_right %x, %x : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  %1 = moc.shift_right %u, %u : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %2 = moc.shift_left %u, %u : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0, %1, %2 : tensor<4xi8>, tensor<4xui8>, tensor<4xui8>
}

// -----

// asin goes through atan2, whose polynomial approximation stays accurate
// near +-1.
// CHECK-LABEL: func.func @asin
// CHECK: ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
// CHECK:   %[[S:.+]] = math.sqrt
// CHECK:   math.atan2 %[[X]], %[[S]] : f32
func.func @asin(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = moc.asin %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Float mod is Python's: the result has the divisor's sign, zeros included.
// CHECK-LABEL: func.func @mod_float
// CHECK: ^bb0(%[[X:.+]]: f32, %[[Y:.+]]: f32, %{{.+}}: f32):
// CHECK:   %[[REM:.+]] = arith.remf %[[X]], %[[Y]] : f32
// CHECK:   %[[SUM:.+]] = arith.addf %[[REM]], %[[Y]] : f32
// CHECK:   %[[ADJ:.+]] = arith.select %{{.+}}, %[[SUM]], %[[REM]] : f32
// CHECK:   %[[Z:.+]] = arith.cmpf oeq, %[[REM]], %{{.+}} : f32
// CHECK:   %[[SIGNED:.+]] = math.copysign %[[REM]], %[[Y]] : f32
// CHECK:   arith.select %[[Z]], %[[SIGNED]], %[[ADJ]] : f32
func.func @mod_float(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %0 = moc.mod %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A bitcast reads the same bits as another type of the same width.
// CHECK-LABEL: func.func @bitcast
// CHECK: linalg.generic
// CHECK: arith.bitcast %{{.+}} : f32 to i32
func.func @bitcast(%x: tensor<4xf32>) -> tensor<4xi32> {
  %0 = moc.bitcast %x : (tensor<4xf32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}
