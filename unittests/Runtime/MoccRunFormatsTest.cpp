// mocc-run's file formats (TensorProto, SequenceProto, OptionalProto, .npy)
// and output comparison.

extern "C" {
#include "compare.h"
#include "npy.h"
#include "tensor_proto.h"
#include "value_proto.h"
}

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace {

using Bytes = std::vector<uint8_t>;

// Builds protobuf wire format by hand, to feed the decoder encodings that
// other writers (onnx, protobuf in other languages) produce.
class Proto {
public:
  Proto &varint(uint64_t value) {
    for (; value >= 0x80; value >>= 7)
      bytes.push_back(static_cast<uint8_t>(value | 0x80));
    bytes.push_back(static_cast<uint8_t>(value));
    return *this;
  }
  Proto &key(int field, int wire) { return varint(field << 3 | wire); }
  Proto &field(int number, uint64_t value) {
    return key(number, 0).varint(value);
  }
  Proto &fixed32(int number, uint32_t bits) {
    key(number, 5);
    for (int i = 0; i < 4; ++i)
      bytes.push_back(static_cast<uint8_t>(bits >> (8 * i)));
    return *this;
  }
  Proto &bytesField(int number, const Bytes &payload) {
    key(number, 2).varint(payload.size());
    bytes.insert(bytes.end(), payload.begin(), payload.end());
    return *this;
  }
  Proto &packedVarints(int number, const std::vector<uint64_t> &values) {
    Proto payload;
    for (uint64_t v : values)
      payload.varint(v);
    return bytesField(number, payload.bytes);
  }
  Bytes bytes;
};

uint32_t floatBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

// Decodes, returning the error message ("" on success).
std::string decodeProto(const Bytes &bytes, mr_tensor *tensor,
                        std::string *name = nullptr) {
  mr_error error;
  char *decodedName = nullptr;
  if (mr_tensor_proto_decode(bytes.data(), bytes.size(), tensor,
                             name ? &decodedName : nullptr, &error))
    return error.message;
  if (name)
    *name = decodedName;
  std::free(decodedName);
  return "";
}

std::string decodeNpy(const Bytes &bytes, mr_tensor *tensor) {
  mr_error error;
  if (mr_npy_decode(bytes.data(), bytes.size(), tensor, &error))
    return error.message;
  return "";
}

template <typename T> std::vector<T> values(const mr_tensor &tensor) {
  const T *data = static_cast<const T *>(tensor.data);
  return std::vector<T>(data, data + tensor.bytes / sizeof(T));
}

mr_tensor makeTensor(mocc_dtype dtype, std::vector<int64_t> dims,
                     const void *data) {
  mr_tensor tensor;
  mr_error error;
  EXPECT_EQ(mr_tensor_alloc(&tensor, dtype, static_cast<int32_t>(dims.size()),
                            dims.data(), &error),
            0)
      << error.message;
  std::memcpy(tensor.data, data, tensor.bytes);
  return tensor;
}

const mocc_dtype kAllDtypes[] = {
    MOCC_DTYPE_FLOAT32, MOCC_DTYPE_UINT8,  MOCC_DTYPE_INT8,
    MOCC_DTYPE_UINT16,  MOCC_DTYPE_INT16,  MOCC_DTYPE_INT32,
    MOCC_DTYPE_INT64,   MOCC_DTYPE_BOOL,   MOCC_DTYPE_FLOAT16,
    MOCC_DTYPE_FLOAT64, MOCC_DTYPE_UINT32, MOCC_DTYPE_UINT64,
    MOCC_DTYPE_BFLOAT16};

TEST(TensorProtoTest, RoundTripsEveryDtype) {
  const uint8_t pattern[] = {1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0,
                             0, 1, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0,
                             1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 0, 1};
  for (mocc_dtype dtype : kAllDtypes) {
    mr_tensor tensor = makeTensor(dtype, {2, 3}, pattern);
    uint8_t *encoded;
    size_t size;
    mr_error error;
    ASSERT_EQ(mr_tensor_proto_encode(&tensor, "out", &encoded, &size, &error),
              0);
    mr_tensor decoded;
    std::string name;
    EXPECT_EQ(decodeProto(Bytes(encoded, encoded + size), &decoded, &name), "");
    EXPECT_EQ(name, "out");
    EXPECT_EQ(decoded.dtype, dtype);
    ASSERT_EQ(decoded.rank, 2);
    EXPECT_EQ(decoded.dims[0], 2);
    EXPECT_EQ(decoded.dims[1], 3);
    ASSERT_EQ(decoded.bytes, tensor.bytes);
    EXPECT_EQ(std::memcmp(decoded.data, tensor.data, tensor.bytes), 0)
        << mocc_dtype_name(dtype);
    std::free(encoded);
    mr_tensor_free(&decoded);
    mr_tensor_free(&tensor);
  }
}

TEST(TensorProtoTest, ReadsScalarsAndEmptyTensors) {
  int64_t scalar = -5;
  mr_tensor tensor = makeTensor(MOCC_DTYPE_INT64, {}, &scalar);
  uint8_t *encoded;
  size_t size;
  mr_error error;
  ASSERT_EQ(mr_tensor_proto_encode(&tensor, nullptr, &encoded, &size, &error),
            0);
  mr_tensor decoded;
  std::string name;
  EXPECT_EQ(decodeProto(Bytes(encoded, encoded + size), &decoded, &name), "");
  EXPECT_EQ(name, "");
  EXPECT_EQ(decoded.rank, 0);
  EXPECT_EQ(values<int64_t>(decoded), std::vector<int64_t>{-5});
  std::free(encoded);
  mr_tensor_free(&decoded);
  mr_tensor_free(&tensor);

  Bytes empty = Proto().field(1, 0).field(1, 4).field(2, 1).bytes;
  EXPECT_EQ(decodeProto(empty, &decoded), "");
  EXPECT_EQ(decoded.bytes, 0u);
  mr_tensor_free(&decoded);
}

TEST(TensorProtoTest, ReadsTypedFieldsPackedAndUnpacked) {
  mr_tensor tensor;
  // Unpacked dims and float_data, name after the data.
  Proto unpacked;
  unpacked.field(1, 1).field(1, 2).field(2, MOCC_DTYPE_FLOAT32);
  unpacked.fixed32(4, floatBits(1.5f)).fixed32(4, floatBits(-2));
  unpacked.bytesField(8, Bytes{'x'});
  std::string name;
  ASSERT_EQ(decodeProto(unpacked.bytes, &tensor, &name), "");
  EXPECT_EQ(name, "x");
  EXPECT_EQ(values<float>(tensor), (std::vector<float>{1.5f, -2}));
  mr_tensor_free(&tensor);

  // Packed dims; int32_data carries int8, negatives as 10-byte varints.
  Proto int8s;
  int8s.packedVarints(1, {3}).field(2, MOCC_DTYPE_INT8);
  int8s.packedVarints(5, {static_cast<uint64_t>(-3), 127, 0});
  ASSERT_EQ(decodeProto(int8s.bytes, &tensor), "");
  EXPECT_EQ(values<int8_t>(tensor), (std::vector<int8_t>{-3, 127, 0}));
  mr_tensor_free(&tensor);

  // The data type may come after the data; bools are normalized to 0/1.
  Proto bools;
  bools.packedVarints(5, {1, 0, 7}).packedVarints(1, {3});
  bools.field(2, MOCC_DTYPE_BOOL);
  ASSERT_EQ(decodeProto(bools.bytes, &tensor), "");
  EXPECT_EQ(values<uint8_t>(tensor), (std::vector<uint8_t>{1, 0, 1}));
  mr_tensor_free(&tensor);

  // float16 bits in int32_data.
  Proto halves;
  halves.field(1, 2).field(2, MOCC_DTYPE_FLOAT16).field(5, 0x3c00);
  halves.field(5, 0xc000);
  ASSERT_EQ(decodeProto(halves.bytes, &tensor), "");
  EXPECT_EQ(mr_tensor_get(&tensor, 0), 1.0);
  EXPECT_EQ(mr_tensor_get(&tensor, 1), -2.0);
  mr_tensor_free(&tensor);

  // int64_data, uint64_data for uint32, double_data split in two chunks.
  Proto int64s;
  int64s.field(1, 2).field(2, MOCC_DTYPE_INT64);
  int64s.packedVarints(7, {static_cast<uint64_t>(INT64_MIN), 42});
  ASSERT_EQ(decodeProto(int64s.bytes, &tensor), "");
  EXPECT_EQ(values<int64_t>(tensor), (std::vector<int64_t>{INT64_MIN, 42}));
  mr_tensor_free(&tensor);

  Proto uint32s;
  uint32s.field(1, 1).field(2, MOCC_DTYPE_UINT32).field(11, 0xfffffffful);
  ASSERT_EQ(decodeProto(uint32s.bytes, &tensor), "");
  EXPECT_EQ(values<uint32_t>(tensor), std::vector<uint32_t>{0xffffffffu});
  mr_tensor_free(&tensor);

  double half = 0.5, third = 1.0 / 3;
  Bytes halfBytes(8), thirdBytes(8);
  std::memcpy(halfBytes.data(), &half, 8);
  std::memcpy(thirdBytes.data(), &third, 8);
  Proto doubles;
  doubles.field(1, 2).field(2, MOCC_DTYPE_FLOAT64);
  doubles.bytesField(10, halfBytes).bytesField(10, thirdBytes);
  ASSERT_EQ(decodeProto(doubles.bytes, &tensor), "");
  EXPECT_EQ(values<double>(tensor), (std::vector<double>{half, third}));
  mr_tensor_free(&tensor);
}

TEST(TensorProtoTest, UnpacksSubByteElements) {
  // ONNX packs them from the low bits up: int4 [1, -2, 3] is E1 03.
  mr_tensor tensor;
  Bytes int4 = Proto().field(1, 3).field(2, MOCC_DTYPE_INT4).bytesField(9, {0xe1, 0x03}).bytes;
  ASSERT_EQ(decodeProto(int4, &tensor), "");
  EXPECT_EQ(values<int8_t>(tensor), (std::vector<int8_t>{1, -2, 3}));
  mr_tensor_free(&tensor);
  // The same bytes in int32_data, one packed byte per value.
  Bytes typed = Proto().field(1, 3).field(2, MOCC_DTYPE_INT4).packedVarints(5, {0xe1, 0x03}).bytes;
  ASSERT_EQ(decodeProto(typed, &tensor), "");
  EXPECT_EQ(values<int8_t>(tensor), (std::vector<int8_t>{1, -2, 3}));
  mr_tensor_free(&tensor);
  // uint2 [3, 0, 1, 2, 1]: 0b10'01'00'11, then 0b01.
  Bytes uint2 = Proto().field(1, 5).field(2, MOCC_DTYPE_UINT2).bytesField(9, {0x93, 0x01}).bytes;
  ASSERT_EQ(decodeProto(uint2, &tensor), "");
  EXPECT_EQ(values<uint8_t>(tensor), (std::vector<uint8_t>{3, 0, 1, 2, 1}));
  mr_tensor_free(&tensor);
  // float4e2m1 [1.5, -6, 0.5] (codes 3, 15, 1) is F3 01; read as values.
  Bytes float4 = Proto()
                     .field(1, 3)
                     .field(2, MOCC_DTYPE_FLOAT4E2M1)
                     .bytesField(9, {0xf3, 0x01})
                     .bytes;
  ASSERT_EQ(decodeProto(float4, &tensor), "");
  EXPECT_EQ(values<uint8_t>(tensor), (std::vector<uint8_t>{3, 15, 1}));
  EXPECT_EQ(mr_tensor_get(&tensor, 0), 1.5);
  EXPECT_EQ(mr_tensor_get(&tensor, 1), -6.0);
  EXPECT_EQ(mr_tensor_get(&tensor, 2), 0.5);
  mr_tensor_free(&tensor);
  Bytes wrongSize = Proto().field(1, 5).field(2, MOCC_DTYPE_UINT2).bytesField(9, {0x93}).bytes;
  EXPECT_EQ(decodeProto(wrongSize, &tensor),
            "raw_data has 1 bytes, 5 uint2 values need 2");
}

TEST(TensorProtoTest, PacksFourAndTwoBitIntegers) {
  const int8_t int2[] = {-2, 1, -1, 0, 1};
  mr_tensor tensor = makeTensor(MOCC_DTYPE_INT2, {5}, int2);
  uint8_t *encoded;
  size_t size;
  mr_error error;
  ASSERT_EQ(mr_tensor_proto_encode(&tensor, nullptr, &encoded, &size, &error),
            0);
  Bytes bytes(encoded, encoded + size);
  // raw_data: 2 bytes, 0b00'11'01'10 and 0b01.
  Bytes raw = {9 << 3 | 2, 2, 0x36, 0x01};
  EXPECT_TRUE(std::equal(raw.begin(), raw.end(), bytes.end() - raw.size()));
  mr_tensor decoded;
  ASSERT_EQ(decodeProto(bytes, &decoded), "");
  EXPECT_EQ(values<int8_t>(decoded), std::vector<int8_t>(int2, int2 + 5));
  std::free(encoded);
  mr_tensor_free(&decoded);
  mr_tensor_free(&tensor);
}

TEST(TensorProtoTest, ReportsBadTensors) {
  mr_tensor tensor;
  EXPECT_EQ(
      decodeProto(Proto().field(1, 2).field(2, 1).bytesField(9, Bytes(7)).bytes,
                  &tensor),
      "raw_data has 7 bytes, float32 needs 8");
  EXPECT_EQ(
      decodeProto(Proto().field(1, 1).field(2, 7).field(7, 1).field(7, 2).bytes,
                  &tensor),
      "more values than the 1 its shape needs");
  EXPECT_EQ(
      decodeProto(Proto().field(1, 3).field(2, 7).field(7, 1).bytes, &tensor),
      "1 values, its shape needs 3");
  EXPECT_EQ(decodeProto(Proto().field(2, 8).bytes, &tensor),
            "unsupported data type 8");
  EXPECT_EQ(decodeProto(Proto().field(2, 1).field(14, 1).bytes, &tensor),
            "external data is not supported");
  EXPECT_EQ(
      decodeProto(Proto().field(1, static_cast<uint64_t>(-2)).field(2, 1).bytes,
                  &tensor),
      "negative dimension -2");
  EXPECT_EQ(decodeProto(Proto().key(2, 3).bytes, &tensor),
            "malformed protobuf");
  EXPECT_EQ(decodeProto(Proto()
                            .field(1, 1 << 20)
                            .field(1, 1 << 20)
                            .field(1, 1 << 20)
                            .field(1, 1 << 20)
                            .field(2, 1)
                            .bytes,
                        &tensor),
            "tensor too large");
  // Found by the value-file fuzzer: dims of 10^11 elements in a few bytes
  // made the reader allocate for them before looking at the data.
  EXPECT_EQ(decodeProto(Proto()
                            .field(1, 100000)
                            .field(1, 1000000)
                            .field(2, 1)
                            .field(4, 0)
                            .bytes,
                        &tensor),
            "dims claim 100000000000 elements, more than a 12-byte "
            "TensorProto holds");
  Proto deep;
  for (int i = 0; i <= MR_MAX_RANK; ++i)
    deep.field(1, 1);
  EXPECT_EQ(decodeProto(deep.bytes, &tensor), "more than 32 dimensions");
}

// Every prefix and every single-byte corruption of a valid file either
// decodes or fails cleanly (run under a sanitizer to catch bad reads).
TEST(TensorProtoTest, SurvivesTruncationAndCorruption) {
  Proto valid;
  valid.packedVarints(1, {2, 2}).field(2, MOCC_DTYPE_FLOAT32);
  valid.bytesField(8, Bytes{'n', 'a', 'm', 'e'});
  for (float v : {1.0f, 2.0f, 3.0f, 4.0f})
    valid.fixed32(4, floatBits(v));
  for (size_t length = 0; length <= valid.bytes.size(); ++length) {
    mr_tensor tensor;
    Bytes prefix(valid.bytes.begin(), valid.bytes.begin() + length);
    if (decodeProto(prefix, &tensor).empty())
      mr_tensor_free(&tensor);
  }
  for (size_t i = 0; i < valid.bytes.size(); ++i) {
    for (int value : {0x00, 0x7f, 0x80, 0xff}) {
      Bytes corrupt = valid.bytes;
      corrupt[i] = static_cast<uint8_t>(value);
      mr_tensor tensor;
      if (decodeProto(corrupt, &tensor).empty())
        mr_tensor_free(&tensor);
    }
  }
}

// Decodes a value of `kind`, returning the error message ("" on success).
std::string decodeValue(const Bytes &bytes, mocc_value_kind kind,
                        mr_value *value) {
  mr_error error;
  if (mr_value_proto_decode(bytes.data(), bytes.size(), kind, value, &error))
    return error.message;
  return "";
}

Bytes encodeValue(const mr_value &value, const char *name) {
  uint8_t *bytes;
  size_t size;
  mr_error error;
  EXPECT_EQ(mr_value_proto_encode(&value, name, &bytes, &size, &error), 0)
      << error.message;
  Bytes result(bytes, bytes + size);
  std::free(bytes);
  return result;
}

// float32[n] of ones as onnx.numpy_helper.from_array writes it, unnamed.
Bytes onesProto(size_t n) {
  Bytes raw(4 * n);
  for (size_t i = 0; i < n; ++i) {
    raw[4 * i + 2] = 0x80; // 1.0f is 0x3f800000
    raw[4 * i + 3] = 0x3f;
  }
  Proto tensor;
  tensor.field(1, n).field(2, MOCC_DTYPE_FLOAT32);
  return tensor.bytesField(9, raw).bytes;
}

// A SequenceProto or OptionalProto named `name`, holding `content` as field
// `number`.
Bytes holder(uint8_t name, uint64_t elemType, int number,
             const Bytes &content) {
  Proto message;
  message.bytesField(1, {name}).field(2, elemType);
  return message.bytesField(number, content).bytes;
}

TEST(ValueProtoTest, EncodesAsOnnxDoes) {
  const float ones[] = {1, 1};
  mr_tensor tensor = makeTensor(MOCC_DTYPE_FLOAT32, {2}, ones);
  // from_list([ones], name="s")
  mr_value sequence = {MOCC_VALUE_SEQUENCE, {}, &tensor, 1};
  EXPECT_EQ(encodeValue(sequence, "s"), holder('s', 1, 3, onesProto(2)));
  // from_optional(None, name="x"), from_optional(ones), from_optional([ones])
  mr_value absent = {MOCC_VALUE_OPTIONAL, {}, nullptr, 0};
  EXPECT_EQ(encodeValue(absent, "x"), (Bytes{0x0a, 1, 'x', 0x10, 0}));
  mr_value ofTensor = {MOCC_VALUE_OPTIONAL, MOCC_VALUE_TENSOR, &tensor, 1};
  EXPECT_EQ(encodeValue(ofTensor, "x"), holder('x', 1, 3, onesProto(2)));
  mr_value ofSequence = {MOCC_VALUE_OPTIONAL, MOCC_VALUE_SEQUENCE, &tensor, 1};
  Bytes inner = Proto().field(2, 1).bytesField(3, onesProto(2)).bytes;
  EXPECT_EQ(encodeValue(ofSequence, "x"), holder('x', 3, 5, inner));

  // And they decode to what was encoded.
  for (const mr_value *value : {&sequence, &absent, &ofTensor, &ofSequence}) {
    mr_value decoded;
    ASSERT_EQ(decodeValue(encodeValue(*value, "v"), value->kind, &decoded), "");
    EXPECT_EQ(decoded.content, value->content);
    ASSERT_EQ(decoded.num_tensors, value->num_tensors);
    for (size_t i = 0; i < decoded.num_tensors; ++i)
      EXPECT_EQ(values<float>(decoded.tensors[i]), values<float>(tensor));
    mr_value_free(&decoded);
  }

  mr_value wrongCount = {MOCC_VALUE_OPTIONAL, MOCC_VALUE_TENSOR, nullptr, 0};
  uint8_t *bytes;
  size_t size;
  mr_error error;
  EXPECT_EQ(mr_value_proto_encode(&wrongCount, "x", &bytes, &size, &error), -1);
  EXPECT_STREQ(error.message, "cannot encode a value of kind 5 holding 0 "
                              "tensors");
  mr_tensor_free(&tensor);
}

TEST(ValueProtoTest, FlattensSequencesAndOptionals) {
  Proto sequence;
  sequence.bytesField(1, {'x', 's'}).field(2, 1);
  sequence.bytesField(3, onesProto(1)).bytesField(3, onesProto(3));
  mr_value value;
  ASSERT_EQ(decodeValue(sequence.bytes, MOCC_VALUE_SEQUENCE, &value), "");
  ASSERT_EQ(value.num_tensors, 2u);
  EXPECT_EQ(value.tensors[0].dims[0], 1);
  EXPECT_EQ(value.tensors[1].dims[0], 3);
  mr_value_free(&value);

  // An empty sequence may leave elem_type undefined. An optional with an
  // elem_type but no value is absent (ONNX writes None so); one with an
  // empty sequence_value holds the empty sequence.
  ASSERT_EQ(decodeValue({}, MOCC_VALUE_SEQUENCE, &value), "");
  EXPECT_EQ(value.num_tensors, 0u);
  for (int elemType : {1, 3}) {
    ASSERT_EQ(decodeValue(Proto().field(2, elemType).bytes,
                          MOCC_VALUE_OPTIONAL, &value),
              "");
    EXPECT_EQ(value.content, 0);
    EXPECT_EQ(value.num_tensors, 0u);
  }
  ASSERT_EQ(decodeValue(Proto().field(2, 3).bytesField(5, {}).bytes,
                        MOCC_VALUE_OPTIONAL, &value),
            "");
  EXPECT_EQ(value.content, MOCC_VALUE_SEQUENCE);
  EXPECT_EQ(value.num_tensors, 0u);

  // A tensor value is its TensorProto.
  ASSERT_EQ(decodeValue(onesProto(2), MOCC_VALUE_TENSOR, &value), "");
  EXPECT_EQ(value.num_tensors, 1u);
  mr_value_free(&value);
}

TEST(ValueProtoTest, ReportsWhatItCannotHold) {
  Bytes tensor = onesProto(2);
  struct Case {
    mocc_value_kind kind;
    Bytes bytes;
    std::string error;
  } cases[] = {
      {MOCC_VALUE_SEQUENCE, Proto().field(2, 2).bytesField(4, {}).bytes,
       "a sequence holding a sparse tensor is not supported"},
      {MOCC_VALUE_SEQUENCE, Proto().field(2, 3).bytesField(5, {}).bytes,
       "a sequence holding a sequence is not supported"},
      {MOCC_VALUE_SEQUENCE, Proto().field(2, 4).bytes,
       "a sequence holding a map is not supported"},
      {MOCC_VALUE_SEQUENCE, Proto().field(2, 9).bytes, "unknown elem_type 9"},
      {MOCC_VALUE_SEQUENCE, Proto().field(2, 1).field(3, 1).bytes,
       "field 3 has wire type 0"},
      {MOCC_VALUE_SEQUENCE,
       Proto().bytesField(3, tensor).bytesField(3, Bytes{0x10, 1}).bytes,
       "tensor 1: 0 values, its shape needs 1"},
      {MOCC_VALUE_OPTIONAL, Proto().field(2, 4).bytesField(6, {}).bytes,
       "an optional holding a map is not supported"},
      {MOCC_VALUE_OPTIONAL, Proto().field(2, 5).bytesField(7, {}).bytes,
       "an optional holding an optional is not supported"},
      {MOCC_VALUE_OPTIONAL, Proto().bytesField(3, tensor).bytes,
       "elem_type 0 does not match field 3"},
      {MOCC_VALUE_OPTIONAL,
       Proto().field(2, 1).bytesField(3, tensor).bytesField(3, tensor).bytes,
       "an optional holding more than one value"},
      {MOCC_VALUE_OPTIONAL, Proto().key(2, 0).bytes, "malformed protobuf"},
  };
  for (const Case &c : cases) {
    mr_value value;
    EXPECT_EQ(decodeValue(c.bytes, c.kind, &value), c.error);
  }
}

// As for TensorProto: every prefix and corruption decodes or fails cleanly.
TEST(ValueProtoTest, SurvivesTruncationAndCorruption) {
  Proto sequence;
  sequence.field(2, 1).bytesField(3, onesProto(2)).bytesField(3, onesProto(1));
  Proto optional;
  optional.bytesField(1, {'o'}).field(2, 3).bytesField(5, sequence.bytes);
  const Bytes &valid = optional.bytes;
  for (size_t length = 0; length <= valid.size(); ++length) {
    mr_value value;
    Bytes prefix(valid.begin(), valid.begin() + length);
    if (decodeValue(prefix, MOCC_VALUE_OPTIONAL, &value).empty())
      mr_value_free(&value);
  }
  for (size_t i = 0; i < valid.size(); ++i) {
    for (int byte : {0x00, 0x7f, 0x80, 0xff}) {
      Bytes corrupt = valid;
      corrupt[i] = static_cast<uint8_t>(byte);
      mr_value value;
      if (decodeValue(corrupt, MOCC_VALUE_OPTIONAL, &value).empty())
        mr_value_free(&value);
    }
  }
}

Bytes encodeNpy(const mr_tensor &tensor) {
  uint8_t *bytes;
  size_t size;
  mr_error error;
  EXPECT_EQ(mr_npy_encode(&tensor, &bytes, &size, &error), 0);
  Bytes result(bytes, bytes + size);
  std::free(bytes);
  return result;
}

TEST(NpyTest, RoundTripsDtypesAndShapes) {
  const uint8_t pattern[48] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3};
  for (mocc_dtype dtype : kAllDtypes) {
    if (dtype == MOCC_DTYPE_BFLOAT16 || dtype == MOCC_DTYPE_BOOL)
      continue;
    for (std::vector<int64_t> dims :
         {std::vector<int64_t>{}, {3}, {2, 3}, {1, 0, 2}}) {
      mr_tensor tensor = makeTensor(dtype, dims, pattern);
      Bytes file = encodeNpy(tensor);
      size_t headerLength = file[8] | file[9] << 8;
      EXPECT_EQ((10 + headerLength) % 64, 0u) << "the data is aligned";
      mr_tensor decoded;
      ASSERT_EQ(decodeNpy(file, &decoded), "");
      EXPECT_EQ(decoded.dtype, dtype);
      ASSERT_EQ(decoded.rank, static_cast<int32_t>(dims.size()));
      for (size_t i = 0; i < dims.size(); ++i)
        EXPECT_EQ(decoded.dims[i], dims[i]);
      ASSERT_EQ(decoded.bytes, tensor.bytes);
      EXPECT_EQ(std::memcmp(decoded.data, tensor.data, tensor.bytes), 0);
      mr_tensor_free(&decoded);
      mr_tensor_free(&tensor);
    }
  }
}

