//===- SelectKernels.cpp - Matrix products onto the GEMM microkernel ------===//
//
// The GEMM microkernel multiplies rows of its left operand by a right operand
// packed into panels of NR columns, each panel K rows of NR contiguous
// values, so that its inner loop reads the weight sequentially. Weights are
// constants: they are packed here, at compile time, and a product becomes a
// linalg.generic that reads the packed constant through its panel map and
// names the kernel in `library_call`. The op means what it meant; only
// mocc-call-kernels, after bufferization, makes it a call. The kernel writes
// its product rather than adding to C, so the marked op always starts from a
// fill of zeros, which mocc-call-kernels replaces with the call.
//
//===----------------------------------------------------------------------===//
#include "mocc/Transforms/KernelCalls.h"
#include "mocc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

#include <cstring>

namespace mocc {
#define GEN_PASS_DEF_SELECTKERNELSPASS
#include "mocc/Transforms/Passes.h.inc"
} // namespace mocc

using namespace mlir;

namespace mocc {
namespace {

/// A product C[m..., n] += A[m..., k] * B(k, n) with B a constant.
struct MatrixProduct {
  Value lhs;    // A: its last dimension is k, the others are C's rows.
  Value init;   // C.
  int64_t k, n; // Sizes.
  std::vector<float> weights; // B's values, row-major.
  bool weightsKN;             // Whether B is stored [k][n]; otherwise [n][k].
};

/// The values of an f32 constant of static shape, if `value` is one.
std::optional<std::vector<float>> constantValues(Value value) {
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    auto values = dense.getValues<float>();
    return std::vector<float>(values.begin(), values.end());
  }
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  AsmResourceBlob *blob =
      resource ? resource.getRawHandle().getBlob() : nullptr;
  if (!blob || blob->getData().size() !=
                   size_t(resource.getType().getNumElements()) * sizeof(float))
    return std::nullopt;
  std::vector<float> values(resource.getType().getNumElements());
  std::memcpy(values.data(), blob->getData().data(), blob->getData().size());
  return values;
}

bool isF32(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && type.getElementType().isF32();
}

/// The loops that index `operand` of `op`, one per dimension; empty if a
/// dimension is indexed by anything but a loop.
SmallVector<unsigned> loopsOf(linalg::LinalgOp op, OpOperand *operand) {
  SmallVector<unsigned> positions;
  for (AffineExpr expr : op.getMatchingIndexingMap(operand).getResults()) {
    auto loop = dyn_cast<AffineDimExpr>(expr);
    if (!loop)
      return {};
    positions.push_back(loop.getPosition());
  }
  return positions;
}

/// A contraction with one m-dimension group, one n and one k, A indexed
/// (m..., k) and C (m..., n) in loop order, B constant and 2-d.
std::optional<MatrixProduct> matchContraction(linalg::LinalgOp op) {
  if (!linalg::isaContractionOpInterface(op))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || !dims->batch.empty() || dims->n.size() != 1 ||
      dims->k.size() != 1 || dims->m.empty())
    return std::nullopt;
  OpOperand *lhs = op.getDpsInputOperand(0), *rhs = op.getDpsInputOperand(1);
  OpOperand *init = op.getDpsInitOperand(0);
  unsigned n = dims->n[0], k = dims->k[0];
  auto dimsOf = [&](OpOperand *operand) { return loopsOf(op, operand); };
  SmallVector<unsigned> rows(dims->m.begin(), dims->m.end());
  SmallVector<unsigned> expectLhs(rows), expectInit(rows);
  expectLhs.push_back(k);
  expectInit.push_back(n);
  if (dimsOf(lhs) != expectLhs || dimsOf(init) != expectInit)
    return std::nullopt;
  SmallVector<unsigned> rhsDims = dimsOf(rhs);
  std::optional<std::vector<float>> values = constantValues(rhs->get());
  if (!values || rhsDims.size() != 2)
    return std::nullopt;
  // The rows may be dynamic; k and n are the constant's.
  ArrayRef<int64_t> rhsShape =
      cast<RankedTensorType>(rhs->get().getType()).getShape();
  bool weightsKN = rhsDims[0] == k;
  return MatrixProduct{lhs->get(),
                       init->get(),
                       weightsKN ? rhsShape[0] : rhsShape[1],
                       weightsKN ? rhsShape[1] : rhsShape[0],
                       std::move(*values),
                       weightsKN};
}

