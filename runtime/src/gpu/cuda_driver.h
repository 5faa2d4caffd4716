/* The part of the CUDA driver API (cuda.h) that cuda.c uses, declared here
 * so that the runtime builds without the CUDA toolkit: the driver itself,
 * libcuda.so.1, is loaded with dlopen at run time.
 *
 * Types, constants and signatures as cuda.h declares them (checked against
 * CUDA 13.0's); the functions are the symbols libcuda.so.1 exports, under
 * the versioned names cuda.h maps its unversioned ones to where it does (or
 * did: cuCtxCreate_v2, which later toolkits replaced with _v4, is still
 * exported). 64-bit hosts only, where CUdeviceptr is 64 bits wide.
 */
#ifndef MOCC_RUNTIME_GPU_CUDA_DRIVER_H
#define MOCC_RUNTIME_GPU_CUDA_DRIVER_H

#include <stddef.h>

_Static_assert(sizeof(void *) == 8, "the CUDA runtime needs a 64-bit host");

typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;

/* cuda.h's enum cudaError_enum: only the values cuda.c names. */
typedef enum cudaError_enum {
  CUDA_SUCCESS = 0,
  CUDA_ERROR_INVALID_VALUE = 1,
  CUDA_ERROR_OUT_OF_MEMORY = 2,
  CUDA_ERROR_NO_DEVICE = 100,
  CUDA_ERROR_NOT_SUPPORTED = 801,
} CUresult;

typedef enum CUdevice_attribute_enum {
  CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X = 5,
  CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y = 6,
  CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z = 7,
  CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY = 83,
} CUdevice_attribute;

typedef enum CUfunction_attribute_enum {
  CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 0,
} CUfunction_attribute;

typedef enum CUjit_option_enum {
  CU_JIT_ERROR_LOG_BUFFER = 5,
  CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6,
} CUjit_option;

/* cuMemAllocManaged's flags (CUmemAttach_flags). */
enum { CU_MEM_ATTACH_GLOBAL = 0x1 };

/* cuStreamCreate's flags (CUstream_flags). */
enum { CU_STREAM_NON_BLOCKING = 0x1 };

/* The functions cuda.c looks up, as X(name, parameters); all return
 * CUresult. */
#define MOCC_CUDA_FUNCTIONS(X)                                                 \
  X(cuInit, (unsigned int flags))                                              \
  X(cuGetErrorName, (CUresult error, const char **name))                       \
  X(cuDeviceGetCount, (int *count))                                            \
  X(cuDeviceGet, (CUdevice * device, int ordinal))                             \
  X(cuDeviceGetName, (char *name, int length, CUdevice device))                \
  X(cuDeviceGetAttribute,                                                      \
    (int *value, CUdevice_attribute attribute, CUdevice device))               \
  X(cuCtxCreate_v2,                                                            \
    (CUcontext * context, unsigned int flags, CUdevice device))                \
  X(cuCtxDestroy_v2, (CUcontext context))                                      \
  X(cuCtxPushCurrent_v2, (CUcontext context))                                  \
  X(cuCtxPopCurrent_v2, (CUcontext * context))                                 \
  X(cuCtxSynchronize, (void))                                                  \
  X(cuStreamCreate, (CUstream * stream, unsigned int flags))                   \
  X(cuStreamDestroy_v2, (CUstream stream))                                     \
  X(cuStreamSynchronize, (CUstream stream))                                    \
  X(cuModuleLoadDataEx,                                                        \
    (CUmodule * module, const void *image, unsigned int num_options,           \
     CUjit_option *options, void **option_values))                             \
  X(cuModuleGetFunction,                                                       \
    (CUfunction * function, CUmodule module, const char *name))                \
  X(cuFuncGetAttribute,                                                        \
    (int *value, CUfunction_attribute attribute, CUfunction function))         \
  X(cuMemAlloc_v2, (CUdeviceptr * pointer, size_t bytes))                      \
  X(cuMemAllocManaged,                                                         \
    (CUdeviceptr * pointer, size_t bytes, unsigned int flags))                 \
  X(cuMemFree_v2, (CUdeviceptr pointer))                                       \
  X(cuMemAllocHost_v2, (void **pointer, size_t bytes))                         \
  X(cuMemFreeHost, (void *pointer))                                            \
  X(cuMemcpyHtoD_v2, (CUdeviceptr to, const void *from, size_t bytes))         \
  X(cuMemcpyDtoH_v2, (void *to, CUdeviceptr from, size_t bytes))               \
  X(cuMemcpyHtoDAsync_v2,                                                      \
    (CUdeviceptr to, const void *from, size_t bytes, CUstream stream))         \
  X(cuMemcpyDtoHAsync_v2,                                                      \
    (void *to, CUdeviceptr from, size_t bytes, CUstream stream))               \
  X(cuLaunchKernel,                                                            \
    (CUfunction function, unsigned int grid_x, unsigned int grid_y,            \
     unsigned int grid_z, unsigned int block_x, unsigned int block_y,          \
     unsigned int block_z, unsigned int shared_bytes, CUstream stream,         \
     void **parameters, void **extra))

#endif /* MOCC_RUNTIME_GPU_CUDA_DRIVER_H */
