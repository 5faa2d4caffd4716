/* A pool of threads that split loops, owned by one model instance.
 *
 * Generated code and runtime kernels call mocc_parallel_for; the instance
 * creates and destroys the pool (model.c) and hands it to the entry in the
 * descriptors array (compiled_model.h). Pools share nothing.
 */
#ifndef MOCC_RUNTIME_THREAD_POOL_H
#define MOCC_RUNTIME_THREAD_POOL_H

#include "mocc/model.h"

#include <stdint.h>

typedef struct mocc_thread_pool mocc_thread_pool;

/* One chunk of a loop: indices [begin, end) of the loop's range. */
typedef void (*mocc_parallel_fn)(void *closure, int64_t begin, int64_t end);

/* Calls fn(closure, begin, end) over [0, count) split into at most
 * num_threads contiguous chunks of balanced sizes, one per thread (the
 * calling thread runs the first), and returns when all are done. Empty chunks
 * are skipped: a count <= 0 calls nothing. With a NULL or one-thread pool,
 * and for a call made while the pool is busy (from inside a chunk, or from
 * another thread), it is one call fn(closure, 0, count) on the calling
 * thread. */
void mocc_parallel_for(mocc_thread_pool *pool, int64_t count,
                       mocc_parallel_fn fn, void *closure);

/* The threads that run chunks, the caller included; 1 for NULL. */
int mocc_thread_pool_num_threads(const mocc_thread_pool *pool);

/* Starts num_threads - 1 workers (num_threads >= 1); the caller of
 * mocc_parallel_for is the last thread. */
mocc_status mocc_thread_pool_create(int32_t num_threads,
                                    mocc_thread_pool **out_pool);
/* Stops and joins the workers. Accepts NULL. */
void mocc_thread_pool_destroy(mocc_thread_pool *pool);

#endif /* MOCC_RUNTIME_THREAD_POOL_H */