/// A 1x1 channels-last convolution of stride 1: rows are pixels, k the
/// input channels, n the filters; the weight is [F][1][1][C].
std::optional<MatrixProduct> matchPointwiseConv(linalg::LinalgOp op) {
  auto conv = dyn_cast<linalg::Conv2DNhwcFhwcOp>(op.getOperation());
  if (!conv)
    return std::nullopt;
  auto weightType = cast<RankedTensorType>(conv.getInputs()[1].getType());
  if (weightType.getDimSize(1) != 1 || weightType.getDimSize(2) != 1 ||
      llvm::any_of(conv.getStrides().getValues<int64_t>(),
                   [](int64_t s) { return s != 1; }))
    return std::nullopt;
  std::optional<std::vector<float>> values =
      constantValues(conv.getInputs()[1]);
  if (!values)
    return std::nullopt;
  return MatrixProduct{conv.getInputs()[0],      conv.getOutputs()[0],
                       weightType.getDimSize(3), weightType.getDimSize(0),
                       std::move(*values),       /*weightsKN=*/false};
}

/// B laid out as panels of `nr` columns: packed[p][k][j] = B(k, p * nr + j),
/// zero past n.
SmallVector<float> packPanels(const MatrixProduct &product, int64_t nr) {
  int64_t panels = llvm::divideCeil(product.n, nr);
  SmallVector<float> packed(panels * product.k * nr, 0.0f);
  // The panel layout of gemm_pack.h (targets/CPU/Kernels), for either order
  // of the weight.
  const std::vector<float> &b = product.weights;
  for (int64_t p = 0; p < panels; ++p)
    for (int64_t kk = 0; kk < product.k; ++kk)
      for (int64_t j = 0; j < nr && p * nr + j < product.n; ++j) {
        int64_t col = p * nr + j;
        packed[(p * product.k + kk) * nr + j] = product.weightsKN
                                                    ? b[kk * product.n + col]
                                                    : b[col * product.k + kk];
      }
  return packed;
}

/// Whether `value` is a tensor of zeros: a fill or a constant.
bool isZeros(Value value) {
  if (auto fill = value.getDefiningOp<linalg::FillOp>())
    return matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
  return matchPattern(value, m_AnyZeroFloat());
}

/// An empty tensor shaped like `like`, whose sizes may be dynamic.
Value emptyLike(OpBuilder &b, Location loc, Value like) {
  return b.create<tensor::EmptyOp>(
      loc, tensor::getMixedSizes(b, loc, like),
      cast<RankedTensorType>(like.getType()).getElementType());
}

/// A tensor shaped like `like` filled with zeros.
Value zeros(OpBuilder &b, Location loc, Value like) {
  auto type = cast<RankedTensorType>(like.getType());
  Value empty = emptyLike(b, loc, like);
  Value zero =
      b.create<arith::ConstantOp>(loc, b.getZeroAttr(type.getElementType()));
  return b.create<linalg::FillOp>(loc, zero, empty).getResult(0);
}

/// `lhs + rhs`, elementwise: what a product that started from a non-zero
/// accumulator (a convolution's bias) adds after the kernel.
Value add(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  auto type = cast<RankedTensorType>(lhs.getType());
  AffineMap id = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  return b
      .create<linalg::GenericOp>(
          loc, type, ValueRange{lhs, rhs}, emptyLike(b, loc, lhs),
          SmallVector<AffineMap>(3, id), iterators,
          [](OpBuilder &nb, Location nloc, ValueRange args) {
            nb.create<linalg::YieldOp>(
                nloc,
                ValueRange{nb.create<arith::AddFOp>(nloc, args[0], args[1])});
          })
      .getResult(0);
}

