/* The Vulkan loader, instance, device and host-visible buffers of a
 * mocc_gpu (vulkan_gpu.h). */
#include "vulkan_gpu.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- Messages ----------------------------------------------------------- */

const char *mocc_vk_result_name(VkResult result) {
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

__attribute__((format(printf, 2, 3))) mocc_status
mocc_vk_device_status(const vulkan_gpu *gpu, const char *format, ...) {
  char message[512];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  return mocc_status_format("Vulkan device %d (%s): %s", (int)gpu->index,
                            gpu->properties.deviceName, message);
}

mocc_status mocc_vk_call_status(const vulkan_gpu *gpu, const char *call,
                                VkResult result) {
  return mocc_vk_device_status(gpu, "%s returned %s", call,
                               mocc_vk_result_name(result));
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
                              mocc_vk_result_name(result));

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
                              mocc_vk_result_name(result));
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
    return mocc_vk_device_status(
        gpu, "implements Vulkan %u.%u; mocc needs 1.1",
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
    return mocc_vk_device_status(gpu, "has no compute queue");
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
    return mocc_vk_call_status(gpu, "vkCreateDevice", result);

#define MOCC_VK_LOAD(name)                                                     \
  if (!(gpu->vk.name =                                                         \
            (PFN_##name)gpu->vk.vkGetDeviceProcAddr(gpu->device, #name)))      \
    return mocc_vk_device_status(gpu, "the driver lacks %s", #name);
  MOCC_VK_DEVICE_FUNCTIONS(MOCC_VK_LOAD)
#undef MOCC_VK_LOAD
  gpu->vk.vkGetDeviceQueue(gpu->device, gpu->queue_family, 0, &gpu->queue);
  return NULL;
}

mocc_status mocc_vk_open_device(vulkan_gpu *gpu, int32_t index) {
  mocc_status status = open_loader(gpu);
  if (!status)
    status = create_instance(gpu);
  if (!status)
    status = pick_physical_device(gpu, index);
  if (!status)
    status = create_device(gpu);
  return status;
}

/* --- Buffers ---------------------------------------------------------- */

/* A memory type among `type_bits` with the `required` properties, one with
 * `preferred` too if there is one. UINT32_MAX when there is none. */
static uint32_t find_memory_type(const vulkan_gpu *gpu, uint32_t type_bits,
                                 VkMemoryPropertyFlags required,
                                 VkMemoryPropertyFlags preferred) {
  uint32_t found = UINT32_MAX;
  for (uint32_t i = 0; i < gpu->memory_properties.memoryTypeCount; ++i) {
    VkMemoryPropertyFlags flags =
        gpu->memory_properties.memoryTypes[i].propertyFlags;
    if (!(type_bits & (1u << i)) || (flags & required) != required)
      continue;
    if ((flags & preferred) == preferred)
      return i;
    if (found == UINT32_MAX)
      found = i;
  }
  return found;
}

void mocc_vk_destroy_buffer(vulkan_gpu *gpu, vk_buffer *buffer) {
  if (buffer->buffer)
    gpu->vk.vkDestroyBuffer(gpu->device, buffer->buffer, NULL);
  if (buffer->memory)
    gpu->vk.vkFreeMemory(gpu->device, buffer->memory, NULL); /* unmaps too */
  memset(buffer, 0, sizeof(*buffer));
}

/* A storage buffer that copies go to and from, in memory of the `required`
 * properties (`preferred` too where possible), mapped where `map`. */
static VkResult create_buffer(vulkan_gpu *gpu, VkDeviceSize bytes,
                              VkMemoryPropertyFlags required,
                              VkMemoryPropertyFlags preferred, int map,
                              vk_buffer *out) {
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
  uint32_t type =
      find_memory_type(gpu, requirements.memoryTypeBits, required, preferred);
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
  if (result == VK_SUCCESS && map)
    result = gpu->vk.vkMapMemory(gpu->device, out->memory, 0, VK_WHOLE_SIZE, 0,
                                 &out->mapped);
  if (result != VK_SUCCESS) {
    mocc_vk_destroy_buffer(gpu, out);
    return result;
  }
  out->size = info.size;
  return VK_SUCCESS;
}

/* Cached where possible: the host reads what kernels write (outputs, the
 * arena under ops that run on the CPU). */
VkResult mocc_vk_create_host_buffer(vulkan_gpu *gpu, VkDeviceSize bytes,
                                    vk_buffer *out) {
  return create_buffer(gpu, bytes,
                       VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                           VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                       VK_MEMORY_PROPERTY_HOST_CACHED_BIT, 1, out);
}

VkResult mocc_vk_create_device_buffer(vulkan_gpu *gpu, VkDeviceSize bytes,
                                      vk_buffer *out) {
  return create_buffer(gpu, bytes, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0, 0,
                       out);
}
