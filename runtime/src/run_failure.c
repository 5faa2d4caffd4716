#include "run_failure.h"

#include "status.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct run_scope {
  jmp_buf unwind;
  mocc_status status;
  /* The blocks generated code allocated and has not freed yet. */
  void **allocations;
  size_t num_allocations;
  size_t capacity;
} run_scope;

/* The run in progress on this thread. A global, not a local of
 * mocc_run_guarded: what a longjmp returns to must not be read from locals
 * changed after setjmp. */
static _Thread_local run_scope *current_scope;

static void free_allocations(run_scope *scope) {
  for (size_t i = 0; i < scope->num_allocations; ++i)
    free(scope->allocations[i]);
  scope->num_allocations = 0;
}

mocc_status mocc_run_guarded(void (*entry)(void **), void **descriptors) {
  run_scope scope = {0};
  run_scope *outer = current_scope;
  current_scope = &scope;
  if (setjmp(scope.unwind) == 0)
    entry(descriptors);
  else
    free_allocations(current_scope);
  run_scope *done = current_scope;
  current_scope = outer;
  /* On success the blocks left are the outputs of dynamic shape, which the
   * model adopts. */
  free(done->allocations);
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

/* Records `block` in the run's list (outside a run: nothing to record). */
static void *track(void *block, uint64_t size) {
  if (!block)
    mocc_run_fail("out of memory (allocating %llu bytes)",
                  (unsigned long long)size);
  run_scope *scope = current_scope;
  if (!scope)
    return block;
  if (scope->num_allocations == scope->capacity) {
    size_t capacity = scope->capacity ? 2 * scope->capacity : 16;
    void **grown = realloc(scope->allocations, capacity * sizeof(void *));
    if (!grown) {
      free(block);
      mocc_run_fail("out of memory (allocating %llu bytes)",
                    (unsigned long long)size);
    }
    scope->allocations = grown;
    scope->capacity = capacity;
  }
  scope->allocations[scope->num_allocations++] = block;
  return block;
}

void *_mlir_memref_to_llvm_alloc(uint64_t size) {
  return track(malloc(size ? size : 1), size);
}

void *_mlir_memref_to_llvm_aligned_alloc(uint64_t alignment, uint64_t size) {
  /* aligned_alloc wants a multiple of the alignment. */
  uint64_t rounded = (size + alignment - 1) / alignment * alignment;
  if (rounded < size)
    mocc_run_fail("out of memory (allocating %llu bytes)",
                  (unsigned long long)size);
  return track(aligned_alloc(alignment, rounded ? rounded : alignment), size);
}

void _mlir_memref_to_llvm_free(void *pointer) {
  run_scope *scope = current_scope;
  if (scope)
    /* Blocks die in about the reverse order of their births. */
    for (size_t i = scope->num_allocations; i-- > 0;)
      if (scope->allocations[i] == pointer) {
        scope->allocations[i] = scope->allocations[--scope->num_allocations];
        break;
      }
  free(pointer);
}
