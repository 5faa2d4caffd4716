#include "run_memory.h"

#include "buffer.h"
#include "run_failure.h"

#include <stdlib.h>
#include <string.h>

/* A planned allocation that stays a heap block: an output, or one aligned
 * beyond the block's alignment. */
#define HEAP_OFFSET UINT64_MAX

/* A run's allocations and frees, in order: allocation i is 2i, its free
 * 2i + 1. A replay must follow it exactly, which guarantees that the
 * buffers live at any point are the ones the plan kept apart. */
typedef struct event_log {
  uint64_t *events;
  size_t length, capacity;
} event_log;

/* A heap block a plan keeps for an allocation that outlives the run: the
 * model holds it until its next run. */
typedef struct output_block {
  void *pointer;
  uint64_t size;
  int held; /* by the model, or by the run in progress */
} output_block;

typedef struct plan {
  int64_t *key;
  size_t key_length;
  event_log log;
  uint64_t *sizes;   /* of allocation i, as the recorded run asked */
  uint64_t *offsets; /* of allocation i in the block, or HEAP_OFFSET */
  /* Two per allocation, used in turn by those that outlive the run; the
   * others' are empty. */
  output_block *outputs;
  size_t count;
  uint64_t bytes, lower_bound;
  uint64_t last_run; /* the least recently used plan is replaced */
} plan;

/* Where a block of the run in progress lies. */
typedef enum block_place {
  IN_BLOCK,    /* memory->block, at its plan's offset */
  IN_HEAP,     /* a heap block of its own */
  PLAN_OUTPUT, /* a plan's output block */
} block_place;

/* A block the run allocated and has not freed. */
typedef struct live_block {
  void *pointer;
  size_t index; /* the run's allocation count when it was made */
  block_place place;
  output_block *output; /* where place is PLAN_OUTPUT */
} live_block;

struct mocc_run_memory {
  plan plans[MOCC_RUN_MEMORY_PLANS];
  size_t num_plans;
  mocc_buffer block; /* shared by the plans */
  uint64_t runs;
  const plan *last; /* the last successful run's, for stats */

  /* The run in progress. */
  plan *replaying; /* NULL: recording */
  int diverged;    /* the replay left its plan: heap from then on */
  size_t cursor;   /* into replaying->log */
  size_t count;    /* allocations so far */
  int64_t *key;
  size_t key_length, key_capacity;
  int key_kept;    /* else (out of memory) the shape is not planned */
  event_log log;   /* recorded */
  uint64_t *sizes; /* recorded, count of them */
  size_t sizes_capacity;
  live_block *live;
  size_t num_live, live_capacity;
};

/* The memory of the run in progress on this thread. */
static _Thread_local mocc_run_memory *current;

static uint64_t align_up(uint64_t bytes) {
  uint64_t aligned = (bytes + MOCC_BUFFER_ALIGNMENT - 1) /
                     MOCC_BUFFER_ALIGNMENT * MOCC_BUFFER_ALIGNMENT;
  return aligned ? aligned : MOCC_BUFFER_ALIGNMENT;
}

/* Grows *array (of `element` bytes each) to hold `needed`; 0 on success. */
static int reserve(void **array, size_t *capacity, size_t needed,
                   size_t element) {
  if (needed <= *capacity)
    return 0;
  size_t grown = *capacity ? 2 * *capacity : 16;
  while (grown < needed)
    grown *= 2;
  void *resized = realloc(*array, grown * element);
  if (!resized)
    return -1;
  *array = resized;
  *capacity = grown;
  return 0;
}

#define RESERVE(array, capacity, needed)                                       \
  reserve((void **)&(array), &(capacity), (needed), sizeof(*(array)))

static void out_of_memory(uint64_t size) {
  mocc_run_fail("out of memory (allocating %llu bytes)",
                (unsigned long long)size);
}

static void log_event(mocc_run_memory *memory, uint64_t event) {
  event_log *log = &memory->log;
  if (RESERVE(log->events, log->capacity, log->length + 1))
    out_of_memory(sizeof(uint64_t));
  log->events[log->length++] = event;
}

/* Frees `p`. Output blocks the model holds are left to it: released, they
 * are found in no plan and freed. */
static void free_plan(plan *p) {
  for (size_t i = 0; p->outputs && i < 2 * p->count; ++i)
    if (!p->outputs[i].held)
      free(p->outputs[i].pointer);
  free(p->outputs);
  free(p->key);
  free(p->log.events);
  free(p->sizes);
  free(p->offsets);
  memset(p, 0, sizeof(*p));
}

static void remove_plan(mocc_run_memory *memory, plan *p) {
  if (memory->last == p)
    memory->last = NULL;
  free_plan(p);
  plan *end = &memory->plans[--memory->num_plans];
  if (p != end) {
    *p = *end;
    memset(end, 0, sizeof(*end));
    if (memory->last == end)
      memory->last = p;
  }
}

