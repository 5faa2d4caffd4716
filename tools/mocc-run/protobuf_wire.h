/* The protobuf wire format that ONNX's messages use, read and written by hand
 * so that mocc-run needs no protobuf library and cross-builds as plain C. */
#ifndef MOCC_RUN_PROTOBUF_WIRE_H
#define MOCC_RUN_PROTOBUF_WIRE_H

#include <stddef.h>
#include <stdint.h>

enum {
  MR_PB_VARINT = 0,
  MR_PB_FIXED64 = 1,
  MR_PB_LENGTH_DELIMITED = 2,
  MR_PB_FIXED32 = 5,
};

/* The unread part of a message. */
typedef struct mr_pb_reader {
  const uint8_t *next, *end;
} mr_pb_reader;

/* One field: its scalar value (varint, fixed32, fixed64) or its bytes. */
typedef struct mr_pb_field {
  uint64_t number;
  int wire_type;
  uint64_t value;
  mr_pb_reader bytes;
} mr_pb_field;

/* Both return 0, or -1 on malformed input. */
int mr_pb_read_varint(mr_pb_reader *r, uint64_t *out);
int mr_pb_read_fixed(mr_pb_reader *r, size_t size, uint64_t *out);

/* Returns 1 and the next field, 0 at the end, -1 on malformed input. */
int mr_pb_next_field(mr_pb_reader *r, mr_pb_field *f);

/* Calls `visit` on each value of a repeated scalar field, whether the field
 * is packed or not; -1 when malformed or when `visit` fails. `scalar_wire`
 * is the unpacked wire type. */
typedef int (*mr_pb_value_visitor)(void *context, uint64_t value);
int mr_pb_for_each_value(const mr_pb_field *f, int scalar_wire,
                         mr_pb_value_visitor visit, void *context);

/* Writers: each returns the end of what it wrote at `out`, which must have
 * room for it. */
size_t mr_pb_varint_size(uint64_t value);
uint8_t *mr_pb_put_varint(uint8_t *out, uint64_t value);
uint8_t *mr_pb_put_key(uint8_t *out, int number, int wire_type);
/* A length-delimited field, and its size. */
uint8_t *mr_pb_put_bytes(uint8_t *out, int number, const void *bytes,
                         size_t size);
size_t mr_pb_bytes_field_size(int number, size_t size);

#endif /* MOCC_RUN_PROTOBUF_WIRE_H */
