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
 * Memory is host-visible and coherent throughout (the arena and the staging
 * copies), so there are no transfers on the queue: the host reads and
 * writes the mappings directly.
 */
#define VK_NO_PROTOTYPES
#include <vulkan/vulkan.h>

#include "backend.h"

#include "../status.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A VkBuffer in host-visible, coherent memory, mapped for its lifetime. */
typedef struct host_buffer {
  VkBuffer buffer;
  VkDeviceMemory memory;
  void *mapped;
  VkDeviceSize size;
} host_buffer;

/* What one binding of a kernel's descriptor set points to. */
typedef struct binding {
  VkBuffer buffer;
  VkDeviceSize offset, range;
} binding;

/* The device copy of a kernel's buffer that is not in the arena. */
typedef struct staging {
  host_buffer copy;
  mocc_gpu_constant constant;
} staging;

/* A dispatch of a batch. */
typedef struct batch_entry {
  uint32_t kernel;
  uint32_t groups[3];
  uint64_t version; /* of the kernel's descriptor set */
} batch_entry;

/* A staging copy that the sync copies back. */
typedef struct download {
  void *to;
  const void *from;
  size_t bytes;
} download;

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
  /* The batch starting with this kernel last recorded into `commands`:
   * num_recorded entries (0: none). */
  VkCommandBuffer commands;
  batch_entry *recorded; /* base.num_kernels, allocated when first used */
  uint32_t num_recorded;
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
  /* The batch: base.batch_size dispatches (each kernel at most once), and
   * the copies to read back at its sync (base.num_slots a kernel). */
  batch_entry *batch;
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
  host_buffer arena; /* base.arena_bytes as asked for; its size may be larger */
} vulkan_gpu;

/* The API version mocc asks for: 1.1 has 16-bit storage, the storage buffer
 * class and vkGetPhysicalDeviceFeatures2 in core; 1.2 adds 8-bit storage and
 * float16/int8 arithmetic, which 1.1 devices may offer as extensions. */
#define MOCC_VK_MIN_VERSION VK_API_VERSION_1_1
#define MOCC_VK_MAX_VERSION VK_API_VERSION_1_2

/* A buffer of 0 bytes still gets a VkBuffer, which cannot be empty. */
#define MOCC_VK_MIN_BUFFER_SIZE 16

/* --- Messages ----------------------------------------------------------- */