/// The product's weight packed in panels of `nr` columns, as a constant of
/// shape [panels, kShape..., nr] (kShape's product is k: a convolution's
/// (kh, kw, c), so that its loops are dimensions of the weight).
Value packedWeights(OpBuilder &b, Location loc, const MatrixProduct &product,
                    int64_t nr, ArrayRef<int64_t> kShape) {
  SmallVector<float> packed = packPanels(product, nr);
  SmallVector<int64_t> shape = {int64_t(llvm::divideCeil(product.n, nr))};
  shape.append(kShape.begin(), kShape.end());
  shape.push_back(nr);
  auto packedType = RankedTensorType::get(shape, b.getF32Type());
  ArrayRef<char> bytes(reinterpret_cast<const char *>(packed.data()),
                       packed.size() * sizeof(float));
  return b.create<arith::ConstantOp>(
      loc, DenseResourceElementsAttr::get(
               packedType, "packed_weights",
               HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes,
                                                             alignof(float))));
}

/// A multiply-accumulate generic of `lhs` and the packed weight, marked with
/// the kernel `call`. It always accumulates into zeros (the kernels write
/// their product, they do not add to it); a non-zero accumulator is added
/// after it.
Value buildMarked(OpBuilder &b, Location loc, Value lhs, Value weights,
                  Value init, ArrayRef<AffineMap> maps,
                  ArrayRef<utils::IteratorType> iterators, StringRef call) {
  auto initType = cast<RankedTensorType>(init.getType());
  bool fromZeros = isZeros(init);
  auto generic = b.create<linalg::GenericOp>(
      loc, initType, ValueRange{lhs, weights},
      fromZeros ? init : zeros(b, loc, init), maps, iterators,
      [](OpBuilder &nb, Location nloc, ValueRange args) {
        Value mul = nb.create<arith::MulFOp>(nloc, args[0], args[1]);
        nb.create<linalg::YieldOp>(
            nloc, ValueRange{nb.create<arith::AddFOp>(nloc, args[2], mul)});
      });
  generic.setLibraryCallAttr(b.getStringAttr(call));
  if (fromZeros)
    return generic.getResult(0);
  return add(b, loc, generic.getResult(0), init);
}

