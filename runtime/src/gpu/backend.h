/* What the implementations of mocc_gpu (vulkan.c, cuda.c) share, private to
 * runtime/src/gpu: the start of every instance, through which gpu.c forwards
 * gpu.h's calls to the instance's API, and the bookkeeping of bindings that
 * every API keeps alike (gpu.c).
 *
 * An API's instance embeds struct mocc_gpu as its first member:
 *
 *   typedef struct vulkan_gpu { mocc_gpu base; ... } vulkan_gpu;
 *
 * A dispatch resolves each slot of the kernel with mocc_gpu_place: in place
 * in the arena, or a device copy of the API's own per (kernel, slot),
 * possibly shared with an earlier slot bound to the same buffer. Around the
 * kernel it fills and reads back the copies that mocc_gpu_needs_upload and
 * mocc_gpu_needs_download name: filled at the dispatch, read back at the
 * sync that ends its batch.
 *
 * The batch (gpu.h): each dispatch asks mocc_gpu_batch_conflicts whether it
 * must sync the batch first, then adds itself with mocc_gpu_batch_add; the
 * API's sync ends it with mocc_gpu_batch_end.
 */
#ifndef MOCC_RUNTIME_GPU_BACKEND_H
#define MOCC_RUNTIME_GPU_BACKEND_H

#include "gpu.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* A mocc_gpu_bind waiting for the next dispatch. */
typedef struct mocc_gpu_binding {
  void *data;
  int64_t bytes;
  int64_t flags; /* 0: not bound */
} mocc_gpu_binding;

/* gpu.h's calls, as each API implements them. */
typedef struct mocc_gpu_backend {
  /* Frees all the instance holds, the arena too; also a partly opened
   * instance. */
  void (*close)(mocc_gpu *gpu);
  /* Sets arena, arena_bytes and arena_alignment on success. */
  mocc_status (*alloc_arena)(mocc_gpu *gpu, size_t bytes,
                             mocc_buffer *out_arena);
  const char *(*device_name)(const mocc_gpu *gpu);
  /* `kernel` exists; the group counts are as generated code passed them. */
  void (*dispatch)(mocc_gpu *gpu, uint32_t kernel, const int64_t groups[3]);
  /* mocc_gpu_upload and mocc_gpu_download where the device has its own
   * arena: `bytes` (> 0) at `offset` within both copies. Adds itself to
   * the batch (batch_size). */
  void (*transfer)(mocc_gpu *gpu, int upload, size_t offset, size_t bytes);
  /* mocc_gpu_sync. */
  void (*sync)(mocc_gpu *gpu);
  /* A run fails (mocc_gpu_fail): waits for the work in flight and forgets
   * the batch without copying anything back. Never fails itself. */
  void (*abandon)(mocc_gpu *gpu);
} mocc_gpu_backend;

/* Host memory that a kernel of the batch writes. */
typedef struct mocc_gpu_range {
  const char *data;
  int64_t bytes;
  int staged; /* through a device copy, read back at the sync */
} mocc_gpu_range;

struct mocc_gpu {
  const mocc_gpu_backend *backend;
  /* The kernels created so far: all of the table's once open. */
  uint32_t num_kernels;
  /* The most buffers a kernel takes: the slots mocc_gpu_bind accepts. */
  uint32_t num_slots;
  mocc_gpu_binding *pending; /* num_slots */
  /* The activation arena (NULL until allocated): a binding within it, at a
   * multiple of arena_alignment from its start, is passed in place. */
  const char *arena;
  size_t arena_bytes;
  size_t arena_alignment; /* at least 1 */
  /* Whether the device keeps its own copy of the arena (gpu.h), set at
   * open by mocc_gpu_choose_arena. */
  int own_arena;
  /* The batch: its dispatches and transfers, which kernels they ran
   * (num_kernels flags) and what they write (at most num_slots per kernel). */
  uint32_t batch_size;
  uint8_t *in_batch;
  mocc_gpu_range *written;
  uint32_t num_written;
  int written_overflow; /* more than `written` holds: sync before the next */
  /* For tests (mocc_gpu_batches_recorded): the batches recorded (Vulkan's
   * command buffers) and submitted or waited for. */
  uint64_t batches_recorded, batches_synced;
};

/* mocc_gpu_open for each API, after gpu.c checked `table` and out_gpu. */
mocc_status mocc_vulkan_open(const mocc_compiled_gpu *table, int32_t device,
                             mocc_gpu **out_gpu);
mocc_status mocc_cuda_open(const mocc_compiled_gpu *table, int32_t device,
                           mocc_gpu **out_gpu);

/* Fills in what every API shares, with slots for the kernel of `table` that
 * takes the most buffers. mocc_gpu_release frees it again (also when this
 * failed). */
