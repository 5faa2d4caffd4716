/* A stand-in for the CUDA driver, libcuda.so.1, that runs on the host: what
 * runtime/src/gpu/cuda.c calls (cuda_driver.h), strictly enough to catch
 * its mistakes where there is no GPU. Loaded through MOCC_CUDA_DRIVER
 * (CMakeLists.txt runs MoccCudaTests with it too).
 *
 * One device. "Device" memory is host memory the driver allocated, and a
 * kernel may touch nothing else: a pointer outside every allocation (a host
 * pointer passed as is, a copy too small) fails the launch with
 * CUDA_ERROR_ILLEGAL_ADDRESS at the next synchronization, sticky as on a
 * GPU. Page-locked host memory (cuMemAllocHost) is host memory too, which
 * kernels may not touch. Work on a stream (launches, cuMemcpyHtoDAsync,
 * whose host data is copied at the call, cuMemcpyDtoHAsync) is queued and runs
 * only when the stream is synchronized (cuStreamSynchronize, cuCtxSynchronize,
 * cuMemFree, the stream's or the context's destruction): a caller that reads
 * results before synchronizing sees stale memory, as it may on a GPU. The
 * synchronous copies do not wait for streams (all are non-blocking). Calls
 * that need a context fail without a current one, and pushing a context
 * already on the thread's stack fails, which a push left unpopped causes.
 * Modules are PTX text that must have a .version directive; functions are
 * the entries of add_one.ptx, run in C.
 */
#include "gpu/cuda_driver.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

/* Each function as cuda_driver.h declares it, for the compiler to check the
 * definitions below against. */
#define FAKE_DECLARE(name, parameters) EXPORT CUresult name parameters;
MOCC_CUDA_FUNCTIONS(FAKE_DECLARE)
#undef FAKE_DECLARE

/* Codes cuda_driver.h leaves out. */
#define ERROR_INVALID_CONTEXT ((CUresult)201)
#define ERROR_INVALID_PTX ((CUresult)218)
#define ERROR_INVALID_HANDLE ((CUresult)400)
#define ERROR_NOT_FOUND ((CUresult)500)
#define ERROR_ILLEGAL_ADDRESS ((CUresult)700)

/* Work queued on a stream. */
typedef struct operation {
  struct operation *next;
  CUfunction function; /* a launch, or a copy where NULL */
  uint64_t threads;
  CUdeviceptr in, out; /* the launch's buffers, or a copy's source or
                          destination */
  char *data;          /* an upload's bytes */
  void *to_host;       /* a download's destination */
  size_t bytes;
} operation;

struct CUstream_st {
  CUcontext context;
  operation *first, *last;
  struct CUstream_st *next; /* the context's streams */
};

struct CUctx_st {
  CUresult sticky; /* the error of a launch, for every later call */
  CUstream streams;
};

struct CUmod_st {
  CUcontext context;
  char *ptx;
};

typedef void (*thread_function)(CUdeviceptr in, CUdeviceptr out, uint32_t i);

struct CUfunc_st {
  const char *name;
  thread_function run;
};

/* --- Memory: the allocations kernels and copies may touch --------------- */

typedef struct allocation {
  CUcontext context;
  char *data;
  size_t bytes;
} allocation;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static allocation allocations[256];

static _Thread_local CUcontext stack[8];
static _Thread_local int depth;

static CUcontext current(void) { return depth ? stack[depth - 1] : NULL; }

static void run_streams(CUcontext context);

/* What a call that needs a current context, with no launch failed in it,
 * returns first. */
static CUresult check_context(void) {
  return current() ? current()->sticky : ERROR_INVALID_CONTEXT;
}

/* Whether [pointer, pointer + bytes) lies within one allocation. */
static int addressable(CUdeviceptr pointer, size_t bytes) {
  const char *p = (const char *)(uintptr_t)pointer;
  int found = 0;
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < sizeof(allocations) / sizeof(*allocations); ++i) {
    const allocation *a = &allocations[i];
    if (a->data && p >= a->data && (size_t)(p - a->data) <= a->bytes &&
        bytes <= a->bytes - (size_t)(p - a->data))
      found = 1;
  }
  pthread_mutex_unlock(&lock);
  return found;
}

