/* What the Vulkan side of the runtime's files share (vulkan.c: open, close
 * and dispatch; vulkan_device.c: the loader, instance, device and buffers;
 * vulkan_kernels.c: a pipeline per kernel). See vulkan.c for how it works. */
#ifndef MOCC_RUNTIME_GPU_VULKAN_GPU_H
#define MOCC_RUNTIME_GPU_VULKAN_GPU_H

#define VK_NO_PROTOTYPES
#include <vulkan/vulkan.h>

#include "backend.h"

#include "../status.h"

#include <stdint.h>

/* --- Function tables -------------------------------------------------- */

/* Loader functions, which exist before any instance. */
#define MOCC_VK_GLOBAL_FUNCTIONS(X) X(vkCreateInstance)

#define MOCC_VK_INSTANCE_FUNCTIONS(X)                                          \
  X(vkDestroyInstance)                                                         \
  X(vkEnumeratePhysicalDevices)                                                \
  X(vkGetPhysicalDeviceProperties)                                             \
  X(vkGetPhysicalDeviceFeatures2)                                              \
  X(vkGetPhysicalDeviceQueueFamilyProperties)                                  \
  X(vkGetPhysicalDeviceMemoryProperties)                                       \
  X(vkEnumerateDeviceExtensionProperties)                                      \
  X(vkCreateDevice)                                                            \
  X(vkGetDeviceProcAddr)

#define MOCC_VK_DEVICE_FUNCTIONS(X)                                            \
  X(vkDestroyDevice)                                                           \
  X(vkDeviceWaitIdle)                                                          \
  X(vkGetDeviceQueue)                                                          \
  X(vkCreateBuffer)                                                            \
  X(vkDestroyBuffer)                                                           \
  X(vkGetBufferMemoryRequirements)                                             \
  X(vkAllocateMemory)                                                          \
  X(vkFreeMemory)                                                              \
  X(vkBindBufferMemory)                                                        \
  X(vkMapMemory)                                                               \
  X(vkUnmapMemory)                                                             \
  X(vkCreateShaderModule)                                                      \
  X(vkDestroyShaderModule)                                                     \
  X(vkCreateDescriptorSetLayout)                                               \
  X(vkDestroyDescriptorSetLayout)                                              \
  X(vkCreatePipelineLayout)                                                    \
  X(vkDestroyPipelineLayout)                                                   \
  X(vkCreateComputePipelines)                                                  \
  X(vkDestroyPipeline)                                                         \
  X(vkCreateDescriptorPool)                                                    \
  X(vkDestroyDescriptorPool)                                                   \
  X(vkAllocateDescriptorSets)                                                  \
  X(vkUpdateDescriptorSets)                                                    \
  X(vkCreateCommandPool)                                                       \
  X(vkDestroyCommandPool)                                                      \
  X(vkAllocateCommandBuffers)                                                  \
  X(vkBeginCommandBuffer)                                                      \
  X(vkEndCommandBuffer)                                                        \
  X(vkCmdBindPipeline)                                                         \
  X(vkCmdBindDescriptorSets)                                                   \
  X(vkCmdDispatch)                                                             \
  X(vkCmdCopyBuffer)                                                           \
  X(vkCmdPipelineBarrier)                                                      \
  X(vkCreateFence)                                                             \
  X(vkDestroyFence)                                                            \
  X(vkResetFences)                                                             \
  X(vkWaitForFences)                                                           \
  X(vkQueueSubmit)

typedef struct vk_functions {
  PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr;
  /* NULL in a Vulkan 1.0 loader. */
  PFN_vkEnumerateInstanceVersion vkEnumerateInstanceVersion;
#define MOCC_VK_DECLARE(name) PFN_##name name;
  MOCC_VK_GLOBAL_FUNCTIONS(MOCC_VK_DECLARE)
  MOCC_VK_INSTANCE_FUNCTIONS(MOCC_VK_DECLARE)
  MOCC_VK_DEVICE_FUNCTIONS(MOCC_VK_DECLARE)
#undef MOCC_VK_DECLARE
} vk_functions;

/* --- State ------------------------------------------------------------ */

/* A VkBuffer with its memory: host-visible, coherent and mapped for its
 * lifetime, or device-local and not mapped (`mapped` NULL). */
typedef struct vk_buffer {
  VkBuffer buffer;
  VkDeviceMemory memory;
  void *mapped;
  VkDeviceSize size;
} vk_buffer;

/* What one binding of a kernel's descriptor set points to. */
typedef struct binding {
  VkBuffer buffer;
  VkDeviceSize offset, range;
} binding;

/* The device copy of a kernel's buffer not bound in place: host-visible,
 * or device-local (vulkan.c), then filled and read back through `source`,
 * a host-visible buffer, unless it is a view of the arena. */
typedef struct staging {
  vk_buffer copy, source;
  mocc_gpu_constant constant;
} staging;

/* The `kernel` of a batch entry that copies between buffers. */
enum { MOCC_VK_COPY = UINT32_MAX };

/* A dispatch or a copy of a batch, every field set, the other kind's zero
 * (batches compare with memcmp; the struct has no padding). */
typedef struct batch_entry {
  uint32_t kernel;    /* or MOCC_VK_COPY */
  uint32_t groups[3]; /* a dispatch's */
  uint64_t version;   /* a dispatch's: of the kernel's descriptor set */
  /* A copy's: `bytes` from `from` at from_offset to `to` at to_offset. */
  VkBuffer from, to;
  uint64_t from_offset, to_offset, bytes;
} batch_entry;

