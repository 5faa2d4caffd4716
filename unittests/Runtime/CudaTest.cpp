// The CUDA side of the runtime (runtime/src/gpu/cuda.c): GpuTest.cpp's tests
// on add_one.ptx (fake_models.h), and what is CUDA's own. The tests skip
// where there is no CUDA driver or device, but for those that need neither:
// the environment variable MOCC_CUDA_DRIVER stands in for a machine without
// the driver.

#include "gpu_test.h"

#include "fake_models.h"

extern "C" {
// C11's keyword, in C++ an attribute.
#define _Noreturn [[noreturn]]
#include "run_failure.h"
#undef _Noreturn
}

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

using namespace mocc_test;

// add_one runs one thread a block: n groups cover n elements.
INSTANTIATE_TEST_SUITE_P(
    Cuda, GpuTest,
    testing::Values(GpuApi{"CUDA", &fake_cuda_add_one_kernels, 1,
                           &fake_cuda_model_kernels, false, "device"},
                    GpuApi{"CUDA", &fake_cuda_add_one_kernels, 1,
                           &fake_cuda_model_kernels, false, "shared"}));

// A device copy the device cannot allocate fails the run, which leaves the
// instance usable (and the context no longer current: the fake driver
// refuses to push it twice).
TEST_P(GpuTest, RecoversFromAFailedAllocation) {
  std::vector<float> in(64, 1), out(64);
  void *descriptors[] = {gpu, in.data()};
  std::string error = message(mocc_run_guarded(
      [](void **d) {
        mocc_gpu *gpu = static_cast<mocc_gpu *>(d[0]);
        // Never read: the allocation of its copy fails first.
        mocc_gpu_bind(gpu, 0, d[1], int64_t(1) << 40, MOCC_GPU_READ);
        mocc_gpu_bind(gpu, 1, d[1], 256, MOCC_GPU_WRITE);
        mocc_gpu_dispatch(gpu, 0, 64, 1, 1);
        mocc_gpu_sync(gpu);
      },
      descriptors));
  EXPECT_EQ(error, "GPU kernel 'add_one': cannot allocate 1099511627776 "
                   "bytes for buffer 0: CUDA_ERROR_OUT_OF_MEMORY");
  addOne(0, in.data(), out.data(), 64);
  EXPECT_EQ(out[63], 2);
}

