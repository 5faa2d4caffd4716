/* mocc_gpu on CUDA (gpu.h), through the driver API.
 *
 * The driver, libcuda.so.1, is opened with dlopen and its functions looked
 * up with dlsym (cuda_driver.h declares them), so that a model library links
 * against nothing but the C library and needs no CUDA toolkit anywhere. The
 * environment variable MOCC_CUDA_DRIVER names another file to load instead
 * (gpu.h).
 *
 * Each mocc_gpu holds its own driver handle and context: instances share
 * nothing. The context is current only while the instance uses it (pushed
 * and popped around each call), so that the thread that calls a run may
 * change and the caller's own current context is left alone. Per kernel: a
 * module loaded from the kernel's PTX (the driver compiles it for the device)
 * and its function. The arena is the device's own (gpu.h): device memory
 * for the kernels and page-locked host memory for the host code (the ops
 * that run on the CPU), between which mocc_gpu_upload and mocc_gpu_download
 * copy on the instance's stream; or, with MOCC_GPU_ARENA=shared, managed
 * memory, which both address at the same pointer. A buffer outside it has
 * a device copy per (kernel, slot), filled at the dispatch with
 * cuMemcpyHtoDAsync on the instance's stream and read back at the sync. A
 * kernel takes one device pointer per buffer, in slot order
 * (`kernel(float *a, float *b, ...)`), and runs `block_size` threads a
 * block on the instance's stream (non-blocking: the legacy default stream
 * does not wait for it), which orders the kernels of a batch (gpu.h); the
 * dispatch returns without waiting, the sync waits with
 * cuStreamSynchronize. Destroying the context frees its modules, the arena
 * and the device copies.
 */
#include "backend.h"
#include "cuda_driver.h"

#include "../status.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- State ------------------------------------------------------------ */

typedef struct cuda_functions {
#define MOCC_CUDA_DECLARE(name, parameters) CUresult(*name) parameters;
  MOCC_CUDA_FUNCTIONS(MOCC_CUDA_DECLARE)
#undef MOCC_CUDA_DECLARE
} cuda_functions;

/* The device copy of a kernel's buffer that is not in the arena. */
typedef struct device_copy {
  CUdeviceptr pointer; /* 0 until allocated */
  size_t bytes;
  mocc_gpu_constant constant;
} device_copy;

typedef struct kernel {
  const char *name;
  uint32_t num_buffers;
  uint32_t block_size;
  CUmodule module;
  CUfunction function;
  device_copy *copies; /* num_buffers */
} kernel;

/* A device copy that the sync reads back. */
typedef struct cuda_download {
  void *to;
  CUdeviceptr from;
  size_t bytes;
} cuda_download;

typedef struct cuda_gpu {
  mocc_gpu base;
  void *driver; /* dlopen's handle of libcuda.so.1 */
  cuda_functions cu;
  int32_t index; /* the device index asked for, for messages */
  CUdevice device;
  char name[256];
  uint32_t max_groups[3];
  CUcontext context;
  CUstream stream; /* of every launch and copy */
  /* The device's own arena, where base.own_arena (base.arena is the host's
   * copy, page-locked). */
  CUdeviceptr device_arena;
  /* The batch (gpu.h): the copies to read back at its sync (base.num_slots
   * a kernel of the batch), and its first and last kernels, for messages. */
  struct cuda_download *downloads;
  uint32_t num_downloads;
  const char *first_name, *last_name;
  /* Whether this thread has pushed `context`, for a failed dispatch to pop
   * it before it leaves. */
  int entered;
  kernel *kernels; /* base.num_kernels */
  /* Scratch of mocc_gpu_dispatch, base.num_slots each: the kernel's
   * arguments and cuLaunchKernel's pointers to them. */
  CUdeviceptr *arguments;
  void **parameters;
} cuda_gpu;

/* The driver to load where MOCC_CUDA_DRIVER does not name one. */
#define MOCC_CUDA_DEFAULT_DRIVER "libcuda.so.1"

/* --- Messages ----------------------------------------------------------- */

