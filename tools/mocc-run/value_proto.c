#include "value_proto.h"

#include "protobuf_wire.h"
#include "tensor_proto.h"

#include <stdlib.h>
#include <string.h>

/* SequenceProto and OptionalProto number their fields alike: the contents
 * come at 2 + their DataType, whose values mocc_value_kind shares (repeated in
 * a sequence, one in an optional). */
enum {
  kName = 1,
  kElemType = 2,
  kTensorValue = 2 + MOCC_VALUE_TENSOR,
  kSequenceValue = 2 + MOCC_VALUE_SEQUENCE,
  kLastValue = 2 + MOCC_VALUE_OPTIONAL,
};

static int unsupported(mr_error *error, const char *container,
                       uint64_t elem_type) {
  static const char *const kNames[] = {"nothing",         "a tensor",
                                       "a sparse tensor", "a sequence",
                                       "a map",           "an optional"};
  if (elem_type >= sizeof(kNames) / sizeof(kNames[0]))
    return mr_fail(error, "unknown elem_type %llu",
                   (unsigned long long)elem_type);
  return mr_fail(error, "%s holding %s is not supported", container,
                 kNames[elem_type]);
}

static int append_tensor(mr_value *value, mr_pb_reader bytes, mr_error *error) {
  mr_tensor *tensors =
      realloc(value->tensors, (value->num_tensors + 1) * sizeof(mr_tensor));
  if (!tensors)
    return mr_fail(error, "out of memory");
  value->tensors = tensors;
  if (mr_tensor_proto_decode(bytes.next, (size_t)(bytes.end - bytes.next),
                             &tensors[value->num_tensors], NULL, error)) {
    if (value->kind == MOCC_VALUE_TENSOR)
      return -1;
    mr_error inner = *error;
    return mr_fail(error, "tensor %zu: %s", value->num_tensors, inner.message);
  }
  ++value->num_tensors;
  return 0;
}

/* Returns 1 and the next field of a SequenceProto or OptionalProto that says
 * what it holds (elem_type or a value), 0 at the end, -1 on an error. */
static int next_content_field(mr_pb_reader *message, mr_pb_field *f,
                              mr_error *error) {
  int more;
  while ((more = mr_pb_next_field(message, f)) > 0) {
    if (f->number < kElemType || f->number > kLastValue)
      continue; /* the name, or a field newer than mocc-run */
    int wire = f->number == kElemType ? MR_PB_VARINT : MR_PB_LENGTH_DELIMITED;
    if (f->wire_type != wire)
      return mr_fail(error, "field %llu has wire type %d",
                     (unsigned long long)f->number, f->wire_type);
    return 1;
  }
  return more < 0 ? mr_fail(error, "malformed protobuf") : 0;
}

static int decode_sequence(mr_pb_reader message, mr_value *value,
                           mr_error *error) {
  uint64_t elem_type = MOCC_VALUE_TENSOR;
  mr_pb_field f = {0};
  int more;
  while ((more = next_content_field(&message, &f, error)) > 0) {
    if (f.number == kElemType)
      elem_type = f.value;
    else if (f.number != kTensorValue)
      return unsupported(error, "a sequence", f.number - 2);
    else if (append_tensor(value, f.bytes, error))
      return -1;
  }
  if (more < 0)
    return -1;
  /* An empty sequence may leave its type undefined. */
  if (elem_type != MOCC_VALUE_TENSOR && elem_type != 0)
    return unsupported(error, "a sequence", elem_type);
  return 0;
}

static int decode_optional(mr_pb_reader message, mr_value *value,
                           mr_error *error) {
  uint64_t elem_type = 0;
  mr_pb_field f = {0}, content = {0}; /* content.number 0: none */
  int more;
  while ((more = next_content_field(&message, &f, error)) > 0) {
    if (f.number == kElemType)
      elem_type = f.value;
    else if (content.number)
      return mr_fail(error, "an optional holding more than one value");
    else
      content = f;
  }
  if (more < 0)
    return -1;
  if (content.number && content.number != elem_type + 2)
    return mr_fail(error, "elem_type %llu does not match field %llu",
                   (unsigned long long)elem_type,
                   (unsigned long long)content.number);
  /* ONNX writes an absent optional with its elem_type but no value. */
  if (!content.number)
    return 0;
  switch (elem_type) {
  case MOCC_VALUE_TENSOR:
    value->content = MOCC_VALUE_TENSOR;
    return append_tensor(value, content.bytes, error);
  case MOCC_VALUE_SEQUENCE:
    value->content = MOCC_VALUE_SEQUENCE;
    return decode_sequence(content.bytes, value, error);
  }
  return unsupported(error, "an optional", elem_type);
}

