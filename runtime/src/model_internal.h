/* The model instance, shared by the files implementing model.h. */
#ifndef MOCC_RUNTIME_MODEL_INTERNAL_H
#define MOCC_RUNTIME_MODEL_INTERNAL_H

#include "buffer.h"
#include "compiled_model.h"
#include "mocc/model.h"

struct mocc_model {
  const mocc_compiled_model_desc *desc;
  mocc_buffer arena;
  mocc_buffer *outputs; /* desc->num_outputs */
  /* The entry's argument: inputs, outputs, arena. Output and arena
   * descriptors are filled once at create, inputs on every run. */
  void **descriptors;
  void *descriptor_storage;
  int has_outputs; /* a run has succeeded */
};

/* mocc_model_create for an explicit description; tests use it to try
 * descriptions other than the linked `mocc_compiled_model`. */
mocc_status mocc_model_create_from_desc(const mocc_compiled_model_desc *desc,
                                        mocc_model **out_model);

/* The tensor's name for messages; generated code may leave it NULL. */
static inline const char *mocc_tensor_name(const mocc_compiled_tensor *t) {
  return t->name ? t->name : "";
}

#endif /* MOCC_RUNTIME_MODEL_INTERNAL_H */
