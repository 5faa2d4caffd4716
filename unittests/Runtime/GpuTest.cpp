// The runtime's GPU side (runtime/src/gpu) on every API alike, through
// gpu.h: kernels that compute out = in + 1 (GpuApi), on the arena and on the
// host's buffers. VulkanTest.cpp and CudaTest.cpp instantiate the tests for
// their API; each skips where the API has no device.

#include "gpu_test.h"

#include "fake_models.h"
#include "mocc/model.h"

extern "C" {
#include "model_internal.h"
// C11's keyword, in C++ an attribute.
#define _Noreturn [[noreturn]]
#include "run_failure.h"
#undef _Noreturn
}

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

using namespace mocc_test;

namespace {

std::vector<float> iota(size_t n, float first) {
  std::vector<float> values(n);
  for (size_t i = 0; i < n; ++i)
    values[i] = first + static_cast<float>(i);
  return values;
}

void expectPlusOne(const float *in, const float *out, size_t n,
                   const char *what) {
  for (size_t i = 0; i < n; ++i)
    ASSERT_EQ(out[i], in[i] + 1) << what << ", element " << i;
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
  mocc_gpu_sync(d->gpu);
}

std::string runDispatch(Dispatch d) {
  void *descriptors[] = {&d};
  return message(mocc_run_guarded(dispatchEntry, descriptors));
}

} // namespace

void GpuTest::SetUp() {
  arenaChoice.emplace("MOCC_GPU_ARENA", GetParam().arena);
  std::string error = message(mocc_gpu_open(GetParam().addOne, 0, &gpu));
  if (noDevice(error, GetParam().name))
    GTEST_SKIP() << error;
  ASSERT_EQ(error, "");
  ASSERT_EQ(message(mocc_gpu_alloc_arena(gpu, kArenaBytes, &arena)), "");
  ASSERT_NE(arena.aligned, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(arena.aligned) % 64, 0u);
  EXPECT_EQ(arena.bytes, kArenaBytes);
}

void GpuTest::TearDown() { mocc_gpu_close(gpu); }

float *GpuTest::inArena(size_t byteOffset) {
  return reinterpret_cast<float *>(static_cast<char *>(arena.aligned) +
                                   byteOffset);
}

int64_t GpuTest::groupsFor(size_t n) {
  int64_t size = GetParam().groupSize;
  return (static_cast<int64_t>(n) + size - 1) / size;
}

void GpuTest::dispatchAddOne(int64_t kernel, float *in, float *out, size_t n,
                             int64_t inFlags) {
  int64_t bytes = static_cast<int64_t>(n * sizeof(float));
  mocc_gpu_bind(gpu, 0, in, bytes, inFlags);
  mocc_gpu_bind(gpu, 1, out, bytes, MOCC_GPU_WRITE);
  mocc_gpu_dispatch(gpu, kernel, groupsFor(n), 1, 1);
}

void GpuTest::addOne(int64_t kernel, float *in, float *out, size_t n,
                     int64_t inFlags) {
  dispatchAddOne(kernel, in, out, n, inFlags);
  mocc_gpu_sync(gpu);
}

void GpuTest::upload(const float *data, size_t n) {
  mocc_gpu_upload(gpu, data, static_cast<int64_t>(n * sizeof(float)));
}

void GpuTest::download(float *data, size_t n) {
  mocc_gpu_download(gpu, data, static_cast<int64_t>(n * sizeof(float)));
  mocc_gpu_sync(gpu);
}

TEST_P(GpuTest, NamesItsDevice) { EXPECT_STRNE(mocc_gpu_device_name(gpu), ""); }

TEST_P(GpuTest, BindsArenaBuffersInPlace) {
  // 100 floats: the last group is partial, and the ranges bound must be
  // exactly 400 bytes for the sentinel after `out` to survive.
  const size_t n = 100;
  float *in = inArena(0), *out = inArena(512);
  std::vector<float> values = iota(n, 0.5f);
  std::copy(values.begin(), values.end(), in);
  out[n] = -7;
  upload(in, n);
  upload(out + n, 1);
  addOne(0, in, out, n);
  download(out, n + 1);
  expectPlusOne(in, out, n, "in the arena");
  EXPECT_EQ(out[n], -7);
}