namespace {

bool noCuda(const std::string &text) { return noDevice(text, "CUDA"); }

// A table of one kernel, as generated code would describe it.
mocc_compiled_gpu oneKernel(const mocc_compiled_gpu_kernel *kernel) {
  return {1, kernel, mocc_cuda_open};
}

// What a machine without the driver says, on any machine. Runs everywhere.
TEST(CudaOpenTest, NoDriverFailsInOneLine) {
  ScopedEnv driver("MOCC_CUDA_DRIVER", "/nonexistent/libcuda.so.1");
  mocc_gpu *gpu = nullptr;
  std::string error =
      message(mocc_gpu_open(&fake_cuda_add_one_kernels, 0, &gpu));
  EXPECT_EQ(error.rfind("cannot load the CUDA driver "
                        "/nonexistent/libcuda.so.1: ",
                        0),
            0u)
      << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  EXPECT_EQ(gpu, nullptr);
}

// Without MOCC_CUDA_DRIVER (or with it empty), libcuda.so.1. Runs
// everywhere.
TEST(CudaOpenTest, LoadsLibcudaByDefault) {
  for (const char *value : {static_cast<const char *>(nullptr), ""}) {
    ScopedEnv driver("MOCC_CUDA_DRIVER", value);
    mocc_gpu *gpu = nullptr;
    std::string error =
        message(mocc_gpu_open(&fake_cuda_add_one_kernels, 0, &gpu));
    if (error.empty()) {
      EXPECT_NE(gpu, nullptr);
      mocc_gpu_close(gpu);
      continue;
    }
    EXPECT_TRUE(error.rfind("cannot load the CUDA driver libcuda.so.1: ", 0) ==
                    0 ||
                error.rfind("no CUDA device", 0) == 0)
        << error;
    EXPECT_EQ(gpu, nullptr);
  }
}

// The table's own faults, found before the driver is loaded. Runs
// everywhere.
TEST(CudaOpenTest, RejectsMalformedKernels) {
  static const char text[] = "not PTX";
  mocc_compiled_gpu_kernel kernel = {"broken", text, sizeof(text) - 1, 2, 1};
  mocc_compiled_gpu table = oneKernel(&kernel);
  mocc_gpu *gpu = nullptr;
  EXPECT_EQ(message(mocc_gpu_open(&table, 0, &gpu)),
            "CUDA kernel 'broken': its PTX of 7 bytes does not end with a NUL");
  kernel.code = nullptr;
  EXPECT_EQ(message(mocc_gpu_open(&table, 0, &gpu)),
            "CUDA kernel 'broken': its PTX of 7 bytes does not end with a NUL");
  kernel = {"broken", text, sizeof(text), 2, 0};
  EXPECT_EQ(message(mocc_gpu_open(&table, 0, &gpu)),
            "CUDA kernel 'broken' has no block size");
  EXPECT_EQ(gpu, nullptr);
}

// The driver's compiler rejects the PTX: its log is in the status, on one
// line.
TEST(CudaOpenTest, RejectsAKernelThatDoesNotBuild) {
  static const char garbage[] = "this is not PTX\nat all\n";
  mocc_compiled_gpu_kernel kernel = {"broken", garbage, sizeof(garbage), 2, 1};
  mocc_compiled_gpu table = oneKernel(&kernel);
  mocc_gpu *gpu = nullptr;
  std::string error = message(mocc_gpu_open(&table, 0, &gpu));
  if (noCuda(error))
    GTEST_SKIP() << error;
  EXPECT_EQ(error.rfind("CUDA device 0 (", 0), 0u) << error;
  size_t at = error.find("): kernel 'broken' does not build: "
                         "cuModuleLoadDataEx returned CUDA_ERROR_");
  ASSERT_NE(at, std::string::npos) << error;
  // The log follows the error's name.
  EXPECT_NE(error.find(": ", error.find("CUDA_ERROR_", at)), std::string::npos)
      << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  EXPECT_EQ(gpu, nullptr);
}

TEST(CudaOpenTest, RejectsAKernelNotInItsPtxOrTooWide) {
  mocc_compiled_gpu_kernel kernel = fake_cuda_add_one_kernels.kernels[0];
  kernel.name = "missing";
  mocc_compiled_gpu table = oneKernel(&kernel);
  mocc_gpu *gpu = nullptr;
  std::string error = message(mocc_gpu_open(&table, 0, &gpu));
  if (noCuda(error))
    GTEST_SKIP() << error;
  EXPECT_NE(error.find("kernel 'missing' is not in its PTX: "
                       "cuModuleGetFunction returned CUDA_ERROR_NOT_FOUND"),
            std::string::npos)
      << error;

  kernel.name = "add_one";
  kernel.block_size = 1u << 20;
  error = message(mocc_gpu_open(&table, 0, &gpu));
  EXPECT_NE(error.find("kernel 'add_one' runs 1048576 threads a block; the "
                       "device runs at most "),
            std::string::npos)
      << error;
  EXPECT_EQ(gpu, nullptr);
}

// The context is current only during each call: another thread may run the
// kernels of an instance that this one opened.
TEST(CudaOpenTest, DispatchesFromAnotherThread) {
  mocc_gpu *gpu = nullptr;
  std::string error =
      message(mocc_gpu_open(&fake_cuda_add_one_kernels, 0, &gpu));
  if (noCuda(error))
    GTEST_SKIP() << error;
  ASSERT_EQ(error, "");
  mocc_buffer arena = {};
  ASSERT_EQ(message(mocc_gpu_alloc_arena(gpu, 256, &arena)), "");
  float *in = static_cast<float *>(arena.aligned);
  std::vector<float> out(64);
  for (int i = 0; i < 64; ++i)
    in[i] = static_cast<float>(i);
  std::thread([&] {
    mocc_gpu_upload(gpu, in, 256);
    mocc_gpu_bind(gpu, 0, in, 256, MOCC_GPU_READ);
    mocc_gpu_bind(gpu, 1, out.data(), 256, MOCC_GPU_WRITE);
    mocc_gpu_dispatch(gpu, 0, 64, 1, 1);
    mocc_gpu_sync(gpu);
  }).join();
  for (int i = 0; i < 64; ++i)
    ASSERT_EQ(out[i], i + 1) << "element " << i;
  mocc_gpu_close(gpu);
}

} // namespace