static CUresult allocate(CUdeviceptr *pointer, size_t bytes) {
  if (check_context() != CUDA_SUCCESS)
    return check_context();
  if (bytes == 0)
    return CUDA_ERROR_INVALID_VALUE;
  /* As much as an H100 has, for a test to ask for more. */
  if (bytes > ((size_t)80 << 30))
    return CUDA_ERROR_OUT_OF_MEMORY;
  char *data = aligned_alloc(4096, (bytes + 4095) / 4096 * 4096);
  if (!data)
    return CUDA_ERROR_OUT_OF_MEMORY;
  CUresult result = CUDA_ERROR_OUT_OF_MEMORY;
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < sizeof(allocations) / sizeof(*allocations); ++i)
    if (!allocations[i].data) {
      allocations[i] = (allocation){current(), data, bytes};
      result = CUDA_SUCCESS;
      break;
    }
  pthread_mutex_unlock(&lock);
  if (result != CUDA_SUCCESS)
    free(data);
  else
    *pointer = (CUdeviceptr)(uintptr_t)data;
  return result;
}

/* Frees the allocation at `pointer`, or all of `context`'s. */
static CUresult release(CUdeviceptr pointer, CUcontext context) {
  CUresult result = context ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < sizeof(allocations) / sizeof(*allocations); ++i) {
    allocation *a = &allocations[i];
    if (a->data && (context ? a->context == context
                            : (CUdeviceptr)(uintptr_t)a->data == pointer)) {
      free(a->data);
      *a = (allocation){0};
      result = CUDA_SUCCESS;
    }
  }
  pthread_mutex_unlock(&lock);
  return result;
}

/* --- Driver, device, context -------------------------------------------- */

CUresult cuInit(unsigned int flags) {
  return flags ? CUDA_ERROR_INVALID_VALUE : CUDA_SUCCESS;
}