// The device's own arena is apart from the host's: the kernels see what
// was uploaded, not what the host wrote since; the host sees a kernel's
// writes once downloaded.
TEST_P(GpuTest, KeepsItsOwnArenaApart) {
  if (std::string(GetParam().arena) != "device")
    GTEST_SKIP() << "the arena is shared";
  const size_t n = 64;
  float *in = inArena(0), *out = inArena(1024);
  std::fill(in, in + n, 0.0f);
  upload(in, n);
  mocc_gpu_sync(gpu);          // the copy reads the host's bytes when it runs
  std::fill(in, in + n, 5.0f); // not uploaded
  std::fill(out, out + n, -7.0f);
  addOne(0, in, out, n);
  EXPECT_EQ(out[0], -7) << "the host's copy changed without a download";
  download(out, n);
  for (size_t i = 0; i < n; ++i)
    ASSERT_EQ(out[i], 1) << "element " << i;
  // Part of a range: the bytes around it stay as they were.
  std::fill(out, out + n, -7.0f);
  download(out + 8, 4);
  EXPECT_EQ(out[7], -7);
  EXPECT_EQ(out[8], 1);
  EXPECT_EQ(out[12], -7);
}

// A copy of bytes outside the arena fails the run where the device has its
// own; where the arena is shared there is nothing to copy.
TEST_P(GpuTest, CopiesOnlyWithinTheArena) {
  std::vector<float> host(4);
  struct Copy {
    mocc_gpu *gpu;
    const void *data;
    int64_t bytes;
  };
  for (Copy c : {Copy{gpu, inArena(kArenaBytes - 4), 8},
                 Copy{gpu, host.data(), 16}, Copy{gpu, inArena(0), -4}}) {
    void *descriptors[] = {&c};
    std::string error = message(mocc_run_guarded(
        [](void **d) {
          const Copy *c = static_cast<const Copy *>(d[0]);
          mocc_gpu_upload(c->gpu, c->data, c->bytes);
        },
        descriptors));
    if (std::string(GetParam().arena) == "shared")
      EXPECT_EQ(error, "");
    else
      EXPECT_EQ(error.rfind("GPU arena upload of ", 0), 0u) << error;
  }
}

TEST_P(GpuTest, StagesBuffersOutsideTheArena) {
  const size_t n = 130;
  std::vector<float> in = iota(n, -3), out(n + 1, -7);
  addOne(0, in.data(), out.data(), n);
  expectPlusOne(in.data(), out.data(), n, "host to host");
  EXPECT_EQ(out[n], -7);

  // One of each, and an arena view 4 bytes in, which Vulkan stages (its
  // storage buffer offset alignment is at least 4, 16 on lavapipe) and CUDA
  // passes in place.
  std::copy(in.begin(), in.end(), inArena(4));
  upload(inArena(4), n);
  addOne(1, inArena(4), out.data(), n);
  expectPlusOne(in.data(), out.data(), n, "arena+4 to host");
  addOne(1, in.data(), inArena(2048), n);
  download(inArena(2048), n);
  expectPlusOne(in.data(), inArena(2048), n, "host to arena");
}

TEST_P(GpuTest, UploadsAConstantOnce) {
  const size_t n = 64;
  std::vector<float> weights = iota(n, 1), first = weights, out(n);
  addOne(0, weights.data(), out.data(), n, MOCC_GPU_READ | MOCC_GPU_CONSTANT);
  expectPlusOne(first.data(), out.data(), n, "first dispatch");
  // A constant never changes: the device keeps what it was given first.
  for (float &w : weights)
    w *= 10;
  addOne(0, weights.data(), out.data(), n, MOCC_GPU_READ | MOCC_GPU_CONSTANT);
  expectPlusOne(first.data(), out.data(), n, "constant changed on the host");
  // Another constant in its place is uploaded.
  std::vector<float> other = iota(n, -100);
  addOne(0, other.data(), out.data(), n, MOCC_GPU_READ | MOCC_GPU_CONSTANT);
  expectPlusOne(other.data(), out.data(), n, "another constant");
  // Bound as an ordinary input, it is uploaded every time.
  addOne(0, weights.data(), out.data(), n);
  expectPlusOne(weights.data(), out.data(), n, "no longer constant");
}