Bytes npyFile(int major, const std::string &header, size_t dataBytes) {
  Bytes file = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<uint8_t>(major), 0};
  size_t lengthBytes = major == 1 ? 2 : 4;
  for (size_t i = 0; i < lengthBytes; ++i)
    file.push_back(static_cast<uint8_t>(header.size() >> (8 * i)));
  file.insert(file.end(), header.begin(), header.end());
  file.resize(file.size() + dataBytes, 1);
  return file;
}

TEST(NpyTest, ReadsWhatNumpyWrites) {
  mr_tensor tensor;
  ASSERT_EQ(decodeNpy(npyFile(2,
                              "{'descr': '|b1', 'fortran_order': False, "
                              "'shape': (2, 2), }   \n",
                              4),
                      &tensor),
            "");
  EXPECT_EQ(tensor.dtype, MOCC_DTYPE_BOOL);
  EXPECT_EQ(tensor.rank, 2);
  mr_tensor_free(&tensor);
  ASSERT_EQ(
      decodeNpy(npyFile(1, "{\"shape\":(5,),\"descr\":\"<i8\"}", 40), &tensor),
      "");
  EXPECT_EQ(tensor.dtype, MOCC_DTYPE_INT64);
  EXPECT_EQ(tensor.dims[0], 5);
  mr_tensor_free(&tensor);
}

