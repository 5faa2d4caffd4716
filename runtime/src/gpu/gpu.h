/* The device side of a GPU model: the instance's device, its kernels and the
 * buffers they run on.
 *
 * A model compiled for a GPU target (mocc -target=vulkan) describes its
 * kernels in mocc_compiled_model.gpu (compiled_model.h), whose `open` picks
 * the implementation, vulkan.c or cuda.c: gpu.c forwards each call below to
 * the instance's. mocc_model_create opens the device with mocc_gpu_open,
 * which loads the driver with dlopen (a model library never links against
 * it), and allocates the activation arena with mocc_gpu_alloc_arena, in
 * memory both the host and the device see, so that the ops that run on the
 * CPU (those without a GPU lowering) and the kernels share it in place.
 *
 * Generated code runs a kernel by binding its buffers, then dispatching it,
 * and waits for the kernels with mocc_gpu_sync before the host touches
 * memory again (a CPU op, a load, a call, the entry's return):
 *
 *   mocc_gpu_bind(gpu, 0, input, 4096, MOCC_GPU_READ);
 *   mocc_gpu_bind(gpu, 1, output, 4096, MOCC_GPU_WRITE);
 *   mocc_gpu_dispatch(gpu, kernel, groups_x, groups_y, groups_z);
 *   ...                            (more binds and dispatches)
 *   mocc_gpu_sync(gpu);
 *
 * A dispatch may return before its kernel has run. The dispatches between
 * two syncs form a batch: they run in issue order, each seeing the writes
 * of the earlier ones (a compute-to-compute barrier between them on Vulkan,
 * one stream on CUDA). On Vulkan the batch is recorded into one command
 * buffer at the sync and submitted there; a batch of the same kernels,
 * bindings and group counts as one recorded before replays its command
 * buffer. On CUDA each dispatch launches on the instance's stream at once.
 * The sync waits for the batch and copies back the buffers it staged (see
 * below); after it the host sees every result. Generated code guarantees
 * that between a dispatch and the next sync the host neither reads nor
 * writes any buffer a kernel of the batch binds, nor bytes of the arena an
 * upload or download of the batch copies (the copies run in the batch),
 * and that the entry calls mocc_gpu_sync before it returns: a batch left
 * without a sync may never run, and its staged results are never copied
 * back.
 *
 * A buffer in the arena is bound in place: on Vulkan at an offset the device
 * can bind (minStorageBufferOffsetAlignment), on CUDA at any offset (the
 * kernel takes the pointer itself). Any other (an input, an output, a
 * weight, an unaligned view of the arena on Vulkan) goes through a device
 * copy of its own per kernel and slot, filled at the dispatch (a
 * MOCC_GPU_CONSTANT one only the first time, or when its pointer or size
 * changes) and copied back at the sync, all `bytes` of it, when the flags
 * have MOCC_GPU_WRITE. Slots of one dispatch bound to the same pointer and
 * size share one copy; partial overlaps outside the arena are not
 * supported. Where a dispatch would not see the batch's earlier writes
 * through its copies (it binds, outside the arena's in-place bindings,
 * memory an earlier kernel of the batch writes, or memory staged and
 * written earlier in the batch; or it runs a kernel already in the batch
 * with a staged buffer, or on Vulkan at all), the dispatch first syncs the
 * batch and starts a new one. A dispatch consumes the bindings: the next
 * one binds all its slots again.
 *
 * The arena is shared or the device's own. Shared (Vulkan on an
 * integrated or CPU device): one allocation that host and device both
 * address, used in place by both. The device's own (CUDA; Vulkan on a
 * discrete GPU): kernels use a copy in device memory, the host code a copy
 * in host memory, at the same offsets, and generated code copies arena
 * bytes across where one side wrote what the other reads:
 * mocc_gpu_upload after the host wrote bytes a later kernel reads, before
 * that kernel's dispatch; mocc_gpu_download before the host reads or
 * writes bytes a kernel wrote, followed by a sync. The environment variable
 * MOCC_GPU_ARENA, read by mocc_gpu_open, overrides the choice: "device"
 * (the device's own) or "shared" (on CUDA, managed memory).
 *
 * The kernels: on Vulkan, SPIR-V compute shaders taking their buffers at
 * bindings 0 .. num_buffers-1 of descriptor set 0; on CUDA, PTX entries
 * taking one device pointer per buffer in slot order (an empty buffer
 * outside the arena is a null pointer), run `block_size` threads a block,
 * groups_x x groups_y x groups_z blocks.
 *
 * The CUDA driver is libcuda.so.1, or the file the environment variable
 * MOCC_CUDA_DRIVER names (read by each mocc_gpu_open): a driver elsewhere,
 * or, for tests, one that does not exist, to see the failure of a machine
 * without CUDA on any machine.
 */
