//===- ImporterFuzzer.cpp - libFuzzer target over the ONNX importer -------===//
//
// Feeds arbitrary bytes to the ONNX loader as a serialized ModelProto and
// imports what loads into a fresh MLIRContext, as mocc does. Every input must
// end in one of two ways: a module that verifies, or an error (a one-line
// message from the loader, a diagnostic from the importer). Anything else (a
// crash, an assertion, a sanitizer report, a hang, a leak) is a bug.
//
// Byte mutations of a protobuf mostly break its framing, so most of the time
// the mutator below parses the model and changes it the way a bad exporter
// would: another op type, attribute, opset, shape, element type, tensor value
// or operand. The rest of the time it leaves the bytes to libFuzzer.
//
// Built only by a Clang build with MOCC_ENABLE_FUZZER (build/fuzz); the
// fuzz.importer test runs it over test/fuzz/corpus. See docs/architecture.md.
//
//===----------------------------------------------------------------------===//
#include "NodeContext.h"

#include "mocc/Dialect/Moc/IR/MocDialect.h"
#include "mocc/Importer/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>

using namespace mlir;

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

/// LLVM's bump allocators poison their free slab memory when compiled with
/// ASan. Here only mocc's code is: Debian's MLIR libraries allocate from a
/// slab that an instrumented copy of the allocator poisoned, without
/// unpoisoning it, and an instrumented read of that memory is a false
/// report. Heap, stack and global checks stay on.
extern "C" const char *__asan_default_options() {
  return "allow_user_poisoning=0";
}

namespace {

/// Reports a broken contract of the importer and stops the run, so libFuzzer
/// keeps the input as a crash.
[[noreturn]] void fail(llvm::StringRef what, llvm::StringRef detail) {
  llvm::errs() << "importer fuzzer: " << what << ": " << detail << "\n";
  std::abort();
}

//===----------------------------------------------------------------------===//
// Structure-aware mutation
//===----------------------------------------------------------------------===//

class ModelMutator {
public:
  explicit ModelMutator(unsigned seed) : rng(seed) {}

  /// Applies one random change; false if there was nothing to change.
  bool mutate(onnx::ModelProto &model) {
    onnx::GraphProto &graph = *model.mutable_graph();
    switch (below(10)) {
    case 0:
      return mutateOpset(model);
    case 1:
      return mutateOpType(graph);
    case 2:
    case 3:
      return mutateAttribute(graph);
    case 4:
    case 5:
      return mutateInitializer(graph);
    case 6:
      return mutateValueInfo(graph);
    case 7:
      return mutateOperand(graph);
    default:
      return mutateNodes(graph);
    }
  }

private:
  uint64_t below(uint64_t n) { return n ? rng() % n : 0; }
  bool coin() { return rng() & 1; }
  template <typename T> T pick(std::initializer_list<T> values) {
    return values.begin()[below(values.size())];
  }

  int64_t interestingInt() {
    switch (below(4)) {
    case 0:
      return int64_t(below(9)) - 2; // -2 .. 6
    case 1:
      return pick<int64_t>({-1, 0, 1, 7, 16, 255, 256, 1 << 20, int64_t(1) << 31,
                            int64_t(1) << 40, -(int64_t(1) << 31)});
    case 2:
      return pick<int64_t>({std::numeric_limits<int64_t>::max(),
                            std::numeric_limits<int64_t>::min(),
                            std::numeric_limits<int64_t>::max() - 1,
                            std::numeric_limits<int32_t>::max(),
                            std::numeric_limits<int32_t>::min()});
    default:
      return int64_t(rng());
    }
  }
  float interestingFloat() {
    return pick<float>({0.0f, -0.0f, 1.0f, -1.0f, 0.5f, 2.0f, 1e-30f, 1e30f,
                        -1e30f, std::numeric_limits<float>::infinity(),
                        -std::numeric_limits<float>::infinity(),
                        std::numeric_limits<float>::quiet_NaN(),
                        std::numeric_limits<float>::max(),
                        std::numeric_limits<float>::denorm_min()});
  }
  int32_t interestingType() {
    // Mostly the types mocc supports, sometimes the others (string, complex,
    // float8, 4-bit) and out-of-range values.
    if (below(4))
      return pick<int32_t>({1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 16});
    return pick<int32_t>({0, 8, 14, 15, 17, 19, 21, 22, 23, 24, 99, -1});
  }

