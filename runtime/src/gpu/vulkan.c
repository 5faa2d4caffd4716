/* mocc_gpu on Vulkan (gpu.h).
 *
 * The loader is opened with dlopen and every function is looked up through
 * vkGetInstanceProcAddr and vkGetDeviceProcAddr, so that a model library
 * links against nothing but the C library and a CPU model loads where no
 * Vulkan is installed. Each mocc_gpu holds its own loader handle, instance,
 * device and function pointers: instances share nothing.
 *
 * Per kernel: a shader module, a pipeline, a descriptor set and a command
 * buffer, all made once; a dispatch re-writes the set only when a buffer
 * differs from the last dispatch's, fills the staging copies and adds
 * itself to the batch (gpu.h). The sync records the batch into the command
 * buffer of its first kernel, unless that holds the same batch already
 * (the same kernels, group counts and descriptor sets: each write of a set
 * gives it a new version), submits it and waits; so a run that dispatches
 * the same batches as the last replays their command buffers. Nothing is in
 * flight outside a sync, so sets and staging copies change freely between.
 * Where the arena is shared (gpu.h), it and the staging copies are
 * host-visible and coherent: the host reads and writes their mappings
 * directly. Where the device has its own (by default on a discrete GPU,
 * whose memory the host reaches only across the bus), that is a
 * device-local buffer beside the host's mapped one, and the batch copies
 * between them with vkCmdCopyBuffer (mocc_gpu_upload, mocc_gpu_download);
 * the staging copies are device-local too: those of arena views not bound
 * in place filled from and written back to the device's arena by copies in
 * the batch, the others (inputs, outputs, weights) through a mapped source
 * beside them, which the host fills and reads back, copied to and from in
 * the batch (a weight once).
 */
#include "vulkan_gpu.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- Open and close ----------------------------------------------------- */

static const mocc_gpu_backend kVulkanBackend;
static void vulkan_close(mocc_gpu *base);

mocc_status mocc_vulkan_open(const mocc_compiled_gpu *table, int32_t device,
                             mocc_gpu **out_gpu) {
  if (device < 0)
    return mocc_status_format("Vulkan device %d does not exist", (int)device);

  vulkan_gpu *gpu = calloc(1, sizeof(*gpu));
  if (!gpu)
    return mocc_status_format("out of memory");
  gpu->index = device;
  mocc_status status = mocc_gpu_init(&gpu->base, &kVulkanBackend, table);
  if (!status)
    status = mocc_vk_open_device(gpu, device);
  if (!status)
    status = mocc_gpu_choose_arena(&gpu->base,
                                   gpu->properties.deviceType ==
                                       VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU);
  if (!status)
    status = mocc_vk_create_kernels(gpu, table);
  if (status) {
    vulkan_close(&gpu->base);
    return status;
  }
  *out_gpu = &gpu->base;
  return NULL;
}

static void destroy_kernel(vulkan_gpu *gpu, kernel *k) {
  for (uint32_t i = 0; k->staging && i < k->num_buffers; ++i) {
    mocc_vk_destroy_buffer(gpu, &k->staging[i].copy);
    mocc_vk_destroy_buffer(gpu, &k->staging[i].source);
  }
  /* The set and the command buffer go with their pools. */
  if (k->pipeline)
    gpu->vk.vkDestroyPipeline(gpu->device, k->pipeline, NULL);
  if (k->pipeline_layout)
    gpu->vk.vkDestroyPipelineLayout(gpu->device, k->pipeline_layout, NULL);
  if (k->set_layout)
    gpu->vk.vkDestroyDescriptorSetLayout(gpu->device, k->set_layout, NULL);
  if (k->module)
    gpu->vk.vkDestroyShaderModule(gpu->device, k->module, NULL);
  free(k->staging);
  free(k->bound);
  free(k->batches.recorded);
}

