/* mocc model ABI: the C functions every model library built by mocc exports.
 *
 * A model's inputs and outputs are tensors. An ONNX graph input or output (a
 * "value") is carried by a run of consecutive tensors: a tensor value by one,
 * a sequence by one per element (its length is fixed when the model is
 * compiled: see mocc's --input-shape NAME=[DIMS,DIMS]), an optional by its
 * content's tensors when present and by none when absent. The value table
 * (mocc_model_*_value_info) gives that grouping; running the model and
 * reading its outputs take the tensors alone.
 *
 * A model library needs nothing at run time but the C library. Instances are
 * independent (no global state): create one per thread that runs the model.
 * Every fallible call returns a mocc_status: NULL means success; otherwise the
 * caller owns the status, reads its message and releases it.
 *
 *   mocc_model *model;
 *   mocc_status status = mocc_model_create(&model);
 *   ... mocc_model_run(model, inputs, num_inputs) ...
 *   mocc_tensor out; mocc_model_get_output(model, 0, &out);
 *   mocc_model_destroy(model);
 */
#ifndef MOCC_MODEL_H
#define MOCC_MODEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MOCC_ABI_VERSION 2

/* Marks the functions a model library exports. The runtime is built with
 * -fvisibility=hidden and MOCC_BUILDING_RUNTIME; for users it expands to
 * nothing. */
#ifndef MOCC_EXPORT
#ifdef MOCC_BUILDING_RUNTIME
#define MOCC_EXPORT __attribute__((visibility("default")))
#else
#define MOCC_EXPORT
#endif
#endif

/* Element types. The values are those of ONNX's TensorProto.DataType.
 * Every element takes at least a byte: a float8 is its bit pattern, a float4
 * its 4-bit code in the low bits, a 4- or 2-bit integer one byte,
 * sign-extended (INT4, INT2) or zero-extended (UINT4, UINT2); ONNX's files
 * pack those two or four to a byte, mocc's tensors do not. */
typedef enum mocc_dtype {
  MOCC_DTYPE_INVALID = 0,
  MOCC_DTYPE_FLOAT32 = 1,
  MOCC_DTYPE_UINT8 = 2,
  MOCC_DTYPE_INT8 = 3,
  MOCC_DTYPE_UINT16 = 4,
  MOCC_DTYPE_INT16 = 5,
  MOCC_DTYPE_INT32 = 6,
  MOCC_DTYPE_INT64 = 7,
  MOCC_DTYPE_BOOL = 9,
  MOCC_DTYPE_FLOAT16 = 10,
  MOCC_DTYPE_FLOAT64 = 11,
  MOCC_DTYPE_UINT32 = 12,
  MOCC_DTYPE_UINT64 = 13,
  MOCC_DTYPE_BFLOAT16 = 16,
  MOCC_DTYPE_FLOAT8E4M3FN = 17,
  MOCC_DTYPE_FLOAT8E4M3FNUZ = 18,
  MOCC_DTYPE_FLOAT8E5M2 = 19,
  MOCC_DTYPE_FLOAT8E5M2FNUZ = 20,
  MOCC_DTYPE_UINT4 = 21,
  MOCC_DTYPE_INT4 = 22,
  MOCC_DTYPE_FLOAT4E2M1 = 23,
  MOCC_DTYPE_FLOAT8E8M0 = 24,
  MOCC_DTYPE_UINT2 = 25,
  MOCC_DTYPE_INT2 = 26,
} mocc_dtype;

/* Size in bytes of one element of `dtype`, 0 for an unknown dtype. */
MOCC_EXPORT size_t mocc_dtype_size(mocc_dtype dtype);
/* A short lowercase name ("float32", "int64", ...), "invalid" if unknown. */
MOCC_EXPORT const char *mocc_dtype_name(mocc_dtype dtype);

