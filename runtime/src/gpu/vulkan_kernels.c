/* A Vulkan compute pipeline per kernel of a mocc_gpu (vulkan_gpu.h): its
 * SPIR-V checked against what the device offers, its shader module,
 * layouts, pipeline, descriptor set and command buffer. */
#include "vulkan_gpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- Kernels ------------------------------------------------------------ */

/* The SPIR-V capabilities mocc's kernels may declare that depend on an
 * optional feature. Checked before the driver sees the module: some drivers
 * crash on a module that uses what the device lacks. */
static const char *missing_capability(const vulkan_gpu *gpu, uint32_t id) {
  const device_features *f = &gpu->enabled;
  switch (id) {
  case 9:
    return f->float16_int8.shaderFloat16 ? NULL : "Float16";
  case 10:
    return f->core.features.shaderFloat64 ? NULL : "Float64";
  case 11:
    return f->core.features.shaderInt64 ? NULL : "Int64";
  case 22:
    return f->core.features.shaderInt16 ? NULL : "Int16";
  case 39:
    return f->float16_int8.shaderInt8 ? NULL : "Int8";
  case 4433:
    return f->storage16.storageBuffer16BitAccess ? NULL
                                                 : "StorageBuffer16BitAccess";
  case 4448:
    return f->storage8.storageBuffer8BitAccess ? NULL
                                               : "StorageBuffer8BitAccess";
  case 4449:
    return f->storage8.uniformAndStorageBuffer8BitAccess
               ? NULL
               : "UniformAndStorageBuffer8BitAccess";
  default:
    return NULL;
  }
}

/* Checks the module's header and its OpCapability instructions, which come
 * first, against the device. */
static mocc_status check_spirv(const vulkan_gpu *gpu, const char *name,
                               const uint32_t *words, size_t num_words) {
  const uint32_t kMagic = 0x07230203, kOpCapability = 17;
  if (num_words < 5 || words[0] != kMagic)
    return mocc_vk_device_status(gpu, "kernel '%s' is not SPIR-V", name);
  for (size_t at = 5; at < num_words;) {
    uint32_t length = words[at] >> 16, opcode = words[at] & 0xffff;
    if (length == 0 || length > num_words - at)
      return mocc_vk_device_status(gpu, "kernel '%s': malformed SPIR-V", name);
    if (opcode != kOpCapability)
      break;
    const char *missing =
        length > 1 ? missing_capability(gpu, words[at + 1]) : NULL;
    if (missing)
      return mocc_vk_device_status(
          gpu,
          "kernel '%s' needs the SPIR-V capability %s, "
          "which the device lacks",
          name, missing);
    at += length;
  }
  return NULL;
}

static mocc_status create_shader_module(vulkan_gpu *gpu, kernel *k,
                                        const mocc_compiled_gpu_kernel *code) {
  if (!code->code || code->code_bytes % 4 || code->code_bytes > SIZE_MAX / 2)
    return mocc_vk_device_status(gpu,
                                 "kernel '%s': SPIR-V of %llu bytes is not a "
                                 "whole number of words",
                                 k->name, (unsigned long long)code->code_bytes);
  /* pCode is a uint32_t pointer: copy words the table left unaligned. */
  const uint32_t *words = code->code;
  uint32_t *copy = NULL;
  if ((uintptr_t)code->code % sizeof(uint32_t)) {
    if (!(copy = malloc((size_t)code->code_bytes)))
      return mocc_status_format("out of memory");
    memcpy(copy, code->code, (size_t)code->code_bytes);
    words = copy;
  }
  mocc_status status =
      check_spirv(gpu, k->name, words, (size_t)code->code_bytes / 4);
  if (!status) {
    VkShaderModuleCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
        .codeSize = (size_t)code->code_bytes,
        .pCode = words,
    };
    VkResult result =
        gpu->vk.vkCreateShaderModule(gpu->device, &info, NULL, &k->module);
    if (result != VK_SUCCESS) {
      k->module = VK_NULL_HANDLE;
      status = mocc_vk_device_status(gpu,
                                     "kernel '%s' does not build: "
                                     "vkCreateShaderModule returned %s",
                                     k->name, mocc_vk_result_name(result));
    }
  }
  free(copy);
  return status;
}

