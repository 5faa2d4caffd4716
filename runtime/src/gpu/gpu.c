/* The part of mocc_gpu that does not depend on the API: gpu.h's calls,
 * forwarded to the instance's API (backend.h), and the bindings, which
 * every API keeps alike. */
#include "backend.h"

#include "../run_failure.h"
#include "../status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- gpu.h -------------------------------------------------------------- */

mocc_status mocc_gpu_open(const mocc_compiled_gpu *table, int32_t device,
                          mocc_gpu **out_gpu) {
  if (!out_gpu)
    return mocc_status_format("out_gpu is NULL");
  *out_gpu = NULL;
  if (!table || (table->num_kernels && !table->kernels) || !table->open)
    return mocc_status_format("malformed GPU kernel table");
  return table->open(table, device, out_gpu);
}

void mocc_gpu_close(mocc_gpu *gpu) {
  if (gpu)
    gpu->backend->close(gpu);
}

mocc_status mocc_gpu_alloc_arena(mocc_gpu *gpu, size_t bytes,
                                 mocc_buffer *out_arena) {
  return gpu->backend->alloc_arena(gpu, bytes, out_arena);
}

const char *mocc_gpu_device_name(const mocc_gpu *gpu) {
  return gpu ? gpu->backend->device_name(gpu) : "";
}

void mocc_gpu_bind(mocc_gpu *gpu, int64_t slot, void *data, int64_t bytes,
                   int64_t flags) {
  if (slot < 0 || slot >= (int64_t)gpu->num_slots)
    mocc_gpu_fail(gpu,
                  "GPU buffer slot %lld does not exist (the kernels take at "
                  "most %u buffers)",
                  (long long)slot, (unsigned)gpu->num_slots);
  if (bytes < 0 || (bytes > 0 && !data))
    mocc_gpu_fail(gpu, "GPU buffer slot %lld: %lld bytes at %p",
                  (long long)slot, (long long)bytes, data);
  /* No flag still binds it (as read). */
  gpu->pending[slot] =
      (mocc_gpu_binding){data, bytes, flags ? flags : MOCC_GPU_READ};
}

void mocc_gpu_dispatch(mocc_gpu *gpu, int64_t kernel, int64_t groups_x,
                       int64_t groups_y, int64_t groups_z) {
  if (kernel < 0 || kernel >= (int64_t)gpu->num_kernels)
    mocc_gpu_fail(gpu, "GPU kernel %lld does not exist (the model has %u)",
                  (long long)kernel, (unsigned)gpu->num_kernels);
  const int64_t groups[3] = {groups_x, groups_y, groups_z};
  gpu->backend->dispatch(gpu, (uint32_t)kernel, groups);
}

/* Forwards a transfer of arena bytes to the API, which adds it to the
 * batch. */
static void transfer(mocc_gpu *gpu, int upload, const void *data,
                     int64_t bytes) {
  if (!gpu->own_arena || bytes == 0)
    return;
  uintptr_t base = (uintptr_t)gpu->arena, at = (uintptr_t)data;
  if (!base || bytes < 0 || at < base || at - base > gpu->arena_bytes ||
      (uint64_t)bytes > gpu->arena_bytes - (at - base))
    mocc_gpu_fail(gpu,
                  "GPU arena %s of %lld bytes at %p is outside the %zu-byte "
                  "arena at %p",
                  upload ? "upload" : "download", (long long)bytes, data,
                  gpu->arena_bytes, (const void *)gpu->arena);
  gpu->backend->transfer(gpu, upload, at - base, (size_t)bytes);
}

void mocc_gpu_upload(mocc_gpu *gpu, const void *data, int64_t bytes) {
  transfer(gpu, 1, data, bytes);
}

void mocc_gpu_download(mocc_gpu *gpu, void *data, int64_t bytes) {
  transfer(gpu, 0, data, bytes);
}

void mocc_gpu_sync(mocc_gpu *gpu) { gpu->backend->sync(gpu); }

/* --- backend.h ---------------------------------------------------------- */

mocc_status mocc_gpu_init(mocc_gpu *gpu, const mocc_gpu_backend *backend,
                          const mocc_compiled_gpu *table) {
  gpu->backend = backend;
  for (uint32_t i = 0; i < table->num_kernels; ++i)
    if (table->kernels[i].num_buffers > gpu->num_slots)
      gpu->num_slots = table->kernels[i].num_buffers;
  gpu->pending =
      calloc(gpu->num_slots ? gpu->num_slots : 1, sizeof(*gpu->pending));
  gpu->in_batch = calloc(table->num_kernels ? table->num_kernels : 1, 1);
  size_t ranges = (size_t)(table->num_kernels ? table->num_kernels : 1) *
                  (gpu->num_slots ? gpu->num_slots : 1);
  gpu->written = calloc(ranges, sizeof(*gpu->written));
  gpu->arena_alignment = 1;
  return gpu->pending && gpu->in_batch && gpu->written
             ? NULL
             : mocc_status_format("out of memory");
}

