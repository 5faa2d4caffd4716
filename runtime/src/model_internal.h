/* The model instance, shared by the files implementing model.h. */
#ifndef MOCC_RUNTIME_MODEL_INTERNAL_H
#define MOCC_RUNTIME_MODEL_INTERNAL_H

#include "buffer.h"
#include "compiled_model.h"
#include "gpu/gpu.h"
#include "memref.h"
#include "mocc/model.h"
#include "profile.h"
#include "run_memory.h"
#include "thread_pool.h"

struct mocc_model {
  const mocc_compiled_model_desc *desc;
  mocc_buffer arena; /* the GPU's when `gpu`, freed by mocc_gpu_close */
  /* desc->num_outputs: allocated at create for a static shape; for a
   * dynamic one, the buffer of the last run (adopted from the entry). */
  mocc_buffer *outputs;
  /* The entry's argument: inputs, outputs, arena, the thread pool, then
   * for a GPU model `gpu`. Output and arena descriptors are filled once at
   * create, inputs on every run. */
  void **descriptors;
  void *descriptor_storage;
  int has_outputs; /* a run has succeeded */
  int32_t num_threads;    /* >= 1 */
  mocc_thread_pool *pool; /* started by the first run that needs it */
  mocc_profile *profile;  /* NULL unless compiled with --profile */
  mocc_run_memory *memory; /* buffers of dynamic size, planned per shape */
  mocc_gpu *gpu;           /* NULL unless desc->gpu */
  /* mocc_gpu_close, set only where the GPU is opened: the library of a CPU
   * model, whose description LLVM sees has no GPU, then keeps no call of
   * the GPU code (nor of dlclose, in libdl before glibc 2.34). */
  void (*close_gpu)(mocc_gpu *gpu);
};

/* mocc_model_create(_on_device) for an explicit description; tests use it
 * to try descriptions other than the linked `mocc_compiled_model`. */
mocc_status mocc_model_create_from_desc(const mocc_compiled_model_desc *desc,
                                        mocc_model **out_model);
mocc_status
mocc_model_create_from_desc_on_device(const mocc_compiled_model_desc *desc,
                                      int32_t device, mocc_model **out_model);

/* Starts the pool when num_threads > 1 and none runs yet, and puts it in the
 * entry's argument. */
mocc_status mocc_model_start_threads(mocc_model *model);

/* Frees output `index`'s buffer; that of a dynamic output, which a run
 * allocated, goes back to the run memory for reuse. */
void mocc_model_release_output(mocc_model *model, size_t index);

/* Rejects value tables that do not cover the tensors in order (values.c). */
mocc_status mocc_check_value_tables(const mocc_compiled_model_desc *desc);

/* Whether a dimension of `tensor` is dynamic (-1). */
int mocc_tensor_is_dynamic(const mocc_compiled_tensor *tensor);

/* The descriptor of output `index` in the entry's argument. */
static inline mocc_memref *mocc_output_memref(const mocc_model *model,
                                              size_t index) {
  return (mocc_memref *)model->descriptors[model->desc->num_inputs + index];
}

/* The tensor's name for messages; generated code may leave it NULL. */
static inline const char *mocc_tensor_name(const mocc_compiled_tensor *t) {
  return t->name ? t->name : "";
}

#endif /* MOCC_RUNTIME_MODEL_INTERNAL_H */