static const char *result_name(VkResult result) {
  switch (result) {
#define MOCC_VK_RESULT(name)                                                   \
  case name:                                                                   \
    return #name;
    MOCC_VK_RESULT(VK_SUCCESS)
    MOCC_VK_RESULT(VK_NOT_READY)
    MOCC_VK_RESULT(VK_TIMEOUT)
    MOCC_VK_RESULT(VK_INCOMPLETE)
    MOCC_VK_RESULT(VK_ERROR_OUT_OF_HOST_MEMORY)
    MOCC_VK_RESULT(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    MOCC_VK_RESULT(VK_ERROR_INITIALIZATION_FAILED)
    MOCC_VK_RESULT(VK_ERROR_DEVICE_LOST)
    MOCC_VK_RESULT(VK_ERROR_MEMORY_MAP_FAILED)
    MOCC_VK_RESULT(VK_ERROR_LAYER_NOT_PRESENT)
    MOCC_VK_RESULT(VK_ERROR_EXTENSION_NOT_PRESENT)
    MOCC_VK_RESULT(VK_ERROR_FEATURE_NOT_PRESENT)
    MOCC_VK_RESULT(VK_ERROR_INCOMPATIBLE_DRIVER)
    MOCC_VK_RESULT(VK_ERROR_TOO_MANY_OBJECTS)
    MOCC_VK_RESULT(VK_ERROR_FORMAT_NOT_SUPPORTED)
    MOCC_VK_RESULT(VK_ERROR_FRAGMENTED_POOL)
    MOCC_VK_RESULT(VK_ERROR_UNKNOWN)
    MOCC_VK_RESULT(VK_ERROR_OUT_OF_POOL_MEMORY)
    MOCC_VK_RESULT(VK_ERROR_INVALID_EXTERNAL_HANDLE)
    MOCC_VK_RESULT(VK_ERROR_FRAGMENTATION)
    MOCC_VK_RESULT(VK_ERROR_INVALID_SHADER_NV)
#undef MOCC_VK_RESULT
  default:
    return "an unrecognized VkResult";
  }
}

/* A status about the opened device: "Vulkan device 0 (NAME): MESSAGE". */
__attribute__((format(printf, 2, 3))) static mocc_status
device_status(const vulkan_gpu *gpu, const char *format, ...) {
  char message[512];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  return mocc_status_format("Vulkan device %d (%s): %s", (int)gpu->index,
                            gpu->properties.deviceName, message);
}

static mocc_status call_status(const vulkan_gpu *gpu, const char *call,
                               VkResult result) {
  return device_status(gpu, "%s returned %s", call, result_name(result));
}

/* --- Loader, instance and device -------------------------------------- */

static mocc_status open_loader(vulkan_gpu *gpu) {
  gpu->loader = dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!gpu->loader)
    return mocc_status_format("cannot load the Vulkan loader "
                              "libvulkan.so.1: %s",
                              dlerror());
  /* POSIX guarantees that dlsym's object pointer converts to a function
   * pointer; memcpy does it without a cast ISO C leaves undefined. */
  void *address = dlsym(gpu->loader, "vkGetInstanceProcAddr");
  if (!address)
    return mocc_status_format("the Vulkan loader libvulkan.so.1 does not "
                              "export vkGetInstanceProcAddr");
  memcpy(&gpu->vk.vkGetInstanceProcAddr, &address, sizeof(address));
  gpu->vk.vkCreateInstance =
      (PFN_vkCreateInstance)gpu->vk.vkGetInstanceProcAddr(NULL,
                                                          "vkCreateInstance");
  gpu->vk.vkEnumerateInstanceVersion =
      (PFN_vkEnumerateInstanceVersion)gpu->vk.vkGetInstanceProcAddr(
          NULL, "vkEnumerateInstanceVersion");
  if (!gpu->vk.vkCreateInstance)
    return mocc_status_format("the Vulkan loader libvulkan.so.1 lacks "
                              "vkCreateInstance");
  return NULL;
}

static uint32_t min_version(uint32_t a, uint32_t b) {
  /* Patch versions do not change what is core. */
  a = VK_MAKE_API_VERSION(0, VK_API_VERSION_MAJOR(a), VK_API_VERSION_MINOR(a),
                          0);
  b = VK_MAKE_API_VERSION(0, VK_API_VERSION_MAJOR(b), VK_API_VERSION_MINOR(b),
                          0);
  return a < b ? a : b;
}

static mocc_status create_instance(vulkan_gpu *gpu) {
  /* A 1.0 loader has no vkEnumerateInstanceVersion and rejects any
   * apiVersion above 1.0. */
  uint32_t loader_version = VK_API_VERSION_1_0;
  if (gpu->vk.vkEnumerateInstanceVersion)
    gpu->vk.vkEnumerateInstanceVersion(&loader_version);
  if (min_version(loader_version, MOCC_VK_MIN_VERSION) < MOCC_VK_MIN_VERSION)
    return mocc_status_format("the Vulkan loader implements Vulkan %u.%u; "
                              "mocc needs 1.1",
                              VK_API_VERSION_MAJOR(loader_version),
                              VK_API_VERSION_MINOR(loader_version));

  gpu->instance_version = min_version(loader_version, MOCC_VK_MAX_VERSION);
  VkApplicationInfo application = {
      .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
      .pApplicationName = "mocc model",
      .pEngineName = "mocc",
      .apiVersion = gpu->instance_version,
  };
  VkInstanceCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
      .pApplicationInfo = &application,
  };
  VkResult result = gpu->vk.vkCreateInstance(&info, NULL, &gpu->instance);
  /* What the loader returns when it finds no driver at all. */
  if (result == VK_ERROR_INCOMPATIBLE_DRIVER)
    return mocc_status_format("no Vulkan device (the Vulkan loader found no "
                              "driver)");
  if (result != VK_SUCCESS)
    return mocc_status_format("cannot create a Vulkan instance: "
                              "vkCreateInstance returned %s",
                              result_name(result));

