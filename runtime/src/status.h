/* Building mocc_status values inside the runtime. */
#ifndef MOCC_RUNTIME_STATUS_H
#define MOCC_RUNTIME_STATUS_H

#include "mocc/model.h"

#include <stdarg.h>

/* A status with a printf-formatted message. Never NULL: when the message
 * cannot be allocated, it is a static "out of memory" status. */
mocc_status mocc_status_format(const char *format, ...)
    __attribute__((format(printf, 1, 2)));
mocc_status mocc_status_vformat(const char *format, va_list args)
    __attribute__((format(printf, 1, 0)));

#endif /* MOCC_RUNTIME_STATUS_H */
