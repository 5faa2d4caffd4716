#include "tensor_proto.h"

#include "protobuf_wire.h"

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

typedef struct header {
  int64_t dims[MR_MAX_RANK];
  int32_t rank;
  int rank_overflow;
  int64_t data_type;
  mr_pb_reader name;
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
static int read_header(mr_pb_reader message, header *h, mr_error *error) {
  memset(h, 0, sizeof(*h));
  mr_pb_field f = {0};
  int more;
  while ((more = mr_pb_next_field(&message, &f)) > 0) {
    int bad_wire = 0;
    switch (f.number) {
    case kDims:
      if (mr_pb_for_each_value(&f, MR_PB_VARINT, add_dim, h))
        return h->rank_overflow
                   ? mr_fail(error, "more than %d dimensions", MR_MAX_RANK)
                   : mr_fail(error, "malformed dims");
      break;
    case kDataType:
      bad_wire = f.wire_type != MR_PB_VARINT;
      h->data_type = (int64_t)f.value;
      break;
    case kName:
      bad_wire = f.wire_type != MR_PB_LENGTH_DELIMITED;
      h->name = f.bytes;
      break;
    case kRawData:
      bad_wire = f.wire_type != MR_PB_LENGTH_DELIMITED;
      h->raw = f.bytes.next;
      h->raw_size = (size_t)(f.bytes.end - f.bytes.next);
      break;
    case kDataLocation:
      if (f.wire_type == MR_PB_VARINT && f.value == 1)
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
    *out_wire = MR_PB_FIXED32;
    return kFloatData;
  case MOCC_DTYPE_FLOAT64:
    *out_wire = MR_PB_FIXED64;
    return kDoubleData;
  case MOCC_DTYPE_INT64:
    *out_wire = MR_PB_VARINT;
    return kInt64Data;
  case MOCC_DTYPE_UINT32:
  case MOCC_DTYPE_UINT64:
    *out_wire = MR_PB_VARINT;
    return kUint64Data;
  default: /* int8/16/32, uint8/16, bool, float16 and bfloat16 bits */
    *out_wire = MR_PB_VARINT;
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

static int read_typed_data(mr_pb_reader message, mr_tensor *tensor,
                           mr_error *error) {
  int wire;
  uint64_t number = (uint64_t)typed_field(tensor->dtype, &wire);
  value_sink sink = {tensor, mocc_dtype_size(tensor->dtype), 0,
                     mr_tensor_num_elements(tensor), 0};
  mr_pb_field f = {0};
  int more;
  while ((more = mr_pb_next_field(&message, &f)) > 0) {
    if (f.number != number ||
        !mr_pb_for_each_value(&f, wire, store_value, &sink))
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
static int read_packed_data(mr_pb_reader message, const header *h,
                            mr_tensor *tensor, mr_error *error) {
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
  mr_pb_reader message = {bytes, bytes + size};
  header h;
  if (read_header(message, &h, error))
    return -1;
  mocc_dtype dtype = (mocc_dtype)h.data_type;
  if (h.data_type != (int32_t)h.data_type || mocc_dtype_size(dtype) == 0)
    return mr_fail(error, "unsupported data type %lld", (long long)h.data_type);
  size_t needed;
  if (mr_tensor_bytes(dtype, h.rank, h.dims, &needed, error))
    return -1;
  /* No encoding takes less than a byte per four elements (2-bit integers
   * packed in raw_data): dims that claim more than the message can hold are
   * refused before allocating for them. */
  size_t elements = needed / mocc_dtype_size(dtype);
  if (elements / 4 > size)
    return mr_fail(error, "dims claim %zu elements, more than a %zu-byte "
                   "TensorProto holds", elements, size);
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
  size_t size = 1 + mr_pb_varint_size((uint64_t)tensor->dtype);
  for (int32_t i = 0; i < tensor->rank; ++i)
    size += 1 + mr_pb_varint_size((uint64_t)tensor->dims[i]);
  size_t name_size = name ? strlen(name) : 0;
  if (name)
    size += 1 + mr_pb_varint_size(name_size) + name_size;
  size += 1 + mr_pb_varint_size(data_size) + data_size;

  uint8_t *bytes = malloc(size);
  if (!bytes)
    return mr_fail(error, "out of memory");
  uint8_t *out = bytes;
  for (int32_t i = 0; i < tensor->rank; ++i) {
    out = mr_pb_put_key(out, kDims, MR_PB_VARINT);
    out = mr_pb_put_varint(out, (uint64_t)tensor->dims[i]);
  }
  out = mr_pb_put_key(out, kDataType, MR_PB_VARINT);
  out = mr_pb_put_varint(out, (uint64_t)tensor->dtype);
  if (name)
    out = mr_pb_put_bytes(out, kName, name, name_size);
  if (mr_dtype_packed_bits(tensor->dtype)) {
    out = mr_pb_put_key(out, kRawData, MR_PB_LENGTH_DELIMITED);
    out = mr_pb_put_varint(out, data_size);
    pack(tensor, out);
  } else {
    mr_pb_put_bytes(out, kRawData, tensor->data, tensor->bytes);
  }
  *out_bytes = bytes;
  *out_size = size;
  return 0;
}