TEST_P(GpuTest, ReusesAKernelWithOtherBindings) {
  const size_t n = 100, m = 40;
  std::vector<float> a = iota(n, 0), c = iota(m, 1000), host(n);
  std::copy(a.begin(), a.end(), inArena(0));
  std::copy(c.begin(), c.end(), inArena(1024));
  upload(inArena(0), n);
  upload(inArena(1024), m);
  addOne(0, inArena(0), inArena(512), n);
  download(inArena(512), n);
  expectPlusOne(a.data(), inArena(512), n, "first bindings");
  addOne(0, inArena(1024), inArena(1536), m);
  download(inArena(1536), m);
  expectPlusOne(c.data(), inArena(1536), m, "other offsets and sizes");
  addOne(0, inArena(1024), host.data(), m);
  expectPlusOne(c.data(), host.data(), m, "staged output");
  // The first bindings again, on new data, and a larger staged buffer.
  for (float &x : a)
    x = -x;
  std::copy(a.begin(), a.end(), inArena(0));
  upload(inArena(0), n);
  addOne(0, inArena(0), inArena(512), n);
  download(inArena(512), n);
  expectPlusOne(a.data(), inArena(512), n, "first bindings again");
  addOne(0, inArena(0), host.data(), n);
  expectPlusOne(a.data(), host.data(), n, "staged output grown");
}

TEST_P(GpuTest, SharesOneCopyForASlotBoundTwice) {
  const size_t n = 70;
  std::vector<float> x = iota(n, 5), original = x;
  addOne(0, x.data(), x.data(), n);
  expectPlusOne(original.data(), x.data(), n, "in place on the host");
}

TEST_P(GpuTest, DispatchesNothingForZeroGroups) {
  std::vector<float> in(64, 1), out(64, -7);
  mocc_gpu_bind(gpu, 0, in.data(), 256, MOCC_GPU_READ);
  mocc_gpu_bind(gpu, 1, out.data(), 256, MOCC_GPU_WRITE);
  mocc_gpu_dispatch(gpu, 0, 1, 0, 1);
  mocc_gpu_sync(gpu);
  EXPECT_EQ(out[0], -7);
  EXPECT_EQ(mocc_gpu_batches_synced(gpu), 0u);
}

TEST_P(GpuTest, FailsTheRunOnABadDispatch) {
  std::vector<float> in(64, 1), out(64);
  const int64_t groups = groupsFor(64);
  EXPECT_EQ(runDispatch({gpu, 7, groups, true, in.data(), out.data()}),
            "GPU kernel 7 does not exist (the model has 3)");
  std::string error =
      runDispatch({gpu, 1, int64_t(1) << 40, true, in.data(), out.data()});
  EXPECT_EQ(error.rfind("GPU kernel 'add_one': 1099511627776 x 1 x 1 groups "
                        "exceed the device's limit of ",
                        0),
            0u)
      << error;
  // The failed dispatches consumed their bindings.
  EXPECT_EQ(runDispatch({gpu, 0, groups, false, nullptr, nullptr}),
            "GPU kernel 'add_one': buffer 0 is not bound");
  // And left the instance usable.
  EXPECT_EQ(runDispatch({gpu, 0, groups, true, in.data(), out.data()}), "");
  EXPECT_EQ(out[63], 2);
}