/* In the reverse order of creation; handles never created are NULL. */
static void vulkan_close(mocc_gpu *base) {
  vulkan_gpu *gpu = (vulkan_gpu *)base;
  /* vkDestroyDevice and vkDeviceWaitIdle are loaded first: a device whose
   * other functions are missing has no other objects. */
  if (gpu->device && gpu->vk.vkDestroyDevice) {
    if (gpu->vk.vkDeviceWaitIdle)
      gpu->vk.vkDeviceWaitIdle(gpu->device);
    mocc_vk_destroy_buffer(gpu, &gpu->arena);
    mocc_vk_destroy_buffer(gpu, &gpu->device_arena);
    for (uint32_t i = gpu->base.num_kernels; i-- > 0;)
      destroy_kernel(gpu, &gpu->kernels[i]);
    if (gpu->fence)
      gpu->vk.vkDestroyFence(gpu->device, gpu->fence, NULL);
    if (gpu->command_pool)
      gpu->vk.vkDestroyCommandPool(gpu->device, gpu->command_pool, NULL);
    if (gpu->descriptor_pool)
      gpu->vk.vkDestroyDescriptorPool(gpu->device, gpu->descriptor_pool, NULL);
    gpu->vk.vkDestroyDevice(gpu->device, NULL);
  }
  if (gpu->instance && gpu->vk.vkDestroyInstance)
    gpu->vk.vkDestroyInstance(gpu->instance, NULL);
  if (gpu->loader)
    dlclose(gpu->loader);
  free(gpu->kernels);
  free(gpu->copies.recorded);
  free(gpu->batch);
  free(gpu->downloads);
  mocc_gpu_release(&gpu->base);
  free(gpu->resolved);
  free(gpu->buffer_infos);
  free(gpu->writes);
  free(gpu);
}

static mocc_status vulkan_alloc_arena(mocc_gpu *base, size_t bytes,
                                      mocc_buffer *out_arena) {
  vulkan_gpu *gpu = (vulkan_gpu *)base;
  if (gpu->arena.buffer)
    return mocc_vk_device_status(gpu,
                                 "the activation arena is already allocated");
  VkResult result = mocc_vk_create_host_buffer(gpu, bytes, &gpu->arena);
  if (result == VK_SUCCESS && gpu->base.own_arena)
    result = mocc_vk_create_device_buffer(gpu, bytes, &gpu->device_arena);
  if (result != VK_SUCCESS)
    return mocc_vk_device_status(gpu,
                                 "cannot allocate the %zu-byte activation "
                                 "arena: %s",
                                 bytes, mocc_vk_result_name(result));
  gpu->base.arena = gpu->arena.mapped;
  gpu->base.arena_bytes = bytes;
  VkDeviceSize alignment =
      gpu->properties.limits.minStorageBufferOffsetAlignment;
  gpu->base.arena_alignment = alignment ? (size_t)alignment : 1;
  /* Vulkan maps at minMemoryMapAlignment, at least 64 bytes: as aligned as
   * mocc_buffer_alloc's. */
  out_arena->allocated = gpu->arena.mapped;
  out_arena->aligned = gpu->arena.mapped;
  out_arena->bytes = bytes;
  return NULL;
}

static const char *vulkan_device_name(const mocc_gpu *base) {
  return ((const vulkan_gpu *)base)->properties.deviceName;
}

/* --- Dispatch ----------------------------------------------------------- */

static void fail_allocation(vulkan_gpu *gpu, const kernel *k, uint32_t slot,
                            int64_t bytes, VkResult result) {
  mocc_gpu_fail(&gpu->base,
                "GPU kernel '%s': cannot allocate %lld bytes for buffer %u: %s",
                k->name, (long long)bytes, (unsigned)slot,
                mocc_vk_result_name(result));
}

/* Makes sure the staging copy of (k, slot) holds `bytes`: device-local
 * where the device has its own arena, else host-visible. A new VkBuffer
 * may reuse the handle of the one it replaces, so the set is marked for
 * re-writing rather than relying on the comparison of bindings. */
static void ensure_staging(vulkan_gpu *gpu, kernel *k, uint32_t slot,
                           int64_t bytes) {
  staging *s = &k->staging[slot];
  if (s->copy.buffer && s->copy.size >= (VkDeviceSize)bytes)
    return;
  mocc_vk_destroy_buffer(gpu, &s->copy);
  s->constant = (mocc_gpu_constant){NULL, 0};
  k->set_version = 0;
  VkResult result =
      gpu->base.own_arena
          ? mocc_vk_create_device_buffer(gpu, (VkDeviceSize)bytes, &s->copy)
          : mocc_vk_create_host_buffer(gpu, (VkDeviceSize)bytes, &s->copy);
  if (result != VK_SUCCESS)
    fail_allocation(gpu, k, slot, bytes, result);
}

