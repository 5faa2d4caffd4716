/* Per-kernel timers of a library compiled with mocc --profile.
 *
 * Generated code calls mocc_profile_begin(id) and mocc_profile_end(id)
 * around each kernel of its entry (mocc-profile-kernels); they time it on
 * the thread that runs the model, so a kernel split over the thread pool
 * counts its wall time. An instance keeps each kernel's calls and total time
 * over its runs, and the kernels of its last run in order (the trace that
 * mocc-run --profile-json writes). A library compiled without --profile has
 * no such calls and no table (mocc_model_num_profiled_kernels returns 0).
 */
#ifndef MOCC_RUNTIME_PROFILE_H
#define MOCC_RUNTIME_PROFILE_H

#include "compiled_model.h"
#include "mocc/model.h"

typedef struct mocc_profile mocc_profile;

/* The state of an instance of a library with `table`; NULL when there is no
 * table or no memory (then runs are not timed). */
mocc_profile *mocc_profile_create(const mocc_compiled_profile *table);
void mocc_profile_destroy(mocc_profile *profile);

/* Bracket a run on the calling thread: the kernels' calls in between are
 * recorded into `profile` (which may be NULL). */
void mocc_profile_start_run(mocc_profile *profile);
void mocc_profile_finish_run(void);

/* Called by generated code. */
void mocc_profile_begin(int32_t kernel);
void mocc_profile_end(int32_t kernel);

#endif /* MOCC_RUNTIME_PROFILE_H */