/* A staging copy that the sync copies back. */
typedef struct download {
  void *to;
  const void *from;
  size_t bytes;
} download;

/* A command buffer and the batch last recorded into it: num_recorded
 * entries (0: none). */
typedef struct recording {
  VkCommandBuffer commands;
  batch_entry *recorded;
  uint32_t num_recorded;
} recording;

typedef struct kernel {
  const char *name;
  uint32_t num_buffers;
  VkShaderModule module;
  VkDescriptorSetLayout set_layout;
  VkPipelineLayout pipeline_layout;
  VkPipeline pipeline;
  VkDescriptorSet set;
  /* What `set` holds, when set_version is not 0. */
  uint64_t set_version;
  binding *bound; /* num_buffers */
  /* The batches whose first dispatch is this kernel's. */
  recording batches;
  staging *staging; /* num_buffers */
} kernel;

/* The optional features mocc's SPIR-V may use, as the device reports them. */
typedef struct device_features {
  VkPhysicalDeviceFeatures2 core;
  VkPhysicalDevice16BitStorageFeatures storage16;
  VkPhysicalDevice8BitStorageFeatures storage8;
  VkPhysicalDeviceShaderFloat16Int8Features float16_int8;
} device_features;

typedef struct vulkan_gpu {
  mocc_gpu base;
  void *loader; /* dlopen's handle of libvulkan.so.1 */
  vk_functions vk;
  int32_t index;             /* the device index asked for, for messages */
  uint32_t instance_version; /* the apiVersion the instance was created with */
  VkInstance instance;
  /* What is core: the lower of the instance's and the device's versions. */
  uint32_t api_version;
  VkPhysicalDevice physical_device;
  VkPhysicalDeviceProperties properties;
  VkPhysicalDeviceMemoryProperties memory_properties;
  device_features enabled;
  VkDevice device;
  VkQueue queue;
  uint32_t queue_family;
  VkCommandPool command_pool;
  VkDescriptorPool descriptor_pool;
  VkFence fence;
  kernel *kernels; /* base.num_kernels */
  /* The batches of copies alone (the device's own arena's transfers). */
  recording copies;
  /* The batch: base.batch_size dispatches (each kernel at most once) and
   * copies (batch_capacity entries allocated), and the staging copies to read
   * back at its sync (base.num_slots a kernel). */
  batch_entry *batch;
  uint32_t batch_capacity;
  download *downloads;
  uint32_t num_downloads;
  uint64_t last_version; /* of any descriptor set */
  /* Whether a submission is in flight (between vkQueueSubmit and the end of
   * its wait), for a failed sync to wait for it. */
  int submitted;
  /* Scratch of mocc_gpu_dispatch, base.num_slots each. */
  binding *resolved;
  VkDescriptorBufferInfo *buffer_infos;
  VkWriteDescriptorSet *writes;
  /* base.arena_bytes as asked for (their size may be larger): the host's
   * mapping, and the device's own copy where base.own_arena. */
  vk_buffer arena, device_arena;
} vulkan_gpu;

/* The API version mocc asks for: 1.1 has 16-bit storage, the storage buffer
 * class and vkGetPhysicalDeviceFeatures2 in core; 1.2 adds 8-bit storage and
 * float16/int8 arithmetic, which 1.1 devices may offer as extensions. */
#define MOCC_VK_MIN_VERSION VK_API_VERSION_1_1
#define MOCC_VK_MAX_VERSION VK_API_VERSION_1_2

/* A buffer of 0 bytes still gets a VkBuffer, which cannot be empty. */
#define MOCC_VK_MIN_BUFFER_SIZE 16

/* --- vulkan_device.c ---------------------------------------------------- */

const char *mocc_vk_result_name(VkResult result);
/* A status about the opened device: "Vulkan device 0 (NAME): MESSAGE". */
__attribute__((format(printf, 2, 3))) mocc_status
mocc_vk_device_status(const vulkan_gpu *gpu, const char *format, ...);
/* "Vulkan device 0 (NAME): CALL returned VK_..." */
mocc_status mocc_vk_call_status(const vulkan_gpu *gpu, const char *call,
                                VkResult result);

/* Opens the loader, creates the instance, picks device `index` and its
 * compute queue and creates the logical device with the features mocc's
 * SPIR-V may use. What it made is in `gpu` for vulkan_close, on failure too. */
mocc_status mocc_vk_open_device(vulkan_gpu *gpu, int32_t index);

/* Creates a storage buffer of at least `bytes` and maps it. On failure,
 * nothing is left to destroy. */
VkResult mocc_vk_create_host_buffer(vulkan_gpu *gpu, VkDeviceSize bytes,
                                    vk_buffer *out);
/* Creates a storage buffer of at least `bytes` in device-local memory, not
 * mapped. */
VkResult mocc_vk_create_device_buffer(vulkan_gpu *gpu, VkDeviceSize bytes,
                                      vk_buffer *out);
void mocc_vk_destroy_buffer(vulkan_gpu *gpu, vk_buffer *buffer);

/* --- vulkan_kernels.c --------------------------------------------------- */

/* The pools, fence and scratch, and each kernel's shader module, pipeline,
 * descriptor set and command buffer. */
mocc_status mocc_vk_create_kernels(vulkan_gpu *gpu,
                                   const mocc_compiled_gpu *table);

#endif /* MOCC_RUNTIME_GPU_VULKAN_GPU_H */