static const char *error_name(const cuda_gpu *gpu, CUresult result) {
  const char *name = NULL;
  if (gpu->cu.cuGetErrorName(result, &name) != CUDA_SUCCESS || !name)
    return "an unrecognized CUresult";
  return name;
}

/* A status about the opened device: "CUDA device 0 (NAME): MESSAGE". */
__attribute__((format(printf, 2, 3))) static mocc_status
device_status(const cuda_gpu *gpu, const char *format, ...) {
  char message[2048];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  return mocc_status_format("CUDA device %d (%s): %s", (int)gpu->index,
                            gpu->name, message);
}

static mocc_status call_status(const cuda_gpu *gpu, const char *call,
                               CUresult result) {
  return device_status(gpu, "%s returned %s", call, error_name(gpu, result));
}

/* --- Driver, device and context ----------------------------------------- */

static mocc_status open_driver(cuda_gpu *gpu) {
  const char *path = getenv("MOCC_CUDA_DRIVER");
  if (!path || !*path)
    path = MOCC_CUDA_DEFAULT_DRIVER;
  gpu->driver = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!gpu->driver)
    return mocc_status_format("cannot load the CUDA driver %s: %s", path,
                              dlerror());
    /* POSIX guarantees that dlsym's object pointer converts to a function
     * pointer; memcpy does it without a cast ISO C leaves undefined. */
