// The thread pool (thread_pool.h) and the instance's thread count
// (mocc_model_set_num_threads), over the parallel fake model.

#include "mocc/model.h"
#include "fake_models.h"

extern "C" {
#include "model_internal.h"
#include "thread_pool.h"
}

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace {

// The message of `status` ("" for success), releasing it.
std::string message(mocc_status status) {
  std::string text = status ? mocc_status_message(status) : "";
  mocc_status_release(status);
  return text;
}

// What one mocc_parallel_for did: how often each index was visited, and the
// chunks with the threads that ran them.
struct Loop {
  explicit Loop(int64_t count) : visits(count) {}
  std::vector<std::atomic<int>> visits;
  std::mutex mutex;
  std::vector<std::pair<int64_t, int64_t>> chunks;
  std::vector<std::thread::id> threads;

  static void chunk(void *closure, int64_t begin, int64_t end) {
    Loop *loop = static_cast<Loop *>(closure);
    for (int64_t i = begin; i < end; ++i)
      ++loop->visits[i];
    std::lock_guard<std::mutex> lock(loop->mutex);
    loop->chunks.emplace_back(begin, end);
    loop->threads.push_back(std::this_thread::get_id());
  }

  bool visitedOnce() const {
    return std::all_of(visits.begin(), visits.end(),
                       [](const std::atomic<int> &v) { return v == 1; });
  }
};

// A pool of `num_threads`, destroyed with the object.
struct Pool {
  explicit Pool(int32_t num_threads) {
    EXPECT_EQ(message(mocc_thread_pool_create(num_threads, &pool)), "");
  }
  ~Pool() { mocc_thread_pool_destroy(pool); }
  mocc_thread_pool *pool = nullptr;
};

TEST(ThreadPoolTest, CoversEveryIndexOnceInBalancedChunks) {
  for (int32_t threads : {1, 2, 3, 8}) {
    Pool pool(threads);
    ASSERT_NE(pool.pool, nullptr);
    EXPECT_EQ(mocc_thread_pool_num_threads(pool.pool), threads);
    for (int round = 0; round < 3; ++round) {
      for (int64_t count : {0, 1, 2, 7, 1000}) {
        SCOPED_TRACE(std::to_string(threads) + " threads, count " +
                     std::to_string(count));
        Loop loop(count);
        mocc_parallel_for(pool.pool, count, Loop::chunk, &loop);
        EXPECT_TRUE(loop.visitedOnce());
        EXPECT_EQ(loop.chunks.size(),
                  static_cast<size_t>(std::min<int64_t>(threads, count)));
        int64_t smallest = count, largest = 0;
        for (auto [begin, end] : loop.chunks) {
          smallest = std::min(smallest, end - begin);
          largest = std::max(largest, end - begin);
        }
        if (count > 0) {
          EXPECT_GE(smallest, 1);
          EXPECT_LE(largest - smallest, 1);
        }
        // The caller runs one chunk; the workers the others, each one.
        std::vector<std::thread::id> distinct = loop.threads;
        std::sort(distinct.begin(), distinct.end());
        EXPECT_EQ(std::unique(distinct.begin(), distinct.end()) -
                      distinct.begin(),
                  static_cast<ptrdiff_t>(loop.threads.size()));
        if (count > 0) {
          EXPECT_NE(std::find(loop.threads.begin(), loop.threads.end(),
                              std::this_thread::get_id()),
                    loop.threads.end());
        }
      }
    }
  }
}

TEST(ThreadPoolTest, NullPoolRunsOneChunkOnTheCaller) {
  Loop loop(7);
  mocc_parallel_for(nullptr, 7, Loop::chunk, &loop);
  EXPECT_TRUE(loop.visitedOnce());
  ASSERT_EQ(loop.chunks.size(), 1u);
  EXPECT_EQ(loop.chunks[0], std::make_pair(int64_t{0}, int64_t{7}));
  EXPECT_EQ(loop.threads[0], std::this_thread::get_id());
  EXPECT_EQ(mocc_thread_pool_num_threads(nullptr), 1);
}

struct Nested {
  mocc_thread_pool *pool;
  std::deque<Loop> inner; // Loop cannot move

  static void chunk(void *closure, int64_t begin, int64_t end) {
    Nested *nested = static_cast<Nested *>(closure);
    for (int64_t i = begin; i < end; ++i)
      mocc_parallel_for(nested->pool, 100, Loop::chunk, &nested->inner[i]);
  }
};

TEST(ThreadPoolTest, NestedCallsRunSeriallyOnTheirThread) {
  Pool pool(4);
  Nested nested{pool.pool, {}};
  for (int i = 0; i < 8; ++i)
    nested.inner.emplace_back(100);
  mocc_parallel_for(pool.pool, 8, Nested::chunk, &nested);
  for (Loop &loop : nested.inner) {
    EXPECT_TRUE(loop.visitedOnce());
    EXPECT_EQ(loop.chunks.size(), 1u);
  }
  // The pool is free again afterwards.
  Loop after(8);
  mocc_parallel_for(pool.pool, 8, Loop::chunk, &after);
  EXPECT_TRUE(after.visitedOnce());
  EXPECT_EQ(after.chunks.size(), 4u);
}

// Each thread runs `rounds` loops on `pool`; returns whether every loop
// visited each index once.
bool runLoops(mocc_thread_pool *pool, int rounds) {
  bool ok = true;
  for (int round = 0; round < rounds; ++round) {
    Loop loop(64 + round % 5);
    mocc_parallel_for(pool, static_cast<int64_t>(loop.visits.size()),
                      Loop::chunk, &loop);
    ok &= loop.visitedOnce();
  }
  return ok;
}

TEST(ThreadPoolTest, PoolsOfDifferentThreadsAreIndependent) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&failures] {
      Pool pool(3);
      if (!runLoops(pool.pool, 200))
        ++failures;
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(failures, 0);
}