TEST(NpyTest, ReportsBadFiles) {
  mr_tensor tensor;
  auto header = [](const char *descr, const char *order, const char *shape) {
    return std::string("{'descr': '") + descr + "', 'fortran_order': " + order +
           ", 'shape': " + shape + ", }\n";
  };
  EXPECT_EQ(decodeNpy(npyFile(1, header(">f4", "False", "(2,)"), 8), &tensor),
            "unsupported .npy dtype '>f4'");
  EXPECT_EQ(decodeNpy(npyFile(1, header("<c8", "False", "(2,)"), 8), &tensor),
            "unsupported .npy dtype '<c8'");
  EXPECT_EQ(decodeNpy(npyFile(1, header("<f4", "True", "(2, 2)"), 16), &tensor),
            "Fortran-order .npy arrays are not supported");
  EXPECT_EQ(
      decodeNpy(npyFile(1, header("<f4", "False", "(2, 2)"), 15), &tensor),
      ".npy data has 15 bytes, float32 needs 16");
  EXPECT_EQ(
      decodeNpy(npyFile(1, header("<f4", "False", "(2, -2)"), 16), &tensor),
      "malformed or unsupported .npy shape");
  EXPECT_EQ(decodeNpy(npyFile(1, header("<f4", "False", "(100000, 1000000)"),
                              4),
                      &tensor),
            ".npy data has 4 bytes, float32 needs 400000000000");
  EXPECT_EQ(decodeNpy(npyFile(4, header("<f4", "False", "()"), 4), &tensor),
            "unsupported .npy version 4");
  EXPECT_EQ(decodeNpy(Bytes{'P', 'K', 3, 4, 0, 0, 0, 0}, &tensor),
            "not a .npy file");

  Bytes valid = npyFile(1, header("<f4", "False", "(2, 2)"), 16);
  for (size_t length = 0; length < valid.size(); ++length) {
    Bytes prefix(valid.begin(), valid.begin() + length);
    EXPECT_NE(decodeNpy(prefix, &tensor), "") << length;
  }
  for (size_t i = 0; i + 16 < valid.size(); ++i) {
    for (char value : {'\0', '\'', '(', ')', ',', '}', '\xff'}) {
      Bytes corrupt = valid;
      corrupt[i] = static_cast<uint8_t>(value);
      if (decodeNpy(corrupt, &tensor).empty())
        mr_tensor_free(&tensor);
    }
  }
}

