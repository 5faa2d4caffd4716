#include "protobuf_wire.h"

#include <string.h>

int mr_pb_read_varint(mr_pb_reader *r, uint64_t *out) {
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

int mr_pb_read_fixed(mr_pb_reader *r, size_t size, uint64_t *out) {
  if ((size_t)(r->end - r->next) < size)
    return -1;
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i)
    value |= (uint64_t)r->next[i] << (8 * i);
  r->next += size;
  *out = value;
  return 0;
}

int mr_pb_next_field(mr_pb_reader *r, mr_pb_field *f) {
  if (r->next == r->end)
    return 0;
  uint64_t key;
  if (mr_pb_read_varint(r, &key))
    return -1;
  f->number = key >> 3;
  f->wire_type = (int)(key & 7);
  switch (f->wire_type) {
  case MR_PB_VARINT:
    return mr_pb_read_varint(r, &f->value) ? -1 : 1;
  case MR_PB_FIXED64:
    return mr_pb_read_fixed(r, 8, &f->value) ? -1 : 1;
  case MR_PB_FIXED32:
    return mr_pb_read_fixed(r, 4, &f->value) ? -1 : 1;
  case MR_PB_LENGTH_DELIMITED: {
    uint64_t length;
    if (mr_pb_read_varint(r, &length) || length > (uint64_t)(r->end - r->next))
      return -1;
    f->bytes.next = r->next;
    f->bytes.end = r->next + length;
    r->next += length;
    return 1;
  }
  }
  return -1; /* groups (3, 4) are not valid in ONNX's messages */
}

int mr_pb_for_each_value(const mr_pb_field *f, int scalar_wire,
                         mr_pb_value_visitor visit, void *context) {
  if (f->wire_type == scalar_wire)
    return visit(context, f->value);
  if (f->wire_type != MR_PB_LENGTH_DELIMITED)
    return -1;
  mr_pb_reader packed = f->bytes;
  while (packed.next < packed.end) {
    uint64_t value;
    int failed =
        scalar_wire == MR_PB_VARINT    ? mr_pb_read_varint(&packed, &value)
        : scalar_wire == MR_PB_FIXED32 ? mr_pb_read_fixed(&packed, 4, &value)
                                       : mr_pb_read_fixed(&packed, 8, &value);
    if (failed || visit(context, value))
      return -1;
  }
  return 0;
}

size_t mr_pb_varint_size(uint64_t value) {
  size_t size = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++size;
  }
  return size;
}

uint8_t *mr_pb_put_varint(uint8_t *out, uint64_t value) {
  while (value >= 0x80) {
    *out++ = (uint8_t)(value | 0x80);
    value >>= 7;
  }
  *out++ = (uint8_t)value;
  return out;
}

uint8_t *mr_pb_put_key(uint8_t *out, int number, int wire_type) {
  return mr_pb_put_varint(out, (uint64_t)(number << 3 | wire_type));
}

uint8_t *mr_pb_put_bytes(uint8_t *out, int number, const void *bytes,
                         size_t size) {
  out = mr_pb_put_key(out, number, MR_PB_LENGTH_DELIMITED);
  out = mr_pb_put_varint(out, size);
  if (size)
    memcpy(out, bytes, size);
  return out + size;
}

size_t mr_pb_bytes_field_size(int number, size_t size) {
  return mr_pb_varint_size((uint64_t)(number << 3)) + mr_pb_varint_size(size) +
         size;
}
