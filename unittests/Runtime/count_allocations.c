/* mocc-count-allocations MODEL.so SHAPE...: runs a model library of one
 * input at each SHAPE in turn (2x16: dims joined by x; element i of the
 * input is i % 7, a valid token id or value for the models tested) on one
 * thread, counting the C heap allocations each run makes, and prints per
 * run the count and the run memory's block against its lower bound. Exits 1
 * if a run at a shape already run allocated anything, computed an output 0
 * other than the first run at that shape did, or planned a block over 1.05x
 * the lower bound; 2 on an error.
 *
 * Counts with a counting allocator: this program defines malloc and its
 * kin, which the model library (linked against the C library only) binds
 * to, and forwards them to the C library's. */
#define _GNU_SOURCE
#include "mocc/model.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RUNS 32
#define MAX_RANK 8

static int counting;
static long allocations;

/* dlsym may allocate before the C library's functions are known: from here. */
static char bootstrap[4096];
static size_t bootstrap_used;

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static void *(*real_aligned_alloc)(size_t, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);

static void *from_bootstrap(size_t size) {
  size = (size + 15) & ~(size_t)15;
  if (bootstrap_used + size > sizeof(bootstrap))
    return NULL;
  void *block = bootstrap + bootstrap_used;
  bootstrap_used += size;
  return block;
}

static int in_bootstrap(const void *block) {
  return (const char *)block >= bootstrap &&
         (const char *)block < bootstrap + sizeof(bootstrap);
}

