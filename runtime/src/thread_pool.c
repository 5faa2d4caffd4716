#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "thread_pool.h"

#include "status.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

/* How long a waiting thread spins before it sleeps. Within a run, loops
 * follow each other closely (about a hundred of some tens of microseconds),
 * and waking a sleeping thread costs about as much as such a loop. */
#define SPIN_NANOSECONDS 100000

typedef struct worker {
  mocc_thread_pool *pool;
  int index; /* the chunk it runs: 1 .. num_threads - 1 */
  pthread_t thread;
} worker;

struct mocc_thread_pool {
  int num_threads;
  int num_workers; /* started, num_threads - 1 once created */
  worker *workers;
  /* Set while a loop runs; a call that finds it set runs serially. */
  atomic_int busy;
  /* The loop being run (or stop), written by its caller before it bumps
   * `generation`, read by the workers once they see the bump. */
  mocc_parallel_fn fn;
  void *closure;
  int64_t count;
  int num_chunks;
  int stop;
  atomic_int pending; /* workers yet to finish the loop */
  /* Waiters spin on these, then sleep on the condition variables, which are
   * broadcast under the mutex whenever the counters change. */
  pthread_mutex_t mutex;
  pthread_cond_t started_cond, completed_cond;
  /* The padding keeps the counters each on its own cache line. */
  char padding0[64];
  atomic_uint started;   /* bumped for each loop (and to stop) */
  char padding1[64];
  atomic_uint completed; /* set to `started` when the workers are done */
  char padding2[64];
};

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  /* A builtin, not inline assembly: mocc's code generator has no assembly
   * parser for the runtime's bitcode. */
  __builtin_arm_yield();
#endif
}

static int64_t now_nanoseconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* Returns once *counter differs from `old`: spinning first, then asleep on
 * `cond`. The spinning yields now and then: when there are more threads
 * than free cores (other pools, other processes), a thread the spinner
 * displaced then finishes its chunk instead of waiting for a time slice
 * (with two processes of 16 threads on 16 cores, a loop of 50 us of work
 * took 11-15 us rather than 110-260 us; alone, about the same). */
static void wait_for_change(mocc_thread_pool *pool, atomic_uint *counter,
                            unsigned old, pthread_cond_t *cond) {
  int64_t deadline = now_nanoseconds() + SPIN_NANOSECONDS;
  do {
    for (int i = 0; i < 64; ++i) {
      if (atomic_load_explicit(counter, memory_order_acquire) != old)
        return;
      cpu_relax();
    }
    sched_yield();
  } while (now_nanoseconds() < deadline);
  pthread_mutex_lock(&pool->mutex);
  while (atomic_load_explicit(counter, memory_order_acquire) == old)
    pthread_cond_wait(cond, &pool->mutex);
  pthread_mutex_unlock(&pool->mutex);
}

/* Under the mutex, so that a waiter between its check and its sleep cannot
 * miss the broadcast. */
static void publish(mocc_thread_pool *pool, atomic_uint *counter,
                    unsigned value, pthread_cond_t *cond) {
  pthread_mutex_lock(&pool->mutex);
  atomic_store_explicit(counter, value, memory_order_release);
  pthread_cond_broadcast(cond);
  pthread_mutex_unlock(&pool->mutex);
}

/* Chunk `index` of the current loop: the first count % num_chunks chunks
 * take one index more than the others. */
static void run_chunk(const mocc_thread_pool *pool, int index) {
  if (index >= pool->num_chunks)
    return;
  int64_t size = pool->count / pool->num_chunks;
  int64_t extra = pool->count % pool->num_chunks;
  int64_t begin = index * size + (index < extra ? index : extra);
  pool->fn(pool->closure, begin, begin + size + (index < extra));
}

/* Every worker takes part in every loop (those beyond num_chunks with
 * nothing to do), so that none still reads a loop when the next is
 * written. */
