// The Vulkan side of the runtime (runtime/src/gpu/vulkan.c) on add_one.spvasm
// (out = in + 1 over the bound ranges; fake_models.h). Every test but
// NoDriverFailsInOneLine skips where there is no Vulkan device (CI has Mesa's
// lavapipe).

#include "fake_models.h"
#include "mocc/model.h"

extern "C" {
#include "gpu/gpu.h"
#include "model_internal.h"
// C11's keyword, in C++ an attribute.
#define _Noreturn [[noreturn]]
#include "run_failure.h"
#undef _Noreturn
}

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

// The message of `status` ("" for success), releasing it.
std::string message(mocc_status status) {
  std::string text = status ? mocc_status_message(status) : "";
  mocc_status_release(status);
  return text;
}

// What mocc_gpu_open says on a machine without Vulkan.
bool noVulkan(const std::string &text) {
  return text.rfind("no Vulkan device", 0) == 0 ||
         text.rfind("cannot load the Vulkan loader", 0) == 0;
}

constexpr size_t kArenaBytes = 4096;

std::vector<float> iota(size_t n, float first) {
  std::vector<float> values(n);
  for (size_t i = 0; i < n; ++i)
    values[i] = first + static_cast<float>(i);
  return values;
}

int64_t groupsFor(size_t n) { return static_cast<int64_t>((n + 63) / 64); }

class VulkanTest : public testing::Test {
protected:
  void SetUp() override {
    std::string error = message(mocc_gpu_open(&fake_add_one_kernels, 0, &gpu));
    if (noVulkan(error))
      GTEST_SKIP() << error;
    ASSERT_EQ(error, "");
    ASSERT_EQ(message(mocc_gpu_alloc_arena(gpu, kArenaBytes, &arena)), "");
    ASSERT_NE(arena.aligned, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(arena.aligned) % 64, 0u);
    EXPECT_EQ(arena.bytes, kArenaBytes);
  }
  void TearDown() override { mocc_gpu_close(gpu); }

  float *inArena(size_t byteOffset) {
    return reinterpret_cast<float *>(static_cast<char *>(arena.aligned) +
                                     byteOffset);
  }

  // out[0, n) = in[0, n) + 1 with kernel `kernel`.
  void addOne(int64_t kernel, float *in, float *out, size_t n,
              int64_t inFlags = MOCC_GPU_READ) {
    int64_t bytes = static_cast<int64_t>(n * sizeof(float));
    mocc_gpu_bind(gpu, 0, in, bytes, inFlags);
    mocc_gpu_bind(gpu, 1, out, bytes, MOCC_GPU_WRITE);
    mocc_gpu_dispatch(gpu, kernel, groupsFor(n), 1, 1);
  }

  mocc_gpu *gpu = nullptr;
  mocc_buffer arena = {};
};

void expectPlusOne(const float *in, const float *out, size_t n,
                   const char *what) {
  for (size_t i = 0; i < n; ++i)
    ASSERT_EQ(out[i], in[i] + 1) << what << ", element " << i;
}

TEST_F(VulkanTest, NamesItsDevice) {
  EXPECT_STRNE(mocc_gpu_device_name(gpu), "");
}

TEST_F(VulkanTest, BindsArenaBuffersInPlace) {
  // 100 floats: the last group is partial, and the ranges bound must be
  // exactly 400 bytes for the sentinel after `out` to survive.
  const size_t n = 100;
  float *in = inArena(0), *out = inArena(512);
  std::vector<float> values = iota(n, 0.5f);
  std::copy(values.begin(), values.end(), in);
  out[n] = -7;
  addOne(0, in, out, n);
  expectPlusOne(in, out, n, "in the arena");
  EXPECT_EQ(out[n], -7);
}

TEST_F(VulkanTest, StagesBuffersOutsideTheArena) {
  const size_t n = 130;
  std::vector<float> in = iota(n, -3), out(n + 1, -7);
  addOne(0, in.data(), out.data(), n);
  expectPlusOne(in.data(), out.data(), n, "host to host");
  EXPECT_EQ(out[n], -7);

  // One of each, and an arena view at an offset the device cannot bind
  // (4 bytes: Vulkan's storage buffer offset alignment is at least 4, 16 on
  // lavapipe), which is staged too.
  std::copy(in.begin(), in.end(), inArena(4));
  addOne(1, inArena(4), out.data(), n);
  expectPlusOne(in.data(), out.data(), n, "arena+4 to host");
  addOne(1, in.data(), inArena(2048), n);
  expectPlusOne(in.data(), inArena(2048), n, "host to arena");
}