// A pool busy with one thread's loop runs another thread's serially.
TEST(ThreadPoolTest, OnePoolIsSafeFromSeveralThreads) {
  Pool pool(3);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      if (!runLoops(pool.pool, 200))
        ++failures;
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(failures, 0);
}

TEST(ThreadPoolTest, CreateRejectsFewerThanOneThread) {
  mocc_thread_pool *pool = nullptr;
  EXPECT_EQ(message(mocc_thread_pool_create(0, &pool)),
            "a thread pool needs at least 1 thread, got 0");
  EXPECT_EQ(pool, nullptr);
  mocc_thread_pool_destroy(nullptr);
}

class ParallelModelTest : public testing::Test {
protected:
  void SetUp() override {
    ASSERT_EQ(
        message(mocc_model_create_from_desc(&fake_parallel_model, &model)), "");
    for (int i = 0; i < FAKE_PARALLEL_SIZE; ++i)
      x[i] = static_cast<float>(i);
  }
  void TearDown() override { mocc_model_destroy(model); }

  // Runs the model; returns the thread count its entry saw, -1 when y is
  // wrong.
  int32_t run() {
    const int64_t dims[] = {FAKE_PARALLEL_SIZE};
    mocc_tensor input = {x, MOCC_DTYPE_FLOAT32, 1, dims};
    EXPECT_EQ(message(mocc_model_run(model, &input, 1)), "");
    mocc_tensor y, threads;
    EXPECT_EQ(message(mocc_model_get_output(model, 0, &y)), "");
    EXPECT_EQ(message(mocc_model_get_output(model, 1, &threads)), "");
    for (int i = 0; i < FAKE_PARALLEL_SIZE; ++i)
      if (static_cast<const float *>(y.data)[i] != 2 * x[i])
        return -1;
    return *static_cast<const int32_t *>(threads.data);
  }

  mocc_model *model = nullptr;
  float x[FAKE_PARALLEL_SIZE];
};

TEST_F(ParallelModelTest, DefaultsToOneThreadPerCore) {
  int32_t cores = static_cast<int32_t>(sysconf(_SC_NPROCESSORS_ONLN));
  EXPECT_EQ(mocc_model_num_threads(model), cores);
  EXPECT_EQ(run(), cores);
  ASSERT_EQ(message(mocc_model_set_num_threads(model, 1)), "");
  ASSERT_EQ(message(mocc_model_set_num_threads(model, 0)), "");
  EXPECT_EQ(mocc_model_num_threads(model), cores);
  EXPECT_EQ(run(), cores);
}

TEST_F(ParallelModelTest, EntryGetsThePoolOfTheSetCount) {
  for (int32_t threads : {1, 4, 3, 1, 2}) {
    ASSERT_EQ(message(mocc_model_set_num_threads(model, threads)), "");
    EXPECT_EQ(mocc_model_num_threads(model), threads);
    EXPECT_EQ(run(), threads);
    EXPECT_EQ(run(), threads);
  }
}

TEST_F(ParallelModelTest, SetNumThreadsRejectsNegativeCounts) {
  ASSERT_EQ(message(mocc_model_set_num_threads(model, 2)), "");
  EXPECT_EQ(message(mocc_model_set_num_threads(model, -1)),
            "num_threads must be 0 (one per core) or positive, got -1");
  EXPECT_EQ(mocc_model_num_threads(model), 2);
  EXPECT_EQ(message(mocc_model_set_num_threads(nullptr, 1)), "model is NULL");
  EXPECT_EQ(mocc_model_num_threads(nullptr), 0);
}

TEST(ParallelModelInstancesTest, RunConcurrently) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&failures] {
      mocc_model *model = nullptr;
      if (!message(mocc_model_create_from_desc(&fake_parallel_model, &model))
               .empty() ||
          !message(mocc_model_set_num_threads(model, 2)).empty()) {
        ++failures;
        return;
      }
      std::vector<float> x(FAKE_PARALLEL_SIZE, 1.5f);
      const int64_t dims[] = {FAKE_PARALLEL_SIZE};
      mocc_tensor input = {x.data(), MOCC_DTYPE_FLOAT32, 1, dims};
      for (int run = 0; run < 100; ++run) {
        mocc_tensor y;
        if (!message(mocc_model_run(model, &input, 1)).empty() ||
            !message(mocc_model_get_output(model, 0, &y)).empty() ||
            static_cast<const float *>(y.data)[FAKE_PARALLEL_SIZE - 1] != 3)
          ++failures;
      }
      mocc_model_destroy(model);
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(failures, 0);
}

} // namespace