#define MOCC_VK_LOAD(name)                                                     \
  if (!(gpu->vk.name =                                                         \
            (PFN_##name)gpu->vk.vkGetInstanceProcAddr(gpu->instance, #name)))  \
    return mocc_status_format("the Vulkan loader lacks %s", #name);
  MOCC_VK_INSTANCE_FUNCTIONS(MOCC_VK_LOAD)
#undef MOCC_VK_LOAD
  return NULL;
}

static mocc_status pick_physical_device(vulkan_gpu *gpu, int32_t index) {
  uint32_t count = 0;
  VkResult result =
      gpu->vk.vkEnumeratePhysicalDevices(gpu->instance, &count, NULL);
  if (result != VK_SUCCESS && result != VK_INCOMPLETE)
    return mocc_status_format("no Vulkan device (vkEnumeratePhysicalDevices "
                              "returned %s)",
                              result_name(result));
  if (count == 0)
    return mocc_status_format("no Vulkan device");
  if (index < 0 || (uint32_t)index >= count)
    return mocc_status_format("Vulkan device %d does not exist (%u devices)",
                              (int)index, count);
  VkPhysicalDevice *devices = malloc(count * sizeof(*devices));
  if (!devices)
    return mocc_status_format("out of memory");
  result = gpu->vk.vkEnumeratePhysicalDevices(gpu->instance, &count, devices);
  /* A device may vanish between the two calls. */
  if ((result == VK_SUCCESS || result == VK_INCOMPLETE) &&
      (uint32_t)index < count)
    gpu->physical_device = devices[index];
  free(devices);
  if (!gpu->physical_device)
    return mocc_status_format("Vulkan device %d does not exist (%u devices)",
                              (int)index, count);

  gpu->vk.vkGetPhysicalDeviceProperties(gpu->physical_device, &gpu->properties);
  gpu->vk.vkGetPhysicalDeviceMemoryProperties(gpu->physical_device,
                                              &gpu->memory_properties);
  gpu->api_version =
      min_version(gpu->properties.apiVersion, gpu->instance_version);
  if (gpu->api_version < MOCC_VK_MIN_VERSION)
    return device_status(gpu, "implements Vulkan %u.%u; mocc needs 1.1",
                         VK_API_VERSION_MAJOR(gpu->properties.apiVersion),
                         VK_API_VERSION_MINOR(gpu->properties.apiVersion));
  return NULL;
}

static mocc_status pick_queue_family(vulkan_gpu *gpu) {
  uint32_t count = 0;
  gpu->vk.vkGetPhysicalDeviceQueueFamilyProperties(gpu->physical_device, &count,
                                                   NULL);
  VkQueueFamilyProperties *families =
      calloc(count ? count : 1, sizeof(*families));
  if (!families)
    return mocc_status_format("out of memory");
  gpu->vk.vkGetPhysicalDeviceQueueFamilyProperties(gpu->physical_device, &count,
                                                   families);
  uint32_t found = count;
  for (uint32_t i = 0; i < count && found == count; ++i)
    if ((families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) &&
        families[i].queueCount > 0)
      found = i;
  free(families);
  if (found == count)
    return device_status(gpu, "has no compute queue");
  gpu->queue_family = found;
  return NULL;
}

/* The device extensions mocc may enable: those whose features 1.1 lacks. */
typedef struct device_extensions {
  int storage8;     /* VK_KHR_8bit_storage */
  int float16_int8; /* VK_KHR_shader_float16_int8 */
} device_extensions;

static mocc_status find_extensions(vulkan_gpu *gpu, device_extensions *out) {
  memset(out, 0, sizeof(*out));
  /* Core from 1.2 on: no extension to ask for. */
  if (gpu->api_version >= VK_API_VERSION_1_2) {
    out->storage8 = out->float16_int8 = 1;
    return NULL;
  }
  uint32_t count = 0;
  gpu->vk.vkEnumerateDeviceExtensionProperties(gpu->physical_device, NULL,
                                               &count, NULL);
  VkExtensionProperties *extensions =
      calloc(count ? count : 1, sizeof(*extensions));
  if (!extensions)
    return mocc_status_format("out of memory");
  gpu->vk.vkEnumerateDeviceExtensionProperties(gpu->physical_device, NULL,
                                               &count, extensions);
  for (uint32_t i = 0; i < count; ++i) {
    if (!strcmp(extensions[i].extensionName,
                VK_KHR_8BIT_STORAGE_EXTENSION_NAME))
      out->storage8 = 1;
    if (!strcmp(extensions[i].extensionName,
                VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME))
      out->float16_int8 = 1;
  }
  free(extensions);
  return NULL;
}

/* Links the feature structures the device knows (`extensions`) into
 * features->core's chain. */
static void chain_features(device_features *features,
                           const device_extensions *extensions) {
  features->core.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
  features->storage16.sType =
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES;
  features->storage8.sType =
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES;
  features->float16_int8.sType =
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES;
  void **next = &features->core.pNext;
  *next = &features->storage16;
  next = &features->storage16.pNext;
  if (extensions->storage8) {
    *next = &features->storage8;
    next = &features->storage8.pNext;
  }
  if (extensions->float16_int8) {
    *next = &features->float16_int8;
    next = &features->float16_int8.pNext;
  }
  *next = NULL;
}

/* Enables, of the features mocc's SPIR-V may use, those the device has. */
static void select_features(const device_features *supported,
                            const device_extensions *extensions,
                            device_features *enabled) {
  memset(enabled, 0, sizeof(*enabled));
  chain_features(enabled, extensions);
  VkPhysicalDeviceFeatures *core = &enabled->core.features;
  core->shaderInt64 = supported->core.features.shaderInt64;
  core->shaderFloat64 = supported->core.features.shaderFloat64;
  core->shaderInt16 = supported->core.features.shaderInt16;
  enabled->storage16.storageBuffer16BitAccess =
      supported->storage16.storageBuffer16BitAccess;
  enabled->storage8.storageBuffer8BitAccess =
      supported->storage8.storageBuffer8BitAccess;
  enabled->storage8.uniformAndStorageBuffer8BitAccess =
      supported->storage8.uniformAndStorageBuffer8BitAccess;
  enabled->float16_int8.shaderFloat16 = supported->float16_int8.shaderFloat16;
  enabled->float16_int8.shaderInt8 = supported->float16_int8.shaderInt8;
}

static mocc_status create_device(vulkan_gpu *gpu) {
  device_extensions extensions;
  mocc_status status = pick_queue_family(gpu);
  if (!status)
    status = find_extensions(gpu, &extensions);
  if (status)
    return status;

  device_features supported;
  memset(&supported, 0, sizeof(supported));
  chain_features(&supported, &extensions);
  gpu->vk.vkGetPhysicalDeviceFeatures2(gpu->physical_device, &supported.core);
  select_features(&supported, &extensions, &gpu->enabled);

  /* Extensions only below 1.2, where find_extensions found them. */
  const char *names[2];
  uint32_t num_names = 0;
  if (gpu->api_version < VK_API_VERSION_1_2) {
    if (extensions.storage8)
      names[num_names++] = VK_KHR_8BIT_STORAGE_EXTENSION_NAME;
    if (extensions.float16_int8)
      names[num_names++] = VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME;
  }

  float priority = 1.0f;
  VkDeviceQueueCreateInfo queue = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
      .queueFamilyIndex = gpu->queue_family,
      .queueCount = 1,
      .pQueuePriorities = &priority,
  };
  /* Features come in the pNext chain, so pEnabledFeatures stays NULL. */
  VkDeviceCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
      .pNext = &gpu->enabled.core,
      .queueCreateInfoCount = 1,
      .pQueueCreateInfos = &queue,
      .enabledExtensionCount = num_names,
      .ppEnabledExtensionNames = names,
  };
  VkResult result =
      gpu->vk.vkCreateDevice(gpu->physical_device, &info, NULL, &gpu->device);
  if (result != VK_SUCCESS)
    return call_status(gpu, "vkCreateDevice", result);

#define MOCC_VK_LOAD(name)                                                     \
  if (!(gpu->vk.name =                                                         \
            (PFN_##name)gpu->vk.vkGetDeviceProcAddr(gpu->device, #name)))      \
    return device_status(gpu, "the driver lacks %s", #name);
  MOCC_VK_DEVICE_FUNCTIONS(MOCC_VK_LOAD)
#undef MOCC_VK_LOAD
  gpu->vk.vkGetDeviceQueue(gpu->device, gpu->queue_family, 0, &gpu->queue);
  return NULL;
}

/* --- Host-visible buffers --------------------------------------------- */

/* A memory type among `type_bits` that the host maps coherently, cached if
 * possible: the host reads what kernels write (outputs, the arena under ops
 * that run on the CPU). UINT32_MAX when there is none. */
static uint32_t find_memory_type(const vulkan_gpu *gpu, uint32_t type_bits) {
  const VkMemoryPropertyFlags required = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                         VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  uint32_t found = UINT32_MAX;
  for (uint32_t i = 0; i < gpu->memory_properties.memoryTypeCount; ++i) {
    VkMemoryPropertyFlags flags =
        gpu->memory_properties.memoryTypes[i].propertyFlags;
    if (!(type_bits & (1u << i)) || (flags & required) != required)
      continue;
    if (flags & VK_MEMORY_PROPERTY_HOST_CACHED_BIT)
      return i;
    if (found == UINT32_MAX)
      found = i;
  }
  return found;
}

static void destroy_host_buffer(vulkan_gpu *gpu, host_buffer *buffer) {
  if (buffer->buffer)
    gpu->vk.vkDestroyBuffer(gpu->device, buffer->buffer, NULL);
  if (buffer->memory)
    gpu->vk.vkFreeMemory(gpu->device, buffer->memory, NULL); /* unmaps too */
  memset(buffer, 0, sizeof(*buffer));
}

/* Creates a storage buffer of at least `bytes` and maps it. On failure,
 * nothing is left to destroy. */
static VkResult create_host_buffer(vulkan_gpu *gpu, VkDeviceSize bytes,
                                   host_buffer *out) {
  memset(out, 0, sizeof(*out));
  VkBufferCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = bytes < MOCC_VK_MIN_BUFFER_SIZE ? MOCC_VK_MIN_BUFFER_SIZE : bytes,
      .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
               VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
               VK_BUFFER_USAGE_TRANSFER_DST_BIT,
      .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
  };
  VkResult result =
      gpu->vk.vkCreateBuffer(gpu->device, &info, NULL, &out->buffer);
  if (result != VK_SUCCESS) {
    out->buffer = VK_NULL_HANDLE;
    return result;
  }
  VkMemoryRequirements requirements;
  gpu->vk.vkGetBufferMemoryRequirements(gpu->device, out->buffer,
                                        &requirements);
  uint32_t type = find_memory_type(gpu, requirements.memoryTypeBits);
  VkMemoryAllocateInfo allocate = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = requirements.size,
      .memoryTypeIndex = type,
  };
  result = type == UINT32_MAX ? VK_ERROR_OUT_OF_DEVICE_MEMORY
                              : gpu->vk.vkAllocateMemory(gpu->device, &allocate,
                                                         NULL, &out->memory);
  if (result != VK_SUCCESS)
    out->memory = VK_NULL_HANDLE;
  if (result == VK_SUCCESS)
    result =
        gpu->vk.vkBindBufferMemory(gpu->device, out->buffer, out->memory, 0);
  if (result == VK_SUCCESS)
    result = gpu->vk.vkMapMemory(gpu->device, out->memory, 0, VK_WHOLE_SIZE, 0,
                                 &out->mapped);
  if (result != VK_SUCCESS) {
    destroy_host_buffer(gpu, out);
    return result;
  }
  out->size = info.size;
  return VK_SUCCESS;
}

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
    return device_status(gpu, "kernel '%s' is not SPIR-V", name);
  for (size_t at = 5; at < num_words;) {
    uint32_t length = words[at] >> 16, opcode = words[at] & 0xffff;
    if (length == 0 || length > num_words - at)
      return device_status(gpu, "kernel '%s': malformed SPIR-V", name);
    if (opcode != kOpCapability)
      break;
    const char *missing =
        length > 1 ? missing_capability(gpu, words[at + 1]) : NULL;
    if (missing)
      return device_status(gpu,
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
    return device_status(gpu,
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
      status = device_status(gpu,
                             "kernel '%s' does not build: "
                             "vkCreateShaderModule returned %s",
                             k->name, result_name(result));
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
    return device_status(gpu,
                         "kernel '%s': vkCreateDescriptorSetLayout "
                         "returned %s",
                         k->name, result_name(result));
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
    return device_status(gpu,
                         "kernel '%s': vkCreatePipelineLayout returned "
                         "%s",
                         k->name, result_name(result));
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
    return device_status(gpu,
                         "kernel '%s' does not build: "
                         "vkCreateComputePipelines returned %s",
                         k->name, result_name(result));
  }
  return NULL;
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
    return device_status(gpu,
                         "kernel '%s': vkAllocateDescriptorSets "
                         "returned %s",
                         k->name, result_name(result));
  VkCommandBufferAllocateInfo commands_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
      .commandPool = gpu->command_pool,
      .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
      .commandBufferCount = 1,
  };
  result = gpu->vk.vkAllocateCommandBuffers(gpu->device, &commands_info,
                                            &k->commands);
  if (result != VK_SUCCESS)
    return device_status(gpu,
                         "kernel '%s': vkAllocateCommandBuffers "
                         "returned %s",
                         k->name, result_name(result));
  return NULL;
}

static mocc_status create_kernel(vulkan_gpu *gpu, kernel *k,
                                 const mocc_compiled_gpu_kernel *code) {
  k->name = code->name ? code->name : "";
  k->num_buffers = code->num_buffers;
  uint32_t limit = gpu->properties.limits.maxPerStageDescriptorStorageBuffers;
  if (k->num_buffers > limit)
    return device_status(gpu,
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
    return call_status(gpu, "vkCreateDescriptorPool", result);
  }
  /* Each kernel's command buffer is re-recorded on its own when the batch
   * starting with it changes. */
  VkCommandPoolCreateInfo command_info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
      .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
      .queueFamilyIndex = gpu->queue_family,
  };
  result = gpu->vk.vkCreateCommandPool(gpu->device, &command_info, NULL,
                                       &gpu->command_pool);
  if (result != VK_SUCCESS) {
    gpu->command_pool = VK_NULL_HANDLE;
    return call_status(gpu, "vkCreateCommandPool", result);
  }
  VkFenceCreateInfo fence_info = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  result = gpu->vk.vkCreateFence(gpu->device, &fence_info, NULL, &gpu->fence);
  if (result != VK_SUCCESS) {
    gpu->fence = VK_NULL_HANDLE;
    return call_status(gpu, "vkCreateFence", result);
  }
  return NULL;
}

static mocc_status create_kernels(vulkan_gpu *gpu,
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
    status = open_loader(gpu);
  if (!status)
    status = create_instance(gpu);
  if (!status)
    status = pick_physical_device(gpu, device);
  if (!status)
    status = create_device(gpu);
  if (!status)
    status = create_kernels(gpu, table);
  if (status) {
    vulkan_close(&gpu->base);
    return status;
  }
  *out_gpu = &gpu->base;
  return NULL;
}

static void destroy_kernel(vulkan_gpu *gpu, kernel *k) {
  for (uint32_t i = 0; k->staging && i < k->num_buffers; ++i)
    destroy_host_buffer(gpu, &k->staging[i].copy);
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
  free(k->recorded);
}

/* In the reverse order of creation; handles never created are NULL. */
static void vulkan_close(mocc_gpu *base) {
  vulkan_gpu *gpu = (vulkan_gpu *)base;
  /* vkDestroyDevice and vkDeviceWaitIdle are loaded first: a device whose
   * other functions are missing has no other objects. */
  if (gpu->device && gpu->vk.vkDestroyDevice) {
    if (gpu->vk.vkDeviceWaitIdle)
      gpu->vk.vkDeviceWaitIdle(gpu->device);
    destroy_host_buffer(gpu, &gpu->arena);
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
    return device_status(gpu, "the activation arena is already allocated");
  VkResult result = create_host_buffer(gpu, bytes, &gpu->arena);
  if (result != VK_SUCCESS)
    return device_status(gpu,
                         "cannot allocate the %zu-byte activation "
                         "arena: %s",
                         bytes, result_name(result));
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

/* Makes sure the staging copy of (k, slot) holds `bytes`. A new VkBuffer
 * may reuse the handle of the one it replaces, so the set is marked for
 * re-writing rather than relying on the comparison of bindings. */
static void ensure_staging(vulkan_gpu *gpu, kernel *k, uint32_t slot,
                           int64_t bytes) {
  staging *s = &k->staging[slot];
  if (s->copy.buffer && s->copy.size >= (VkDeviceSize)bytes)
    return;
  destroy_host_buffer(gpu, &s->copy);
  s->constant = (mocc_gpu_constant){NULL, 0};
  k->set_version = 0;
  VkResult result = create_host_buffer(gpu, (VkDeviceSize)bytes, &s->copy);
  if (result != VK_SUCCESS)
    mocc_gpu_fail(&gpu->base,
                  "GPU kernel '%s': cannot allocate %lld bytes for buffer %u: "
                  "%s",
                  k->name, (long long)bytes, (unsigned)slot,
                  result_name(result));
}

/* Where each pending buffer of `k` is bound: in place in the arena, or its
 * staging copy (shared with an earlier slot bound to the same buffer). */
static void resolve_bindings(vulkan_gpu *gpu, kernel *k, binding *out) {
  for (uint32_t slot = 0; slot < k->num_buffers; ++slot) {
    const mocc_gpu_binding *p = &gpu->base.pending[slot];
    uint32_t owner;
    switch (mocc_gpu_place_slot(&gpu->base, slot, &owner)) {
    case MOCC_GPU_IN_ARENA:
      out[slot] =
          (binding){gpu->arena.buffer,
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

/* Records the batch into `commands`: per dispatch, bind, dispatch, then a
 * barrier that makes the kernel's writes visible to the later kernels of
 * the batch and to the host (which reads them after the fence). */
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
      .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_HOST_READ_BIT | VK_ACCESS_SHADER_READ_BIT |
                       VK_ACCESS_SHADER_WRITE_BIT,
  };
  for (uint32_t i = 0; i < count; ++i) {
    const kernel *k = &gpu->kernels[batch[i].kernel];
    gpu->vk.vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_COMPUTE,
                              k->pipeline);
    gpu->vk.vkCmdBindDescriptorSets(commands, VK_PIPELINE_BIND_POINT_COMPUTE,
                                    k->pipeline_layout, 0, 1, &k->set, 0, NULL);
    gpu->vk.vkCmdDispatch(commands, batch[i].groups[0], batch[i].groups[1],
                          batch[i].groups[2]);
    gpu->vk.vkCmdPipelineBarrier(commands, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                                 VK_PIPELINE_STAGE_HOST_BIT |
                                     VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                                 0, 1, &barrier, 0, NULL, 0, NULL);
  }
  return gpu->vk.vkEndCommandBuffer(commands);
}

/* Fills the staging copies (mocc_gpu_needs_upload) and notes those to read
 * back at the sync. Host writes before the submit are visible to the device
 * without a barrier (coherent memory). */
static void stage(vulkan_gpu *gpu, kernel *k) {
  for (uint32_t slot = 0; slot < k->num_buffers; ++slot) {
    const mocc_gpu_binding *p = &gpu->base.pending[slot];
    if (mocc_gpu_needs_upload(&gpu->base, k->num_buffers, slot,
                              &k->staging[slot].constant))
      memcpy(k->staging[slot].copy.mapped, p->data, (size_t)p->bytes);
    if (mocc_gpu_needs_download(&gpu->base, k->num_buffers, slot))
      gpu->downloads[gpu->num_downloads++] =
          (download){p->data, k->staging[slot].copy.mapped, (size_t)p->bytes};
  }
}

/* The batch's kernels, for messages: "'a'" or "'a' .. 'c' (3 kernels)". */
static void batch_label(const vulkan_gpu *gpu, char *out, size_t size) {
  uint32_t n = gpu->base.batch_size;
  const char *first = gpu->kernels[gpu->batch[0].kernel].name;
  if (n == 1)
    snprintf(out, size, "GPU kernel '%s'", first);
  else
    snprintf(out, size, "GPU kernels '%s' .. '%s' (a batch of %u)", first,
             gpu->kernels[gpu->batch[n - 1].kernel].name, (unsigned)n);
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

/* The command buffer that runs the batch: that of its first kernel,
 * recorded unless it holds this batch already. */
static VkCommandBuffer batch_commands(vulkan_gpu *gpu, const char *label) {
  uint32_t n = gpu->base.batch_size;
  kernel *first = &gpu->kernels[gpu->batch[0].kernel];
  if (first->num_recorded == n &&
      !memcmp(first->recorded, gpu->batch, n * sizeof(*gpu->batch)))
    return first->commands;
  if (!first->recorded && !(first->recorded = calloc(gpu->base.num_kernels,
                                                     sizeof(*first->recorded))))
    mocc_gpu_fail(&gpu->base, "out of memory");
  first->num_recorded = 0;
  VkResult result = record_batch(gpu, first->commands, gpu->batch, n);
  if (result != VK_SUCCESS)
    mocc_gpu_fail(&gpu->base, "%s: recording the commands failed with %s",
                  label, result_name(result));
  memcpy(first->recorded, gpu->batch, n * sizeof(*gpu->batch));
  first->num_recorded = n;
  ++gpu->base.batches_recorded;
  return first->commands;
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
                  result_name(result));
  gpu->submitted = 1;
  ++base->batches_synced;
  result =
      gpu->vk.vkWaitForFences(gpu->device, 1, &gpu->fence, VK_TRUE, UINT64_MAX);
  if (result != VK_SUCCESS)
    /* abandon waits for the device and resets the fence. */
    mocc_gpu_fail(base, "%s: vkWaitForFences returned %s", label,
                  result_name(result));
  gpu->submitted = 0;
  result = gpu->vk.vkResetFences(gpu->device, 1, &gpu->fence);
  if (result != VK_SUCCESS)
    mocc_gpu_fail(base, "%s: vkResetFences returned %s", label,
                  result_name(result));
  for (uint32_t i = 0; i < gpu->num_downloads; ++i)
    memcpy(gpu->downloads[i].to, gpu->downloads[i].from,
           gpu->downloads[i].bytes);
  gpu->num_downloads = 0;
  mocc_gpu_batch_end(base);
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
  stage(gpu, k);
  gpu->batch[base->batch_size] =
      (batch_entry){index, {groups[0], groups[1], groups[2]}, k->set_version};
  mocc_gpu_batch_add(base, index, k->num_buffers);
  mocc_gpu_clear_bindings(base);
}

static const mocc_gpu_backend kVulkanBackend = {
    .close = vulkan_close,
    .alloc_arena = vulkan_alloc_arena,
    .device_name = vulkan_device_name,
    .dispatch = vulkan_dispatch,
    .sync = vulkan_sync,
    .abandon = vulkan_abandon,
};
