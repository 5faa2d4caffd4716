/* Single-core f32 FMA peak of this machine, the ceiling that gemm_bench's
 * percentages are taken against.
 *
 *     cmake --build build --target mocc-peak-fma && build/bin/mocc-peak-fma
 *
 * Each ISA runs kChains independent FMA chains, more than the FMA latency
 * times the number of FMA pipes of current x86-64 cores (4 cycles x 2 pipes
 * on Zen 4 and Skylake-X), so the loop is bound by FMA throughput alone. The
 * ISA comes from function target attributes, so no -m flags are needed and
 * the program asks the CPU at run time what it supports. gemm_bench links
 * this file with -DMOCC_PEAK_FMA_NO_MAIN. */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

enum { kChains = 12, kIterations = 50 * 1000 * 1000 };

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The body of an FMA loop over `vec`; it returns a sum of the chains so the
 * compiler keeps them. */
#define FMA_CHAINS(vec, set1, fmadd, add, reduce)                              \
  vec acc[kChains];                                                            \
  for (int c = 0; c < kChains; ++c)                                            \
    acc[c] = set1(1.0f + (float)c);                                            \
  const vec x = set1(0.999999f), y = set1(1e-7f);                              \
  for (long i = 0; i < kIterations; ++i) {                                     \
    /* Unrolled, so that the chains live in registers. */                      \
    _Pragma("GCC unroll 16") for (int c = 0; c < kChains; ++c)                 \
      acc[c] = fmadd(acc[c], x, y);                                            \
  }                                                                            \
  for (int c = 1; c < kChains; ++c)                                            \
    acc[0] = add(acc[0], acc[c]);                                              \
  return reduce(acc[0])

__attribute__((target("avx512f"))) static float fma_512(void) {
  FMA_CHAINS(__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps,
             _mm512_reduce_add_ps);
}

__attribute__((target("avx2,fma"))) static float reduce_256(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_hadd_ps(s, s);
  return _mm_cvtss_f32(_mm_hadd_ps(s, s));
}

__attribute__((target("avx2,fma"))) static float fma_256(void) {
  FMA_CHAINS(__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps,
             reduce_256);
}

volatile float mocc_peak_fma_sink;

/* The best of five runs of FMAs on `bits`-wide vectors (256: AVX2, 512:
 * AVX-512), in GFLOP/s (an FMA is two flops); 0 if the CPU has none. */
double mocc_peak_fma_gflops(int bits) {
  float (*kernel)(void) = 0;
  if (bits == 512 && __builtin_cpu_supports("avx512f"))
    kernel = fma_512;
  if (bits == 256 && __builtin_cpu_supports("avx2") &&
      __builtin_cpu_supports("fma"))
    kernel = fma_256;
  if (!kernel)
    return 0;
  double best = 0;
  for (int run = 0; run < 5; ++run) {
    double start = now_seconds();
    mocc_peak_fma_sink += kernel();
    double seconds = now_seconds() - start;
    double flops = 2.0 * (bits / 32) * kChains * (double)kIterations;
    if (flops / seconds / 1e9 > best)
      best = flops / seconds / 1e9;
  }
  return best;
}

#ifndef MOCC_PEAK_FMA_NO_MAIN
int main(void) {
  printf("single-core f32 FMA peak, %d independent chains\n", kChains);
  printf("avx512: %.1f GFLOP/s\n", mocc_peak_fma_gflops(512));
  printf("avx2:   %.1f GFLOP/s\n", mocc_peak_fma_gflops(256));
  return 0;
}
#endif
