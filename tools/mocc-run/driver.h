/* What mocc-run does: load the model, read inputs, run, then write, compare,
 * print and time as the options ask. */
#ifndef MOCC_RUN_DRIVER_H
#define MOCC_RUN_DRIVER_H

#include "error.h"
#include "options.h"

/* Returns 0 on success, 1 when outputs differ from the expected ones and -1
 * on an error, described in `error`. */
int mr_driver_run(const mr_options *options, mr_error *error);

#endif /* MOCC_RUN_DRIVER_H */
