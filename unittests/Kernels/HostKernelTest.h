//===- HostKernelTest.h - Tests of one kernel op's host builds -*- C++ -*-===//
//
// targets/CPU/Kernels/CMakeLists.txt compiles each x86-64 ISA's kernel
// module for the host, its entries renamed <entry>_<isa>, so that one test
// program holds them all. A test of one op derives from HostKernelTest,
// parameterized by ISA, and gets the ISA's table row and entry; it skips
// where this CPU does not run the ISA.
//
//===----------------------------------------------------------------------===//
#ifndef MOCC_UNITTESTS_KERNELS_HOSTKERNELTEST_H
#define MOCC_UNITTESTS_KERNELS_HOSTKERNELTEST_H

#include "mocc/Target/CPU/KernelTable.h"

#include <gtest/gtest.h>

namespace mocc::cpu {

template <typename Entry, KernelOp Op>
class HostKernelTest : public ::testing::TestWithParam<Isa> {
protected:
  HostKernelTest(Entry sse2, Entry avx2, Entry avx512)
      : sse2(sse2), avx2(avx2), avx512(avx512) {}

  void SetUp() override {
    // The host objects are compiled for these x86-64 levels.
    Isa isa = GetParam();
    if ((isa == Isa::X86_64_AVX2 && !__builtin_cpu_supports("x86-64-v3")) ||
        (isa == Isa::X86_64_AVX512 && !__builtin_cpu_supports("x86-64-v4")))
      GTEST_SKIP() << "the CPU does not run " << isaName(isa).str();
    info = lookupKernel(Op, isa);
    ASSERT_NE(info, nullptr);
    entry = isa == Isa::X86_64_AVX512 ? avx512
            : isa == Isa::X86_64_AVX2 ? avx2
                                      : sse2;
  }

  const KernelInfo *info = nullptr;
  Entry entry = nullptr;

private:
  Entry sse2, avx2, avx512;
};

} // namespace mocc::cpu

/// Runs the tests of `Test` on every host ISA, named after it ("avx512").
#define MOCC_INSTANTIATE_HOST_ISAS(Test)                                       \
  INSTANTIATE_TEST_SUITE_P(                                                    \
      HostIsas, Test,                                                          \
      ::testing::Values(::mocc::cpu::Isa::X86_64,                              \
                        ::mocc::cpu::Isa::X86_64_AVX2,                         \
                        ::mocc::cpu::Isa::X86_64_AVX512),                      \
      [](const ::testing::TestParamInfo<::mocc::cpu::Isa> &param) {            \
        return ::mocc::cpu::isaName(param.param).str();                        \
      })

#endif // MOCC_UNITTESTS_KERNELS_HOSTKERNELTEST_H
