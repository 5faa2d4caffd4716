// Element type helpers of the model ABI.

#include "mocc/model.h"

#include <gtest/gtest.h>

namespace {

TEST(DtypeTest, SizesAndNames) {
  struct Case {
    mocc_dtype dtype;
    size_t size;
    const char *name;
  } cases[] = {
      {MOCC_DTYPE_FLOAT32, 4, "float32"},   {MOCC_DTYPE_UINT8, 1, "uint8"},
      {MOCC_DTYPE_INT8, 1, "int8"},         {MOCC_DTYPE_UINT16, 2, "uint16"},
      {MOCC_DTYPE_INT16, 2, "int16"},       {MOCC_DTYPE_INT32, 4, "int32"},
      {MOCC_DTYPE_INT64, 8, "int64"},       {MOCC_DTYPE_BOOL, 1, "bool"},
      {MOCC_DTYPE_FLOAT16, 2, "float16"},   {MOCC_DTYPE_FLOAT64, 8, "float64"},
      {MOCC_DTYPE_UINT32, 4, "uint32"},     {MOCC_DTYPE_UINT64, 8, "uint64"},
      {MOCC_DTYPE_BFLOAT16, 2, "bfloat16"},
      {MOCC_DTYPE_FLOAT8E4M3FN, 1, "float8e4m3fn"},
      {MOCC_DTYPE_FLOAT8E4M3FNUZ, 1, "float8e4m3fnuz"},
      {MOCC_DTYPE_FLOAT8E5M2, 1, "float8e5m2"},
      {MOCC_DTYPE_FLOAT8E5M2FNUZ, 1, "float8e5m2fnuz"},
      {MOCC_DTYPE_FLOAT8E8M0, 1, "float8e8m0"},
      // Stored one per byte, unpacked.
      {MOCC_DTYPE_FLOAT4E2M1, 1, "float4e2m1"},
      {MOCC_DTYPE_UINT4, 1, "uint4"},       {MOCC_DTYPE_INT4, 1, "int4"},
      {MOCC_DTYPE_UINT2, 1, "uint2"},       {MOCC_DTYPE_INT2, 1, "int2"},
  };
  for (const Case &c : cases) {
    EXPECT_EQ(mocc_dtype_size(c.dtype), c.size) << c.name;
    EXPECT_STREQ(mocc_dtype_name(c.dtype), c.name);
  }
}

TEST(DtypeTest, UnknownDtypes) {
  // 8 is ONNX's string, which has no fixed size; 14 and 15 are complex.
  for (int value : {0, 8, 14, 15, -1, 1000}) {
    mocc_dtype dtype = static_cast<mocc_dtype>(value);
    EXPECT_EQ(mocc_dtype_size(dtype), 0u) << value;
    EXPECT_STREQ(mocc_dtype_name(dtype), "invalid") << value;
  }
}

} // namespace