/* Set 0, bindings 0 .. num_buffers - 1, storage buffers; no push
 * constants. */
static mocc_status create_layouts(vulkan_gpu *gpu, kernel *k) {
  VkDescriptorSetLayoutBinding *bindings =
      calloc(k->num_buffers ? k->num_buffers : 1, sizeof(*bindings));
  if (!bindings)
    return mocc_status_format("out of memory");
  for (uint32_t i = 0; i < k->num_buffers; ++i) {
    bindings[i].binding = i;
    bindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    bindings[i].descriptorCount = 1;
    bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  }
  VkDescriptorSetLayoutCreateInfo set_info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
      .bindingCount = k->num_buffers,
      .pBindings = bindings,
  };
  VkResult result = gpu->vk.vkCreateDescriptorSetLayout(gpu->device, &set_info,
                                                        NULL, &k->set_layout);
  free(bindings);
  if (result != VK_SUCCESS) {
    k->set_layout = VK_NULL_HANDLE;
    return mocc_vk_device_status(gpu,
                                 "kernel '%s': vkCreateDescriptorSetLayout "
                                 "returned %s",
                                 k->name, mocc_vk_result_name(result));
  }
  VkPipelineLayoutCreateInfo pipeline_info = {
      .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
      .setLayoutCount = 1,
      .pSetLayouts = &k->set_layout,
  };
  result = gpu->vk.vkCreatePipelineLayout(gpu->device, &pipeline_info, NULL,
                                          &k->pipeline_layout);
  if (result != VK_SUCCESS) {
    k->pipeline_layout = VK_NULL_HANDLE;
    return mocc_vk_device_status(gpu,
                                 "kernel '%s': vkCreatePipelineLayout returned "
                                 "%s",
                                 k->name, mocc_vk_result_name(result));
  }
  return NULL;
}

static mocc_status create_pipeline(vulkan_gpu *gpu, kernel *k) {
  VkComputePipelineCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
      .stage =
          {
              .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
              .stage = VK_SHADER_STAGE_COMPUTE_BIT,
              .module = k->module,
              .pName = k->name,
          },
      .layout = k->pipeline_layout,
  };
  VkResult result = gpu->vk.vkCreateComputePipelines(
      gpu->device, VK_NULL_HANDLE, 1, &info, NULL, &k->pipeline);
  if (result != VK_SUCCESS) {
    k->pipeline = VK_NULL_HANDLE;
    return mocc_vk_device_status(gpu,
                                 "kernel '%s' does not build: "
                                 "vkCreateComputePipelines returned %s",
                                 k->name, mocc_vk_result_name(result));
  }
  return NULL;
}

static VkResult allocate_commands(vulkan_gpu *gpu, VkCommandBuffer *out) {
  VkCommandBufferAllocateInfo info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = gpu->command_pool,
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = 1,
  };
  return gpu->vk.vkAllocateCommandBuffers(gpu->device, &info, out);
}

static mocc_status allocate_kernel_commands(vulkan_gpu *gpu, kernel *k) {
  VkDescriptorSetAllocateInfo set_info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
      .descriptorPool = gpu->descriptor_pool,
      .descriptorSetCount = 1,
      .pSetLayouts = &k->set_layout,
  };
  VkResult result =
      gpu->vk.vkAllocateDescriptorSets(gpu->device, &set_info, &k->set);
  if (result != VK_SUCCESS)
    return mocc_vk_device_status(gpu,
                                 "kernel '%s': vkAllocateDescriptorSets "
                                 "returned %s",
                                 k->name, mocc_vk_result_name(result));
  result = allocate_commands(gpu, &k->batches.commands);
  if (result != VK_SUCCESS)
    return mocc_vk_device_status(gpu,
                                 "kernel '%s': vkAllocateCommandBuffers "
                                 "returned %s",
                                 k->name, mocc_vk_result_name(result));
  return NULL;
}

