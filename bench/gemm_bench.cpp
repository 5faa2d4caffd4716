// The f32 GEMM kernels (targets/CPU/Kernels) on one thread against this
// machine's single-core FMA peak (peak_fma.c, measured in the same run).
//
//     cmake --build build --target mocc-gemm-bench
//     build/bin/mocc-gemm-bench [M N K [runs]]     (default 1024 1024 1024 21)
//
// Each kernel runs `runs` times on the same operands (B packed once, as the
// compiler does); the table shows the median and best time.
#include "gemm_pack.h"
#include "mocc/Target/CPU/KernelTable.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

extern "C" {
double mocc_peak_fma_gflops(int bits);

// The host builds of the kernels' C entries (see CMakeLists.txt).
void mocc_kernel_sgemm_avx2(const float *a, int64_t lda, const float *packed_b,
                            float *c, int64_t ldc, int64_t m, int64_t n,
                            int64_t k);
void mocc_kernel_sgemm_avx512(const float *a, int64_t lda,
                              const float *packed_b, float *c, int64_t ldc,
                              int64_t m, int64_t n, int64_t k);
}

using namespace mocc::cpu;

static std::string cpuModel() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0)
      return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

int main(int argc, char **argv) {
  int64_t m = 1024, n = 1024, k = 1024;
  int runs = 21;
  if (argc >= 4) {
    m = std::atoll(argv[1]);
    n = std::atoll(argv[2]);
    k = std::atoll(argv[3]);
  }
  if (argc >= 5)
    runs = std::atoi(argv[4]);
  if (m < 1 || n < 1 || k < 1 || runs < 1) {
    std::fprintf(stderr, "usage: %s [M N K [runs]] (all >= 1)\n", argv[0]);
    return 2;
  }

  std::mt19937 random(42);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> a(m * k), b(k * n), c(m * n);
  for (float &x : a)
    x = uniform(random);
  for (float &x : b)
    x = uniform(random);

  struct Variant {
    Isa isa;
    int vectorBits;
    decltype(&mocc_kernel_sgemm_avx512) entry;
    bool cpuRuns; // The host objects are built for x86-64-v4 and -v3.
  };
  const Variant variants[] = {
      {Isa::X86_64_AVX512, 512, mocc_kernel_sgemm_avx512,
       __builtin_cpu_supports("x86-64-v4") != 0},
      {Isa::X86_64_AVX2, 256, mocc_kernel_sgemm_avx2,
       __builtin_cpu_supports("x86-64-v3") != 0},
  };

  std::printf("f32 GEMM %lldx%lldx%lld, 1 thread, %d runs, on %s\n"
              "kernels: Halide 14 bitcode compiled by clang 19 -O3 "
              "-march=x86-64-v4 (avx512) / -v3 (avx2)\n\n",
              (long long)m, (long long)n, (long long)k, runs,
              cpuModel().c_str());
  std::printf("| kernel | median ms | GFLOP/s (median) | best GFLOP/s | "
              "FMA peak GFLOP/s | %% of peak |\n");
  std::printf("|---|---:|---:|---:|---:|---:|\n");
  for (const Variant &variant : variants) {
    if (!variant.cpuRuns)
      continue;
    const KernelInfo *info = lookupKernel(KernelOp::GemmF32, variant.isa);
    std::vector<float> packed(mocc_sgemm_packed_b_size(k, n, info->nr));
    mocc_sgemm_pack_b(b.data(), n, k, n, info->nr, packed.data());

    std::vector<double> seconds;
    for (int run = 0; run < runs; ++run) {
      auto start = std::chrono::steady_clock::now();
      variant.entry(a.data(), k, packed.data(), c.data(), n, m, n, k);
      seconds.push_back(std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - start)
                            .count());
    }
    std::sort(seconds.begin(), seconds.end());
    double flops = 2.0 * m * n * k;
    double median = seconds[seconds.size() / 2];
    double peak = mocc_peak_fma_gflops(variant.vectorBits);
    std::printf("| %s | %.2f | %.1f | %.1f | %.1f | %.0f%% |\n",
                info->kernel.str().c_str(), median * 1e3, flops / median / 1e9,
                flops / seconds.front() / 1e9, peak,
                100 * flops / median / 1e9 / peak);
  }
  return 0;
}