int mr_value_proto_decode(const uint8_t *bytes, size_t size,
                          mocc_value_kind kind, mr_value *out_value,
                          mr_error *error) {
  memset(out_value, 0, sizeof(*out_value));
  out_value->kind = kind;
  mr_pb_reader message = {bytes, bytes + size};
  int failed;
  switch (kind) {
  case MOCC_VALUE_TENSOR:
    failed = append_tensor(out_value, message, error);
    break;
  case MOCC_VALUE_SEQUENCE:
    failed = decode_sequence(message, out_value, error);
    break;
  case MOCC_VALUE_OPTIONAL:
    failed = decode_optional(message, out_value, error);
    break;
  default:
    failed = mr_fail(error, "unknown value kind %d", (int)kind);
  }
  if (failed)
    mr_value_free(out_value);
  return failed;
}

void mr_value_free(mr_value *value) {
  for (size_t i = 0; i < value->num_tensors; ++i)
    mr_tensor_free(&value->tensors[i]);
  free(value->tensors);
  memset(value, 0, sizeof(*value));
}

/* --- Encoding ------------------------------------------------------------ */

typedef struct encoded {
  uint8_t *bytes;
  size_t size;
} encoded;

/* A SequenceProto or OptionalProto: `name` (if not NULL), `elem_type`, then
 * `parts` as field `number`. */
static int encode_message(const char *name, int elem_type, int number,
                          const encoded *parts, size_t num_parts, encoded *out,
                          mr_error *error) {
  size_t name_size = name ? strlen(name) : 0;
  size_t size = 1 + mr_pb_varint_size((uint64_t)elem_type);
  if (name)
    size += mr_pb_bytes_field_size(kName, name_size);
  for (size_t i = 0; i < num_parts; ++i)
    size += mr_pb_bytes_field_size(number, parts[i].size);
  out->bytes = malloc(size);
  if (!out->bytes)
    return mr_fail(error, "out of memory");
  out->size = size;
  uint8_t *next = out->bytes;
  if (name)
    next = mr_pb_put_bytes(next, kName, name, name_size);
  next = mr_pb_put_key(next, kElemType, MR_PB_VARINT);
  next = mr_pb_put_varint(next, (uint64_t)elem_type);
  for (size_t i = 0; i < num_parts; ++i)
    next = mr_pb_put_bytes(next, number, parts[i].bytes, parts[i].size);
  return 0;
}

/* Encodes a sequence or an optional: its tensors as unnamed TensorProtos
 * into `parts`, then the message that holds them into `out`. */
static int encode_contents(const mr_value *value, const char *name,
                           encoded *parts, encoded *out, mr_error *error) {
  for (size_t i = 0; i < value->num_tensors; ++i)
    if (mr_tensor_proto_encode(&value->tensors[i], NULL, &parts[i].bytes,
                               &parts[i].size, error))
      return -1;
  if (value->kind == MOCC_VALUE_SEQUENCE)
    return encode_message(name, MOCC_VALUE_TENSOR, kTensorValue, parts,
                          value->num_tensors, out, error);
  if (value->content != MOCC_VALUE_SEQUENCE)
    return encode_message(name, (int)value->content, kTensorValue, parts,
                          value->num_tensors, out, error);
  encoded sequence = {0};
  int failed = encode_message(NULL, MOCC_VALUE_TENSOR, kTensorValue, parts,
                              value->num_tensors, &sequence, error) ||
               encode_message(name, MOCC_VALUE_SEQUENCE, kSequenceValue,
                              &sequence, 1, out, error);
  free(sequence.bytes);
  return failed ? -1 : 0;
}

/* Whether the kind, content and tensor count of `value` agree. */
static int is_consistent(const mr_value *value) {
  switch (value->kind) {
  case MOCC_VALUE_TENSOR:
    return value->num_tensors == 1;
  case MOCC_VALUE_SEQUENCE:
    return 1;
  case MOCC_VALUE_OPTIONAL:
    if (value->content == MOCC_VALUE_SEQUENCE)
      return 1;
    if (value->content == MOCC_VALUE_TENSOR)
      return value->num_tensors == 1;
    return !value->content && !value->num_tensors;
  }
  return 0;
}

int mr_value_proto_encode(const mr_value *value, const char *name,
                          uint8_t **out_bytes, size_t *out_size,
                          mr_error *error) {
  size_t count = value->num_tensors;
  if (!is_consistent(value))
    return mr_fail(error,
                   "cannot encode a value of kind %d holding %zu tensors",
                   (int)value->kind, count);
  if (value->kind == MOCC_VALUE_TENSOR)
    return mr_tensor_proto_encode(&value->tensors[0], name, out_bytes, out_size,
                                  error);
  encoded *parts = calloc(count + 1, sizeof(encoded));
  if (!parts)
    return mr_fail(error, "out of memory");
  encoded message = {0};
  int failed = encode_contents(value, name, parts, &message, error);
  for (size_t i = 0; i < count; ++i)
    free(parts[i].bytes);
  free(parts);
  if (failed)
    return -1;
  *out_bytes = message.bytes;
  *out_size = message.size;
  return 0;
}