static mocc_status create_kernel(vulkan_gpu *gpu, kernel *k,
                                 const mocc_compiled_gpu_kernel *code) {
  k->name = code->name ? code->name : "";
  k->num_buffers = code->num_buffers;
  uint32_t limit = gpu->properties.limits.maxPerStageDescriptorStorageBuffers;
  if (k->num_buffers > limit)
    return mocc_vk_device_status(gpu,
                                 "kernel '%s' takes %u buffers; the device "
                                 "binds at most %u",
                                 k->name, k->num_buffers, limit);
  size_t slots = k->num_buffers ? k->num_buffers : 1;
  k->bound = calloc(slots, sizeof(*k->bound));
  k->staging = calloc(slots, sizeof(*k->staging));
  if (!k->bound || !k->staging)
    return mocc_status_format("out of memory");
  mocc_status status = create_shader_module(gpu, k, code);
  if (!status)
    status = create_layouts(gpu, k);
  if (!status)
    status = create_pipeline(gpu, k);
  if (!status)
    status = allocate_kernel_commands(gpu, k);
  return status;
}

/* The pools every kernel allocates from, and the fence of syncs. */
static mocc_status create_pools(vulkan_gpu *gpu,
                                const mocc_compiled_gpu *table) {
  uint32_t descriptors = 0;
  for (uint32_t i = 0; i < table->num_kernels; ++i) {
    uint32_t n = table->kernels[i].num_buffers;
    if (n > UINT32_MAX - descriptors)
      return mocc_status_format("malformed GPU kernel table");
    descriptors += n;
  }
  VkDescriptorPoolSize size = {
      .type = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
      .descriptorCount = descriptors ? descriptors : 1,
  };
  VkDescriptorPoolCreateInfo descriptor_info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
      .maxSets = table->num_kernels ? table->num_kernels : 1,
      .poolSizeCount = 1,
      .pPoolSizes = &size,
  };
  VkResult result = gpu->vk.vkCreateDescriptorPool(
      gpu->device, &descriptor_info, NULL, &gpu->descriptor_pool);
  if (result != VK_SUCCESS) {
    gpu->descriptor_pool = VK_NULL_HANDLE;
    return mocc_vk_call_status(gpu, "vkCreateDescriptorPool", result);
  }
  /* Each kernel's command buffer (and the copies') is re-recorded on its
   * own when the batch starting with it changes. */
  VkCommandPoolCreateInfo command_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
      .queueFamilyIndex = gpu->queue_family,
  };
  result = gpu->vk.vkCreateCommandPool(gpu->device, &command_info, NULL,
                                       &gpu->command_pool);
  if (result != VK_SUCCESS) {
    gpu->command_pool = VK_NULL_HANDLE;
    return mocc_vk_call_status(gpu, "vkCreateCommandPool", result);
  }
  result = allocate_commands(gpu, &gpu->copies.commands);
  if (result != VK_SUCCESS)
    return mocc_vk_call_status(gpu, "vkAllocateCommandBuffers", result);
  VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  result = gpu->vk.vkCreateFence(gpu->device, &fence_info, NULL, &gpu->fence);
  if (result != VK_SUCCESS) {
    gpu->fence = VK_NULL_HANDLE;
    return mocc_vk_call_status(gpu, "vkCreateFence", result);
  }
  return NULL;
}

mocc_status mocc_vk_create_kernels(vulkan_gpu *gpu,
                                   const mocc_compiled_gpu *table) {
  mocc_status status = create_pools(gpu, table);
  if (status)
    return status;
  size_t slots = gpu->base.num_slots ? gpu->base.num_slots : 1;
  gpu->resolved = calloc(slots, sizeof(*gpu->resolved));
  gpu->buffer_infos = calloc(slots, sizeof(*gpu->buffer_infos));
  gpu->writes = calloc(slots, sizeof(*gpu->writes));
  size_t kernels = table->num_kernels ? table->num_kernels : 1;
  gpu->kernels = calloc(kernels, sizeof(*gpu->kernels));
  gpu->batch = calloc(kernels, sizeof(*gpu->batch));
  gpu->batch_capacity = (uint32_t)kernels;
  gpu->downloads = calloc(kernels * slots, sizeof(*gpu->downloads));
  if (!gpu->resolved || !gpu->buffer_infos || !gpu->writes || !gpu->kernels ||
      !gpu->batch || !gpu->downloads)
    return mocc_status_format("out of memory");
  for (uint32_t i = 0; i < table->num_kernels; ++i) {
    /* Counted as created so that close destroys what it holds. */
    gpu->base.num_kernels = i + 1;
    status = create_kernel(gpu, &gpu->kernels[i], &table->kernels[i]);
    if (status)
      return status;
  }
  return NULL;
}