TEST_F(VulkanTest, UploadsAConstantOnce) {
  const size_t n = 64;
  std::vector<float> weights = iota(n, 1), first = weights, out(n);
  addOne(0, weights.data(), out.data(), n, MOCC_GPU_READ | MOCC_GPU_CONSTANT);
  expectPlusOne(first.data(), out.data(), n, "first dispatch");
  // A constant never changes: the device keeps what it was given first.
  for (float &w : weights)
    w *= 10;
  addOne(0, weights.data(), out.data(), n, MOCC_GPU_READ | MOCC_GPU_CONSTANT);
  expectPlusOne(first.data(), out.data(), n, "constant changed on the host");
  // Bound as an ordinary input, it is uploaded again.
  addOne(0, weights.data(), out.data(), n);
  expectPlusOne(weights.data(), out.data(), n, "no longer constant");
}

TEST_F(VulkanTest, ReusesAKernelWithOtherBindings) {
  const size_t n = 100, m = 40;
  std::vector<float> a = iota(n, 0), c = iota(m, 1000), host(n);
  std::copy(a.begin(), a.end(), inArena(0));
  std::copy(c.begin(), c.end(), inArena(1024));
  addOne(0, inArena(0), inArena(512), n);
  expectPlusOne(a.data(), inArena(512), n, "first bindings");
  addOne(0, inArena(1024), inArena(1536), m);
  expectPlusOne(c.data(), inArena(1536), m, "other offsets and sizes");
  addOne(0, inArena(1024), host.data(), m);
  expectPlusOne(c.data(), host.data(), m, "staged output");
  // The first bindings again, on new data, and a larger staged buffer.
  for (float &x : a)
    x = -x;
  std::copy(a.begin(), a.end(), inArena(0));
  addOne(0, inArena(0), inArena(512), n);
  expectPlusOne(a.data(), inArena(512), n, "first bindings again");
  addOne(0, inArena(0), host.data(), n);
  expectPlusOne(a.data(), host.data(), n, "staged output grown");
}

TEST_F(VulkanTest, SharesOneCopyForASlotBoundTwice) {
  const size_t n = 70;
  std::vector<float> x = iota(n, 5), original = x;
  addOne(0, x.data(), x.data(), n);
  expectPlusOne(original.data(), x.data(), n, "in place on the host");
}

TEST_F(VulkanTest, DispatchesNothingForZeroGroups) {
  std::vector<float> in(64, 1), out(64, -7);
  mocc_gpu_bind(gpu, 0, in.data(), 256, MOCC_GPU_READ);
  mocc_gpu_bind(gpu, 1, out.data(), 256, MOCC_GPU_WRITE);
  mocc_gpu_dispatch(gpu, 0, 1, 0, 1);
  EXPECT_EQ(out[0], -7);
}

// The dispatch a run makes: descriptors[0] points to one of these.
struct Dispatch {
  mocc_gpu *gpu;
  int64_t kernel, groups;
  bool bind;
  float *in, *out;
};

void dispatchEntry(void **descriptors) {
  const Dispatch *d = static_cast<const Dispatch *>(descriptors[0]);
  if (d->bind) {
    mocc_gpu_bind(d->gpu, 0, d->in, 256, MOCC_GPU_READ);
    mocc_gpu_bind(d->gpu, 1, d->out, 256, MOCC_GPU_WRITE);
  }
  mocc_gpu_dispatch(d->gpu, d->kernel, d->groups, 1, 1);
}

std::string runDispatch(Dispatch d) {
  void *descriptors[] = {&d};
  return message(mocc_run_guarded(dispatchEntry, descriptors));
}

TEST_F(VulkanTest, FailsTheRunOnABadDispatch) {
  std::vector<float> in(64, 1), out(64);
  EXPECT_EQ(runDispatch({gpu, 7, 1, true, in.data(), out.data()}),
            "GPU kernel 7 does not exist (the model has 2)");
  std::string error =
      runDispatch({gpu, 1, int64_t(1) << 40, true, in.data(), out.data()});
  EXPECT_EQ(error.rfind("GPU kernel 'add_one': 1099511627776 x 1 x 1 groups "
                        "exceed the device's limit of ",
                        0),
            0u)
      << error;
  // The failed dispatches consumed their bindings.
  EXPECT_EQ(runDispatch({gpu, 0, 1, false, nullptr, nullptr}),
            "GPU kernel 'add_one': buffer 0 is not bound");
  // And left the instance usable.
  EXPECT_EQ(runDispatch({gpu, 0, 1, true, in.data(), out.data()}), "");
  EXPECT_EQ(out[63], 2);
}

