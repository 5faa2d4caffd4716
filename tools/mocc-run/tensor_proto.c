#include "tensor_proto.h"

#include <stdlib.h>
#include <string.h>

/* TensorProto field numbers (onnx.proto). */
enum {
  kDims = 1,
  kDataType = 2,
  kFloatData = 4,
  kInt32Data = 5,
  kInt64Data = 7,
  kName = 8,
  kRawData = 9,
  kDoubleData = 10,
  kUint64Data = 11,
  kDataLocation = 14,
};

enum { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

typedef struct reader {
  const uint8_t *next, *end;
} reader;

static int read_varint(reader *r, uint64_t *out) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64 && r->next < r->end; shift += 7) {
    uint8_t byte = *r->next++;
    value |= (uint64_t)(byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      *out = value;
      return 0;
    }
  }
  return -1;
}

static int read_fixed(reader *r, size_t size, uint64_t *out) {
  if ((size_t)(r->end - r->next) < size)
    return -1;
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i)
    value |= (uint64_t)r->next[i] << (8 * i);
  r->next += size;
  *out = value;
  return 0;
}

/* One field: its scalar value (varint, fixed32, fixed64) or its bytes. */
typedef struct field {
  uint64_t number;
  int wire_type;
  uint64_t value;
  reader bytes;
} field;

/* Returns 1 and the next field, 0 at the end, -1 on malformed input. */
static int next_field(reader *r, field *f) {
  if (r->next == r->end)
    return 0;
  uint64_t key;
  if (read_varint(r, &key))
    return -1;
  f->number = key >> 3;
  f->wire_type = (int)(key & 7);
  switch (f->wire_type) {
  case kVarint:
    return read_varint(r, &f->value) ? -1 : 1;
  case kFixed64:
    return read_fixed(r, 8, &f->value) ? -1 : 1;
  case kFixed32:
    return read_fixed(r, 4, &f->value) ? -1 : 1;
  case kLengthDelimited: {
    uint64_t length;
    if (read_varint(r, &length) || length > (uint64_t)(r->end - r->next))
      return -1;
    f->bytes.next = r->next;
    f->bytes.end = r->next + length;
    r->next += length;
    return 1;
  }
  }
  return -1; /* groups (3, 4) are not valid in TensorProto */
}

/* Calls `visit` on each value of a repeated scalar field, whether the field
 * is packed or not. `scalar_wire` is the unpacked wire type. */
typedef int (*value_visitor)(void *context, uint64_t value);
static int for_each_value(const field *f, int scalar_wire, value_visitor visit,
                          void *context) {
  if (f->wire_type == scalar_wire)
    return visit(context, f->value);
  if (f->wire_type != kLengthDelimited)
    return -1;
  reader packed = f->bytes;
  while (packed.next < packed.end) {
    uint64_t value;
    int failed = scalar_wire == kVarint    ? read_varint(&packed, &value)
                 : scalar_wire == kFixed32 ? read_fixed(&packed, 4, &value)
                                           : read_fixed(&packed, 8, &value);
    if (failed || visit(context, value))
      return -1;
  }
  return 0;
}

typedef struct header {
  int64_t dims[MR_MAX_RANK];
  int32_t rank;
  int rank_overflow;
  int64_t data_type;
  reader name;
  const uint8_t *raw; /* NULL when absent */
  size_t raw_size;
} header;

static int add_dim(void *context, uint64_t value) {
  header *h = context;
  if (h->rank == MR_MAX_RANK) {
    h->rank_overflow = 1;
    return -1;
  }
  h->dims[h->rank++] = (int64_t)value;
  return 0;
}

/* The fields that give the shape and type, and raw_data. */
static int read_header(reader message, header *h, mr_error *error) {
  memset(h, 0, sizeof(*h));
  field f = {0};
  int more;
  while ((more = next_field(&message, &f)) > 0) {
    int bad_wire = 0;
    switch (f.number) {
    case kDims:
      if (for_each_value(&f, kVarint, add_dim, h))
        return h->rank_overflow
                   ? mr_fail(error, "more than %d dimensions", MR_MAX_RANK)
                   : mr_fail(error, "malformed dims");
      break;
    case kDataType:
      bad_wire = f.wire_type != kVarint;
      h->data_type = (int64_t)f.value;
      break;
    case kName:
      bad_wire = f.wire_type != kLengthDelimited;
      h->name = f.bytes;
      break;
    case kRawData:
      bad_wire = f.wire_type != kLengthDelimited;
      h->raw = f.bytes.next;
      h->raw_size = (size_t)(f.bytes.end - f.bytes.next);
      break;
    case kDataLocation:
      if (f.wire_type == kVarint && f.value == 1)
        return mr_fail(error, "external data is not supported");
      break;
    }
    if (bad_wire)
      return mr_fail(error, "field %llu has wire type %d",
                     (unsigned long long)f.number, f.wire_type);
  }
  if (more < 0)
    return mr_fail(error, "malformed protobuf");
  return 0;
}