CUresult cuGetErrorName(CUresult error, const char **name) {
  switch ((int)error) {
#define FAKE_NAME(value, text)                                                 \
  case value:                                                                  \
    *name = text;                                                              \
    return CUDA_SUCCESS;
    FAKE_NAME(CUDA_SUCCESS, "CUDA_SUCCESS")
    FAKE_NAME(CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE")
    FAKE_NAME(CUDA_ERROR_OUT_OF_MEMORY, "CUDA_ERROR_OUT_OF_MEMORY")
    FAKE_NAME(CUDA_ERROR_NO_DEVICE, "CUDA_ERROR_NO_DEVICE")
    FAKE_NAME(ERROR_INVALID_CONTEXT, "CUDA_ERROR_INVALID_CONTEXT")
    FAKE_NAME(ERROR_INVALID_PTX, "CUDA_ERROR_INVALID_PTX")
    FAKE_NAME(ERROR_INVALID_HANDLE, "CUDA_ERROR_INVALID_HANDLE")
    FAKE_NAME(ERROR_NOT_FOUND, "CUDA_ERROR_NOT_FOUND")
    FAKE_NAME(ERROR_ILLEGAL_ADDRESS, "CUDA_ERROR_ILLEGAL_ADDRESS")
#undef FAKE_NAME
  default:
    *name = NULL;
    return CUDA_ERROR_INVALID_VALUE;
  }
}

CUresult cuDeviceGetCount(int *count) {
  *count = 1;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice *device, int ordinal) {
  if (ordinal != 0)
    return CUDA_ERROR_INVALID_VALUE;
  *device = 0;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetName(char *name, int length, CUdevice device) {
  if (device != 0 || length <= 0)
    return CUDA_ERROR_INVALID_VALUE;
  strncpy(name, "mocc fake CUDA device", (size_t)length);
  name[length - 1] = '\0';
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetAttribute(int *value, CUdevice_attribute attribute,
                              CUdevice device) {
  if (device != 0)
    return CUDA_ERROR_INVALID_VALUE;
  switch (attribute) {
  case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X:
    *value = 2147483647;
    return CUDA_SUCCESS;
  case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y:
  case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z:
    *value = 65535;
    return CUDA_SUCCESS;
  case CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY:
    *value = 1;
    return CUDA_SUCCESS;
  }
  return CUDA_ERROR_INVALID_VALUE;
}

CUresult cuCtxPushCurrent_v2(CUcontext context) {
  if (!context || depth == (int)(sizeof(stack) / sizeof(*stack)))
    return CUDA_ERROR_INVALID_VALUE;
  for (int i = 0; i < depth; ++i)
    if (stack[i] == context)
      return CUDA_ERROR_INVALID_VALUE; /* pushed before, never popped */
  stack[depth++] = context;
  return CUDA_SUCCESS;
}

CUresult cuCtxPopCurrent_v2(CUcontext *context) {
  if (!depth)
    return ERROR_INVALID_CONTEXT;
  CUcontext popped = stack[--depth];
  if (context)
    *context = popped;
  return CUDA_SUCCESS;
}

CUresult cuCtxCreate_v2(CUcontext *context, unsigned int flags,
                        CUdevice device) {
  if (flags || device != 0)
    return CUDA_ERROR_INVALID_VALUE;
  CUcontext created = calloc(1, sizeof(*created));
  if (!created)
    return CUDA_ERROR_OUT_OF_MEMORY;
  CUresult result = cuCtxPushCurrent_v2(created);
  if (result != CUDA_SUCCESS)
    free(created);
  else
    *context = created;
  return result;
}

/* Its modules stay allocated: the fake cannot tell which they are. The
 * runtime never touches them after this. */
CUresult cuCtxDestroy_v2(CUcontext context) {
  if (!context)
    return CUDA_ERROR_INVALID_VALUE;
  for (int i = 0; i < depth; ++i)
    if (stack[i] == context) {
      memmove(&stack[i], &stack[i + 1],
              (size_t)(depth - i - 1) * sizeof(*stack));
      --depth;
      break;
    }
  run_streams(context);
  while (context->streams) {
    CUstream next = context->streams->next;
    free(context->streams);
    context->streams = next;
  }
  release(0, context);
  free(context);
  return CUDA_SUCCESS;
}

CUresult cuCtxSynchronize(void) {
  if (current())
    run_streams(current());
  return check_context();
}

/* --- Modules and kernels ------------------------------------------------ */

/* The entries of add_one.ptx, one thread each. */
static void add_one_at(CUdeviceptr in, CUdeviceptr out, uint32_t i) {
  const float *x = (const float *)(uintptr_t)in;
  float *y = (float *)(uintptr_t)out;
  y[i] = x[i] + 1.0f;
}

static struct CUfunc_st functions[] = {
    {"add_one", add_one_at},
    {"add_one_100", add_one_at},
};

CUresult cuModuleLoadDataEx(CUmodule *module, const void *image,
                            unsigned int num_options, CUjit_option *options,
                            void **option_values) {
  if (!current())
    return ERROR_INVALID_CONTEXT;
  if (!strstr(image, ".version")) {
    for (unsigned int i = 0; i < num_options; ++i)
      if (options[i] == CU_JIT_ERROR_LOG_BUFFER) {
        for (unsigned int j = 0; j < num_options; ++j)
          if (options[j] == CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES &&
              (uintptr_t)option_values[j] > 0)
            strncpy(option_values[i],
                    "ptxas application ptx input, line 1; fatal   : Missing "
                    ".version directive at start of file\n",
                    (uintptr_t)option_values[j]);
      }
    return ERROR_INVALID_PTX;
  }
  CUmodule loaded = calloc(1, sizeof(*loaded));
  if (!loaded || !(loaded->ptx = strdup(image))) {
    free(loaded);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  loaded->context = current();
  *module = loaded;
  return CUDA_SUCCESS;
}

CUresult cuModuleGetFunction(CUfunction *function, CUmodule module,
                             const char *name) {
  if (!current() || current() != module->context)
    return ERROR_INVALID_CONTEXT;
  char entry[256];
  for (size_t i = 0; i < sizeof(functions) / sizeof(*functions); ++i) {
    strcpy(entry, ".entry ");
    strncat(entry, name, sizeof(entry) - 16);
    strcat(entry, "(");
    if (!strcmp(functions[i].name, name) && strstr(module->ptx, entry)) {
      *function = &functions[i];
      return CUDA_SUCCESS;
    }
  }
  return ERROR_NOT_FOUND;
}

CUresult cuFuncGetAttribute(int *value, CUfunction_attribute attribute,
                            CUfunction function) {
  if (!function || attribute != CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK)
    return CUDA_ERROR_INVALID_VALUE;
  *value = 1024;
  return CUDA_SUCCESS;
}

/* Runs and frees what `stream` queued. */
static void run_stream(CUstream stream) {
  operation *op = stream->first;
  stream->first = stream->last = NULL;
  while (op) {
    operation *next = op->next;
    if (stream->context->sticky == CUDA_SUCCESS) {
      if (op->to_host) {
        if (addressable(op->in, op->bytes))
          memcpy(op->to_host, (const void *)(uintptr_t)op->in, op->bytes);
        else
          stream->context->sticky = ERROR_ILLEGAL_ADDRESS;
      } else if (!op->function) {
        if (addressable(op->out, op->bytes))
          memcpy((void *)(uintptr_t)op->out, op->data, op->bytes);
        else
          stream->context->sticky = ERROR_ILLEGAL_ADDRESS;
      }
      for (uint64_t i = 0; op->function && i < op->threads; ++i) {
        if (!addressable(op->in + 4 * i, 4) ||
            !addressable(op->out + 4 * i, 4)) {
          stream->context->sticky = ERROR_ILLEGAL_ADDRESS;
          break;
        }
        op->function->run(op->in, op->out, (uint32_t)i);
      }
    }
    free(op->data);
    free(op);
    op = next;
  }
}

static void run_streams(CUcontext context) {
  for (CUstream s = context->streams; s; s = s->next)
    run_stream(s);
}

static CUresult enqueue(CUstream stream, operation *op) {
  if (!stream || stream->context != current())
    return ERROR_INVALID_HANDLE;
  if (stream->last)
    stream->last->next = op;
  else
    stream->first = op;
  stream->last = op;
  return CUDA_SUCCESS;
}

CUresult cuStreamCreate(CUstream *stream, unsigned int flags) {
  if (check_context() != CUDA_SUCCESS)
    return check_context();
  if (flags != CU_STREAM_NON_BLOCKING)
    return CUDA_ERROR_INVALID_VALUE;
  CUstream created = calloc(1, sizeof(*created));
  if (!created)
    return CUDA_ERROR_OUT_OF_MEMORY;
  created->context = current();
  created->next = current()->streams;
  current()->streams = created;
  *stream = created;
  return CUDA_SUCCESS;
}

CUresult cuStreamSynchronize(CUstream stream) {
  if (!stream || stream->context != current())
    return stream ? ERROR_INVALID_CONTEXT : ERROR_INVALID_HANDLE;
  run_stream(stream);
  return check_context();
}

/* Runs what it queued first. */
CUresult cuStreamDestroy_v2(CUstream stream) {
  if (!stream || stream->context != current())
    return ERROR_INVALID_HANDLE;
  run_stream(stream);
  for (CUstream *s = &current()->streams; *s; s = &(*s)->next)
    if (*s == stream) {
      *s = stream->next;
      break;
    }
  free(stream);
  return CUDA_SUCCESS;
}

CUresult cuLaunchKernel(CUfunction function, unsigned int grid_x,
                        unsigned int grid_y, unsigned int grid_z,
                        unsigned int block_x, unsigned int block_y,
                        unsigned int block_z, unsigned int shared_bytes,
                        CUstream stream, void **parameters, void **extra) {
  if (check_context() != CUDA_SUCCESS)
    return check_context();
  if (!function || extra)
    return ERROR_INVALID_HANDLE;
  if (!grid_x || !grid_y || !grid_z || !block_x || block_x > 1024 ||
      block_y != 1 || block_z != 1 || shared_bytes)
    return CUDA_ERROR_INVALID_VALUE;
  operation *op = calloc(1, sizeof(*op));
  if (!op)
    return CUDA_ERROR_OUT_OF_MEMORY;
  op->function = function;
  /* The arguments are read at the call, as the driver does. */
  op->in = *(CUdeviceptr *)parameters[0];
  op->out = *(CUdeviceptr *)parameters[1];
  /* add_one.ptx's entries run along x only; add_one_100 below 100. */
  op->threads = (uint64_t)grid_x * block_x;
  if (!strcmp(function->name, "add_one_100") && op->threads > 100)
    op->threads = 100;
  /* Only the instance's own stream: the default one would serialize. */
  CUresult result = enqueue(stream, op);
  if (result != CUDA_SUCCESS)
    free(op);
  return result;
}

/* --- Memory ------------------------------------------------------------- */

CUresult cuMemAlloc_v2(CUdeviceptr *pointer, size_t bytes) {
  return allocate(pointer, bytes);
}

CUresult cuMemAllocManaged(CUdeviceptr *pointer, size_t bytes,
                           unsigned int flags) {
  if (flags != CU_MEM_ATTACH_GLOBAL)
    return CUDA_ERROR_INVALID_VALUE;
  return allocate(pointer, bytes);
}

/* Waits for the context's streams first, as the driver does. */
CUresult cuMemFree_v2(CUdeviceptr pointer) {
  if (!current())
    return ERROR_INVALID_CONTEXT;
  run_streams(current());
  return release(pointer, NULL);
}

/* `bytes` from `from` to `to`, one of which is `device`'s. */
static CUresult copy(void *to, const void *from, CUdeviceptr device,
                     size_t bytes) {
  CUresult result = check_context();
  if (result == CUDA_SUCCESS && !addressable(device, bytes))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    memcpy(to, from, bytes);
  return result;
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr to, const void *from, size_t bytes) {
  return copy((void *)(uintptr_t)to, from, to, bytes);
}

CUresult cuMemcpyDtoH_v2(void *to, CUdeviceptr from, size_t bytes) {
  return copy(to, (const void *)(uintptr_t)from, from, bytes);
}

/* Queues `op`, a copy to or from `device`, on `stream`; frees it where
 * that fails. */
static CUresult queue_copy(CUstream stream, operation *op,
                           CUdeviceptr device) {
  CUresult result = check_context();
  if (result == CUDA_SUCCESS && !addressable(device, op->bytes))
    result = CUDA_ERROR_INVALID_VALUE;
  if (result == CUDA_SUCCESS)
    result = enqueue(stream, op);
  if (result != CUDA_SUCCESS) {
    free(op->data);
    free(op);
  }
  return result;
}

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr to, const void *from, size_t bytes,
                              CUstream stream) {
  operation *op = calloc(1, sizeof(*op));
  if (!op || !(op->data = malloc(bytes ? bytes : 1))) {
    free(op);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  memcpy(op->data, from, bytes);
  op->out = to;
  op->bytes = bytes;
  return queue_copy(stream, op, to);
}

CUresult cuMemcpyDtoHAsync_v2(void *to, CUdeviceptr from, size_t bytes,
                              CUstream stream) {
  operation *op = calloc(1, sizeof(*op));
  if (!op)
    return CUDA_ERROR_OUT_OF_MEMORY;
  op->in = from;
  op->to_host = to;
  op->bytes = bytes;
  return queue_copy(stream, op, from);
}

/* Outside the allocations kernels may touch. */
CUresult cuMemAllocHost_v2(void **pointer, size_t bytes) {
  if (check_context() != CUDA_SUCCESS)
    return check_context();
  if (bytes == 0)
    return CUDA_ERROR_INVALID_VALUE;
  *pointer = aligned_alloc(4096, (bytes + 4095) / 4096 * 4096);
  return *pointer ? CUDA_SUCCESS : CUDA_ERROR_OUT_OF_MEMORY;
}

CUresult cuMemFreeHost(void *pointer) {
  if (!current())
    return ERROR_INVALID_CONTEXT;
  free(pointer);
  return CUDA_SUCCESS;
}
