#include "npy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char kMagic[] = "\x93NUMPY";
enum { kMagicSize = 6, kAlignment = 64 };

/* NumPy type codes (without the byte-order character) per dtype. */
static const struct {
  const char *code;
  mocc_dtype dtype;
} kTypes[] = {
    {"f4", MOCC_DTYPE_FLOAT32}, {"f8", MOCC_DTYPE_FLOAT64},
    {"f2", MOCC_DTYPE_FLOAT16}, {"i1", MOCC_DTYPE_INT8},
    {"u1", MOCC_DTYPE_UINT8},   {"b1", MOCC_DTYPE_BOOL},
    {"i2", MOCC_DTYPE_INT16},   {"u2", MOCC_DTYPE_UINT16},
    {"i4", MOCC_DTYPE_INT32},   {"u4", MOCC_DTYPE_UINT32},
    {"i8", MOCC_DTYPE_INT64},   {"u8", MOCC_DTYPE_UINT64},
};
enum { kNumTypes = sizeof(kTypes) / sizeof(kTypes[0]) };

/* --- The header: a Python dict literal ---------------------------------- */

typedef struct cursor {
  const char *next, *end;
} cursor;

static void skip_spaces(cursor *c) {
  while (c->next < c->end && (*c->next == ' ' || *c->next == '\t' ||
                              *c->next == '\n' || *c->next == '\r'))
    ++c->next;
}

/* Skips spaces, then consumes `expected` if it is next. */
static int accept(cursor *c, char expected) {
  skip_spaces(c);
  if (c->next < c->end && *c->next == expected) {
    ++c->next;
    return 1;
  }
  return 0;
}

/* A '...' or "..." literal without escapes (NumPy writes none). */
static int parse_string(cursor *c, const char **out, size_t *out_length) {
  skip_spaces(c);
  if (c->next == c->end || (*c->next != '\'' && *c->next != '"'))
    return -1;
  char quote = *c->next++;
  const char *start = c->next;
  while (c->next < c->end && *c->next != quote)
    ++c->next;
  if (c->next == c->end)
    return -1;
  *out = start;
  *out_length = (size_t)(c->next++ - start);
  return 0;
}

static int parse_bool(cursor *c, int *out) {
  skip_spaces(c);
  size_t left = (size_t)(c->end - c->next);
  if (left >= 4 && !memcmp(c->next, "True", 4)) {
    c->next += 4;
    *out = 1;
    return 0;
  }
  if (left >= 5 && !memcmp(c->next, "False", 5)) {
    c->next += 5;
    *out = 0;
    return 0;
  }
  return -1;
}

/* "(2, 3)", "(3,)" or "()". */
static int parse_shape(cursor *c, int64_t *dims, int32_t *out_rank) {
  if (!accept(c, '('))
    return -1;
  int32_t rank = 0;
  while (!accept(c, ')')) {
    skip_spaces(c);
    int64_t dim = 0;
    const char *digits = c->next;
    while (c->next < c->end && *c->next >= '0' && *c->next <= '9') {
      if (dim > (INT64_MAX - 9) / 10)
        return -1;
      dim = dim * 10 + (*c->next++ - '0');
    }
    if (c->next == digits || rank == MR_MAX_RANK)
      return -1;
    dims[rank++] = dim;
    if (!accept(c, ',')) {
      if (!accept(c, ')'))
        return -1;
      break;
    }
  }
  *out_rank = rank;
  return 0;
}

static int key_is(const char *key, size_t length, const char *name) {
  return strlen(name) == length && !memcmp(key, name, length);
}

static int parse_descr(const char *descr, size_t length, mocc_dtype *out) {
  if (length != 3)
    return -1;
  for (int i = 0; i < kNumTypes; ++i) {
    if (memcmp(descr + 1, kTypes[i].code, 2))
      continue;
    /* Little-endian hosts only: '>' is fine for one-byte types alone. */
    if (descr[0] != '<' && descr[0] != '|' && descr[0] != '=' &&
        !(descr[0] == '>' && kTypes[i].code[1] == '1'))
      return -1;
    *out = kTypes[i].dtype;
    return 0;
  }
  return -1;
}

typedef struct npy_header {
  mocc_dtype dtype;
  int fortran_order;
  int32_t rank;
  int64_t dims[MR_MAX_RANK];
} npy_header;

