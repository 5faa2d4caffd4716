#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

struct mocc_status_t {
  const char *message;
};

/* Returned when a status cannot be allocated, so that an error is never lost
 * as a NULL (success). Never written (not const only because mocc_status
 * points to non-const); release recognizes it by address. */
static struct mocc_status_t out_of_memory = {"out of memory"};

mocc_status mocc_status_format(const char *format, ...) {
  va_list args;
  va_start(args, format);
  mocc_status status = mocc_status_vformat(format, args);
  va_end(args);
  return status;
}

mocc_status mocc_status_vformat(const char *format, va_list args) {
  va_list measure;
  va_copy(measure, args);
  int length = vsnprintf(NULL, 0, format, measure);
  va_end(measure);
  if (length < 0)
    return &out_of_memory;

  struct mocc_status_t *status = malloc(sizeof(*status) + (size_t)length + 1);
  if (!status)
    return &out_of_memory;
  char *message = (char *)(status + 1);
  vsnprintf(message, (size_t)length + 1, format, args);
  status->message = message;
  return status;
}

const char *mocc_status_message(mocc_status status) {
  return status ? status->message : "ok";
}

void mocc_status_release(mocc_status status) {
  if (status != &out_of_memory)
    free(status);
}
