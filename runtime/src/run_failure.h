/* Failures inside a run.
 *
 * mocc_model_run calls the generated entry through mocc_run_guarded. Generated
 * code (a shape check that does not hold, an allocation that fails) and the
 * runtime's kernels (an index out of range, a size they do not support) end
 * the run early with mocc_run_fail: it returns to mocc_run_guarded by longjmp,
 * which returns the failure as a status (the caller frees what the run
 * allocated: run_memory.h). Only the thread that called mocc_model_run may fail a run; the
 * thread pool's workers run kernels that cannot fail.
 */
#ifndef MOCC_RUNTIME_RUN_FAILURE_H
#define MOCC_RUNTIME_RUN_FAILURE_H

#include "mocc/model.h"

#include <stdint.h>

/* Calls entry(descriptors); NULL when it returns, the failure otherwise. */
mocc_status mocc_run_guarded(void (*entry)(void **), void **descriptors);

/* Ends the run in progress on this thread with a printf-formatted message.
 * Outside a run (a kernel called directly) it prints the message and aborts. */
_Noreturn void mocc_run_fail(const char *format, ...)
    __attribute__((format(printf, 1, 2)));

/* The checks generated code makes before it relies on a dynamic dimension
 * (mocc-check-shapes). `what` is a sentence naming the node and the
 * dimensions; the values are appended to it. */
void mocc_check_equal(const char *what, int64_t actual, int64_t expected);
void mocc_check_at_most(const char *what, int64_t actual, int64_t limit);
/* A slice [offset, offset + (size - 1) * stride] of a dimension of `dim`. */
void mocc_check_slice(const char *what, int64_t offset, int64_t size,
                      int64_t stride, int64_t dim);
/* Indices read from a tensor (Gather's), of which `lowest` and `highest` are
 * the extremes, into a dimension of `size`: ONNX allows [-size, size). */
void mocc_check_index_range(const char *what, int64_t lowest, int64_t highest,
                            int64_t size);

#endif /* MOCC_RUNTIME_RUN_FAILURE_H */