static void *worker_main(void *arg) {
  const worker *self = arg;
  mocc_thread_pool *pool = self->pool;
  unsigned seen = 0;
  for (;;) {
    wait_for_change(pool, &pool->started, seen, &pool->started_cond);
    ++seen; /* a loop starts only once the previous one is complete */
    if (pool->stop)
      return NULL;
    run_chunk(pool, self->index);
    if (atomic_fetch_sub_explicit(&pool->pending, 1, memory_order_acq_rel) ==
        1)
      publish(pool, &pool->completed, seen, &pool->completed_cond);
  }
}

/* Publishes the loop (or stop) set in `pool`; returns its generation. */
static unsigned start_workers(mocc_thread_pool *pool) {
  atomic_store_explicit(&pool->pending, pool->num_workers,
                        memory_order_relaxed);
  unsigned generation =
      atomic_load_explicit(&pool->started, memory_order_relaxed) + 1;
  publish(pool, &pool->started, generation, &pool->started_cond);
  return generation;
}

void mocc_parallel_for(mocc_thread_pool *pool, int64_t count,
                       mocc_parallel_fn fn, void *closure) {
  if (count <= 0)
    return;
  int num_chunks = 1;
  if (pool && count > 1)
    num_chunks = count < pool->num_threads ? (int)count : pool->num_threads;
  if (num_chunks == 1 ||
      atomic_exchange_explicit(&pool->busy, 1, memory_order_acquire)) {
    fn(closure, 0, count);
    return;
  }
  pool->fn = fn;
  pool->closure = closure;
  pool->count = count;
  pool->num_chunks = num_chunks;
  unsigned generation = start_workers(pool);
  run_chunk(pool, 0);
  wait_for_change(pool, &pool->completed, generation - 1,
                  &pool->completed_cond);
  atomic_store_explicit(&pool->busy, 0, memory_order_release);
}

int mocc_thread_pool_num_threads(const mocc_thread_pool *pool) {
  return pool ? pool->num_threads : 1;
}

mocc_status mocc_thread_pool_create(int32_t num_threads,
                                    mocc_thread_pool **out_pool) {
  *out_pool = NULL;
  if (num_threads < 1)
    return mocc_status_format("a thread pool needs at least 1 thread, got %d",
                              (int)num_threads);
  mocc_thread_pool *pool = calloc(1, sizeof(*pool));
  if (!pool)
    return mocc_status_format("out of memory");
  /* One slot more than needed: calloc(0) may return NULL. */
  pool->workers = calloc((size_t)num_threads, sizeof(worker));
  if (!pool->workers) {
    free(pool);
    return mocc_status_format("out of memory");
  }
  pool->num_threads = num_threads;
  atomic_init(&pool->busy, 0);
  atomic_init(&pool->pending, 0);
  atomic_init(&pool->started, 0);
  atomic_init(&pool->completed, 0);
  /* Default attributes: these cannot fail on Linux. */
  pthread_mutex_init(&pool->mutex, NULL);
  pthread_cond_init(&pool->started_cond, NULL);
  pthread_cond_init(&pool->completed_cond, NULL);
  for (int i = 1; i < num_threads; ++i) {
    worker *w = &pool->workers[i - 1];
    w->pool = pool;
    w->index = i;
    int error = pthread_create(&w->thread, NULL, worker_main, w);
    if (error) {
      mocc_thread_pool_destroy(pool);
      return mocc_status_format("cannot start thread %d of %d (pthread_create "
                                "error %d)",
                                i + 1, (int)num_threads, error);
    }
    pool->num_workers = i;
  }
  *out_pool = pool;
  return NULL;
}

void mocc_thread_pool_destroy(mocc_thread_pool *pool) {
  if (!pool)
    return;
  pool->stop = 1;
  start_workers(pool);
  for (int i = 0; i < pool->num_workers; ++i)
    pthread_join(pool->workers[i].thread, NULL);
  pthread_cond_destroy(&pool->completed_cond);
  pthread_cond_destroy(&pool->started_cond);
  pthread_mutex_destroy(&pool->mutex);
  free(pool->workers);
  free(pool);
}