static int parse_header(cursor c, npy_header *h, mr_error *error) {
  int seen_descr = 0, seen_shape = 0;
  if (!accept(&c, '{'))
    return mr_fail(error, "malformed .npy header");
  while (!accept(&c, '}')) {
    const char *key;
    size_t key_length;
    if (parse_string(&c, &key, &key_length) || !accept(&c, ':'))
      return mr_fail(error, "malformed .npy header");
    if (key_is(key, key_length, "descr")) {
      const char *descr;
      size_t length;
      if (parse_string(&c, &descr, &length))
        return mr_fail(error, "malformed .npy descr");
      if (parse_descr(descr, length, &h->dtype))
        return mr_fail(error, "unsupported .npy dtype '%.*s'", (int)length,
                       descr);
      seen_descr = 1;
    } else if (key_is(key, key_length, "fortran_order")) {
      if (parse_bool(&c, &h->fortran_order))
        return mr_fail(error, "malformed .npy fortran_order");
    } else if (key_is(key, key_length, "shape")) {
      if (parse_shape(&c, h->dims, &h->rank))
        return mr_fail(error, "malformed or unsupported .npy shape");
      seen_shape = 1;
    } else {
      return mr_fail(error, "unknown .npy header key '%.*s'", (int)key_length,
                     key);
    }
    if (!accept(&c, ',')) {
      if (!accept(&c, '}'))
        return mr_fail(error, "malformed .npy header");
      break;
    }
  }
  if (!seen_descr || !seen_shape)
    return mr_fail(error, ".npy header lacks descr or shape");
  if (h->fortran_order)
    return mr_fail(error, "Fortran-order .npy arrays are not supported");
  return 0;
}

static uint32_t read_le(const uint8_t *bytes, int size) {
  uint32_t value = 0;
  for (int i = 0; i < size; ++i)
    value |= (uint32_t)bytes[i] << (8 * i);
  return value;
}

int mr_npy_decode(const uint8_t *bytes, size_t size, mr_tensor *out_tensor,
                  mr_error *error) {
  memset(out_tensor, 0, sizeof(*out_tensor));
  if (size < kMagicSize + 2 || memcmp(bytes, kMagic, kMagicSize))
    return mr_fail(error, "not a .npy file");
  int major = bytes[kMagicSize];
  if (major < 1 || major > 3)
    return mr_fail(error, "unsupported .npy version %d", major);
  int length_size = major == 1 ? 2 : 4;
  size_t header_start = kMagicSize + 2 + (size_t)length_size;
  if (size < header_start)
    return mr_fail(error, "truncated .npy header");
  size_t header_length = read_le(bytes + kMagicSize + 2, length_size);
  if (header_length > size - header_start)
    return mr_fail(error, "truncated .npy header");

  npy_header h;
  memset(&h, 0, sizeof(h));
  const char *text = (const char *)bytes + header_start;
  cursor c = {text, text + header_length};
  size_t needed;
  if (parse_header(c, &h, error) ||
      mr_tensor_bytes(h.dtype, h.rank, h.dims, &needed, error))
    return -1;
  /* Checked before allocating what the header claims. */
  size_t data_size = size - header_start - header_length;
  if (data_size != needed)
    return mr_fail(error, ".npy data has %zu bytes, %s needs %zu", data_size,
                   mocc_dtype_name(h.dtype), needed);
  if (mr_tensor_alloc(out_tensor, h.dtype, h.rank, h.dims, error))
    return -1;
  memcpy(out_tensor->data, bytes + header_start + header_length, data_size);
  return 0;
}

int mr_npy_encode(const mr_tensor *tensor, uint8_t **out_bytes,
                  size_t *out_size, mr_error *error) {
  const char *code = NULL;
  for (int i = 0; i < kNumTypes; ++i)
    if (kTypes[i].dtype == tensor->dtype)
      code = kTypes[i].code;
  if (!code)
    return mr_fail(error, "%s has no .npy dtype",
                   mocc_dtype_name(tensor->dtype));

  /* MR_MAX_RANK dimensions of up to 20 digits and ", " fit. */
  char header[128 + MR_MAX_RANK * 22];
  int length = snprintf(header, sizeof(header),
                        "{'descr': '%c%s', 'fortran_order': False, "
                        "'shape': (",
                        code[1] == '1' ? '|' : '<', code);
  for (int32_t i = 0; i < tensor->rank; ++i)
    length += snprintf(header + length, sizeof(header) - (size_t)length,
                       "%lld%s", (long long)tensor->dims[i],
                       tensor->rank == 1      ? ","
                       : i + 1 < tensor->rank ? ", "
                                              : "");
  length += snprintf(header + length, sizeof(header) - (size_t)length, "), }");

  /* Spaces and a newline pad the header so the data starts aligned. */
  size_t prefix = kMagicSize + 2 + 2;
  size_t padded =
      (prefix + (size_t)length + 1 + kAlignment - 1) / kAlignment * kAlignment;
  size_t header_length = padded - prefix;
  size_t size = padded + tensor->bytes;
  uint8_t *bytes = malloc(size);
  if (!bytes)
    return mr_fail(error, "out of memory");
  memcpy(bytes, kMagic, kMagicSize);
  bytes[kMagicSize] = 1; /* version 1.0: the header is far below 64 KiB */
  bytes[kMagicSize + 1] = 0;
  bytes[kMagicSize + 2] = (uint8_t)(header_length & 0xff);
  bytes[kMagicSize + 3] = (uint8_t)(header_length >> 8);
  memcpy(bytes + prefix, header, (size_t)length);
  memset(bytes + prefix + length, ' ', header_length - (size_t)length - 1);
  bytes[padded - 1] = '\n';
  if (tensor->bytes)
    memcpy(bytes + padded, tensor->data, tensor->bytes);
  *out_bytes = bytes;
  *out_size = size;
  return 0;
}