/* The repeated field ONNX uses for `dtype` when raw_data is absent, and its
 * unpacked wire type. */
static int typed_field(mocc_dtype dtype, int *out_wire) {
  switch (dtype) {
  case MOCC_DTYPE_FLOAT32:
    *out_wire = kFixed32;
    return kFloatData;
  case MOCC_DTYPE_FLOAT64:
    *out_wire = kFixed64;
    return kDoubleData;
  case MOCC_DTYPE_INT64:
    *out_wire = kVarint;
    return kInt64Data;
  case MOCC_DTYPE_UINT32:
  case MOCC_DTYPE_UINT64:
    *out_wire = kVarint;
    return kUint64Data;
  default: /* int8/16/32, uint8/16, bool, float16 and bfloat16 bits */
    *out_wire = kVarint;
    return kInt32Data;
  }
}

typedef struct value_sink {
  mr_tensor *tensor;
  size_t element_size, count, capacity;
  int too_many;
} value_sink;

/* Stores the low bytes of `value`, little-endian, as the next element. */
static int store_value(void *context, uint64_t value) {
  value_sink *sink = context;
  if (sink->count == sink->capacity) {
    sink->too_many = 1;
    return -1;
  }
  if (sink->tensor->dtype == MOCC_DTYPE_BOOL)
    value = value != 0;
  uint8_t *element =
      (uint8_t *)sink->tensor->data + sink->count++ * sink->element_size;
  for (size_t i = 0; i < sink->element_size; ++i)
    element[i] = (uint8_t)(value >> (8 * i));
  return 0;
}

static int read_typed_data(reader message, mr_tensor *tensor, mr_error *error) {
  int wire;
  uint64_t number = (uint64_t)typed_field(tensor->dtype, &wire);
  value_sink sink = {tensor, mocc_dtype_size(tensor->dtype), 0,
                     mr_tensor_num_elements(tensor), 0};
  field f = {0};
  int more;
  while ((more = next_field(&message, &f)) > 0) {
    if (f.number != number || !for_each_value(&f, wire, store_value, &sink))
      continue;
    if (sink.too_many)
      return mr_fail(error, "more values than the %zu its shape needs",
                     sink.capacity);
    return mr_fail(error, "malformed data field %llu",
                   (unsigned long long)number);
  }
  if (more < 0)
    return mr_fail(error, "malformed protobuf");
  if (sink.count != sink.capacity)
    return mr_fail(error, "%zu values, its shape needs %zu", sink.count,
                   sink.capacity);
  return 0;
}

/* The packed bytes of a tensor of 4- or 2-bit integers. */
static size_t packed_size(const mr_tensor *tensor) {
  size_t per_byte = (size_t)(8 / mr_dtype_packed_bits(tensor->dtype));
  return (mr_tensor_num_elements(tensor) + per_byte - 1) / per_byte;
}

/* Unpacks 4- or 2-bit integers, low bits first, one per byte of `tensor`,
 * sign-extended for the signed types. */
static void unpack(const uint8_t *packed, mr_tensor *tensor) {
  int bits = mr_dtype_packed_bits(tensor->dtype);
  int is_signed =
      tensor->dtype == MOCC_DTYPE_INT4 || tensor->dtype == MOCC_DTYPE_INT2;
  size_t per_byte = (size_t)(8 / bits), count = mr_tensor_num_elements(tensor);
  uint8_t *out = tensor->data;
  for (size_t i = 0; i < count; ++i) {
    unsigned value = (packed[i / per_byte] >> (bits * (i % per_byte))) &
                     ((1u << bits) - 1);
    if (is_signed && (value >> (bits - 1)))
      value |= 0xffu << bits;
    out[i] = (uint8_t)value;
  }
}

/* Packed data comes in raw_data, or one packed byte per int32_data value. */
static int read_packed_data(reader message, const header *h, mr_tensor *tensor,
                            mr_error *error) {
  size_t size = packed_size(tensor);
  uint8_t *packed = calloc(size ? size : 1, 1);
  if (!packed)
    return mr_fail(error, "out of memory");
  int failed = 0;
  if (h->raw) {
    if (h->raw_size != size)
      failed = mr_fail(error, "raw_data has %zu bytes, %zu %s values need %zu",
                       h->raw_size, mr_tensor_num_elements(tensor),
                       mocc_dtype_name(tensor->dtype), size);
    else
      memcpy(packed, h->raw, size);
  } else {
    mr_tensor bytes = *tensor;
    bytes.dtype = MOCC_DTYPE_UINT8;
    bytes.rank = 1;
    bytes.dims[0] = (int64_t)size;
    bytes.data = packed;
    failed = read_typed_data(message, &bytes, error);
  }
  if (!failed)
    unpack(packed, tensor);
  free(packed);
  return failed;
}