TEST(NpyTest, HasNoBfloat16) {
  uint16_t bits = 0x3f80;
  mr_tensor tensor = makeTensor(MOCC_DTYPE_BFLOAT16, {1}, &bits);
  uint8_t *bytes;
  size_t size;
  mr_error error;
  EXPECT_EQ(mr_npy_encode(&tensor, &bytes, &size, &error), -1);
  EXPECT_STREQ(error.message, "bfloat16 has no .npy dtype");
  mr_tensor_free(&tensor);
}

mr_compare_result compareFloats(std::vector<float> actual,
                                std::vector<float> expected, double rtol,
                                double atol) {
  int64_t dims[] = {static_cast<int64_t>(actual.size())};
  mr_tensor a = {MOCC_DTYPE_FLOAT32, 1, {}, actual.data(), actual.size() * 4};
  mr_tensor b = {
      MOCC_DTYPE_FLOAT32, 1, {}, expected.data(), expected.size() * 4};
  a.dims[0] = b.dims[0] = dims[0];
  return mr_compare(&a, &b, rtol, atol);
}

TEST(CompareTest, FollowsAllclose) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  mr_compare_result result = compareFloats(
      {1.0f, 100.05f, nan, inf, 0}, {1.0f, 100, nan, inf, 0}, 1e-3, 1e-4);
  EXPECT_TRUE(result.type_matches);
  EXPECT_EQ(result.mismatches, 0u);
  EXPECT_NEAR(result.max_abs_err, 0.05, 1e-5);
  EXPECT_NEAR(result.max_rel_err, 0.0005, 1e-7);

  // atol alone when the expected value is 0; rtol scales with |expected|.
  EXPECT_EQ(compareFloats({2e-4f}, {0}, 1e-3, 1e-4).mismatches, 1u);
  EXPECT_EQ(compareFloats({100.2f}, {100}, 1e-3, 1e-4).mismatches, 1u);
  result = compareFloats({1, nan, -inf, 2}, {1, 0, inf, nan}, 1e-3, 1e-4);
  EXPECT_EQ(result.mismatches, 3u);
  EXPECT_EQ(result.first_mismatch, 1u);
}