mocc_status mocc_gpu_choose_arena(mocc_gpu *gpu, int device_default) {
  const char *choice = getenv("MOCC_GPU_ARENA");
  if (!choice || !*choice)
    gpu->own_arena = device_default;
  else if (!strcmp(choice, "device"))
    gpu->own_arena = 1;
  else if (!strcmp(choice, "shared"))
    gpu->own_arena = 0;
  else
    return mocc_status_format(
        "MOCC_GPU_ARENA is '%s': expected 'device' or 'shared'", choice);
  return NULL;
}

void mocc_gpu_release(mocc_gpu *gpu) {
  free(gpu->pending);
  free(gpu->in_batch);
  free(gpu->written);
}

void mocc_gpu_clear_bindings(mocc_gpu *gpu) {
  memset(gpu->pending, 0, gpu->num_slots * sizeof(*gpu->pending));
}

_Noreturn void mocc_gpu_vfail(mocc_gpu *gpu, const char *format, va_list args) {
  char message[512];
  vsnprintf(message, sizeof(message), format, args);
  mocc_gpu_clear_bindings(gpu);
  if (gpu->backend->abandon)
    gpu->backend->abandon(gpu);
  mocc_gpu_batch_end(gpu);
  mocc_run_fail("%s", message);
}

_Noreturn void mocc_gpu_fail(mocc_gpu *gpu, const char *format, ...) {
  va_list args;
  va_start(args, format);
  mocc_gpu_vfail(gpu, format, args);
}

int mocc_gpu_check_groups(mocc_gpu *gpu, const char *name,
                          const int64_t groups[3], const uint32_t limit[3],
                          uint32_t out[3]) {
  int any = 1;
  for (int i = 0; i < 3; ++i) {
    if (groups[i] < 0 || groups[i] > (int64_t)limit[i])
      mocc_gpu_fail(gpu,
                    "GPU kernel '%s': %lld x %lld x %lld groups exceed the "
                    "device's limit of %u x %u x %u",
                    name, (long long)groups[0], (long long)groups[1],
                    (long long)groups[2], limit[0], limit[1], limit[2]);
    out[i] = (uint32_t)groups[i];
    any = any && out[i];
  }
  return any;
}

void mocc_gpu_check_bound(mocc_gpu *gpu, const char *name,
                          uint32_t num_buffers) {
  for (uint32_t slot = 0; slot < num_buffers; ++slot)
    if (!gpu->pending[slot].flags)
      mocc_gpu_fail(gpu, "GPU kernel '%s': buffer %u is not bound", name,
                    (unsigned)slot);
}

/* Whether `b` lies within the arena, not empty. */
static int within_arena(const mocc_gpu *gpu, const mocc_gpu_binding *b) {
  uintptr_t base = (uintptr_t)gpu->arena, data = (uintptr_t)b->data;
  return base && b->bytes > 0 && data >= base &&
         data - base < gpu->arena_bytes &&
         (uint64_t)b->bytes <= gpu->arena_bytes - (data - base);
}

/* Whether `b` lies within the arena, at an offset kernels take in place. */
static int in_arena(const mocc_gpu *gpu, const mocc_gpu_binding *b) {
  return within_arena(gpu, b) &&
         ((uintptr_t)b->data - (uintptr_t)gpu->arena) % gpu->arena_alignment ==
             0;
}

int mocc_gpu_arena_offset(const mocc_gpu *gpu, uint32_t slot,
                          uint64_t *out_offset) {
  const mocc_gpu_binding *b = &gpu->pending[slot];
  if (!within_arena(gpu, b))
    return 0;
  *out_offset = (uintptr_t)b->data - (uintptr_t)gpu->arena;
  return 1;
}

/* The first slot of this dispatch bound to the same pointer and size as
 * `slot`: `slot` itself if none before it. */
static uint32_t first_alias(const mocc_gpu *gpu, uint32_t slot) {
  for (uint32_t i = 0; i < slot; ++i)
    if (gpu->pending[i].data == gpu->pending[slot].data &&
        gpu->pending[i].bytes == gpu->pending[slot].bytes)
      return i;
  return slot;
}