/* The host-visible side of a device-local staging copy, of `bytes`: what
 * the host fills it from and reads it back into. */
static vk_buffer *ensure_source(vulkan_gpu *gpu, kernel *k, uint32_t slot,
                                int64_t bytes) {
  vk_buffer *source = &k->staging[slot].source;
  if (source->buffer && source->size >= (VkDeviceSize)bytes)
    return source;
  mocc_vk_destroy_buffer(gpu, source);
  VkResult result =
      mocc_vk_create_host_buffer(gpu, (VkDeviceSize)bytes, source);
  if (result != VK_SUCCESS)
    fail_allocation(gpu, k, slot, bytes, result);
  return source;
}

/* Where each pending buffer of `k` is bound: in place in the arena, or its
 * staging copy (shared with an earlier slot bound to the same buffer). */
static void resolve_bindings(vulkan_gpu *gpu, kernel *k, binding *out) {
  for (uint32_t slot = 0; slot < k->num_buffers; ++slot) {
    const mocc_gpu_binding *p = &gpu->base.pending[slot];
    uint32_t owner;
    switch (mocc_gpu_place_slot(&gpu->base, slot, &owner)) {
    case MOCC_GPU_IN_ARENA:
      out[slot] = (binding){
          gpu->base.own_arena ? gpu->device_arena.buffer : gpu->arena.buffer,
          (VkDeviceSize)((char *)p->data - (char *)gpu->arena.mapped),
          (VkDeviceSize)p->bytes};
      break;
    case MOCC_GPU_SHARED_COPY:
      out[slot] = out[owner];
      break;
    case MOCC_GPU_OWN_COPY:
      ensure_staging(gpu, k, slot, p->bytes);
      /* An empty buffer is bound whole: a range cannot be 0. */
      out[slot] = (binding){k->staging[slot].copy.buffer, 0,
                            p->bytes ? (VkDeviceSize)p->bytes : VK_WHOLE_SIZE};
      break;
    }
  }
}

/* Fails the run where a pending buffer of `k` is larger than the device
 * binds. */
static void check_ranges(vulkan_gpu *gpu, const kernel *k) {
  VkDeviceSize limit = gpu->properties.limits.maxStorageBufferRange;
  for (uint32_t slot = 0; slot < k->num_buffers; ++slot) {
    const mocc_gpu_binding *p = &gpu->base.pending[slot];
    if ((uint64_t)p->bytes > limit)
      mocc_gpu_fail(&gpu->base,
                    "GPU kernel '%s': buffer %u of %lld bytes exceeds the "
                    "device's storage buffer range of %llu",
                    k->name, (unsigned)slot, (long long)p->bytes,
                    (unsigned long long)limit);
  }
}

static int same_bindings(const kernel *k, const binding *resolved) {
  if (!k->set_version)
    return 0;
  for (uint32_t i = 0; i < k->num_buffers; ++i)
    if (k->bound[i].buffer != resolved[i].buffer ||
        k->bound[i].offset != resolved[i].offset ||
        k->bound[i].range != resolved[i].range)
      return 0;
  return 1;
}

/* Points `k`'s set at `resolved`, as a new version. Nothing is in flight:
 * command buffers recorded with the old version are never submitted again
 * (their batches no longer match). */
static void write_descriptor_set(vulkan_gpu *gpu, kernel *k,
                                 const binding *resolved) {
  VkDescriptorBufferInfo *buffers = gpu->buffer_infos;
  VkWriteDescriptorSet *writes = gpu->writes;
  for (uint32_t i = 0; i < k->num_buffers; ++i) {
    buffers[i] = (VkDescriptorBufferInfo){
        resolved[i].buffer, resolved[i].offset, resolved[i].range};
    writes[i] = (VkWriteDescriptorSet){
        .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
        .dstSet = k->set,
        .dstBinding = i,
        .descriptorCount = 1,
        .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
        .pBufferInfo = &buffers[i],
    };
  }
  gpu->vk.vkUpdateDescriptorSets(gpu->device, k->num_buffers, writes, 0, NULL);
  memcpy(k->bound, resolved, k->num_buffers * sizeof(*resolved));
  k->set_version = ++gpu->last_version;
}