mocc_run_memory *mocc_run_memory_create(void) {
  return calloc(1, sizeof(mocc_run_memory));
}

void mocc_run_memory_destroy(mocc_run_memory *memory) {
  if (!memory)
    return;
  while (memory->num_plans)
    remove_plan(memory, &memory->plans[0]);
  mocc_buffer_free(&memory->block);
  free(memory->key);
  free(memory->log.events);
  free(memory->sizes);
  free(memory->live);
  free(memory);
}

/* `size` bytes from the C heap, aligned to `alignment` (a power of two). */
static void *system_allocate(uint64_t size, uint64_t alignment) {
  void *pointer;
  if (alignment <= _Alignof(max_align_t)) {
    pointer = malloc(size ? size : 1);
  } else {
    /* aligned_alloc wants a multiple of the alignment. */
    uint64_t rounded = (size + alignment - 1) / alignment * alignment;
    pointer = rounded < size ? NULL
                             : aligned_alloc(alignment, rounded ? rounded
                                                                : alignment);
  }
  if (!pointer)
    out_of_memory(size);
  return pointer;
}

/* Makes memory->key the shape of `inputs`: each one's rank and dims. */
static void set_key(mocc_run_memory *memory, const mocc_tensor *inputs,
                    size_t num_inputs) {
  size_t length = 0;
  for (size_t i = 0; i < num_inputs; ++i)
    length += 1 + (size_t)inputs[i].rank;
  memory->key_length = 0;
  memory->key_kept =
      !RESERVE(memory->key, memory->key_capacity, length + 1);
  if (!memory->key_kept)
    return;
  for (size_t i = 0; i < num_inputs; ++i) {
    memory->key[memory->key_length++] = inputs[i].rank;
    for (int32_t d = 0; d < inputs[i].rank; ++d)
      memory->key[memory->key_length++] = inputs[i].dims[d];
  }
}

void mocc_run_memory_begin(mocc_run_memory *memory, const mocc_tensor *inputs,
                           size_t num_inputs) {
  current = memory;
  ++memory->runs;
  memory->replaying = NULL;
  memory->diverged = 0;
  memory->cursor = 0;
  memory->count = 0;
  memory->log.length = 0;
  memory->num_live = 0;
  set_key(memory, inputs, num_inputs);
  for (size_t i = 0; i < memory->num_plans && memory->key_kept; ++i) {
    plan *p = &memory->plans[i];
    if (p->key_length == memory->key_length &&
        !memcmp(p->key, memory->key, p->key_length * sizeof(int64_t)) &&
        memory->block.bytes >= p->bytes) {
      memory->replaying = p;
      p->last_run = memory->runs;
      return;
    }
  }
}

/* Places the recorded allocations: largest first, each at the lowest offset
 * where it overlaps no placed one live at the same time. Fills offsets (of
 * memory->count) and returns the block's size; *lower_bound gets the most
 * bytes live at once. */
static uint64_t place(const mocc_run_memory *memory, uint64_t *offsets,
                      uint64_t *lower_bound) {
  size_t n = memory->count;
  uint64_t *birth = malloc(n * sizeof(uint64_t) + 1);
  uint64_t *death = malloc(n * sizeof(uint64_t) + 1);
  size_t *order = malloc(n * sizeof(size_t) + 1);
  if (!birth || !death || !order) {
    free(birth);
    free(death);
    free(order);
    return UINT64_MAX;
  }
  for (size_t i = 0; i < n; ++i)
    death[i] = UINT64_MAX; /* never freed: an output, kept in the heap */
  for (size_t t = 0; t < memory->log.length; ++t) {
    uint64_t event = memory->log.events[t];
    (event & 1 ? death : birth)[event >> 1] = t;
  }
  /* Insertion sort by size, largest first (tens to hundreds of buffers). */
  for (size_t i = 0; i < n; ++i) {
    size_t j = i;
    for (; j > 0 && memory->sizes[order[j - 1]] < memory->sizes[i]; --j)
      order[j] = order[j - 1];
    order[j] = i;
  }
  uint64_t total = 0;
  for (size_t i = 0; i < n; ++i)
    offsets[i] = HEAP_OFFSET;
  for (size_t k = 0; k < n; ++k) {
    size_t a = order[k];
    if (death[a] == UINT64_MAX)
      continue;
    uint64_t size = align_up(memory->sizes[a]);
    /* The lowest offset clear of every placed buffer live with it: move
     * past any that overlaps, until none does. */
    uint64_t offset = 0;
    for (int moved = 1; moved;) {
      moved = 0;
      for (size_t j = 0; j < k; ++j) {
        size_t b = order[j];
        if (offsets[b] == HEAP_OFFSET || death[b] < birth[a] ||
            death[a] < birth[b])
          continue;
        uint64_t end = offsets[b] + align_up(memory->sizes[b]);
        if (offsets[b] < offset + size && offset < end) {
          offset = end;
          moved = 1;
        }
      }
    }
    offsets[a] = offset;
    if (offset + size > total)
      total = offset + size;
  }
  /* The peak of live bytes: at each birth, what is live then. */
  uint64_t peak = 0;
  for (size_t a = 0; a < n; ++a) {
    if (death[a] == UINT64_MAX)
      continue;
    uint64_t live = 0;
    for (size_t b = 0; b < n; ++b)
      if (death[b] != UINT64_MAX && birth[b] <= birth[a] &&
          birth[a] <= death[b])
        live += align_up(memory->sizes[b]);
    if (live > peak)
      peak = live;
  }
  *lower_bound = peak;
  free(birth);
  free(death);
  free(order);
  return total;
}

