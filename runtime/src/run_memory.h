/* The buffers generated code allocates while a model runs: those whose sizes
 * depend on dynamic dimensions (MLIR lowers their memref.alloc to the
 * generic allocation functions declared below; static ones are in the arena
 * mocc-plan-arena plans at compile time).
 *
 * The first run at a shape (the dimensions of its inputs) takes them from
 * the heap and records each one's size and lifetime. When it succeeds, those
 * buffers are planned into one block, as mocc-plan-arena plans the static
 * ones: largest first, each at the lowest offset that no buffer live at the
 * same time occupies. A later run at a planned shape takes its i-th
 * allocation from the plan's offset, with no heap allocation, as long as it
 * asks for no more than the recorded run did (a size that depends on values,
 * NonZero's, may differ); otherwise it takes the heap for the rest of the run
 * and its shape is recorded afresh. The block is shared by the plans of the
 * last MOCC_RUN_MEMORY_PLANS shapes, since one instance runs one run at a
 * time.
 *
 * Buffers a run does not free are the outputs of dynamic shape, which the
 * model adopts until its next run: they stay heap blocks, and blocks of
 * outputs released by later runs (and one made ahead per output when a shape
 * is recorded) are reused rather than freed, so that a repeated shape
 * allocates nothing at all.
 */
#ifndef MOCC_RUNTIME_RUN_MEMORY_H
#define MOCC_RUNTIME_RUN_MEMORY_H

#include "mocc/model.h"

#include <stddef.h>
#include <stdint.h>

#define MOCC_RUN_MEMORY_PLANS 8

typedef struct mocc_run_memory mocc_run_memory;

/* NULL when out of memory. */
mocc_run_memory *mocc_run_memory_create(void);
/* Frees the plans, the block and the reusable output blocks. */
void mocc_run_memory_destroy(mocc_run_memory *memory);

/* Starts a run on this thread at the shape of `inputs` (their ranks and
 * dimensions). */
void mocc_run_memory_begin(mocc_run_memory *memory, const mocc_tensor *inputs,
                           size_t num_inputs);
/* Ends the run: a failed run frees every block it allocated; a successful
 * one hands the blocks it did not free to the model (the outputs) and, if it
 * was recorded, plans its shape. Returns whether the run stands: 0 if it
 * failed, or if a block of the shared one outlived it (the run left its
 * plan, freeing later than recorded), which the next run would overwrite:
 * then it fails too, and its shape is recorded afresh. */
int mocc_run_memory_end(mocc_run_memory *memory, int succeeded);

/* An output block the model adopted from a run and no longer needs: kept
 * for reuse by later runs (or freed, past what it keeps). `block` is the
 * pointer the allocation function returned (the memref's `allocated`). */
void mocc_run_memory_release(mocc_run_memory *memory, void *block);

/* The block the last successful run's shape is planned in and the least it
 * could be: the most bytes of its buffers live at once (both 0 when the
 * run allocated no buffer of dynamic size, or its plan was not kept). */
void mocc_run_memory_stats(const mocc_run_memory *memory,
                           uint64_t *planned_bytes,
                           uint64_t *lower_bound_bytes);

/* The heap of generated code (MLIR's memref-to-LLVM "generic" allocation
 * functions). In a run: planned as above, and an allocation that fails
 * fails the run with "out of memory". Outside a run (a helper called
 * directly): the C heap. */
void *_mlir_memref_to_llvm_alloc(uint64_t size);
void *_mlir_memref_to_llvm_aligned_alloc(uint64_t alignment, uint64_t size);
void _mlir_memref_to_llvm_free(void *pointer);

#endif /* MOCC_RUNTIME_RUN_MEMORY_H */