/* An error: NULL is success. */
typedef struct mocc_status_t *mocc_status;
MOCC_EXPORT const char *mocc_status_message(mocc_status status);
MOCC_EXPORT void mocc_status_release(mocc_status status);

/* Static description of a model input or output. A dimension of -1 is
 * dynamic (resolved from the inputs at run time). */
typedef struct mocc_tensor_info {
  const char *name;
  mocc_dtype dtype;
  int32_t rank;
  const int64_t *dims;
} mocc_tensor_info;

/* A dense, row-major tensor. The memory belongs to whoever made it. */
typedef struct mocc_tensor {
  void *data;
  mocc_dtype dtype;
  int32_t rank;
  const int64_t *dims;
} mocc_tensor;

/* The kind of an ONNX graph input or output; the values are those of ONNX's
 * OptionalProto.DataType. */
typedef enum mocc_value_kind {
  MOCC_VALUE_TENSOR = 1,
  MOCC_VALUE_SEQUENCE = 3,
  MOCC_VALUE_OPTIONAL = 5,
} mocc_value_kind;

/* An ONNX graph input or output and the tensors that carry it: tensors
 * first_tensor .. first_tensor + num_tensors - 1 of the model's inputs (or
 * outputs). Values come in graph order and cover the tensors in order, each
 * tensor in exactly one value. A tensor value has one tensor; a sequence one
 * per element, named "NAME[i]"; an optional none when absent, else one named
 * "NAME" when it holds a tensor, those of its sequence when it holds one. */
typedef struct mocc_value_info {
  const char *name;
  mocc_value_kind kind;
  size_t first_tensor;
  size_t num_tensors;
} mocc_value_info;

typedef struct mocc_model mocc_model;

/* Creates an instance with its own activation arena and output buffers, on
 * device 0 (mocc_model_create_on_device). */
MOCC_EXPORT mocc_status mocc_model_create(mocc_model **out_model);
/* Creates an instance on `device`: the index among the devices of the
 * model's target API (Vulkan's physical devices for `mocc -target=vulkan`),
 * which the instance opens and owns. A CPU model accepts only 0. */
MOCC_EXPORT mocc_status mocc_model_create_on_device(mocc_model **out_model,
                                                    int32_t device);
MOCC_EXPORT void mocc_model_destroy(mocc_model *model);

/* The name of the instance's device as its driver reports it ("cpu" for a
 * CPU model or NULL), valid until destroy. */
MOCC_EXPORT const char *mocc_model_device_name(const mocc_model *model);

MOCC_EXPORT size_t mocc_model_num_inputs(const mocc_model *model);
MOCC_EXPORT size_t mocc_model_num_outputs(const mocc_model *model);
MOCC_EXPORT mocc_status mocc_model_input_info(const mocc_model *model,
                                              size_t index,
                                              mocc_tensor_info *out_info);
MOCC_EXPORT mocc_status mocc_model_output_info(const mocc_model *model,
                                               size_t index,
                                               mocc_tensor_info *out_info);

/* The value table: ONNX graph inputs and outputs, in graph order. */
MOCC_EXPORT size_t mocc_model_num_input_values(const mocc_model *model);
MOCC_EXPORT size_t mocc_model_num_output_values(const mocc_model *model);
MOCC_EXPORT mocc_status mocc_model_input_value_info(const mocc_model *model,
                                                    size_t index,
                                                    mocc_value_info *out_info);
MOCC_EXPORT mocc_status mocc_model_output_value_info(const mocc_model *model,
                                                     size_t index,
                                                     mocc_value_info *out_info);

/* The threads that run the model's loops: the thread calling
 * mocc_model_run and num_threads - 1 workers, which the instance starts at
 * its next run and owns. 0 (the default) is one thread per online core; 1
 * runs everything on the calling thread, with no workers. Instances that run
 * at the same time on different threads should share the cores out. */
MOCC_EXPORT mocc_status mocc_model_set_num_threads(mocc_model *model,
                                                   int32_t num_threads);