TEST_F(VulkanTest, RejectsBadBindings) {
  struct Bind {
    int64_t slot, bytes;
  };
  for (Bind b : {Bind{2, 4}, Bind{-1, 4}, Bind{0, -4}}) {
    void *descriptors[] = {gpu, &b};
    std::string error = message(mocc_run_guarded(
        [](void **d) {
          const Bind *b = static_cast<const Bind *>(d[1]);
          static float data[1];
          mocc_gpu_bind(static_cast<mocc_gpu *>(d[0]), b->slot, data, b->bytes,
                        MOCC_GPU_READ);
        },
        descriptors));
    EXPECT_NE(error, "") << b.slot << ", " << b.bytes;
  }
}

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
  for (size_t i = 0; i < in.size(); ++i)
    EXPECT_EQ(out[i], 3 * in[i]) << "element " << i;
  mocc_gpu_close(gpu);
}

// A table of one kernel, as generated code would describe it.
mocc_compiled_gpu oneKernel(const mocc_compiled_gpu_kernel *kernel) {
  return {MOCC_GPU_API_VULKAN, 1, kernel};
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

TEST(VulkanOpenTest, RejectsADeviceOutOfRange) {
  mocc_gpu *gpu = nullptr;
  std::string error = message(mocc_gpu_open(&fake_add_one_kernels, 99, &gpu));
  if (noVulkan(error))
    GTEST_SKIP() << error;
  EXPECT_EQ(error.rfind("Vulkan device 99 does not exist (", 0), 0u) << error;
  EXPECT_EQ(gpu, nullptr);
  EXPECT_EQ(message(mocc_gpu_open(&fake_add_one_kernels, -1, &gpu)),
            "Vulkan device -1 does not exist");
}

TEST(VulkanOpenTest, RejectsCudaForNow) {
  mocc_compiled_gpu table = {MOCC_GPU_API_CUDA, 0, nullptr};
  mocc_gpu *gpu = nullptr;
  EXPECT_EQ(message(mocc_gpu_open(&table, 0, &gpu)),
            "CUDA models are not supported by this runtime yet");
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

// The fake GPU model (fake_models.h) through the model ABI.
TEST(VulkanModelTest, RunsThroughTheModelAbi) {
  mocc_model *model = nullptr;
  std::string error =
      message(mocc_model_create_from_desc(&fake_gpu_model, &model));
  if (noVulkan(error))
    GTEST_SKIP() << error;
  ASSERT_EQ(error, "");
  EXPECT_STRNE(mocc_model_device_name(model), "cpu");
  EXPECT_STRNE(mocc_model_device_name(model), "");

  const int64_t dims[] = {FAKE_GPU_SIZE};
  for (float first : {0.0f, -50.0f}) {
    std::vector<float> x = iota(FAKE_GPU_SIZE, first);
    mocc_tensor input = {x.data(), MOCC_DTYPE_FLOAT32, 1, dims};
    ASSERT_EQ(message(mocc_model_run(model, &input, 1)), "");
    mocc_tensor y;
    ASSERT_EQ(message(mocc_model_get_output(model, 0, &y)), "");
    const float *values = static_cast<const float *>(y.data);
    for (int i = 0; i < FAKE_GPU_SIZE; ++i)
      ASSERT_EQ(values[i], 2 * (x[i] + 1) + 1) << "element " << i;
  }
  mocc_model_destroy(model);
}

TEST(VulkanModelTest, RejectsADeviceOutOfRange) {
  mocc_model *model = nullptr;
  std::string error = message(
      mocc_model_create_from_desc_on_device(&fake_gpu_model, 5, &model));
  if (noVulkan(error))
    GTEST_SKIP() << error;
  EXPECT_EQ(error.rfind("Vulkan device 5 does not exist (", 0), 0u) << error;
  EXPECT_EQ(model, nullptr);
}

} // namespace