/// The GEMM kernel's product: loops (rows..., n, k), the weight read
/// through its panels.
Value buildGemm(OpBuilder &b, Location loc, const MatrixProduct &product,
                int64_t nr) {
  unsigned rank = cast<RankedTensorType>(product.init.getType()).getRank();
  SmallVector<AffineExpr> lhs, out;
  for (unsigned d = 0; d + 1 < rank; ++d)
    lhs.push_back(b.getAffineDimExpr(d));
  out = lhs;
  AffineExpr n = b.getAffineDimExpr(rank - 1), k = b.getAffineDimExpr(rank);
  lhs.push_back(k);
  out.push_back(n);
  MLIRContext *context = b.getContext();
  SmallVector<AffineMap> maps = {
      AffineMap::get(rank + 1, 0, lhs, context),
      AffineMap::get(rank + 1, 0, {n.floorDiv(nr), k, n % nr}, context),
      AffineMap::get(rank + 1, 0, out, context)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  return buildMarked(b, loc, product.lhs,
                     packedWeights(b, loc, product, nr, {product.k}),
                     product.init, maps, iterators, kSgemmCall);
}

/// A product of two activations per batch, C[b, m, n] += A[b, m, k] *
/// B[b, k, n] (attention's QK^T and AV), each operand stored in any order of
/// its dimensions (transposes folded into the product) but A's and C's with
/// k and n innermost: replaced by the product marked over loops (b, m, n, k)
/// (returns whether it was); the runtime packs B.
bool markBatchedProduct(OpBuilder &b, linalg::LinalgOp op) {
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->batch.size() != 1 || dims->m.size() != 1 ||
      dims->n.size() != 1 || dims->k.size() != 1 ||
      matchPattern(op.getDpsInputs()[1], m_Constant()))
    return false;
  if (!linalg::isaContractionOpInterface(op))
    return false;
  // The loops in the marked op's order: b, m, n, k.
  SmallVector<unsigned> order = {dims->batch[0], dims->m[0], dims->n[0],
                                 dims->k[0]};
  auto mapOf = [&](OpOperand *operand, std::optional<unsigned> innermost) {
    SmallVector<AffineExpr> results;
    for (unsigned loop : loopsOf(op, operand))
      results.push_back(b.getAffineDimExpr(
          std::distance(order.begin(), llvm::find(order, loop))));
    bool fits =
        results.size() == 3 &&
        (!innermost || results.back() == b.getAffineDimExpr(*innermost));
    return fits ? AffineMap::get(4, 0, results, b.getContext()) : AffineMap();
  };
  SmallVector<AffineMap> maps = {mapOf(op.getDpsInputOperand(0), 3),
                                 mapOf(op.getDpsInputOperand(1), {}),
                                 mapOf(op.getDpsInitOperand(0), 2)};
  if (llvm::any_of(maps, [](AffineMap map) { return !map; }))
    return false;
  SmallVector<utils::IteratorType> iterators(3, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  op->getResult(0).replaceAllUsesWith(
      buildMarked(b, op.getLoc(), op.getDpsInputs()[0], op.getDpsInputs()[1],
                  op.getDpsInits()[0], maps, iterators, kSbatchMatmulCall));
  op->erase();
  return true;
}

/// Whether `body` is `acc + in0 * in1` (in either order).
bool isMultiplyAccumulate(Block &body) {
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getValues()[0].getDefiningOp<arith::AddFOp>();
  if (!add || body.getOperations().size() != 3)
    return false;
  Value acc = body.getArgument(2);
  Value product = add.getLhs() == acc ? add.getRhs() : add.getLhs();
  auto mul = product.getDefiningOp<arith::MulFOp>();
  return mul && (add.getLhs() == acc || add.getRhs() == acc) &&
         llvm::is_contained(mul->getOperands(), body.getArgument(0)) &&
         llvm::is_contained(mul->getOperands(), body.getArgument(1));
}

/// A channels-last 2-d depthwise convolution as the lowering builds it from
/// a padded input: loops (n, oh, ow, kh, kw, c), the input read at (n,
/// oh * sh + kh * dh, ow * sw + kw * dw, c), the constant weight [C][KH][KW][1]
/// at (c, kh, kw, 0): replaced by the same convolution of the weight laid
/// out [KH][KW][C], marked for the depthwise kernel (returns whether it was).
bool markDepthwise(OpBuilder &b, linalg::LinalgOp op) {
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic || generic.getNumLoops() != 6 ||
      !isMultiplyAccumulate(generic.getRegion().front()))
    return false;
  using utils::IteratorType;
  if (generic.getIteratorTypesArray() !=
      SmallVector<IteratorType>{IteratorType::parallel, IteratorType::parallel,
                                IteratorType::parallel, IteratorType::reduction,
                                IteratorType::reduction, IteratorType::parallel})
    return false;
  AffineExpr n, oh, ow, kh, kw, c;
  bindDims(b.getContext(), n, oh, ow, kh, kw, c);
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  AffineExpr rows = maps[0].getResult(1), columns = maps[0].getResult(2);
  AffineMap window = AffineMap::get(
      6, 0,
      {n, oh * loopCoefficient(rows, 1) + kh * loopCoefficient(rows, 3),
       ow * loopCoefficient(columns, 2) + kw * loopCoefficient(columns, 4), c},
      b.getContext());
  if (maps[0] != window ||
      maps[1] != AffineMap::get(6, 0, {c, kh, kw, b.getAffineConstantExpr(0)},
                                b.getContext()) ||
      maps[2] != AffineMap::get(6, 0, {n, oh, ow, c}, b.getContext()))
    return false;
  std::optional<std::vector<float>> values =
      constantValues(generic.getDpsInputs()[1]);
  if (!values)
    return false;
  // [C][KH][KW][1] to [KH][KW][C]: channels contiguous, as the kernel reads.
  auto weightType = cast<RankedTensorType>(generic.getDpsInputs()[1].getType());
  int64_t channels = weightType.getDimSize(0);
  int64_t taps = weightType.getDimSize(1) * weightType.getDimSize(2);
  SmallVector<float> laidOut(values->size());
  for (int64_t ch = 0; ch < channels; ++ch)
    for (int64_t tap = 0; tap < taps; ++tap)
      laidOut[tap * channels + ch] = (*values)[ch * taps + tap];
  auto laidOutType = RankedTensorType::get(
      {weightType.getDimSize(1), weightType.getDimSize(2), channels},
      b.getF32Type());
  ArrayRef<char> bytes(reinterpret_cast<const char *>(laidOut.data()),
                       laidOut.size() * sizeof(float));
  Value weights = b.create<arith::ConstantOp>(
      op.getLoc(), DenseResourceElementsAttr::get(
                       laidOutType, "depthwise_weights",
                       HeapAsmResourceBlob::allocateAndCopyWithAlign(
                           bytes, alignof(float))));
  maps[1] = AffineMap::get(6, 0, {kh, kw, c}, b.getContext());
  op->getResult(0).replaceAllUsesWith(
      buildMarked(b, op.getLoc(), generic.getDpsInputs()[0], weights,
                  generic.getDpsInits()[0], maps,
                  generic.getIteratorTypesArray(), kSdwconvCall));
  op->erase();
  return true;
}

