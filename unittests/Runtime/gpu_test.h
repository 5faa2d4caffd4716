// What the tests of the GPU runtime share: GpuTest.cpp's tests, which run on
// every API that instantiates them (VulkanTest.cpp, CudaTest.cpp), and their
// helpers.
#ifndef MOCC_UNITTESTS_RUNTIME_GPU_TEST_H
#define MOCC_UNITTESTS_RUNTIME_GPU_TEST_H

#include "mocc/model.h"

extern "C" {
#include "buffer.h"
#include "compiled_model.h"
#include "gpu/gpu.h"

// For tests (runtime/src/gpu/backend.h): the batches recorded (Vulkan) and
// synced (submitted and waited for) since the instance was opened.
uint64_t mocc_gpu_batches_recorded(const mocc_gpu *gpu);
uint64_t mocc_gpu_batches_synced(const mocc_gpu *gpu);

// The APIs' openers (backend.h), which a compiled kernel table names.
mocc_status mocc_vulkan_open(const mocc_compiled_gpu *table, int32_t device,
                             mocc_gpu **out_gpu);
mocc_status mocc_cuda_open(const mocc_compiled_gpu *table, int32_t device,
                           mocc_gpu **out_gpu);
}

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <ostream>
#include <string>

namespace mocc_test {

// The message of `status` ("" for success), releasing it.
inline std::string message(mocc_status status) {
  std::string text = status ? mocc_status_message(status) : "";
  mocc_status_release(status);
  return text;
}

// An API as GpuTest runs it.
struct GpuApi {
  // How mocc_gpu_open's messages name it: "Vulkan", "CUDA".
  const char *name;
  // Two kernels, out = in + 1 on float32 buffers (in, out).
  const mocc_compiled_gpu *addOne;
  // The elements a group of addOne's kernels covers.
  int64_t groupSize;
  // fake_gpu_model's kernels (fake_models.h).
  const mocc_compiled_gpu *modelKernels;
  // Whether a sync records its batch (Vulkan's command buffers), counted by
  // mocc_gpu_batches_recorded.
  bool recordsBatches;
  // MOCC_GPU_ARENA while a test runs: "shared", or "device" (the device's
  // own arena, which the tests copy to and from as generated code does).
  const char *arena;
};

inline void PrintTo(const GpuApi &api, std::ostream *out) {
  *out << api.name << " (" << api.arena << " arena)";
}

// What mocc_gpu_open says where `api` has no device or no driver.
inline bool noDevice(const std::string &text, const char *api) {
  return text.rfind(std::string("no ") + api + " device", 0) == 0 ||
         text.rfind(std::string("cannot load the ") + api + " ", 0) == 0;
}

// Sets an environment variable (unsets it for nullptr) for its lifetime.
class ScopedEnv {
public:
  ScopedEnv(const char *name, const char *value) : name(name) {
    if (const char *old = std::getenv(name))
      previous = old;
    if (value)
      setenv(name, value, 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (previous)
      setenv(name, previous->c_str(), 1);
    else
      unsetenv(name);
  }
  ScopedEnv(const ScopedEnv &) = delete;
  ScopedEnv &operator=(const ScopedEnv &) = delete;

private:
  const char *name;
  std::optional<std::string> previous;
};

} // namespace mocc_test

// An instance of the API, on device 0, with an arena of kArenaBytes;
// skipped where the API has no device. The APIs instantiate it
// (INSTANTIATE_TEST_SUITE_P) with their GpuApi.
class GpuTest : public testing::TestWithParam<mocc_test::GpuApi> {
public: // for the runs of mocc_run_guarded too
  static constexpr size_t kArenaBytes = 4096;

  void SetUp() override;
  void TearDown() override;

  float *inArena(size_t byteOffset);
  // The groups of a dispatch over n elements.
  int64_t groupsFor(size_t n);
  // out[0, n) = in[0, n) + 1 with kernel `kernel`, then a sync.
  void addOne(int64_t kernel, float *in, float *out, size_t n,
              int64_t inFlags = MOCC_GPU_READ);
  // The same, without the sync: the dispatch joins the batch.
  void dispatchAddOne(int64_t kernel, float *in, float *out, size_t n,
                      int64_t inFlags = MOCC_GPU_READ);
  // What generated code does around the host's accesses to the arena:
  // after the host wrote n floats at `data`, before a kernel reads them;
  // before the host reads n floats a kernel wrote (with a sync).
  void upload(const float *data, size_t n);
  void download(float *data, size_t n);

  std::optional<mocc_test::ScopedEnv> arenaChoice;
  mocc_gpu *gpu = nullptr;
  mocc_buffer arena = {};
};

#endif // MOCC_UNITTESTS_RUNTIME_GPU_TEST_H