mocc_status mocc_gpu_init(mocc_gpu *gpu, const mocc_gpu_backend *backend,
                          const mocc_compiled_gpu *table);
void mocc_gpu_release(mocc_gpu *gpu);

/* Sets gpu->own_arena: MOCC_GPU_ARENA's choice, else `device_default`.
 * Fails on another value of MOCC_GPU_ARENA. */
mocc_status mocc_gpu_choose_arena(mocc_gpu *gpu, int device_default);

/* Whether the dispatch of `kernel`, taking num_buffers of the pending
 * bindings, must sync the batch before it (gpu.h): it would not see an
 * earlier kernel's writes through a staged copy, or it repeats a kernel of
 * the batch with a staged buffer (any kernel where repeat_conflicts). */
int mocc_gpu_batch_conflicts(const mocc_gpu *gpu, uint32_t kernel,
                             uint32_t num_buffers, int repeat_conflicts);
/* Adds the dispatch of `kernel` with the pending bindings to the batch. */
void mocc_gpu_batch_add(mocc_gpu *gpu, uint32_t kernel, uint32_t num_buffers);
/* Forgets the batch (after a sync, or abandoned). */
void mocc_gpu_batch_end(mocc_gpu *gpu);

/* For tests: the counters above. */
uint64_t mocc_gpu_batches_recorded(const mocc_gpu *gpu);
uint64_t mocc_gpu_batches_synced(const mocc_gpu *gpu);

/* Forgets the bindings: each dispatch takes those made since the last. */
void mocc_gpu_clear_bindings(mocc_gpu *gpu);

/* Fail the run (mocc_run_fail) with a printf-formatted message, forgetting
 * the bindings and abandoning the batch (the backend's abandon), which
 * leaves the instance ready for the next run. */
__attribute__((format(printf, 2, 3))) _Noreturn void
mocc_gpu_fail(mocc_gpu *gpu, const char *format, ...);
__attribute__((format(printf, 2, 0))) _Noreturn void
mocc_gpu_vfail(mocc_gpu *gpu, const char *format, va_list args);

/* The group counts of a dispatch of kernel `name` as the device takes them;
 * fails the run beyond `limit`. Returns 0 where a count is 0: nothing to
 * dispatch. */
int mocc_gpu_check_groups(mocc_gpu *gpu, const char *name,
                          const int64_t groups[3], const uint32_t limit[3],
                          uint32_t out[3]);

/* Fails the run where a slot below num_buffers is not bound. */
void mocc_gpu_check_bound(mocc_gpu *gpu, const char *name,
                          uint32_t num_buffers);

/* Where the buffer bound at a slot goes. */
typedef enum mocc_gpu_place {
  MOCC_GPU_IN_ARENA,    /* in place, within the arena */
  MOCC_GPU_OWN_COPY,    /* the device copy of (kernel, slot) */
  MOCC_GPU_SHARED_COPY, /* the device copy of an earlier slot */
} mocc_gpu_place;

/* Where `slot` goes; for MOCC_GPU_SHARED_COPY, *out_owner is the earlier
 * slot bound to the same pointer and size, whose copy it shares. An empty
 * buffer is never in the arena. */
mocc_gpu_place mocc_gpu_place_slot(const mocc_gpu *gpu, uint32_t slot,
                                   uint32_t *out_owner);

/* Whether the buffer bound at `slot` lies within the arena (in place or
 * not), and its offset there. */
int mocc_gpu_arena_offset(const mocc_gpu *gpu, uint32_t slot,
                          uint64_t *out_offset);

/* The source of what a device copy holds as a MOCC_GPU_CONSTANT, so that
 * later dispatches skip the upload; all zero when it holds no constant (a
 * new copy, or one last filled with something else). */
typedef struct mocc_gpu_constant {
  const void *source;
  int64_t bytes;
} mocc_gpu_constant;

/* Whether this dispatch of a kernel taking num_buffers fills the device copy
 * of `slot` from the host before it runs: the slot owns a copy of a non-empty
 * buffer, and it is not a constant the copy already holds. Buffers the
 * kernel only writes are filled too, since all their bytes are read back.
 * Updates *constant, the copy's. */
int mocc_gpu_needs_upload(const mocc_gpu *gpu, uint32_t num_buffers,
                          uint32_t slot, mocc_gpu_constant *constant);

/* Whether the dispatch reads the device copy of `slot` back to the host
 * after the kernel: the slot owns a copy that a slot sharing it writes. */
int mocc_gpu_needs_download(const mocc_gpu *gpu, uint32_t num_buffers,
                            uint32_t slot);

#endif /* MOCC_RUNTIME_GPU_BACKEND_H */