#define MOCC_CUDA_LOAD(name, parameters)                                       \
  {                                                                            \
    void *address = dlsym(gpu->driver, #name);                                 \
    if (!address)                                                              \
      return mocc_status_format("the CUDA driver %s lacks %s", path, #name);   \
    memcpy(&gpu->cu.name, &address, sizeof(address));                          \
  }
  MOCC_CUDA_FUNCTIONS(MOCC_CUDA_LOAD)
#undef MOCC_CUDA_LOAD
  return NULL;
}

static mocc_status pick_device(cuda_gpu *gpu, int32_t index) {
  CUresult result = gpu->cu.cuInit(0);
  if (result == CUDA_ERROR_NO_DEVICE)
    return mocc_status_format("no CUDA device");
  if (result != CUDA_SUCCESS)
    return mocc_status_format("cannot initialize the CUDA driver: cuInit "
                              "returned %s",
                              error_name(gpu, result));
  int count = 0;
  result = gpu->cu.cuDeviceGetCount(&count);
  if (result != CUDA_SUCCESS)
    return mocc_status_format("no CUDA device (cuDeviceGetCount returned %s)",
                              error_name(gpu, result));
  if (count <= 0)
    return mocc_status_format("no CUDA device");
  if (index >= count)
    return mocc_status_format("CUDA device %d does not exist (%d devices)",
                              (int)index, count);
  result = gpu->cu.cuDeviceGet(&gpu->device, index);
  if (result != CUDA_SUCCESS)
    return mocc_status_format("CUDA device %d: cuDeviceGet returned %s",
                              (int)index, error_name(gpu, result));
  result =
      gpu->cu.cuDeviceGetName(gpu->name, (int)sizeof(gpu->name), gpu->device);
  if (result != CUDA_SUCCESS)
    return mocc_status_format("CUDA device %d: cuDeviceGetName returned %s",
                              (int)index, error_name(gpu, result));
  gpu->name[sizeof(gpu->name) - 1] = '\0';

  static const CUdevice_attribute kGridLimits[3] = {
      CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X,
      CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y,
      CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z,
  };
  for (int i = 0; i < 3; ++i) {
    int limit = 0;
    result = gpu->cu.cuDeviceGetAttribute(&limit, kGridLimits[i], gpu->device);
    if (result != CUDA_SUCCESS)
      return call_status(gpu, "cuDeviceGetAttribute", result);
    gpu->max_groups[i] = limit > 0 ? (uint32_t)limit : 0;
  }
  return NULL;
}

/* Makes the instance's context current on this thread until leave(). */
static CUresult enter(cuda_gpu *gpu) {
  CUresult result = gpu->cu.cuCtxPushCurrent_v2(gpu->context);
  gpu->entered = result == CUDA_SUCCESS;
  return result;
}

/* Restores the context that was current before enter(). */
static void leave(cuda_gpu *gpu) {
  CUcontext popped;
  if (gpu->entered)
    gpu->cu.cuCtxPopCurrent_v2(&popped);
  gpu->entered = 0;
}

static mocc_status create_context(cuda_gpu *gpu) {
  CUresult result = gpu->cu.cuCtxCreate_v2(&gpu->context, 0, gpu->device);
  if (result != CUDA_SUCCESS) {
    gpu->context = NULL;
    return call_status(gpu, "cuCtxCreate", result);
  }
  /* cuCtxCreate made it current: each use pushes it again. */
  gpu->entered = 1;
  result = gpu->cu.cuStreamCreate(&gpu->stream, CU_STREAM_NON_BLOCKING);
  leave(gpu);
  if (result != CUDA_SUCCESS) {
    gpu->stream = NULL;
    return call_status(gpu, "cuStreamCreate", result);
  }
  return NULL;
}

/* --- Kernels ------------------------------------------------------------ */

/* What the table says of a kernel, checked before the driver is loaded. */
static mocc_status check_kernel(const mocc_compiled_gpu_kernel *code) {
  const char *name = code->name ? code->name : "";
  if (code->block_size == 0)
    return mocc_status_format("CUDA kernel '%s' has no block size", name);
  const char *ptx = code->code;
  if (!ptx || code->code_bytes == 0 || ptx[code->code_bytes - 1] != '\0')
    return mocc_status_format("CUDA kernel '%s': its PTX of %llu bytes does "
                              "not end with a NUL",
                              name, (unsigned long long)code->code_bytes);
  return NULL;
}

/* The driver's JIT log on one line, without trailing white space. */
static void join_lines(char *log) {
  size_t length = 0;
  for (char *c = log; *c; ++c) {
    if (*c == '\n' || *c == '\r' || *c == '\t')
      *c = ' ';
    if (*c != ' ')
      length = (size_t)(c - log) + 1;
  }
  log[length] = '\0';
}

/* Loads the kernel's PTX, which the driver compiles for the device, with
 * the compiler's errors in the status where it fails. */
static mocc_status load_module(cuda_gpu *gpu, kernel *k,
                               const mocc_compiled_gpu_kernel *code) {
  char log[4096] = "";
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {log, (void *)(uintptr_t)sizeof(log)};
  CUresult result =
      gpu->cu.cuModuleLoadDataEx(&k->module, code->code, 2, options, values);
  if (result == CUDA_SUCCESS)
    return NULL;
  k->module = NULL;
  log[sizeof(log) - 1] = '\0';
  join_lines(log);
  return device_status(gpu,
                       "kernel '%s' does not build: cuModuleLoadDataEx "
                       "returned %s%s%s",
                       k->name, error_name(gpu, result), *log ? ": " : "", log);
}

static mocc_status create_kernel(cuda_gpu *gpu, kernel *k,
                                 const mocc_compiled_gpu_kernel *code) {
  k->name = code->name ? code->name : "";
  k->num_buffers = code->num_buffers;
  k->block_size = code->block_size;
  k->copies = calloc(k->num_buffers ? k->num_buffers : 1, sizeof(*k->copies));
  if (!k->copies)
    return mocc_status_format("out of memory");
  mocc_status status = load_module(gpu, k, code);
  if (status)
    return status;
  CUresult result =
      gpu->cu.cuModuleGetFunction(&k->function, k->module, k->name);
  if (result != CUDA_SUCCESS)
    return device_status(gpu,
                         "kernel '%s' is not in its PTX: "
                         "cuModuleGetFunction returned %s",
                         k->name, error_name(gpu, result));
  /* What the device allows this kernel, given the registers it uses. */
  int max_threads = 0;
  result = gpu->cu.cuFuncGetAttribute(
      &max_threads, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, k->function);
  if (result != CUDA_SUCCESS)
    return call_status(gpu, "cuFuncGetAttribute", result);
  if (max_threads <= 0 || k->block_size > (uint32_t)max_threads)
    return device_status(gpu,
                         "kernel '%s' runs %u threads a block; the device "
                         "runs at most %d of it",
                         k->name, (unsigned)k->block_size, max_threads);
  return NULL;
}

static mocc_status create_kernels(cuda_gpu *gpu,
                                  const mocc_compiled_gpu *table) {
  size_t slots = gpu->base.num_slots ? gpu->base.num_slots : 1;
  gpu->arguments = calloc(slots, sizeof(*gpu->arguments));
  gpu->parameters = calloc(slots, sizeof(*gpu->parameters));
  size_t kernels = table->num_kernels ? table->num_kernels : 1;
  gpu->kernels = calloc(kernels, sizeof(*gpu->kernels));
  gpu->downloads = calloc(kernels * slots, sizeof(*gpu->downloads));
  if (!gpu->arguments || !gpu->parameters || !gpu->kernels || !gpu->downloads)
    return mocc_status_format("out of memory");
  CUresult result = enter(gpu);
  if (result != CUDA_SUCCESS)
    return call_status(gpu, "cuCtxPushCurrent", result);
  mocc_status status = NULL;
  for (uint32_t i = 0; i < table->num_kernels && !status; ++i) {
    /* Counted as created so that close frees what it holds. */
    gpu->base.num_kernels = i + 1;
    status = create_kernel(gpu, &gpu->kernels[i], &table->kernels[i]);
  }
  leave(gpu);
  return status;
}

/* --- Open and close ----------------------------------------------------- */

static const mocc_gpu_backend kCudaBackend;

static void cuda_close(mocc_gpu *base) {
  cuda_gpu *gpu = (cuda_gpu *)base;
  /* Waits for the launches in flight, dropping a batch never synced. */
  if (gpu->stream && enter(gpu) == CUDA_SUCCESS) {
    gpu->cu.cuStreamSynchronize(gpu->stream);
    gpu->cu.cuStreamDestroy_v2(gpu->stream);
    leave(gpu);
  }
  if (gpu->base.own_arena && gpu->base.arena && enter(gpu) == CUDA_SUCCESS) {
    gpu->cu.cuMemFreeHost((void *)gpu->base.arena);
    leave(gpu);
  }
  /* Frees the modules, the device memory and the device copies with it. */
  if (gpu->context)
    gpu->cu.cuCtxDestroy_v2(gpu->context);
  if (gpu->driver)
    dlclose(gpu->driver);
  for (uint32_t i = 0; gpu->kernels && i < gpu->base.num_kernels; ++i)
    free(gpu->kernels[i].copies);
  free(gpu->kernels);
  free(gpu->downloads);
  free(gpu->arguments);
  free(gpu->parameters);
  mocc_gpu_release(&gpu->base);
  free(gpu);
}

mocc_status mocc_cuda_open(const mocc_compiled_gpu *table, int32_t device,
                           mocc_gpu **out_gpu) {
  if (device < 0)
    return mocc_status_format("CUDA device %d does not exist", (int)device);
  for (uint32_t i = 0; i < table->num_kernels; ++i) {
    mocc_status status = check_kernel(&table->kernels[i]);
    if (status)
      return status;
  }

  cuda_gpu *gpu = calloc(1, sizeof(*gpu));
  if (!gpu)
    return mocc_status_format("out of memory");
  gpu->index = device;
  mocc_status status = mocc_gpu_init(&gpu->base, &kCudaBackend, table);
  if (!status)
    status = open_driver(gpu);
  if (!status)
    status = pick_device(gpu, device);
  if (!status)
    status = mocc_gpu_choose_arena(&gpu->base, 1);
  if (!status)
    status = create_context(gpu);
  if (!status)
    status = create_kernels(gpu, table);
  if (status) {
    cuda_close(&gpu->base);
    return status;
  }
  *out_gpu = &gpu->base;
  return NULL;
}

/* The device's own arena: device memory, and page-locked host memory that
 * the stream copies to and from asynchronously. */
static CUresult alloc_own_arena(cuda_gpu *gpu, size_t bytes, void **host) {
  CUresult result = enter(gpu);
  if (result != CUDA_SUCCESS)
    return result;
  /* Neither can be empty. */
  result = gpu->cu.cuMemAlloc_v2(&gpu->device_arena, bytes ? bytes : 1);
  if (result == CUDA_SUCCESS)
    result = gpu->cu.cuMemAllocHost_v2(host, bytes ? bytes : 1);
  leave(gpu);
  return result;
}

/* Managed memory: the host and the kernels address it at the same pointer,
 * and the driver migrates its pages to whichever touches them. Host code
 * touches it only after a sync, which waits for every kernel: so even
 * devices without concurrent managed access allow it. */
static CUresult alloc_managed_arena(cuda_gpu *gpu, size_t bytes, void **arena) {
  int managed = 0;
  CUresult result = gpu->cu.cuDeviceGetAttribute(
      &managed, CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY, gpu->device);
  if (result != CUDA_SUCCESS)
    return result;
  if (!managed)
    return CUDA_ERROR_NOT_SUPPORTED;
  result = enter(gpu);
  if (result != CUDA_SUCCESS)
    return result;
  CUdeviceptr pointer = 0;
  /* A managed allocation cannot be empty. */
  result = gpu->cu.cuMemAllocManaged(&pointer, bytes ? bytes : 1,
                                     CU_MEM_ATTACH_GLOBAL);
  leave(gpu);
  *arena = (void *)(uintptr_t)pointer;
  return result;
}

static mocc_status cuda_alloc_arena(mocc_gpu *base, size_t bytes,
                                    mocc_buffer *out_arena) {
  cuda_gpu *gpu = (cuda_gpu *)base;
  if (gpu->base.arena)
    return device_status(gpu, "the activation arena is already allocated");
  void *arena = NULL;
  CUresult result = gpu->base.own_arena
                        ? alloc_own_arena(gpu, bytes, &arena)
                        : alloc_managed_arena(gpu, bytes, &arena);
  if (result == CUDA_ERROR_NOT_SUPPORTED)
    return device_status(gpu, "cannot allocate the activation arena: the "
                              "device has no managed memory");
  if (result != CUDA_SUCCESS)
    return device_status(gpu,
                         "cannot allocate the %zu-byte activation arena: %s",
                         bytes, error_name(gpu, result));
  /* Both come page-aligned: as aligned as mocc_buffer_alloc's. Kernels take
   * any pointer into the arena (arena_alignment stays 1). */
  gpu->base.arena = arena;
  gpu->base.arena_bytes = bytes;
  out_arena->allocated = arena;
  out_arena->aligned = arena;
  out_arena->bytes = bytes;
  return NULL;
}

static const char *cuda_device_name(const mocc_gpu *base) {
  return ((const cuda_gpu *)base)->name;
}

/* --- Dispatch ----------------------------------------------------------- */

/* Fails the run, popping the context first where the dispatch pushed it. */
__attribute__((format(printf, 2, 3))) static _Noreturn void
fail(cuda_gpu *gpu, const char *format, ...) {
  leave(gpu);
  va_list args;
  va_start(args, format);
  mocc_gpu_vfail(&gpu->base, format, args);
}

/* The device copy of (k, slot), grown to `bytes` where it is smaller. */
static CUdeviceptr ensure_copy(cuda_gpu *gpu, kernel *k, uint32_t slot,
                               size_t bytes) {
  device_copy *copy = &k->copies[slot];
  if (copy->pointer && copy->bytes >= bytes)
    return copy->pointer;
  if (copy->pointer)
    gpu->cu.cuMemFree_v2(copy->pointer);
  *copy = (device_copy){0};
  CUresult result = gpu->cu.cuMemAlloc_v2(&copy->pointer, bytes);
  if (result != CUDA_SUCCESS) {
    copy->pointer = 0;
    fail(gpu, "GPU kernel '%s': cannot allocate %zu bytes for buffer %u: %s",
         k->name, bytes, (unsigned)slot, error_name(gpu, result));
  }
  copy->bytes = bytes;
  return copy->pointer;
}

/* The kernel's arguments: a pointer into the arena, or to the device copy
 * of the slot (or of an earlier slot bound to the same buffer); NULL for an
 * empty buffer outside the arena. Generated kernels take a pointer as
 * 16-byte aligned where its binding is at an aligned offset of the arena
 * or outside it (SerializePTX.cpp): the arena and cuMemAlloc's copies are
 * at least page- and 256-byte aligned. */
static void resolve_arguments(cuda_gpu *gpu, kernel *k) {
  for (uint32_t slot = 0; slot < k->num_buffers; ++slot) {
    const mocc_gpu_binding *b = &gpu->base.pending[slot];
    uint32_t owner;
    switch (mocc_gpu_place_slot(&gpu->base, slot, &owner)) {
    case MOCC_GPU_IN_ARENA:
      gpu->arguments[slot] =
          gpu->base.own_arena
              ? gpu->device_arena +
                    (CUdeviceptr)((const char *)b->data - gpu->base.arena)
              : (CUdeviceptr)(uintptr_t)b->data;
      break;
    case MOCC_GPU_SHARED_COPY:
      gpu->arguments[slot] = gpu->arguments[owner];
      break;
    case MOCC_GPU_OWN_COPY:
      gpu->arguments[slot] =
          b->bytes ? ensure_copy(gpu, k, slot, (size_t)b->bytes) : 0;
      break;
    }
    gpu->parameters[slot] = &gpu->arguments[slot];
  }
}

/* Fills the device copies on the stream (pageable host memory is copied
 * out before the call returns), and notes those to read back at the
 * sync. */
static void stage(cuda_gpu *gpu, kernel *k) {
  for (uint32_t slot = 0; slot < k->num_buffers; ++slot) {
    device_copy *copy = &k->copies[slot];
    const mocc_gpu_binding *b = &gpu->base.pending[slot];
    if (mocc_gpu_needs_upload(&gpu->base, k->num_buffers, slot,
                              &copy->constant)) {
      CUresult result = gpu->cu.cuMemcpyHtoDAsync_v2(
          copy->pointer, b->data, (size_t)b->bytes, gpu->stream);
      if (result != CUDA_SUCCESS) {
        copy->constant = (mocc_gpu_constant){NULL, 0};
        fail(gpu, "GPU kernel '%s': cuMemcpyHtoDAsync of buffer %u returned %s",
             k->name, (unsigned)slot, error_name(gpu, result));
      }
    }
    if (mocc_gpu_needs_download(&gpu->base, k->num_buffers, slot))
      gpu->downloads[gpu->num_downloads++] =
          (cuda_download){b->data, copy->pointer, (size_t)b->bytes};
  }
}

/* Launches the kernel on the stream, without waiting: an error it runs into
 * (an address out of bounds) shows at the sync, and leaves the context
 * unusable (the driver's errors of this kind are sticky). */
static void launch(cuda_gpu *gpu, kernel *k, const uint32_t groups[3]) {
  CUresult result = gpu->cu.cuLaunchKernel(k->function, groups[0], groups[1],
                                           groups[2], k->block_size, 1, 1, 0,
                                           gpu->stream, gpu->parameters, NULL);
  if (result != CUDA_SUCCESS)
    fail(gpu, "GPU kernel '%s': cuLaunchKernel returned %s", k->name,
         error_name(gpu, result));
}

static void cuda_abandon(mocc_gpu *base) {
  cuda_gpu *gpu = (cuda_gpu *)base;
  if (base->batch_size && enter(gpu) == CUDA_SUCCESS) {
    gpu->cu.cuStreamSynchronize(gpu->stream);
    leave(gpu);
  }
  gpu->num_downloads = 0;
}

/* Waits for the batch and reads back its copies; the context is current. */
static void sync_entered(cuda_gpu *gpu) {
  mocc_gpu *base = &gpu->base;
  if (!base->batch_size)
    return;
  ++base->batches_synced;
  char label[300];
  if (base->batch_size == 1)
    snprintf(label, sizeof(label), "GPU kernel '%s'", gpu->first_name);
  else
    snprintf(label, sizeof(label), "GPU kernels '%s' .. '%s' (a batch of %u)",
             gpu->first_name, gpu->last_name, (unsigned)base->batch_size);
  CUresult result = gpu->cu.cuStreamSynchronize(gpu->stream);
  if (result != CUDA_SUCCESS)
    fail(gpu, "%s: cuStreamSynchronize returned %s", label,
         error_name(gpu, result));
  for (uint32_t i = 0; i < gpu->num_downloads; ++i) {
    const cuda_download *d = &gpu->downloads[i];
    result = gpu->cu.cuMemcpyDtoH_v2(d->to, d->from, d->bytes);
    if (result != CUDA_SUCCESS)
      fail(gpu, "%s: cuMemcpyDtoH returned %s", label, error_name(gpu, result));
  }
  gpu->num_downloads = 0;
  mocc_gpu_batch_end(base);
}

static void cuda_sync(mocc_gpu *base) {
  cuda_gpu *gpu = (cuda_gpu *)base;
  if (!base->batch_size)
    return;
  CUresult result = enter(gpu);
  if (result != CUDA_SUCCESS)
    fail(gpu, "GPU kernel '%s': cuCtxPushCurrent returned %s", gpu->first_name,
         error_name(gpu, result));
  sync_entered(gpu);
  leave(gpu);
}

/* Copies on the stream: an upload reads the page-locked host arena when
 * it runs, after the host's writes before it. */
static void cuda_transfer(mocc_gpu *base, int upload, size_t offset,
                          size_t bytes) {
  cuda_gpu *gpu = (cuda_gpu *)base;
  const char *name = upload ? "arena upload" : "arena download";
  CUresult result = enter(gpu);
  if (result != CUDA_SUCCESS)
    fail(gpu, "GPU %s: cuCtxPushCurrent returned %s", name,
         error_name(gpu, result));
  char *host = (char *)base->arena + offset;
  CUdeviceptr device = gpu->device_arena + offset;
  result = upload
               ? gpu->cu.cuMemcpyHtoDAsync_v2(device, host, bytes, gpu->stream)
               : gpu->cu.cuMemcpyDtoHAsync_v2(host, device, bytes, gpu->stream);
  if (result != CUDA_SUCCESS)
    fail(gpu, "GPU %s of %zu bytes: %s returned %s", name, bytes,
         upload ? "cuMemcpyHtoDAsync" : "cuMemcpyDtoHAsync",
         error_name(gpu, result));
  if (!base->batch_size)
    gpu->first_name = name;
  gpu->last_name = name;
  ++base->batch_size;
  leave(gpu);
}

static void cuda_dispatch(mocc_gpu *base, uint32_t index,
                          const int64_t requested[3]) {
  cuda_gpu *gpu = (cuda_gpu *)base;
  kernel *k = &gpu->kernels[index];
  uint32_t groups[3];
  if (!mocc_gpu_check_groups(base, k->name, requested, gpu->max_groups,
                             groups)) {
    mocc_gpu_clear_bindings(base);
    return;
  }
  mocc_gpu_check_bound(base, k->name, k->num_buffers);
  CUresult result = enter(gpu);
  if (result != CUDA_SUCCESS)
    fail(gpu, "GPU kernel '%s': cuCtxPushCurrent returned %s", k->name,
         error_name(gpu, result));
  /* The kernel's device copies are its own: once a batch (they may be
   * reallocated by resolve_arguments). */
  if (mocc_gpu_batch_conflicts(base, index, k->num_buffers, 0))
    sync_entered(gpu);
  resolve_arguments(gpu, k);
  stage(gpu, k);
  launch(gpu, k, groups);
  if (!base->batch_size)
    gpu->first_name = k->name;
  gpu->last_name = k->name;
  mocc_gpu_batch_add(base, index, k->num_buffers);
  leave(gpu);
  mocc_gpu_clear_bindings(base);
}

static const mocc_gpu_backend kCudaBackend = {
    .close = cuda_close,
    .alloc_arena = cuda_alloc_arena,
    .device_name = cuda_device_name,
    .dispatch = cuda_dispatch,
    .transfer = cuda_transfer,
    .sync = cuda_sync,
    .abandon = cuda_abandon,
};