#ifndef MOCC_RUNTIME_GPU_GPU_H
#define MOCC_RUNTIME_GPU_GPU_H

#include "../buffer.h"
#include "../compiled_model.h"
#include "mocc/model.h"

#include <stdint.h>

typedef struct mocc_gpu mocc_gpu;

/* The flags of mocc_gpu_bind. */
enum {
  MOCC_GPU_READ = 1,
  MOCC_GPU_WRITE = 2,
  MOCC_GPU_CONSTANT = 4, /* never changes: uploaded once */
};

/* Opens device `device` (0 is the first) with `kernels->open` and prepares
 * every kernel. Fails with a one-line status when the driver cannot be loaded
 * ("cannot load the Vulkan loader ...", "cannot load the CUDA driver ..."),
 * there is no device ("no Vulkan device", "no CUDA device") or no such
 * device, or a kernel does not build on it. */
mocc_status mocc_gpu_open(const mocc_compiled_gpu *kernels, int32_t device,
                          mocc_gpu **out_gpu);
void mocc_gpu_close(mocc_gpu *gpu);

/* Allocates the activation arena of `bytes` (once per mocc_gpu; 0 bytes
 * still gives a pointer), shared or with a device copy (see above):
 * *out_arena is what the host addresses, freed by mocc_gpu_close, never by
 * mocc_buffer_free. */
mocc_status mocc_gpu_alloc_arena(mocc_gpu *gpu, size_t bytes,
                                 mocc_buffer *out_arena);

/* The device's name, for messages and mocc-run. */
const char *mocc_gpu_device_name(const mocc_gpu *gpu);

/* Called by generated code (see above). A device error, group counts beyond
 * the device's limits, a slot the kernel takes left unbound or a slot no
 * kernel has fail the run (mocc_run_fail); zero groups in any dimension
 * dispatch nothing. */
void mocc_gpu_bind(mocc_gpu *gpu, int64_t slot, void *data, int64_t bytes,
                   int64_t flags);
void mocc_gpu_dispatch(mocc_gpu *gpu, int64_t kernel, int64_t groups_x,
                       int64_t groups_y, int64_t groups_z);

/* Copies `bytes` of the arena at `data` to the device's arena (upload) or
 * back (download), in the batch's order (see above); nothing to do where
 * the arena is shared. A range outside the arena fails the run. */
void mocc_gpu_upload(mocc_gpu *gpu, const void *data, int64_t bytes);
void mocc_gpu_download(mocc_gpu *gpu, void *data, int64_t bytes);

/* Waits for every dispatch and download since the last sync and copies
 * back the staged buffers the dispatches wrote (see above); nothing to do
 * without one. A device error fails the run (mocc_run_fail), naming the
 * batch's kernels. A run that fails between a dispatch and a sync waits for
 * what it had issued and drops the rest of its batch: the instance is ready
 * for the next run. mocc_gpu_close waits for work in flight and drops a
 * batch never synced. */
void mocc_gpu_sync(mocc_gpu *gpu);

#endif /* MOCC_RUNTIME_GPU_GPU_H */
