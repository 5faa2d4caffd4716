/* The f32 batched product of two activations that generated code calls
 * (mocc-call-kernels), attention's QK^T and AV: C[b] = A[b] * B[b]. Neither
 * operand is known at compile time, so each batch's B is packed here into
 * the GEMM kernel's panels, then the target's microkernel multiplies. The
 * batches run on the instance's threads. */
#include "gemm_kernel.h"
#include "memref.h"
#include "thread_pool.h"

#include <stdint.h>
#include <stdlib.h>

typedef struct batch_job {
  const mocc_memref *a, *b, *c;
  int64_t m, n, k, nr;
} batch_job;

/* b[k x n] with strides (k_stride, n_stride) in panels of nr columns,
 * zero-padded: packed[p][k][j] = b(k, p * nr + j). */
static void pack_panels(const float *b, int64_t k_stride, int64_t n_stride,
                        int64_t k, int64_t n, int64_t nr, float *packed) {
  for (int64_t p = 0; p * nr < n; ++p)
    for (int64_t kk = 0; kk < k; ++kk, packed += nr)
      for (int64_t j = 0; j < nr; ++j) {
        int64_t col = p * nr + j;
        packed[j] = col < n ? b[kk * k_stride + col * n_stride] : 0.0f;
      }
}

/* c[m x n] = a[m x k] * b[k x n] with plain loops: what a batch computes
 * when there is no memory for its packed b. */
static void multiply_unpacked(const float *a, int64_t lda, const float *b,
                              int64_t k_stride, int64_t n_stride, float *c,
                              int64_t ldc, int64_t m, int64_t n, int64_t k) {
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      float sum = 0.0f;
      for (int64_t kk = 0; kk < k; ++kk)
        sum += a[i * lda + kk] * b[kk * k_stride + j * n_stride];
      c[i * ldc + j] = sum;
    }
}

/* Packed panels of up to this many floats (64 KiB) are on the stack, so that
 * attention of a few hundred tokens per head allocates nothing; larger ones
 * on the heap. */
#define MOCC_SBATCH_STACK_FLOATS 16384

static void run_batches(void *closure, int64_t begin, int64_t end) {
  const batch_job *job = closure;
  const int64_t *as = job->a->sizes_and_strides + 3; /* strides b, m, k */
  const int64_t *bs = job->b->sizes_and_strides + 3; /* strides b, k, n */
  const int64_t *cs = job->c->sizes_and_strides + 3; /* strides b, m, n */
  _Alignas(64) float on_stack[MOCC_SBATCH_STACK_FLOATS];
  int64_t floats = mocc_ceil_div(job->n, job->nr) * job->k * job->nr;
  float *packed = floats <= MOCC_SBATCH_STACK_FLOATS
                      ? on_stack
                      : malloc((size_t)floats * sizeof(float));
  for (int64_t batch = begin; batch < end; ++batch) {
    const float *a =
        (const float *)job->a->aligned + job->a->offset + batch * as[0];
    const float *b =
        (const float *)job->b->aligned + job->b->offset + batch * bs[0];
    float *c = (float *)job->c->aligned + job->c->offset + batch * cs[0];
    if (!packed) {
      multiply_unpacked(a, as[1], b, bs[1], bs[2], c, cs[1], job->m, job->n,
                        job->k);
      continue;
    }
    pack_panels(b, bs[1], bs[2], job->k, job->n, job->nr, packed);
    mocc_kernel_sgemm(a, as[1], packed, c, cs[1], job->m, job->n, job->k);
  }
  if (packed != on_stack)
    free(packed);
}

/* The C interface of generated code's `mocc_sbatch_matmul_f32(pool, a, b,
 * c, nr)`: a [batch, m, k] and c [batch, m, n] with unit inner strides, b
 * [batch, k, n] of any strides, nr the kernel's panel width. */
void _mlir_ciface_mocc_sbatch_matmul_f32(mocc_thread_pool *pool,
                                         const mocc_memref *a,
                                         const mocc_memref *b,
                                         const mocc_memref *c, int64_t nr) {
  const int64_t *a_dims = a->sizes_and_strides;
  const int64_t *c_dims = c->sizes_and_strides;
  batch_job job = {a, b, c, c_dims[1], c_dims[2], a_dims[2], nr};
  if (job.m <= 0 || job.n <= 0)
    return;
  mocc_parallel_for(pool, c_dims[0], run_batches, &job);
}