/* Records the batch into `commands`: per dispatch, bind and dispatch; per
 * copy, vkCmdCopyBuffer; after each, a barrier
 * that makes its writes visible to the later entries of the batch and to
 * the host (which reads them after the fence). */
static VkResult record_batch(vulkan_gpu *gpu, VkCommandBuffer commands,
                             const batch_entry *batch, uint32_t count) {
  VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
  };
  /* Begin resets the buffer (the pool allows it). */
  VkResult result = gpu->vk.vkBeginCommandBuffer(commands, &begin);
  if (result != VK_SUCCESS)
    return result;
  VkMemoryBarrier barrier = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask =
          VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_HOST_READ_BIT | VK_ACCESS_SHADER_READ_BIT |
                       VK_ACCESS_SHADER_WRITE_BIT |
                       VK_ACCESS_TRANSFER_READ_BIT |
                       VK_ACCESS_TRANSFER_WRITE_BIT,
  };
  const VkPipelineStageFlags stages =
      VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
  for (uint32_t i = 0; i < count; ++i) {
    if (batch[i].kernel == MOCC_VK_COPY) {
      VkBufferCopy region = {batch[i].from_offset, batch[i].to_offset,
                             batch[i].bytes};
      gpu->vk.vkCmdCopyBuffer(commands, batch[i].from, batch[i].to, 1, &region);
      gpu->vk.vkCmdPipelineBarrier(commands, stages,
                                   VK_PIPELINE_STAGE_HOST_BIT | stages, 0, 1,
                                   &barrier, 0, NULL, 0, NULL);
      continue;
    }
    const kernel *k = &gpu->kernels[batch[i].kernel];
    gpu->vk.vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_COMPUTE,
                              k->pipeline);
    gpu->vk.vkCmdBindDescriptorSets(commands, VK_PIPELINE_BIND_POINT_COMPUTE,
                                    k->pipeline_layout, 0, 1, &k->set, 0, NULL);
    gpu->vk.vkCmdDispatch(commands, batch[i].groups[0], batch[i].groups[1],
                          batch[i].groups[2]);
    gpu->vk.vkCmdPipelineBarrier(commands, stages,
                                 VK_PIPELINE_STAGE_HOST_BIT | stages, 0, 1,
                                 &barrier, 0, NULL, 0, NULL);
  }
  return gpu->vk.vkEndCommandBuffer(commands);
}

/* Where the batch's next entry goes, with room made for it. */
static batch_entry *next_entry(vulkan_gpu *gpu) {
  uint32_t n = gpu->base.batch_size;
  if (n == gpu->batch_capacity) {
    batch_entry *grown = realloc(gpu->batch, 2 * n * sizeof(*grown));
    if (!grown)
      mocc_gpu_fail(&gpu->base, "out of memory");
    gpu->batch = grown;
    gpu->batch_capacity = 2 * n;
  }
  return &gpu->batch[n];
}

/* Adds a copy to the batch. */
static void add_copy(vulkan_gpu *gpu, VkBuffer from, uint64_t from_offset,
                     VkBuffer to, uint64_t to_offset, uint64_t bytes) {
  *next_entry(gpu) = (batch_entry){.kernel = MOCC_VK_COPY,
                                   .from = from,
                                   .to = to,
                                   .from_offset = from_offset,
                                   .to_offset = to_offset,
                                   .bytes = bytes};
  ++gpu->base.batch_size;
}

/* Whether the staging copy of `slot` is filled from, and written back
 * to, the device's own arena (a view of the arena not bound in place: the
 * host's copy of it is not current), and where in it. */
static int staged_on_device(const vulkan_gpu *gpu, uint32_t slot,
                            uint64_t *offset) {
  return gpu->base.own_arena && mocc_gpu_arena_offset(&gpu->base, slot, offset);
}

/* Fills the staging copies that need it (mocc_gpu_needs_upload) before the
 * dispatch: a host-visible one from the host (whose writes before the
 * submit the device sees without a barrier: coherent memory); a
 * device-local one from the device's arena for an arena view, else from
 * its source, which the host fills, by a copy in the batch. */
