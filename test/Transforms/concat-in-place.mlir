// RUN: mocc-opt %s --mocc-concat-in-place --eliminate-empty-tensors | FileCheck %s

#id = affine_map<(d0) -> (d0)>

// After ordering, each half of the concatenation is computed in its slice of
// the result: the generics write into extract_slices of the result's empty
// tensor, which they share with nobody.
// CHECK-LABEL: func.func @concat
// CHECK: %[[R:.+]] = tensor.empty() : tensor<8xf32>
// CHECK: %[[LOW:.+]] = tensor.extract_slice %[[R]][0] [4] [1]
// CHECK: %[[A:.+]] = linalg.generic {{.+}} outs(%[[LOW]] : tensor<4xf32>)
// CHECK: %[[I0:.+]] = tensor.insert_slice %[[A]] into %[[R]][0] [4] [1]
// CHECK: %[[HIGH:.+]] = tensor.extract_slice %[[I0]][4] [4] [1]
// CHECK: %[[B:.+]] = linalg.generic {{.+}} outs(%[[HIGH]] : tensor<4xf32>)
// CHECK: tensor.insert_slice %[[B]] into %[[I0]][4] [4] [1]
func.func @concat(%x: tensor<4xf32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.addf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %r = tensor.empty() : tensor<8xf32>
  %0 = tensor.insert_slice %a into %r[0] [4] [1] : tensor<4xf32> into tensor<8xf32>
  %1 = tensor.insert_slice %b into %0[4] [4] [1] : tensor<4xf32> into tensor<8xf32>
  return %1 : tensor<8xf32>
}
