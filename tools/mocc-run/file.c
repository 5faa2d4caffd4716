#include "file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mr_read_file(const char *path, uint8_t **out_bytes, size_t *out_size,
                 mr_error *error) {
  FILE *file = fopen(path, "rb");
  if (!file)
    return mr_fail(error, "cannot open '%s': %s", path, strerror(errno));
  /* Grow as we read: works for pipes and never trusts a size up front. */
  size_t size = 0, capacity = 1 << 16;
  uint8_t *bytes = malloc(capacity);
  while (bytes) {
    size += fread(bytes + size, 1, capacity - size, file);
    if (size < capacity)
      break;
    uint8_t *grown =
        capacity <= SIZE_MAX / 2 ? realloc(bytes, capacity * 2) : NULL;
    if (!grown) {
      free(bytes);
      bytes = NULL;
    } else {
      bytes = grown;
      capacity *= 2;
    }
  }
  int failed = !bytes || ferror(file);
  fclose(file);
  if (failed) {
    free(bytes);
    return mr_fail(error, "cannot read '%s'", path);
  }
  *out_bytes = bytes;
  *out_size = size;
  return 0;
}

int mr_write_file(const char *path, const void *bytes, size_t size,
                  mr_error *error) {
  FILE *file = fopen(path, "wb");
  if (!file)
    return mr_fail(error, "cannot create '%s': %s", path, strerror(errno));
  int failed = fwrite(bytes, 1, size, file) != size;
  failed |= fclose(file) != 0;
  if (failed)
    return mr_fail(error, "cannot write '%s'", path);
  return 0;
}