  std::string someValueName(const onnx::GraphProto &graph) {
    std::vector<const std::string *> names;
    for (const onnx::ValueInfoProto &info : graph.input())
      names.push_back(&info.name());
    for (const onnx::TensorProto &tensor : graph.initializer())
      names.push_back(&tensor.name());
    for (const onnx::NodeProto &node : graph.node())
      for (const std::string &output : node.output())
        names.push_back(&output);
    if (names.empty() || !below(8))
      return below(2) ? "" : "undefined";
    return *names[below(names.size())];
  }

  bool mutateOpset(onnx::ModelProto &model) {
    if (model.opset_import_size() == 0 || !below(8)) {
      onnx::OperatorSetIdProto *opset = model.add_opset_import();
      opset->set_domain(pick<const char *>({"", "ai.onnx", "com.example"}));
      opset->set_version(int64_t(below(30)));
      return true;
    }
    onnx::OperatorSetIdProto &opset =
        *model.mutable_opset_import(int(below(model.opset_import_size())));
    opset.set_version(below(4) ? int64_t(below(30)) : interestingInt());
    return true;
  }

  bool mutateOpType(onnx::GraphProto &graph) {
    if (graph.node_size() == 0)
      return false;
    onnx::NodeProto &node = *graph.mutable_node(int(below(graph.node_size())));
    const mocc::OpImporterTable &importers = mocc::getOpImporters();
    if (!below(16)) {
      node.set_op_type(pick<const char *>({"If", "Loop", "NonZero", "Unknown", ""}));
      return true;
    }
    auto it = importers.begin();
    std::advance(it, below(importers.size()));
    node.set_op_type(it->getKey().str());
    return true;
  }

  bool mutateAttribute(onnx::GraphProto &graph) {
    if (graph.node_size() == 0)
      return false;
    onnx::NodeProto &node = *graph.mutable_node(int(below(graph.node_size())));
    if (node.attribute_size() == 0 || !below(4)) {
      onnx::AttributeProto *attr = node.add_attribute();
      attr->set_name(pick<const char *>(
          {"axis", "axes", "keepdims", "perm", "pads", "strides",
           "kernel_shape", "dilations", "group", "to", "alpha", "beta",
           "transA", "transB", "epsilon", "mode", "auto_pad", "ceil_mode",
           "output_padding", "output_shape", "value", "value_ints",
           "value_float", "value_int", "split", "starts", "ends", "scales",
           "blocksize", "upper", "k", "dtype", "reduction", "direction",
           "exclusive", "reverse", "noop_with_empty_axes", "coordinate_transformation_mode",
           "nearest_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value",
           "select_last_index", "approximate", "stash_type", "count_include_pad",
           "storage_order", "p", "lambd", "bias", "size", "ignore_index",
           "spatial", "momentum", "training_mode", "sorted", "largest"}));
      switch (below(5)) {
      case 0:
        attr->set_type(onnx::AttributeProto::INT);
        attr->set_i(interestingInt());
        break;
      case 1:
        attr->set_type(onnx::AttributeProto::INTS);
        for (uint64_t n = below(6); n > 0; --n)
          attr->add_ints(interestingInt());
        break;
      case 2:
        attr->set_type(onnx::AttributeProto::FLOAT);
        attr->set_f(interestingFloat());
        break;
      case 3:
        attr->set_type(onnx::AttributeProto::FLOATS);
        for (uint64_t n = below(6); n > 0; --n)
          attr->add_floats(interestingFloat());
        break;
      default:
        attr->set_type(onnx::AttributeProto::STRING);
        attr->set_s(someString());
        break;
      }
      return true;
    }
    onnx::AttributeProto &attr =
        *node.mutable_attribute(int(below(node.attribute_size())));
    switch (attr.type()) {
    case onnx::AttributeProto::INT:
      attr.set_i(interestingInt());
      return true;
    case onnx::AttributeProto::FLOAT:
      attr.set_f(interestingFloat());
      return true;
    case onnx::AttributeProto::STRING:
      attr.set_s(someString());
      return true;
    case onnx::AttributeProto::INTS:
      if (attr.ints_size() == 0 || !below(4))
        attr.add_ints(interestingInt());
      else if (!below(3))
        attr.mutable_ints()->RemoveLast();
      else
        attr.set_ints(int(below(attr.ints_size())), interestingInt());
      return true;
    case onnx::AttributeProto::FLOATS:
      if (attr.floats_size() == 0 || !below(4))
        attr.add_floats(interestingFloat());
      else if (!below(3))
        attr.mutable_floats()->RemoveLast();
      else
        attr.set_floats(int(below(attr.floats_size())), interestingFloat());
      return true;
    case onnx::AttributeProto::TENSOR:
      return mutateTensor(*attr.mutable_t());
    default:
      attr.set_type(onnx::AttributeProto::AttributeType(below(15)));
      return true;
    }
  }

