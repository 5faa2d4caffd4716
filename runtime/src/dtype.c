#include "mocc/model.h"

size_t mocc_dtype_size(mocc_dtype dtype) {
  switch (dtype) {
  case MOCC_DTYPE_UINT8:
  case MOCC_DTYPE_INT8:
  case MOCC_DTYPE_BOOL:
  case MOCC_DTYPE_FLOAT8E4M3FN:
  case MOCC_DTYPE_FLOAT8E4M3FNUZ:
  case MOCC_DTYPE_FLOAT8E5M2:
  case MOCC_DTYPE_FLOAT8E5M2FNUZ:
  case MOCC_DTYPE_FLOAT4E2M1:
  case MOCC_DTYPE_FLOAT8E8M0:
  case MOCC_DTYPE_UINT4:
  case MOCC_DTYPE_INT4:
  case MOCC_DTYPE_UINT2:
  case MOCC_DTYPE_INT2:
    return 1;
  case MOCC_DTYPE_UINT16:
  case MOCC_DTYPE_INT16:
  case MOCC_DTYPE_FLOAT16:
  case MOCC_DTYPE_BFLOAT16:
    return 2;
  case MOCC_DTYPE_FLOAT32:
  case MOCC_DTYPE_INT32:
  case MOCC_DTYPE_UINT32:
    return 4;
  case MOCC_DTYPE_INT64:
  case MOCC_DTYPE_FLOAT64:
  case MOCC_DTYPE_UINT64:
    return 8;
  case MOCC_DTYPE_INVALID:
    break;
  }
  return 0;
}

const char *mocc_dtype_name(mocc_dtype dtype) {
  switch (dtype) {
  case MOCC_DTYPE_FLOAT32:
    return "float32";
  case MOCC_DTYPE_UINT8:
    return "uint8";
  case MOCC_DTYPE_INT8:
    return "int8";
  case MOCC_DTYPE_UINT16:
    return "uint16";
  case MOCC_DTYPE_INT16:
    return "int16";
  case MOCC_DTYPE_INT32:
    return "int32";
  case MOCC_DTYPE_INT64:
    return "int64";
  case MOCC_DTYPE_BOOL:
    return "bool";
  case MOCC_DTYPE_FLOAT16:
    return "float16";
  case MOCC_DTYPE_FLOAT64:
    return "float64";
  case MOCC_DTYPE_UINT32:
    return "uint32";
  case MOCC_DTYPE_UINT64:
    return "uint64";
  case MOCC_DTYPE_BFLOAT16:
    return "bfloat16";
  case MOCC_DTYPE_FLOAT8E4M3FN:
    return "float8e4m3fn";
  case MOCC_DTYPE_FLOAT8E4M3FNUZ:
    return "float8e4m3fnuz";
  case MOCC_DTYPE_FLOAT8E5M2:
    return "float8e5m2";
  case MOCC_DTYPE_FLOAT8E5M2FNUZ:
    return "float8e5m2fnuz";
  case MOCC_DTYPE_UINT4:
    return "uint4";
  case MOCC_DTYPE_INT4:
    return "int4";
  case MOCC_DTYPE_FLOAT4E2M1:
    return "float4e2m1";
  case MOCC_DTYPE_FLOAT8E8M0:
    return "float8e8m0";
  case MOCC_DTYPE_UINT2:
    return "uint2";
  case MOCC_DTYPE_INT2:
    return "int2";
  case MOCC_DTYPE_INVALID:
    break;
  }
  return "invalid";
}
