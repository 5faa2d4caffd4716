#include "run_failure.h"

#include "status.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct run_scope {
  jmp_buf unwind;
  mocc_status status;
} run_scope;

/* The run in progress on this thread. A global, not a local of
 * mocc_run_guarded: what a longjmp returns to must not be read from locals
 * changed after setjmp. */
static _Thread_local run_scope *current_scope;

mocc_status mocc_run_guarded(void (*entry)(void **), void **descriptors) {
  run_scope scope = {0};
  run_scope *outer = current_scope;
  current_scope = &scope;
  if (setjmp(scope.unwind) == 0)
    entry(descriptors);
  run_scope *done = current_scope;
  current_scope = outer;
  return done->status;
}

_Noreturn void mocc_run_fail(const char *format, ...) {
  va_list args;
  va_start(args, format);
  run_scope *scope = current_scope;
  if (!scope) {
    fputs("mocc runtime: a kernel failed outside a run: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    abort();
  }
  scope->status = mocc_status_vformat(format, args);
  va_end(args);
  longjmp(scope->unwind, 1);
}

void mocc_check_equal(const char *what, int64_t actual, int64_t expected) {
  if (actual != expected)
    mocc_run_fail("%s (%lld vs %lld)", what, (long long)actual,
                  (long long)expected);
}

void mocc_check_at_most(const char *what, int64_t actual, int64_t limit) {
  if (actual > limit)
    mocc_run_fail("%s (%lld > %lld)", what, (long long)actual,
                  (long long)limit);
}

void mocc_check_index_range(const char *what, int64_t lowest, int64_t highest,
                            int64_t size) {
  if (lowest < -size)
    mocc_run_fail("%s (index %lld, size %lld)", what, (long long)lowest,
                  (long long)size);
  if (highest >= size)
    mocc_run_fail("%s (index %lld, size %lld)", what, (long long)highest,
                  (long long)size);
}

void mocc_check_slice(const char *what, int64_t offset, int64_t size,
                      int64_t stride, int64_t dim) {
  if (size == 0)
    return;
  /* The last index, offset + (size - 1) * stride, without overflow. */
  int fits = size > 0 && offset >= 0 && offset < dim && stride > 0 &&
             (size - 1) <= (dim - 1 - offset) / stride;
  if (!fits)
    mocc_run_fail("%s (offset %lld, size %lld, stride %lld in %lld)", what,
                  (long long)offset, (long long)size, (long long)stride,
                  (long long)dim);
}