  std::string someString() {
    return pick<const char *>(
        {"", "linear", "nearest", "cubic", "constant", "reflect", "edge", "wrap",
         "half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel",
         "tf_crop_and_resize", "half_pixel_symmetric", "round_prefer_floor",
         "round_prefer_ceil", "floor", "ceil", "SAME_UPPER", "SAME_LOWER",
         "VALID", "NOTSET", "none", "sum", "mean", "add", "mul", "max", "min",
         "tanh", "DCR", "CRD", "not_larger", "not_smaller", "stretch", "LEFT",
         "RIGHT", "bogus"});
  }

  bool mutateTensor(onnx::TensorProto &tensor) {
    switch (below(6)) {
    case 0: // A dimension.
      if (tensor.dims_size() == 0 || !below(3))
        tensor.add_dims(below(2) ? int64_t(below(5)) : interestingInt());
      else if (coin())
        tensor.mutable_dims()->RemoveLast();
      else
        tensor.set_dims(int(below(tensor.dims_size())),
                        below(2) ? int64_t(below(5)) : interestingInt());
      return true;
    case 1:
      tensor.set_data_type(interestingType());
      return true;
    case 2: // A value of an int64 tensor (shapes, axes, indices, pads).
      if (tensor.int64_data_size() > 0) {
        tensor.set_int64_data(int(below(tensor.int64_data_size())), interestingInt());
        return true;
      }
      if (tensor.data_type() == onnx::TensorProto::INT64 &&
          tensor.raw_data().size() >= 8) {
        std::string &raw = *tensor.mutable_raw_data();
        int64_t value = interestingInt();
        std::memcpy(&raw[8 * below(raw.size() / 8)], &value, 8);
        return true;
      }
      tensor.add_int64_data(interestingInt());
      return true;
    case 3: // A float value.
      if (tensor.float_data_size() > 0) {
        tensor.set_float_data(int(below(tensor.float_data_size())), interestingFloat());
        return true;
      }
      if (tensor.data_type() == onnx::TensorProto::FLOAT &&
          tensor.raw_data().size() >= 4) {
        std::string &raw = *tensor.mutable_raw_data();
        float value = interestingFloat();
        std::memcpy(&raw[4 * below(raw.size() / 4)], &value, 4);
        return true;
      }
      tensor.add_float_data(interestingFloat());
      return true;
    case 4: // The amount of data.
      if (tensor.has_raw_data()) {
        std::string &raw = *tensor.mutable_raw_data();
        raw.resize(coin() ? raw.size() / 2 : raw.size() + below(16));
      } else if (tensor.int32_data_size() > 0) {
        tensor.mutable_int32_data()->RemoveLast();
      } else {
        tensor.add_int32_data(int32_t(interestingInt()));
      }
      return true;
    default: // Where the data is.
      if (tensor.has_raw_data() && coin()) {
        tensor.clear_raw_data();
      } else {
        tensor.set_data_location(coin() ? onnx::TensorProto::EXTERNAL
                                        : onnx::TensorProto::DEFAULT);
        onnx::StringStringEntryProto *entry = tensor.add_external_data();
        entry->set_key(pick<const char *>({"location", "offset", "length"}));
        entry->set_value(pick<const char *>(
            {"weights.bin", "/etc/passwd", "../x", "0", "16", "-1",
             "99999999999999999999"}));
      }
      return true;
    }
  }

  bool mutateInitializer(onnx::GraphProto &graph) {
    if (graph.initializer_size() == 0)
      return false;
    return mutateTensor(
        *graph.mutable_initializer(int(below(graph.initializer_size()))));
  }