TEST(CompareTest, DecodesFloat8) {
  // 1.0, the largest finite value, the smallest subnormal, -0, NaN.
  const uint8_t e4m3fn[] = {0x38, 0x7e, 0x01, 0x80, 0x7f};
  mr_tensor a = makeTensor(MOCC_DTYPE_FLOAT8E4M3FN, {5}, e4m3fn);
  EXPECT_EQ(mr_tensor_get(&a, 0), 1.0);
  EXPECT_EQ(mr_tensor_get(&a, 1), 448.0);
  EXPECT_EQ(mr_tensor_get(&a, 2), std::ldexp(1.0, -9));
  EXPECT_TRUE(std::signbit(mr_tensor_get(&a, 3)));
  EXPECT_TRUE(std::isnan(mr_tensor_get(&a, 4)));
  // E5M2 has infinities; FNUZ formats a bias one larger and NaN at 0x80.
  const uint8_t e5m2[] = {0x3c, 0x7b, 0xfc, 0x7e};
  mr_tensor b = makeTensor(MOCC_DTYPE_FLOAT8E5M2, {4}, e5m2);
  EXPECT_EQ(mr_tensor_get(&b, 0), 1.0);
  EXPECT_EQ(mr_tensor_get(&b, 1), 57344.0);
  EXPECT_EQ(mr_tensor_get(&b, 2), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(mr_tensor_get(&b, 3)));
  const uint8_t e5m2fnuz[] = {0x40, 0x7f, 0x80};
  mr_tensor c = makeTensor(MOCC_DTYPE_FLOAT8E5M2FNUZ, {3}, e5m2fnuz);
  EXPECT_EQ(mr_tensor_get(&c, 0), 1.0);
  EXPECT_EQ(mr_tensor_get(&c, 1), 57344.0);
  EXPECT_TRUE(std::isnan(mr_tensor_get(&c, 2)));
  // Compared as floats: NaN matches NaN.
  EXPECT_EQ(mr_compare(&a, &a, 0, 0).mismatches, 0u);
  mr_tensor_free(&a);
  mr_tensor_free(&b);
  mr_tensor_free(&c);
}

TEST(CompareTest, IntegersAreExactAndShapesMustMatch) {
  int64_t big[] = {INT64_MAX, 1}, bigger[] = {INT64_MAX - 1, 1};
  mr_tensor a = makeTensor(MOCC_DTYPE_INT64, {2}, big);
  mr_tensor b = makeTensor(MOCC_DTYPE_INT64, {2}, bigger);
  EXPECT_EQ(mr_compare(&a, &a, 1, 1).mismatches, 0u);
  EXPECT_EQ(mr_compare(&a, &b, 1, 1).mismatches, 1u);
  mr_tensor c = makeTensor(MOCC_DTYPE_INT64, {1, 2}, big);
  EXPECT_FALSE(mr_compare(&a, &c, 1, 1).type_matches);
  mr_tensor_free(&a);
  mr_tensor_free(&b);
  mr_tensor_free(&c);
}

} // namespace