mocc_gpu_place mocc_gpu_place_slot(const mocc_gpu *gpu, uint32_t slot,
                                   uint32_t *out_owner) {
  if (in_arena(gpu, &gpu->pending[slot]))
    return MOCC_GPU_IN_ARENA;
  *out_owner = first_alias(gpu, slot);
  return *out_owner < slot ? MOCC_GPU_SHARED_COPY : MOCC_GPU_OWN_COPY;
}

/* Whether `slot` owns a device copy with something in it. */
static int owns_copy(const mocc_gpu *gpu, uint32_t slot) {
  const mocc_gpu_binding *b = &gpu->pending[slot];
  return b->bytes > 0 && !in_arena(gpu, b) && first_alias(gpu, slot) == slot;
}

/* The flags of every slot that shares the device copy of `slot`. */
static int64_t shared_flags(const mocc_gpu *gpu, uint32_t num_buffers,
                            uint32_t slot) {
  int64_t flags = 0;
  for (uint32_t i = slot; i < num_buffers; ++i)
    if (first_alias(gpu, i) == slot)
      flags |= gpu->pending[i].flags;
  return flags;
}

int mocc_gpu_needs_upload(const mocc_gpu *gpu, uint32_t num_buffers,
                          uint32_t slot, mocc_gpu_constant *constant) {
  if (!owns_copy(gpu, slot))
    return 0;
  const mocc_gpu_binding *b = &gpu->pending[slot];
  int64_t flags = shared_flags(gpu, num_buffers, slot);
  if (!(flags & MOCC_GPU_CONSTANT) || (flags & MOCC_GPU_WRITE)) {
    *constant = (mocc_gpu_constant){NULL, 0};
    return 1;
  }
  if (constant->source == b->data && constant->bytes == b->bytes)
    return 0;
  *constant = (mocc_gpu_constant){b->data, b->bytes};
  return 1;
}

int mocc_gpu_needs_download(const mocc_gpu *gpu, uint32_t num_buffers,
                            uint32_t slot) {
  return owns_copy(gpu, slot) &&
         (shared_flags(gpu, num_buffers, slot) & MOCC_GPU_WRITE);
}

/* --- Batches ------------------------------------------------------------ */

static int overlaps(const char *a, int64_t a_bytes, const char *b,
                    int64_t b_bytes) {
  return a < b + b_bytes && b < a + a_bytes;
}

int mocc_gpu_batch_conflicts(const mocc_gpu *gpu, uint32_t kernel,
                             uint32_t num_buffers, int repeat_conflicts) {
  if (!gpu->batch_size)
    return 0;
  if ((gpu->in_batch[kernel] && repeat_conflicts) || gpu->written_overflow)
    return 1;
  int any_staged = 0;
  for (uint32_t slot = 0; slot < num_buffers; ++slot) {
    const mocc_gpu_binding *b = &gpu->pending[slot];
    if (!b->bytes)
      continue;
    int staged = !in_arena(gpu, b);
    any_staged |= staged;
    /* In place over in place is ordered by the batch itself. */
    for (uint32_t i = 0; i < gpu->num_written; ++i) {
      const mocc_gpu_range *w = &gpu->written[i];
      if ((staged || w->staged) &&
          overlaps(b->data, b->bytes, w->data, w->bytes))
        return 1;
    }
  }
  return gpu->in_batch[kernel] && any_staged;
}

void mocc_gpu_batch_add(mocc_gpu *gpu, uint32_t kernel, uint32_t num_buffers) {
  gpu->in_batch[kernel] = 1;
  ++gpu->batch_size;
  for (uint32_t slot = 0; slot < num_buffers; ++slot) {
    const mocc_gpu_binding *b = &gpu->pending[slot];
    if (!b->bytes || !(b->flags & MOCC_GPU_WRITE))
      continue;
    /* Room for num_slots a kernel: a kernel repeated in the batch (on CUDA,
     * in place) may need more. */
    if (gpu->num_written < gpu->num_kernels * gpu->num_slots)
      gpu->written[gpu->num_written++] =
          (mocc_gpu_range){b->data, b->bytes, !in_arena(gpu, b)};
    else
      gpu->written_overflow = 1;
  }
}

void mocc_gpu_batch_end(mocc_gpu *gpu) {
  if (gpu->batch_size)
    memset(gpu->in_batch, 0, gpu->num_kernels);
  gpu->batch_size = 0;
  gpu->num_written = 0;
  gpu->written_overflow = 0;
}

uint64_t mocc_gpu_batches_recorded(const mocc_gpu *gpu) {
  return gpu->batches_recorded;
}

uint64_t mocc_gpu_batches_synced(const mocc_gpu *gpu) {
  return gpu->batches_synced;
}