TEST_P(GpuTest, RejectsBadBindings) {
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

TEST_P(GpuTest, RejectsADeviceOutOfRange) {
  const GpuApi &api = GetParam();
  mocc_gpu *other = nullptr;
  std::string error = message(mocc_gpu_open(api.addOne, 99, &other));
  EXPECT_EQ(
      error.rfind(std::string(api.name) + " device 99 does not exist (", 0), 0u)
      << error;
  EXPECT_EQ(other, nullptr);
  EXPECT_EQ(message(mocc_gpu_open(api.addOne, -1, &other)),
            std::string(api.name) + " device -1 does not exist");

  mocc_compiled_model_desc desc = fake_gpu_model(api.modelKernels);
  mocc_model *model = nullptr;
  error = message(mocc_model_create_from_desc_on_device(&desc, 5, &model));
  EXPECT_EQ(
      error.rfind(std::string(api.name) + " device 5 does not exist (", 0), 0u)
      << error;
  EXPECT_EQ(model, nullptr);
}

// The fake GPU model (fake_models.h) through the model ABI.
TEST_P(GpuTest, RunsAModelThroughTheAbi) {
  mocc_compiled_model_desc desc = fake_gpu_model(GetParam().modelKernels);
  mocc_model *model = nullptr;
  ASSERT_EQ(message(mocc_model_create_from_desc(&desc, &model)), "");
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

// --- Batches: the dispatches between two syncs (gpu.h) ----------------------

// x (staged) -> A (arena) -> B (arena) -> out (staged), each kernel reading
// what the one before it wrote, in one batch: one submission, and the
// staged output is written back only at the sync.
TEST_P(GpuTest, RunsDependentDispatchesAsOneBatch) {
  const size_t n = 100;
  std::vector<float> x = iota(n, -20), out(n, -7);
  float *a = inArena(0), *b = inArena(1024);
  uint64_t synced = mocc_gpu_batches_synced(gpu);
  dispatchAddOne(0, x.data(), a, n);
  dispatchAddOne(1, a, b, n);
  dispatchAddOne(2, b, out.data(), n);
  EXPECT_EQ(out[0], -7) << "copied back before the sync";
  mocc_gpu_sync(gpu);
  EXPECT_EQ(mocc_gpu_batches_synced(gpu), synced + 1);
  for (size_t i = 0; i < n; ++i)
    ASSERT_EQ(out[i], x[i] + 3) << "element " << i;
  // Nothing left to wait for.
  mocc_gpu_sync(gpu);
  EXPECT_EQ(mocc_gpu_batches_synced(gpu), synced + 1);
}

// The same batch again replays what the first recorded (Vulkan), on new
// data; another batch is recorded anew.
TEST_P(GpuTest, ReplaysARecordedBatch) {
  const size_t n = 80;
  std::vector<float> out(n);
  float *a = inArena(0), *b = inArena(1024);
  uint64_t recorded = mocc_gpu_batches_recorded(gpu);
  for (float first : {0.0f, 100.0f, -3.5f}) {
    std::vector<float> x = iota(n, first);
    dispatchAddOne(0, x.data(), a, n);
    dispatchAddOne(1, a, b, n);
    dispatchAddOne(2, b, out.data(), n);
    mocc_gpu_sync(gpu);
    for (size_t i = 0; i < n; ++i)
      ASSERT_EQ(out[i], x[i] + 3) << "from " << first << ", element " << i;
    EXPECT_EQ(mocc_gpu_batches_recorded(gpu),
              recorded + (GetParam().recordsBatches ? 1 : 0))
        << "from " << first;
  }
  // Other group counts: recorded again, and run right.
  std::vector<float> x = iota(n, 7);
  dispatchAddOne(0, x.data(), a, n / 2);
  dispatchAddOne(1, a, out.data(), n / 2);
  mocc_gpu_sync(gpu);
  EXPECT_EQ(mocc_gpu_batches_recorded(gpu),
            recorded + (GetParam().recordsBatches ? 2 : 0));
  download(a, n / 2);
  expectPlusOne(a, out.data(), n / 2, "another batch");
  EXPECT_EQ(out[0], x[0] + 2);
}

// Copies alone (the device's own arena read back with no dispatch pending)
// are a batch of their own, recorded into a command buffer of their own:
// the kernel's batch before them is replayed the next time, not recorded
// again.
TEST_P(GpuTest, RecordsCopiesAloneApart) {
  const size_t n = 64;
  std::vector<float> x = iota(n, 1);
  float *a = inArena(0);
  uint64_t recorded = mocc_gpu_batches_recorded(gpu);
  for (int round = 0; round < 3; ++round) {
    addOne(0, x.data(), a, n);
    download(a, n);
    expectPlusOne(x.data(), a, n, "read back");
  }
  bool recordsCopies =
      GetParam().recordsBatches && std::string(GetParam().arena) == "device";
  EXPECT_EQ(mocc_gpu_batches_recorded(gpu),
            recorded + (GetParam().recordsBatches ? 1 : 0) +
                (recordsCopies ? 1 : 0));
}

// A staged buffer written by one kernel and read by the next in the same
// batch: the second sees the first's result.
TEST_P(GpuTest, ReadsAStagedBufferWrittenEarlierInTheBatch) {
  const size_t n = 90;
  std::vector<float> x = iota(n, 1), y(n), z(n);
  dispatchAddOne(0, x.data(), y.data(), n);
  dispatchAddOne(1, y.data(), z.data(), n);
  mocc_gpu_sync(gpu);
  expectPlusOne(x.data(), y.data(), n, "the first output");
  expectPlusOne(y.data(), z.data(), n, "the second output");

  // An arena view 4 bytes in (staged on Vulkan, in place on CUDA), written
  // then read; and an in-place write read through that view.
  float *view = inArena(4);
  dispatchAddOne(0, x.data(), view, n);
  dispatchAddOne(1, view, z.data(), n);
  mocc_gpu_sync(gpu);
  for (size_t i = 0; i < n; ++i)
    ASSERT_EQ(z[i], x[i] + 2) << "through the view, element " << i;
  dispatchAddOne(0, x.data(), inArena(0), n);
  dispatchAddOne(1, view, z.data(), n - 1);
  mocc_gpu_sync(gpu);
  for (size_t i = 0; i + 1 < n; ++i)
    ASSERT_EQ(z[i], x[i + 1] + 2) << "in place then the view, element " << i;

  // A kernel twice in one batch, on staged buffers.
  dispatchAddOne(0, x.data(), y.data(), n);
  dispatchAddOne(0, y.data(), z.data(), n);
  mocc_gpu_sync(gpu);
  for (size_t i = 0; i < n; ++i)
    ASSERT_EQ(z[i], x[i] + 2) << "one kernel twice, element " << i;
}

// A run that fails in the middle of a batch leaves the instance usable:
// the next batch runs and gives the right results.
TEST_P(GpuTest, RecoversFromAFailureMidBatch) {
  const size_t n = 64;
  std::vector<float> x = iota(n, 3), out(n, -7), other(n, -7);
  struct Run {
    GpuTest *test;
    float *x, *out;
  } run = {this, x.data(), out.data()};
  void *descriptors[] = {&run};
  std::string error = message(mocc_run_guarded(
      [](void **d) {
        Run *r = static_cast<Run *>(d[0]);
        r->test->dispatchAddOne(0, r->x, r->test->inArena(0), 64);
        r->test->dispatchAddOne(1, r->test->inArena(0), r->out, 64);
        mocc_gpu_dispatch(r->test->gpu, 2, 1, 1, 1); // nothing bound
        mocc_gpu_sync(r->test->gpu);
      },
      descriptors));
  EXPECT_EQ(error, "GPU kernel 'add_one': buffer 0 is not bound");
  dispatchAddOne(2, x.data(), other.data(), n);
  mocc_gpu_sync(gpu);
  expectPlusOne(x.data(), other.data(), n, "after the failure");
  // And the batch that failed again, whole.
  dispatchAddOne(0, x.data(), inArena(0), n);
  dispatchAddOne(1, inArena(0), out.data(), n);
  mocc_gpu_sync(gpu);
  for (size_t i = 0; i < n; ++i)
    ASSERT_EQ(out[i], x[i] + 2) << "element " << i;
}

// Dispatches never synced: closing the instance neither hangs nor writes to
// the buffers.
TEST_P(GpuTest, ClosesWithABatchNeverSynced) {
  mocc_gpu *other = nullptr;
  ASSERT_EQ(message(mocc_gpu_open(GetParam().addOne, 0, &other)), "");
  mocc_buffer otherArena = {};
  ASSERT_EQ(message(mocc_gpu_alloc_arena(other, 1024, &otherArena)), "");
  std::vector<float> x = iota(64, 0), out(64, -7);
  mocc_gpu_bind(other, 0, x.data(), 256, MOCC_GPU_READ);
  mocc_gpu_bind(other, 1, otherArena.aligned, 256, MOCC_GPU_WRITE);
  mocc_gpu_dispatch(other, 0, groupsFor(64), 1, 1);
  mocc_gpu_bind(other, 0, otherArena.aligned, 256, MOCC_GPU_READ);
  mocc_gpu_bind(other, 1, out.data(), 256, MOCC_GPU_WRITE);
  mocc_gpu_dispatch(other, 1, groupsFor(64), 1, 1);
  mocc_gpu_close(other);
  EXPECT_EQ(out[0], -7);
}
