/* The f32 GEMM driver that generated code calls (mocc-call-kernels):
 * C = A * B with B packed at compile time in panels of nr columns
 * (packed[p][k][j] = B(k, p * nr + j)). It cuts C into blocks, spreads them
 * over the instance's threads and has the target's microkernel,
 * mocc_kernel_sgemm (targets/CPU/Kernels, linked per ISA), compute each,
 * then applies the epilogue (epilogue.h) to the block while it is in cache. */
#include "epilogue.h"
#include "gemm_kernel.h"
#include "memref.h"
#include "thread_pool.h"

#include <stdint.h>

/* Rows of A a block holds: about this many bytes, so that the kernel, which
 * sweeps all rows of a block for each panel of B, reads them from L2. */
#define MOCC_SGEMM_BLOCK_BYTES (256 * 1024)
#define MOCC_SGEMM_MIN_ROWS 16

typedef struct sgemm_job {
  const float *a;
  int64_t lda;
  const float *packed_b;
  int64_t nr;
  float *c;
  int64_t ldc, m, n, k;
  int64_t block_rows, block_cols, col_blocks;
  mocc_epilogue epilogue; /* its residual [m x n] of row stride ldr */
  int64_t ldr;
} sgemm_job;

static void run_blocks(void *closure, int64_t begin, int64_t end) {
  const sgemm_job *job = closure;
  for (int64_t block = begin; block < end; ++block) {
    int64_t row = (block / job->col_blocks) * job->block_rows;
    int64_t col = (block % job->col_blocks) * job->block_cols;
    int64_t rows = mocc_min64(job->block_rows, job->m - row);
    int64_t cols = mocc_min64(job->block_cols, job->n - col);
    float *c = job->c + row * job->ldc + col;
    mocc_kernel_sgemm(job->a + row * job->lda, job->lda,
                      job->packed_b + (col / job->nr) * job->k * job->nr, c,
                      job->ldc, rows, cols, job->k);
    const float *residual = job->epilogue.residual;
    if (!mocc_epilogue_is_identity(&job->epilogue))
      mocc_epilogue_apply(&job->epilogue, c, job->ldc,
                          residual ? residual + row * job->ldr + col : NULL,
                          job->ldr, col, rows, cols);
  }
}

/* The C interface of generated code's `mocc_sgemm_f32(pool, a, packed, c,
 * bias, residual, activation, lo, hi)`: a [m x k] and c [m x n] with
 * unit-stride rows, packed [panels x k x nr] dense (mocc-call-kernels checks
 * both); the epilogue's bias [n] and residual [m x n] (unit-stride rows)
 * are empty when it has none. */
void _mlir_ciface_mocc_sgemm_f32(mocc_thread_pool *pool, const mocc_memref *a,
                                 const mocc_memref *packed,
                                 const mocc_memref *c, const mocc_memref *bias,
                                 const mocc_memref *residual,
                                 int64_t activation, float lo, float hi) {
  const int64_t *a_dims = a->sizes_and_strides;      /* m, k; lda, 1 */
  const int64_t *p_dims = packed->sizes_and_strides; /* panels, k, nr; ... */
  const int64_t *c_dims = c->sizes_and_strides;      /* m, n; ldc, 1 */
  int64_t m = c_dims[0], n = c_dims[1], k = a_dims[1], nr = p_dims[2];
  if (m <= 0 || n <= 0)
    return;
  int64_t threads = mocc_thread_pool_num_threads(pool);
  mocc_epilogue epilogue =
      mocc_epilogue_make(bias, residual, activation, lo, hi);
  int64_t rows = MOCC_SGEMM_BLOCK_BYTES / (k > 0 ? k * 4 : 4);
  /* The epilogue reads the block the kernel wrote: it too must fit in L2. */
  if (!mocc_epilogue_is_identity(&epilogue) &&
      rows > MOCC_SGEMM_BLOCK_BYTES / (n * 4))
    rows = MOCC_SGEMM_BLOCK_BYTES / (n * 4);
  if (rows < MOCC_SGEMM_MIN_ROWS)
    rows = MOCC_SGEMM_MIN_ROWS;
  int64_t row_blocks = mocc_ceil_div(m, rows);
  /* Fewer row blocks than threads: split the columns too, in whole panels. */
  int64_t panels = mocc_ceil_div(n, nr);
  int64_t col_blocks = mocc_min64(panels, mocc_ceil_div(threads, row_blocks));
  if (row_blocks < threads && col_blocks == 1 && m > MOCC_SGEMM_MIN_ROWS)
    row_blocks = mocc_min64(threads, mocc_ceil_div(m, MOCC_SGEMM_MIN_ROWS));
  sgemm_job job = {(const float *)a->aligned + a->offset,
                   a_dims[2],
                   (const float *)packed->aligned + packed->offset,
                   nr,
                   (float *)c->aligned + c->offset,
                   c_dims[2],
                   m,
                   n,
                   k,
                   mocc_ceil_div(m, row_blocks),
                   mocc_ceil_div(panels, col_blocks) * nr,
                   0,
                   epilogue,
                   residual->sizes_and_strides[2]};
  job.col_blocks = mocc_ceil_div(n, job.block_cols);
  int64_t blocks = mocc_ceil_div(m, job.block_rows) * job.col_blocks;
  mocc_parallel_for(pool, blocks, run_blocks, &job);
}