/* Plans the recorded run for its shape, replacing the least recently used
 * plan if MOCC_RUN_MEMORY_PLANS are kept; grows the block to fit it. Out of
 * memory leaves the shape unplanned: the next run records it again. */
static void plan_recorded_run(mocc_run_memory *memory) {
  size_t n = memory->count;
  plan made = {0};
  made.key = malloc(memory->key_length * sizeof(int64_t) + 1);
  made.log.events = malloc(memory->log.length * sizeof(uint64_t) + 1);
  made.sizes = malloc(n * sizeof(uint64_t) + 1);
  made.offsets = malloc(n * sizeof(uint64_t) + 1);
  made.outputs = calloc(2 * n + 1, sizeof(output_block));
  if (!made.key || !made.log.events || !made.sizes || !made.offsets ||
      !made.outputs || !memory->key_kept)
    goto fail;
  made.bytes = place(memory, made.offsets, &made.lower_bound);
  if (made.bytes == UINT64_MAX)
    goto fail;
  if (made.bytes > memory->block.bytes) {
    mocc_buffer_free(&memory->block);
    if (mocc_buffer_alloc(&memory->block, made.bytes)) {
      /* The other plans need the block too. */
      while (memory->num_plans)
        remove_plan(memory, &memory->plans[0]);
      goto fail;
    }
  }
  memcpy(made.key, memory->key, memory->key_length * sizeof(int64_t));
  made.key_length = memory->key_length;
  memcpy(made.log.events, memory->log.events,
         memory->log.length * sizeof(uint64_t));
  made.log.length = made.log.capacity = memory->log.length;
  memcpy(made.sizes, memory->sizes, n * sizeof(uint64_t));
  made.count = n;
  /* The blocks left live are the outputs: the model holds them; one more
   * each serves the next run at this shape meanwhile. */
  for (size_t i = 0; i < memory->num_live; ++i) {
    live_block live = memory->live[i];
    uint64_t size = made.sizes[live.index];
    made.outputs[2 * live.index] = (output_block){live.pointer, size, 1};
    void *next = malloc(size ? size : 1);
    if (next)
      made.outputs[2 * live.index + 1] = (output_block){next, size, 0};
  }
  made.last_run = memory->runs;
  plan *slot = &memory->plans[memory->num_plans];
  if (memory->num_plans == MOCC_RUN_MEMORY_PLANS) {
    slot = &memory->plans[0];
    for (size_t i = 1; i < MOCC_RUN_MEMORY_PLANS; ++i)
      if (memory->plans[i].last_run < slot->last_run)
        slot = &memory->plans[i];
    free_plan(slot);
  } else {
    ++memory->num_plans;
  }
  *slot = made;
  memory->last = slot;
  return;
fail:
  free_plan(&made);
  memory->last = NULL;
}

/* Gives back a block of the run that dies (freed, or the run failed). */
static void release_live_block(live_block live) {
  if (live.place == IN_HEAP)
    free(live.pointer);
  else if (live.place == PLAN_OUTPUT)
    live.output->held = 0;
}

int mocc_run_memory_end(mocc_run_memory *memory, int succeeded) {
  current = NULL;
  /* A block of the shared one that outlives the run (a replay whose frees
   * left the log late) would be an output the next run overwrites. */
  int outlived = 0;
  for (size_t i = 0; succeeded && i < memory->num_live; ++i)
    outlived |= memory->live[i].place == IN_BLOCK;
  if (!succeeded || outlived) {
    for (size_t i = 0; i < memory->num_live; ++i)
      release_live_block(memory->live[i]);
    if (outlived)
      remove_plan(memory, memory->replaying);
    return 0;
  }
  /* The blocks left live are the outputs, which the model adopts. */
  plan *replayed = memory->replaying;
  if (!replayed) {
    plan_recorded_run(memory);
  } else if (memory->diverged || memory->cursor != replayed->log.length) {
    remove_plan(memory, replayed);
  } else {
    memory->last = replayed;
  }
  return 1;
}

