/* Model instances and thread pools busy at once, for ThreadSanitizer: four
 * instances of the parallel fake model, of two threads each, run on threads
 * of their own while the main thread runs one of four threads and then
 * nested loops on a pool of four. Exits 0 when every result is right.
 *
 * The test MoccRuntimeStress runs it as built; tsan.runtime runs it built
 * with the runtime by clang -fsanitize=thread (see CMakeLists.txt).
 */
#include "fake_models.h"
#include "model_internal.h"
#include "thread_pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

enum { kRuns = 200, kInstances = 4 };

/* Runs an instance of `num_threads` kRuns times; returns the failures. */
static int run_instance(int32_t num_threads) {
  mocc_model *model = NULL;
  mocc_status status = mocc_model_create_from_desc(&fake_parallel_model, &model);
  if (!status)
    status = mocc_model_set_num_threads(model, num_threads);
  if (status) {
    fprintf(stderr, "%s\n", mocc_status_message(status));
    mocc_status_release(status);
    mocc_model_destroy(model);
    return 1;
  }
  float x[FAKE_PARALLEL_SIZE];
  for (int i = 0; i < FAKE_PARALLEL_SIZE; ++i)
    x[i] = (float)i;
  const int64_t dims[] = {FAKE_PARALLEL_SIZE};
  mocc_tensor input = {x, MOCC_DTYPE_FLOAT32, 1, dims};
  int failures = 0;
  for (int run = 0; run < kRuns && !failures; ++run) {
    mocc_tensor y, threads;
    status = mocc_model_run(model, &input, 1);
    if (!status)
      status = mocc_model_get_output(model, 0, &y);
    if (!status)
      status = mocc_model_get_output(model, 1, &threads);
    if (status) {
      fprintf(stderr, "%s\n", mocc_status_message(status));
      mocc_status_release(status);
      failures = 1;
      break;
    }
    for (int i = 0; i < FAKE_PARALLEL_SIZE; ++i)
      failures |= ((const float *)y.data)[i] != 2 * x[i];
    failures |= *(const int32_t *)threads.data != num_threads;
  }
  mocc_model_destroy(model);
  return failures;
}

static void *instance_thread(void *failures) {
  *(int *)failures = run_instance(2);
  return NULL;
}

typedef struct nested_loops {
  mocc_thread_pool *pool;
  atomic_int visits[8][16];
} nested_loops;

typedef struct inner_loop {
  nested_loops *loops;
  int64_t outer;
} inner_loop;

static void inner_chunk(void *closure, int64_t begin, int64_t end) {
  inner_loop *inner = closure;
  for (int64_t i = begin; i < end; ++i)
    atomic_fetch_add(&inner->loops->visits[inner->outer][i], 1);
}

static void outer_chunk(void *closure, int64_t begin, int64_t end) {
  nested_loops *loops = closure;
  for (int64_t i = begin; i < end; ++i) {
    inner_loop inner = {loops, i};
    mocc_parallel_for(loops->pool, 16, inner_chunk, &inner);
  }
}

/* Nested loops on a pool of four, kRuns times; returns the failures. */
static int run_nested(void) {
  static nested_loops loops;
  mocc_status status = mocc_thread_pool_create(4, &loops.pool);
  if (status) {
    fprintf(stderr, "%s\n", mocc_status_message(status));
    mocc_status_release(status);
    return 1;
  }
  for (int run = 0; run < kRuns; ++run)
    mocc_parallel_for(loops.pool, 8, outer_chunk, &loops);
  mocc_thread_pool_destroy(loops.pool);
  int failures = 0;
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 16; ++j)
      failures |= atomic_load(&loops.visits[i][j]) != kRuns;
  return failures;
}

int main(void) {
  pthread_t threads[kInstances];
  int failures[kInstances] = {0};
  for (int i = 0; i < kInstances; ++i)
    if (pthread_create(&threads[i], NULL, instance_thread, &failures[i])) {
      fprintf(stderr, "cannot start thread %d\n", i);
      return 1;
    }
  int failed = run_instance(4) | run_nested();
  for (int i = 0; i < kInstances; ++i) {
    pthread_join(threads[i], NULL);
    failed |= failures[i];
  }
  puts(failed ? "FAILED" : "OK");
  return failed;
}