/* The number of threads runs use, 0 resolved to the core count; 0 for NULL. */
MOCC_EXPORT int32_t mocc_model_num_threads(const mocc_model *model);

/* Runs the model on `inputs` (the tensors, in order). Each input's dtype and
 * shape must match its mocc_tensor_info, whose dynamic dimensions (-1) take
 * any size, within what the model relies on: dynamic dimensions that the
 * graph makes equal (an Add of x[N] and y[N], MatMul's inner dimension,
 * Concat's other axes) are checked before anything runs, and a mismatch
 * fails the run with a message naming the node and the dimensions. A kernel
 * can fail a run too (an index out of range, out of memory); a failed run
 * leaves no outputs. A model of static shapes allocates nothing here. With
 * dynamic dimensions, the buffers whose sizes depend on them come from the
 * heap on the first run at a shape (the inputs' dimensions), which plans
 * them into one block; later runs at the last 8 shapes planned reuse it and
 * allocate nothing. */
MOCC_EXPORT mocc_status mocc_model_run(mocc_model *model,
                                       const mocc_tensor *inputs,
                                       size_t num_inputs);

/* The memory of the last successful run, in bytes: the arena of the buffers
 * of static size, and the block planned for those whose sizes depend on
 * that run's dimensions with the least that block could be (the most bytes
 * of them live at once; both 0 when the run had none). */
typedef struct mocc_memory_stats {
  uint64_t arena_bytes;
  uint64_t dynamic_bytes;
  uint64_t dynamic_lower_bound_bytes;
} mocc_memory_stats;
MOCC_EXPORT mocc_status mocc_model_memory_stats(const mocc_model *model,
                                                mocc_memory_stats *out_stats);

/* A view of output `index` of the last successful run, with the shape that
 * run gave it; valid until the next run or destroy. */
MOCC_EXPORT mocc_status mocc_model_get_output(const mocc_model *model,
                                              size_t index,
                                              mocc_tensor *out_tensor);

/* Profiling. A library compiled with `mocc --profile` times each of its
 * kernels (a fused group of ONNX nodes, or one node) on the thread that
 * calls mocc_model_run; one compiled without it carries no timers and
 * profiles no kernel. */
typedef struct mocc_kernel_profile {
  const char *name; /* the ONNX nodes it computes: "name (Op) + ..." */
  int64_t flops;    /* per call; 0 where the op has no FLOP count */
  int64_t calls;    /* over the instance's runs */
  int64_t total_ns;
} mocc_kernel_profile;

/* A kernel's call in the last successful run, timed from the run's start. */
typedef struct mocc_profile_event {
  uint32_t kernel; /* index for mocc_model_kernel_profile */
  int64_t start_ns;
  int64_t duration_ns;
} mocc_profile_event;

/* The number of kernels the library times; 0 without --profile. */
MOCC_EXPORT size_t
mocc_model_num_profiled_kernels(const mocc_model *model);
MOCC_EXPORT mocc_status mocc_model_kernel_profile(
    const mocc_model *model, size_t index, mocc_kernel_profile *out_profile);
/* The runs timed (every run of the instance) and their summed wall time. */
MOCC_EXPORT mocc_status mocc_model_profile_totals(const mocc_model *model,
                                                  int64_t *out_runs,
                                                  int64_t *out_run_ns);
/* Starts the counts and times afresh (after a warm-up run, say). */
MOCC_EXPORT mocc_status mocc_model_profile_reset(mocc_model *model);
/* The kernel calls of the last successful run, in the order they ran. */
MOCC_EXPORT size_t mocc_model_num_profile_events(const mocc_model *model);
MOCC_EXPORT mocc_status mocc_model_profile_event(const mocc_model *model,
                                                 size_t index,
                                                 mocc_profile_event *out_event);

#ifdef __cplusplus
}
#endif

#endif /* MOCC_MODEL_H */