int mr_tensor_proto_decode(const uint8_t *bytes, size_t size,
                           mr_tensor *out_tensor, char **out_name,
                           mr_error *error) {
  memset(out_tensor, 0, sizeof(*out_tensor));
  reader message = {bytes, bytes + size};
  header h;
  if (read_header(message, &h, error))
    return -1;
  mocc_dtype dtype = (mocc_dtype)h.data_type;
  if (h.data_type != (int32_t)h.data_type || mocc_dtype_size(dtype) == 0)
    return mr_fail(error, "unsupported data type %lld", (long long)h.data_type);
  if (mr_tensor_alloc(out_tensor, dtype, h.rank, h.dims, error))
    return -1;

  int failed = 0;
  if (mr_dtype_packed_bits(dtype)) {
    failed = read_packed_data(message, &h, out_tensor, error);
  } else if (h.raw) {
    if (h.raw_size != out_tensor->bytes)
      failed = mr_fail(error, "raw_data has %zu bytes, %s needs %zu",
                       h.raw_size, mocc_dtype_name(dtype), out_tensor->bytes);
    else
      memcpy(out_tensor->data, h.raw, h.raw_size);
  } else {
    failed = read_typed_data(message, out_tensor, error);
  }
  if (!failed && out_name) {
    size_t length = (size_t)(h.name.end - h.name.next);
    *out_name = malloc(length + 1);
    if (!*out_name) {
      failed = mr_fail(error, "out of memory");
    } else {
      if (length)
        memcpy(*out_name, h.name.next, length);
      (*out_name)[length] = '\0';
    }
  }
  if (failed)
    mr_tensor_free(out_tensor);
  return failed;
}

/* --- Encoding ------------------------------------------------------------ */

static size_t varint_size(uint64_t value) {
  size_t size = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++size;
  }
  return size;
}

static uint8_t *put_varint(uint8_t *out, uint64_t value) {
  while (value >= 0x80) {
    *out++ = (uint8_t)(value | 0x80);
    value >>= 7;
  }
  *out++ = (uint8_t)value;
  return out;
}

static uint8_t *put_key(uint8_t *out, int number, int wire_type) {
  return put_varint(out, (uint64_t)(number << 3 | wire_type));
}

static uint8_t *put_bytes(uint8_t *out, int number, const void *bytes,
                          size_t size) {
  out = put_key(out, number, kLengthDelimited);
  out = put_varint(out, size);
  if (size)
    memcpy(out, bytes, size);
  return out + size;
}

/* Packs the bytes of 4- or 2-bit integers, low bits first. */
static void pack(const mr_tensor *tensor, uint8_t *packed) {
  int bits = mr_dtype_packed_bits(tensor->dtype);
  size_t per_byte = (size_t)(8 / bits), count = mr_tensor_num_elements(tensor);
  const uint8_t *in = tensor->data;
  memset(packed, 0, packed_size(tensor));
  for (size_t i = 0; i < count; ++i)
    packed[i / per_byte] |= (uint8_t)((in[i] & ((1u << bits) - 1))
                                      << (bits * (i % per_byte)));
}

int mr_tensor_proto_encode(const mr_tensor *tensor, const char *name,
                           uint8_t **out_bytes, size_t *out_size,
                           mr_error *error) {
  size_t data_size = mr_dtype_packed_bits(tensor->dtype)
                         ? packed_size(tensor)
                         : tensor->bytes;
  /* proto2 repeated scalars are written unpacked: every parser reads that. */
  size_t size = 1 + varint_size((uint64_t)tensor->dtype);
  for (int32_t i = 0; i < tensor->rank; ++i)
    size += 1 + varint_size((uint64_t)tensor->dims[i]);
  size_t name_size = name ? strlen(name) : 0;
  if (name)
    size += 1 + varint_size(name_size) + name_size;
  size += 1 + varint_size(data_size) + data_size;

  uint8_t *bytes = malloc(size);
  if (!bytes)
    return mr_fail(error, "out of memory");
  uint8_t *out = bytes;
  for (int32_t i = 0; i < tensor->rank; ++i) {
    out = put_key(out, kDims, kVarint);
    out = put_varint(out, (uint64_t)tensor->dims[i]);
  }
  out = put_key(out, kDataType, kVarint);
  out = put_varint(out, (uint64_t)tensor->dtype);
  if (name)
    out = put_bytes(out, kName, name, name_size);
  if (mr_dtype_packed_bits(tensor->dtype)) {
    out = put_key(out, kRawData, kLengthDelimited);
    out = put_varint(out, data_size);
    pack(tensor, out);
  } else {
    put_bytes(out, kRawData, tensor->data, tensor->bytes);
  }
  *out_bytes = bytes;
  *out_size = size;
  return 0;
}