/// A channels-last convolution of one group, stride and dilation any,
/// whose weight [F][KH][KW][C] is a constant: the product of the input's
/// windows (im2col rows, k = (kh, kw, c)) by the weight, [n][k] ordered.
std::optional<MatrixProduct> matchConv(linalg::LinalgOp op) {
  auto conv = dyn_cast<linalg::Conv2DNhwcFhwcOp>(op.getOperation());
  if (!conv)
    return std::nullopt;
  auto weightType = cast<RankedTensorType>(conv.getInputs()[1].getType());
  int64_t window = weightType.getNumElements() / weightType.getDimSize(0);
  std::optional<std::vector<float>> values =
      constantValues(conv.getInputs()[1]);
  if (!values || window > kSconvMaxWindow)
    return std::nullopt;
  return MatrixProduct{conv.getInputs()[0],      conv.getOutputs()[0], window,
                       weightType.getDimSize(0), std::move(*values),
                       /*weightsKN=*/false};
}

/// The convolution kernel's product: loops (n, oh, ow, f, kh, kw, c), the
/// input read through its windows, the weight through its panels
/// [panels][kh][kw][c][nr] (the GEMM kernel's [panels][k][nr]).
Value buildConv(OpBuilder &b, Location loc, linalg::Conv2DNhwcFhwcOp conv,
                const MatrixProduct &product, int64_t nr) {
  auto weightType = cast<RankedTensorType>(conv.getInputs()[1].getType());
  SmallVector<int64_t> strides(conv.getStrides().getValues<int64_t>());
  SmallVector<int64_t> dilations(conv.getDilations().getValues<int64_t>());
  AffineExpr n, oh, ow, f, kh, kw, c;
  bindDims(b.getContext(), n, oh, ow, f, kh, kw, c);
  MLIRContext *context = b.getContext();
  SmallVector<AffineMap> maps = {
      AffineMap::get(7, 0,
                     {n, oh * strides[0] + kh * dilations[0],
                      ow * strides[1] + kw * dilations[1], c},
                     context),
      AffineMap::get(7, 0, {f.floorDiv(nr), kh, kw, c, f % nr}, context),
      AffineMap::get(7, 0, {n, oh, ow, f}, context)};
  SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
  iterators.append(3, utils::IteratorType::reduction);
  return buildMarked(
      b, loc, product.lhs,
      packedWeights(b, loc, product, nr, weightType.getShape().drop_front()),
      product.init, maps, iterators, kSconvCall);
}

struct SelectKernelsPass : impl::SelectKernelsPassBase<SelectKernelsPass> {
  using SelectKernelsPassBase::SelectKernelsPassBase;

  void runOnOperation() override {
    if (panelWidth <= 0)
      return;
    SmallVector<linalg::LinalgOp> products;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && op.getNumDpsInputs() == 2 &&
          op.getNumDpsInits() == 1 &&
          llvm::all_of(op->getOperands(), isF32))
        products.push_back(op);
    });
    OpBuilder builder(&getContext());
    for (linalg::LinalgOp op : products) {
      builder.setInsertionPoint(op);
      Value marked;
      std::optional<MatrixProduct> product = matchContraction(op);
      if (!product)
        product = matchPointwiseConv(op);
      if (product) {
        marked = buildGemm(builder, op.getLoc(), *product, panelWidth);
      } else if ((product = matchConv(op))) {
        marked = buildConv(builder, op.getLoc(),
                           cast<linalg::Conv2DNhwcFhwcOp>(op.getOperation()),
                           *product, panelWidth);
      } else {
        if (!markBatchedProduct(builder, op))
          markDepthwise(builder, op);
        continue;
      }
      op->getResult(0).replaceAllUsesWith(marked);
      op->erase();
    }
  }
};

} // namespace
} // namespace mocc