static void stage_in(vulkan_gpu *gpu, kernel *k) {
  for (uint32_t slot = 0; slot < k->num_buffers; ++slot) {
    const mocc_gpu_binding *p = &gpu->base.pending[slot];
    uint64_t offset;
    if (!mocc_gpu_needs_upload(&gpu->base, k->num_buffers, slot,
                               &k->staging[slot].constant))
      continue;
    vk_buffer *copy = &k->staging[slot].copy;
    if (staged_on_device(gpu, slot, &offset)) {
      add_copy(gpu, gpu->device_arena.buffer, offset, copy->buffer, 0,
               (uint64_t)p->bytes);
    } else if (copy->mapped) {
      memcpy(copy->mapped, p->data, (size_t)p->bytes);
    } else {
      vk_buffer *source = ensure_source(gpu, k, slot, p->bytes);
      memcpy(source->mapped, p->data, (size_t)p->bytes);
      add_copy(gpu, source->buffer, 0, copy->buffer, 0, (uint64_t)p->bytes);
    }
  }
}

/* Writes back the staging copies the kernel wrote (mocc_gpu_needs_download)
 * after the dispatch: a device-local one to the device's arena for an arena
 * view, else to its source, by a copy in the batch; then, but for the arena
 * view, the host-visible memory to the host at the sync. */
static void stage_out(vulkan_gpu *gpu, kernel *k) {
  for (uint32_t slot = 0; slot < k->num_buffers; ++slot) {
    const mocc_gpu_binding *p = &gpu->base.pending[slot];
    vk_buffer *copy = &k->staging[slot].copy;
    uint64_t offset;
    if (!mocc_gpu_needs_download(&gpu->base, k->num_buffers, slot))
      continue;
    if (staged_on_device(gpu, slot, &offset)) {
      add_copy(gpu, copy->buffer, 0, gpu->device_arena.buffer, offset,
               (uint64_t)p->bytes);
      continue;
    }
    void *mapped = copy->mapped;
    if (!mapped) {
      vk_buffer *source = ensure_source(gpu, k, slot, p->bytes);
      add_copy(gpu, copy->buffer, 0, source->buffer, 0, (uint64_t)p->bytes);
      mapped = source->mapped;
    }
    gpu->downloads[gpu->num_downloads++] =
        (download){p->data, mapped, (size_t)p->bytes};
  }
}

/* A batch entry's kernel, for messages. */
static const char *entry_name(const vulkan_gpu *gpu, const batch_entry *e) {
  return e->kernel == MOCC_VK_COPY ? "(a copy)" : gpu->kernels[e->kernel].name;
}

/* The batch, for messages: "'a'" or "'a' .. 'c' (a batch of 3)". */
static void batch_label(const vulkan_gpu *gpu, char *out, size_t size) {
  uint32_t n = gpu->base.batch_size;
  const char *first = entry_name(gpu, &gpu->batch[0]);
  if (n == 1)
    snprintf(out, size, "GPU kernel '%s'", first);
  else
    snprintf(out, size, "GPU kernels '%s' .. '%s' (a batch of %u)", first,
             entry_name(gpu, &gpu->batch[n - 1]), (unsigned)n);
}

static void vulkan_abandon(mocc_gpu *base) {
  vulkan_gpu *gpu = (vulkan_gpu *)base;
  if (gpu->submitted) {
    gpu->vk.vkDeviceWaitIdle(gpu->device);
    gpu->vk.vkResetFences(gpu->device, 1, &gpu->fence);
    gpu->submitted = 0;
  }
  gpu->num_downloads = 0;
}

/* The command buffer that runs the batch: that of its first dispatch's
 * kernel, or the copies' for copies alone, recorded unless it holds this
 * batch already. */
static VkCommandBuffer batch_commands(vulkan_gpu *gpu, const char *label) {
  uint32_t n = gpu->base.batch_size, i = 0;
  while (i < n && gpu->batch[i].kernel >= gpu->base.num_kernels)
    ++i;
  recording *r =
      i < n ? &gpu->kernels[gpu->batch[i].kernel].batches : &gpu->copies;
  if (r->num_recorded == n &&
      !memcmp(r->recorded, gpu->batch, n * sizeof(*gpu->batch)))
    return r->commands;
  r->num_recorded = 0;
  batch_entry *recorded = realloc(r->recorded, n * sizeof(*recorded));
  if (!recorded)
    mocc_gpu_fail(&gpu->base, "out of memory");
  r->recorded = recorded;
  VkResult result = record_batch(gpu, r->commands, gpu->batch, n);
  if (result != VK_SUCCESS)
    mocc_gpu_fail(&gpu->base, "%s: recording the commands failed with %s",
                  label, mocc_vk_result_name(result));
  memcpy(r->recorded, gpu->batch, n * sizeof(*gpu->batch));
  r->num_recorded = n;
  ++gpu->base.batches_recorded;
  return r->commands;
}

