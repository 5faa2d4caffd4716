// The memory of generated code's buffers of dynamic size (run_memory.h):
// recorded at a new shape, replayed from its plan at a shape seen before.

extern "C" {
#include "run_memory.h"
}

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

namespace {

class RunMemoryTest : public ::testing::Test {
protected:
  void SetUp() override { memory = mocc_run_memory_create(); }
  void TearDown() override { mocc_run_memory_destroy(memory); }

  // Starts a run whose one input is [rows x 4].
  void begin(int64_t rows) {
    dims[0] = rows;
    mocc_tensor input = {nullptr, MOCC_DTYPE_FLOAT32, 2, dims};
    mocc_run_memory_begin(memory, &input, 1);
  }

  // What a run of buffers a (1000 bytes), b (`b_bytes`), c (500) makes:
  // c is born once a is dead. Writes every byte of each buffer and checks
  // that no other buffer overwrote them.
  struct Pointers {
    char *a, *b, *c;
  };
  Pointers run(int64_t rows, uint64_t b_bytes = 2000) {
    begin(rows);
    Pointers p;
    p.a = static_cast<char *>(_mlir_memref_to_llvm_alloc(1000));
    p.b = static_cast<char *>(_mlir_memref_to_llvm_alloc(b_bytes));
    std::memset(p.a, 1, 1000);
    std::memset(p.b, 2, b_bytes);
    EXPECT_EQ(p.a[999], 1);
    _mlir_memref_to_llvm_free(p.a);
    p.c = static_cast<char *>(_mlir_memref_to_llvm_alloc(500));
    std::memset(p.c, 3, 500);
    EXPECT_EQ(p.b[0], 2);
    EXPECT_EQ(p.b[b_bytes - 1], 2);
    _mlir_memref_to_llvm_free(p.b);
    _mlir_memref_to_llvm_free(p.c);
    EXPECT_EQ(mocc_run_memory_end(memory, 1), 1);
    return p;
  }

  void stats(uint64_t &planned, uint64_t &lower_bound) {
    mocc_run_memory_stats(memory, &planned, &lower_bound);
  }

  mocc_run_memory *memory = nullptr;
  int64_t dims[2] = {0, 4};
};

TEST_F(RunMemoryTest, PlansARecordedShapeAtItsLowerBound) {
  run(8);
  uint64_t planned, lower_bound;
  stats(planned, lower_bound);
  // b and a live at once (2048 + 1024 aligned), then b and c.
  EXPECT_EQ(lower_bound, 3072u);
  EXPECT_EQ(planned, 3072u);
}

TEST_F(RunMemoryTest, ReplaysAShapeSeenBeforeFromOneBlock) {
  run(8);
  Pointers replayed = run(8);
  // b first (largest) at 0, a after it, c where a was.
  EXPECT_EQ(replayed.a - replayed.b, 2048);
  EXPECT_EQ(replayed.c, replayed.a);
  Pointers again = run(8);
  EXPECT_EQ(again.a, replayed.a);
  EXPECT_EQ(again.b, replayed.b);
}

TEST_F(RunMemoryTest, ALargerAllocationLeavesThePlan) {
  run(8);
  // Same shape, but b grows (a size that depends on values): it must not be
  // placed where the plan put a smaller b.
  Pointers grown = run(8, 5000);
  EXPECT_TRUE(grown.b + 5000 <= grown.a || grown.a + 1000 <= grown.b);
  // The plan is dropped: the next run records the shape again.
  uint64_t planned, lower_bound;
  stats(planned, lower_bound);
  EXPECT_EQ(planned, 0u);
  run(8, 5000);
  stats(planned, lower_bound);
  EXPECT_EQ(lower_bound, 5056u + 1024u); // 5000 and 1000, 64-byte aligned
}

TEST_F(RunMemoryTest, ShapesKeepTheirOwnPlans) {
  Pointers first = run(8);
  run(16, 4000);
  Pointers back = run(8);
  EXPECT_EQ(back.c, back.a);
  EXPECT_NE(back.a, first.a); // the first run's were heap blocks
  uint64_t planned, lower_bound;
  stats(planned, lower_bound);
  EXPECT_EQ(planned, 3072u);
}

TEST_F(RunMemoryTest, OutputsAlternateBetweenTwoBlocksPerShape) {
  // A block the run does not free is an output: the model holds it until
  // its next run, so the next run at the shape takes the other block.
  void *outputs[4];
  for (void *&output : outputs) {
    begin(8);
    output = _mlir_memref_to_llvm_alloc(256);
    std::memset(output, 7, 256);
    mocc_run_memory_end(memory, 1);
    if (&output != &outputs[0])
      mocc_run_memory_release(memory, (&output)[-1]);
  }
  EXPECT_NE(outputs[1], outputs[0]);
  EXPECT_EQ(outputs[2], outputs[0]);
  EXPECT_EQ(outputs[3], outputs[1]);
  mocc_run_memory_release(memory, outputs[3]);
}

TEST_F(RunMemoryTest, AFailedRunGivesBackItsBlocks) {
  run(8);
  begin(8);
  void *a = _mlir_memref_to_llvm_alloc(1000);
  mocc_run_memory_end(memory, 0);
  // The plan still holds: the next run replays it at the same place.
  Pointers next = run(8);
  EXPECT_EQ(next.a, a);
}

TEST_F(RunMemoryTest, ABlockOfThePlanThatOutlivesTheRunFailsIt) {
  // Recorded: a is freed. Replayed: a is still live when the run ends (its
  // free came late: control flow that depends on values), so handing it to
  // the model would let the next run overwrite it.
  begin(8);
  _mlir_memref_to_llvm_free(_mlir_memref_to_llvm_alloc(1000));
  EXPECT_EQ(mocc_run_memory_end(memory, 1), 1);
  begin(8);
  _mlir_memref_to_llvm_alloc(1000);
  EXPECT_EQ(mocc_run_memory_end(memory, 1), 0);
  // The plan is dropped: the next run at the shape is recorded afresh.
  uint64_t planned, lower_bound;
  stats(planned, lower_bound);
  EXPECT_EQ(planned, 0u);
}

} // namespace
