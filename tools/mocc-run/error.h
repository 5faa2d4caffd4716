/* Errors inside mocc-run: functions return 0 or -1 and describe the failure
 * in an mr_error, which the driver prints as one line. */
#ifndef MOCC_RUN_ERROR_H
#define MOCC_RUN_ERROR_H

typedef struct mr_error {
  char message[1024];
} mr_error;

/* Formats `error->message` and returns -1. */
int mr_fail(mr_error *error, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* MOCC_RUN_ERROR_H */