static void vulkan_sync(mocc_gpu *base) {
  vulkan_gpu *gpu = (vulkan_gpu *)base;
  if (!base->batch_size)
    return;
  char label[300];
  batch_label(gpu, label, sizeof(label));
  VkCommandBuffer commands = batch_commands(gpu, label);
  VkSubmitInfo submit = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .commandBufferCount = 1,
      .pCommandBuffers = &commands,
  };
  VkResult result = gpu->vk.vkQueueSubmit(gpu->queue, 1, &submit, gpu->fence);
  if (result != VK_SUCCESS)
    mocc_gpu_fail(base, "%s: vkQueueSubmit returned %s", label,
                  mocc_vk_result_name(result));
  gpu->submitted = 1;
  ++base->batches_synced;
  result =
      gpu->vk.vkWaitForFences(gpu->device, 1, &gpu->fence, VK_TRUE, UINT64_MAX);
  if (result != VK_SUCCESS)
    /* abandon waits for the device and resets the fence. */
    mocc_gpu_fail(base, "%s: vkWaitForFences returned %s", label,
                  mocc_vk_result_name(result));
  gpu->submitted = 0;
  result = gpu->vk.vkResetFences(gpu->device, 1, &gpu->fence);
  if (result != VK_SUCCESS)
    mocc_gpu_fail(base, "%s: vkResetFences returned %s", label,
                  mocc_vk_result_name(result));
  for (uint32_t i = 0; i < gpu->num_downloads; ++i)
    memcpy(gpu->downloads[i].to, gpu->downloads[i].from,
           gpu->downloads[i].bytes);
  gpu->num_downloads = 0;
  mocc_gpu_batch_end(base);
}

static void vulkan_transfer(mocc_gpu *base, int upload, size_t offset,
                            size_t bytes) {
  vulkan_gpu *gpu = (vulkan_gpu *)base;
  VkBuffer host = gpu->arena.buffer, device = gpu->device_arena.buffer;
  add_copy(gpu, upload ? host : device, offset, upload ? device : host, offset,
           bytes);
}

static void vulkan_dispatch(mocc_gpu *base, uint32_t index,
                            const int64_t requested[3]) {
  vulkan_gpu *gpu = (vulkan_gpu *)base;
  kernel *k = &gpu->kernels[index];
  uint32_t groups[3];
  if (!mocc_gpu_check_groups(base, k->name, requested,
                             gpu->properties.limits.maxComputeWorkGroupCount,
                             groups)) {
    mocc_gpu_clear_bindings(base);
    return;
  }
  mocc_gpu_check_bound(base, k->name, k->num_buffers);
  check_ranges(gpu, k);
  /* A kernel has one descriptor set: once a batch. */
  if (mocc_gpu_batch_conflicts(base, index, k->num_buffers, 1))
    vulkan_sync(base);

  binding *resolved = gpu->resolved;
  resolve_bindings(gpu, k, resolved);
  if (!same_bindings(k, resolved))
    write_descriptor_set(gpu, k, resolved);
  stage_in(gpu, k);
  *next_entry(gpu) = (batch_entry){.kernel = index,
                                   .groups = {groups[0], groups[1], groups[2]},
                                   .version = k->set_version};
  mocc_gpu_batch_add(base, index, k->num_buffers);
  stage_out(gpu, k);
  mocc_gpu_clear_bindings(base);
}

static const mocc_gpu_backend kVulkanBackend = {
    .close = vulkan_close,
    .alloc_arena = vulkan_alloc_arena,
    .device_name = vulkan_device_name,
    .dispatch = vulkan_dispatch,
    .transfer = vulkan_transfer,
    .sync = vulkan_sync,
    .abandon = vulkan_abandon,
};