static void resolve(void) {
  static int resolving;
  if (real_malloc || resolving)
    return;
  resolving = 1;
  real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
  real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
  real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
  real_aligned_alloc =
      (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "aligned_alloc");
  real_posix_memalign =
      (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
  real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
  resolving = 0;
}

static void count(void) {
  if (counting)
    ++allocations;
}

void *malloc(size_t size) {
  resolve();
  if (!real_malloc)
    return from_bootstrap(size);
  count();
  return real_malloc(size);
}

void *calloc(size_t n, size_t size) {
  resolve();
  if (!real_calloc) {
    void *block = n && size > SIZE_MAX / n ? NULL : from_bootstrap(n * size);
    return block ? memset(block, 0, n * size) : NULL;
  }
  count();
  return real_calloc(n, size);
}

void *realloc(void *block, size_t size) {
  resolve();
  count();
  if (in_bootstrap(block)) {
    void *moved = real_malloc(size);
    if (moved)
      memcpy(moved, block, size); /* bootstrap blocks are small, all zero-padded */
    return moved;
  }
  return real_realloc(block, size);
}

void free(void *block) {
  resolve();
  if (block && !in_bootstrap(block))
    real_free(block);
}

void *aligned_alloc(size_t alignment, size_t size) {
  resolve();
  count();
  return real_aligned_alloc(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
  resolve();
  count();
  return real_posix_memalign(out, alignment, size);
}

typedef struct shape {
  int32_t rank;
  int64_t dims[MAX_RANK];
  void *output; /* a copy of output 0 after the run */
  size_t output_bytes;
} shape;

static int parse_shape(const char *text, shape *out) {
  out->rank = 0;
  for (const char *p = text; *p;) {
    char *end;
    long long dim = strtoll(p, &end, 10);
    if (end == p || dim < 0 || out->rank == MAX_RANK ||
        (*end && *end != 'x'))
      return -1;
    out->dims[out->rank++] = dim;
    p = *end ? end + 1 : end;
  }
  return out->rank ? 0 : -1;
}

/* `elements` values i % 7 of `dtype` (float32 or an integer type). */
static void *pattern(mocc_dtype dtype, size_t elements) {
  size_t size = dtype == MOCC_DTYPE_INT64 || dtype == MOCC_DTYPE_FLOAT64 ? 8 : 4;
  char *data = calloc(elements ? elements : 1, size);
  for (size_t i = 0; data && i < elements; ++i) {
    if (dtype == MOCC_DTYPE_FLOAT32)
      ((float *)data)[i] = (float)(i % 7) * 0.25f;
    else if (dtype == MOCC_DTYPE_INT64)
      ((int64_t *)data)[i] = (int64_t)(i % 7);
    else if (dtype == MOCC_DTYPE_INT32)
      ((int32_t *)data)[i] = (int32_t)(i % 7);
  }
  return data;
}

static int same_shape(const shape *a, const shape *b) {
  return a->rank == b->rank &&
         !memcmp(a->dims, b->dims, (size_t)a->rank * sizeof(int64_t));
}

#define LOOKUP(handle, name)                                                   \
  typeof(&name) name##_fn = (typeof(&name))dlsym(handle, #name)

int main(int argc, char **argv) {
  if (argc < 3 || argc - 2 > MAX_RUNS) {
    fprintf(stderr, "usage: %s MODEL.so SHAPE... (at most %d)\n", argv[0],
            MAX_RUNS);
    return 2;
  }
  void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    fprintf(stderr, "error: %s\n", dlerror());
    return 2;
  }
  LOOKUP(library, mocc_model_create);
  LOOKUP(library, mocc_model_input_info);
  LOOKUP(library, mocc_model_num_inputs);
  LOOKUP(library, mocc_model_set_num_threads);
  LOOKUP(library, mocc_model_run);
  LOOKUP(library, mocc_model_memory_stats);
  LOOKUP(library, mocc_model_get_output);
  LOOKUP(library, mocc_dtype_size);
  LOOKUP(library, mocc_status_message);
  if (!mocc_model_create_fn || !mocc_model_run_fn ||
      !mocc_model_memory_stats_fn || !mocc_status_message_fn) {
    fprintf(stderr, "error: %s is not a mocc model library\n", argv[1]);
    return 2;
  }
  mocc_model *model;
  mocc_tensor_info info;
  mocc_status status = mocc_model_create_fn(&model);
  if (!status && mocc_model_num_inputs_fn(model) != 1) {
    fprintf(stderr, "error: the model must have one input\n");
    return 2;
  }
  if (!status)
    status = mocc_model_set_num_threads_fn(model, 1);
  if (!status)
    status = mocc_model_input_info_fn(model, 0, &info);
  shape shapes[MAX_RUNS];
  int failed = 0;
  for (int run = 0; !status && run < argc - 2; ++run) {
    shape *s = &shapes[run];
    if (parse_shape(argv[run + 2], s) || s->rank != info.rank) {
      fprintf(stderr, "error: bad shape '%s' for a rank-%d input\n",
              argv[run + 2], (int)info.rank);
      return 2;
    }
    size_t elements = 1;
    for (int32_t d = 0; d < s->rank; ++d)
      elements *= (size_t)s->dims[d];
    void *data = pattern(info.dtype, elements);
    mocc_tensor input = {data, info.dtype, s->rank, s->dims};
    counting = 1;
    allocations = 0;
    status = mocc_model_run_fn(model, &input, 1);
    counting = 0;
    free(data);
    mocc_memory_stats stats;
    mocc_tensor output;
    if (!status)
      status = mocc_model_memory_stats_fn(model, &stats);
    if (!status)
      status = mocc_model_get_output_fn(model, 0, &output);
    if (status)
      break;
    s->output_bytes = mocc_dtype_size_fn(output.dtype);
    for (int32_t d = 0; d < output.rank; ++d)
      s->output_bytes *= (size_t)output.dims[d];
    s->output = malloc(s->output_bytes + 1);
    memcpy(s->output, output.data, s->output_bytes);
    const shape *first = NULL;
    for (int earlier = 0; earlier < run && !first; ++earlier)
      if (same_shape(&shapes[earlier], s))
        first = &shapes[earlier];
    int repeated = first != NULL;
    int differs = first && (first->output_bytes != s->output_bytes ||
                            memcmp(first->output, s->output, s->output_bytes));
    double ratio = stats.dynamic_lower_bound_bytes
                       ? (double)stats.dynamic_bytes /
                             (double)stats.dynamic_lower_bound_bytes
                       : 1.0;
    int bad = (repeated && allocations > 0) || differs || ratio > 1.05;
    failed |= bad;
    printf("run %d at %s%s: %ld heap allocations; dynamic block %llu bytes, "
           "lower bound %llu (%.3fx)%s%s\n",
           run + 1, argv[run + 2], repeated ? " (seen)" : "", allocations,
           (unsigned long long)stats.dynamic_bytes,
           (unsigned long long)stats.dynamic_lower_bound_bytes, ratio,
           differs ? "; output differs from the first run's" : "",
           bad ? "  <- FAIL" : "");
  }
  if (status) {
    fprintf(stderr, "error: %s\n", mocc_status_message_fn(status));
    return 2;
  }
  return failed;
}
