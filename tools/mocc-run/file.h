/* Whole-file reads and writes. */
#ifndef MOCC_RUN_FILE_H
#define MOCC_RUN_FILE_H

#include "error.h"

#include <stddef.h>
#include <stdint.h>

/* Reads all of `path` into a malloc'd buffer the caller frees. */
int mr_read_file(const char *path, uint8_t **out_bytes, size_t *out_size,
                 mr_error *error);
int mr_write_file(const char *path, const void *bytes, size_t size,
                  mr_error *error);

#endif /* MOCC_RUN_FILE_H */