/* The output block of a plan at `pointer`, if one is. */
static output_block *find_output(mocc_run_memory *memory, void *pointer) {
  for (size_t i = 0; i < memory->num_plans; ++i) {
    plan *p = &memory->plans[i];
    for (size_t j = 0; j < 2 * p->count; ++j)
      if (p->outputs[j].pointer == pointer)
        return &p->outputs[j];
  }
  return NULL;
}

void mocc_run_memory_release(mocc_run_memory *memory, void *block) {
  output_block *output = block ? find_output(memory, block) : NULL;
  if (output)
    output->held = 0;
  else
    free(block);
}

void mocc_run_memory_stats(const mocc_run_memory *memory,
                           uint64_t *planned_bytes,
                           uint64_t *lower_bound_bytes) {
  *planned_bytes = memory->last ? memory->last->bytes : 0;
  *lower_bound_bytes = memory->last ? memory->last->lower_bound : 0;
}

/* Whether the next event of the replayed plan is `event`; if not, the run
 * diverged from it (a size or an order that depends on values). */
static int replay_follows(mocc_run_memory *memory, uint64_t event) {
  const plan *p = memory->replaying;
  if (memory->diverged || memory->cursor >= p->log.length ||
      p->log.events[memory->cursor] != event) {
    memory->diverged = 1;
    return 0;
  }
  ++memory->cursor;
  return 1;
}

/* A free output block of the replayed plan for allocation `index`. */
static output_block *free_output(plan *p, size_t index, uint64_t size,
                                 uint64_t alignment) {
  for (size_t k = 2 * index; k < 2 * index + 2; ++k) {
    output_block *output = &p->outputs[k];
    if (output->pointer && !output->held && output->size >= size &&
        (uintptr_t)output->pointer % alignment == 0)
      return output;
  }
  return NULL;
}

static void *run_allocate(mocc_run_memory *memory, uint64_t size,
                          uint64_t alignment) {
  size_t index = memory->count;
  if (RESERVE(memory->live, memory->live_capacity, memory->num_live + 1))
    out_of_memory(size);
  live_block live = {NULL, index, IN_HEAP, NULL};
  plan *p = memory->replaying;
  if (p) {
    /* Following the log, the allocation is one the plan has. */
    int follows = replay_follows(memory, 2 * (uint64_t)index);
    int in_block = follows && p->offsets[index] != HEAP_OFFSET;
    output_block *output =
        follows && !in_block ? free_output(p, index, size, alignment) : NULL;
    if (in_block && size <= p->sizes[index] &&
        alignment <= MOCC_BUFFER_ALIGNMENT) {
      live.pointer = (char *)memory->block.aligned + p->offsets[index];
      live.place = IN_BLOCK;
    } else if (output) {
      output->held = 1;
      live.pointer = output->pointer;
      live.place = PLAN_OUTPUT;
      live.output = output;
    } else if (in_block) {
      memory->diverged = 1; /* a block elsewhere than the plan's */
    }
  } else {
    if (RESERVE(memory->sizes, memory->sizes_capacity, index + 1))
      out_of_memory(size);
    memory->sizes[index] = size;
    log_event(memory, 2 * (uint64_t)index);
  }
  if (!live.pointer)
    live.pointer = system_allocate(size, alignment);
  memory->live[memory->num_live++] = live;
  memory->count = index + 1;
  return live.pointer;
}

static void run_free(mocc_run_memory *memory, void *pointer) {
  /* Blocks die in about the reverse order of their births. */
  for (size_t i = memory->num_live; i-- > 0;) {
    live_block live = memory->live[i];
    if (live.pointer != pointer)
      continue;
    memory->live[i] = memory->live[--memory->num_live];
    uint64_t event = 2 * (uint64_t)live.index + 1;
    if (memory->replaying)
      replay_follows(memory, event);
    else
      log_event(memory, event);
    release_live_block(live);
    return;
  }
  free(pointer);
}

void *_mlir_memref_to_llvm_alloc(uint64_t size) {
  mocc_run_memory *memory = current;
  return memory ? run_allocate(memory, size, _Alignof(max_align_t))
                : system_allocate(size, _Alignof(max_align_t));
}

void *_mlir_memref_to_llvm_aligned_alloc(uint64_t alignment, uint64_t size) {
  mocc_run_memory *memory = current;
  return memory ? run_allocate(memory, size, alignment)
                : system_allocate(size, alignment);
}

void _mlir_memref_to_llvm_free(void *pointer) {
  mocc_run_memory *memory = current;
  if (memory)
    run_free(memory, pointer);
  else
    free(pointer);
}
