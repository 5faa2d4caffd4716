#include "error.h"

#include <stdarg.h>
#include <stdio.h>

int mr_fail(mr_error *error, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(error->message, sizeof(error->message), format, args);
  va_end(args);
  /* The message must stay one printable line, whatever a library or a
   * malformed file put in it. */
  for (char *c = error->message; *c; ++c)
    if ((unsigned char)*c < 0x20 || *c == 0x7f)
      *c = '?';
  return -1;
}
