// The Vulkan side of the runtime (runtime/src/gpu/vulkan.c): GpuTest.cpp's
// tests on add_one.spvasm (out = in + 1 over the bound ranges;
// fake_models.h), and what is Vulkan's own. Every test but
// NoDriverFailsInOneLine skips where there is no Vulkan device (CI has
// Mesa's lavapipe).

#include "gpu_test.h"

#include "fake_models.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace mocc_test;

// add_one.spvasm runs 64 invocations a group.
INSTANTIATE_TEST_SUITE_P(
    Vulkan, GpuTest,
    testing::Values(GpuApi{"Vulkan", &fake_add_one_kernels, 64,
                           &fake_add_one_kernels, true, "shared"},
                    GpuApi{"Vulkan", &fake_add_one_kernels, 64,
                           &fake_add_one_kernels, true, "device"}));

namespace {

bool noVulkan(const std::string &text) { return noDevice(text, "Vulkan"); }

// The device is opened with the features of every capability mocc's SPIR-V
// may declare (where it has them).
TEST(VulkanOpenTest, EnablesTheOptionalFeatures) {
  mocc_gpu *gpu = nullptr;
  std::string error = message(mocc_gpu_open(&fake_widen_int8_kernels, 0, &gpu));
  if (noVulkan(error) ||
      error.find("which the device lacks") != std::string::npos)
    GTEST_SKIP() << error;
  ASSERT_EQ(error, "");
  std::vector<int8_t> in = {-128, -3, 0, 1, 127};
  std::vector<int64_t> out(in.size());
  mocc_gpu_bind(gpu, 0, in.data(), static_cast<int64_t>(in.size()),
                MOCC_GPU_READ);
  mocc_gpu_bind(gpu, 1, out.data(),
                static_cast<int64_t>(out.size() * sizeof(int64_t)),
                MOCC_GPU_WRITE);
  mocc_gpu_dispatch(gpu, 0, 1, 1, 1);
  mocc_gpu_sync(gpu);
  for (size_t i = 0; i < in.size(); ++i)
    EXPECT_EQ(out[i], 3 * in[i]) << "element " << i;
  mocc_gpu_close(gpu);
}

// A table of one kernel, as generated code would describe it.
mocc_compiled_gpu oneKernel(const mocc_compiled_gpu_kernel *kernel) {
  return {1, kernel, mocc_vulkan_open};
}

TEST(VulkanOpenTest, RejectsAKernelThatDoesNotBuild) {
  static const uint32_t garbage[] = {0xdeadbeef, 1, 2, 3, 4, 5};
  mocc_compiled_gpu_kernel kernel = {"broken", garbage, sizeof(garbage), 2, 0};
  mocc_compiled_gpu table = oneKernel(&kernel);
  mocc_gpu *gpu = nullptr;
  std::string error = message(mocc_gpu_open(&table, 0, &gpu));
  if (noVulkan(error))
    GTEST_SKIP() << error;
  EXPECT_NE(error.find("kernel 'broken' is not SPIR-V"), std::string::npos)
      << error;
  EXPECT_EQ(gpu, nullptr);

  kernel.code_bytes = 7;
  error = message(mocc_gpu_open(&table, 0, &gpu));
  EXPECT_NE(error.find("kernel 'broken': SPIR-V of 7 bytes is not a whole "
                       "number of words"),
            std::string::npos)
      << error;
}

// Where the loader finds no driver (or there is no loader at all), in a
// child process whose environment hides the drivers: a one-line status, no
// crash. Runs everywhere.
TEST(VulkanOpenTest, NoDriverFailsInOneLine) {
  int pipes[2];
  ASSERT_EQ(pipe(pipes), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipes[0]);
    // The variable's old and new names (loader 1.3.207 and later).
    setenv("VK_ICD_FILENAMES", "/nonexistent", 1);
    setenv("VK_DRIVER_FILES", "/nonexistent", 1);
    unsetenv("VK_ADD_DRIVER_FILES");
    mocc_gpu *gpu = nullptr;
    std::string error = message(mocc_gpu_open(&fake_add_one_kernels, 0, &gpu));
    ssize_t written = write(pipes[1], error.data(), error.size());
    _exit(written == static_cast<ssize_t>(error.size()) && !gpu ? 0 : 3);
  }
  close(pipes[1]);
  std::string error;
  char buffer[256];
  for (ssize_t n; (n = read(pipes[0], buffer, sizeof(buffer))) > 0;)
    error.append(buffer, static_cast<size_t>(n));
  close(pipes[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "the child crashed: " << error;
  EXPECT_EQ(WEXITSTATUS(status), 0) << error;
  EXPECT_TRUE(noVulkan(error)) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

} // namespace