  bool mutateValueInfo(onnx::GraphProto &graph) {
    bool input = graph.input_size() > 0 && (graph.output_size() == 0 || coin());
    if (!input && graph.output_size() == 0)
      return false;
    onnx::ValueInfoProto &info =
        input ? *graph.mutable_input(int(below(graph.input_size())))
              : *graph.mutable_output(int(below(graph.output_size())));
    onnx::TypeProto_Tensor &tensor = *info.mutable_type()->mutable_tensor_type();
    switch (below(4)) {
    case 0:
      tensor.set_elem_type(interestingType());
      return true;
    case 1:
      if (!below(8))
        tensor.clear_shape();
      else if (tensor.shape().dim_size() > 0 && coin())
        tensor.mutable_shape()->mutable_dim()->RemoveLast();
      else
        tensor.mutable_shape()->add_dim()->set_dim_value(int64_t(below(4)));
      return true;
    case 2: {
      if (tensor.shape().dim_size() == 0)
        return false;
      onnx::TensorShapeProto_Dimension &dim = *tensor.mutable_shape()->mutable_dim(
          int(below(tensor.shape().dim_size())));
      if (!below(4))
        dim.set_dim_param("N");
      else
        dim.set_dim_value(below(2) ? int64_t(below(9)) : interestingInt());
      return true;
    }
    default:
      info.set_name(someValueName(graph));
      return true;
    }
  }

  bool mutateOperand(onnx::GraphProto &graph) {
    if (graph.node_size() == 0)
      return false;
    onnx::NodeProto &node = *graph.mutable_node(int(below(graph.node_size())));
    switch (below(4)) {
    case 0:
      node.add_input(someValueName(graph));
      return true;
    case 1:
      if (node.input_size() == 0)
        return false;
      node.mutable_input()->RemoveLast();
      return true;
    case 2:
      if (node.output_size() == 0 || coin())
        node.add_output(pick<const char *>({"", "extra"}));
      else
        node.set_output(int(below(node.output_size())), someValueName(graph));
      return true;
    default:
      if (node.input_size() == 0)
        return false;
      node.set_input(int(below(node.input_size())), someValueName(graph));
      return true;
    }
  }

  bool mutateNodes(onnx::GraphProto &graph) {
    if (graph.node_size() == 0)
      return false;
    int index = int(below(graph.node_size()));
    switch (below(3)) {
    case 0: // Run a node a second time on its own outputs where it can.
      *graph.add_node() = graph.node(index);
      return true;
    case 1: // Drop a node.
      graph.mutable_node()->DeleteSubrange(index, 1);
      return true;
    default: // Swap two nodes.
      graph.mutable_node()->SwapElements(index, int(below(graph.node_size())));
      return true;
    }
  }

  std::mt19937_64 rng;
};

} // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  ModelMutator mutator(seed);
  onnx::ModelProto model;
  if (seed % 4 == 0 || !model.ParseFromArray(data, int(size)))
    return LLVMFuzzerMutate(data, size, maxSize);
  for (unsigned n = 1 + seed % 3; n > 0; --n)
    mutator.mutate(model);
  std::string bytes = model.SerializeAsString();
  if (bytes.size() > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::memcpy(data, bytes.data(), bytes.size());
  return bytes.size();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string error;
  mocc::OnnxModelPtr model = mocc::loadOnnxModelFromBuffer(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), error);
  if (!model) {
    if (error.empty() || llvm::StringRef(error).contains('\n'))
      fail("the loader's error is not one line", error);
    return 0;
  }

  // A fresh context per input: types, attributes and locations are uniqued in
  // the context for its lifetime, so a shared one would grow without bound.
  DialectRegistry registry;
  registry.insert<mocc::moc::MocDialect, func::FuncDialect>();
  MLIRContext context(registry, MLIRContext::Threading::DISABLED);
  std::string firstError;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diagnostic) {
    if (diagnostic.getSeverity() == DiagnosticSeverity::Error &&
        firstError.empty())
      firstError = diagnostic.str();
    return success();
  });

  OwningOpRef<ModuleOp> module =
      mocc::importOnnxModel(*model, context, mocc::ImportOptions());
  if (!module) {
    if (firstError.empty())
      fail("the import failed without an error", "");
    return 0;
  }
  if (!firstError.empty())
    fail("the import succeeded after an error", firstError);
  if (failed(verify(*module)))
    fail("the imported module does not verify", firstError);
  return 0;
}
