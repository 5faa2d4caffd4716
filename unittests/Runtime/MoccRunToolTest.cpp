// mocc-run end to end: the tool run as a process on model libraries built
// from the runtime and a fake model: the add model (y = a + b on
// float32[2x3]) and the sequence model (see fake_models.h).

extern "C" {
#include "file.h"
#include "tensor_proto.h"
#include "value_proto.h"
}

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

struct Result {
  int exitCode;
  std::string out, err;
};

std::string readText(const std::string &path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class MoccRunToolTest : public testing::Test {
protected:
  void SetUp() override {
    std::string pattern = testing::TempDir() + "mocc-run-XXXXXX";
    std::vector<char> path(pattern.begin(), pattern.end());
    path.push_back('\0');
    ASSERT_NE(mkdtemp(path.data()), nullptr);
    dir = path.data();
    writeTensor("input_0.pb", {1, 2, 3, 4, 5, 6}, {2, 3});
    writeTensor("input_1.pb", {10, 20, 30, 40, 50, 60}, {2, 3});
    writeTensor("output_0.pb", {11, 22, 33, 44, 55, 66}, {2, 3});
  }
  void TearDown() override { std::system(("rm -rf '" + dir + "'").c_str()); }

  void writeTensor(const std::string &name, std::vector<float> values,
                   std::vector<int64_t> dims, const char *tensorName = "t") {
    mr_tensor tensor = {MOCC_DTYPE_FLOAT32,
                        static_cast<int32_t>(dims.size()),
                        {},
                        values.data(),
                        values.size() * sizeof(float)};
    for (size_t i = 0; i < dims.size(); ++i)
      tensor.dims[i] = dims[i];
    uint8_t *bytes;
    size_t size;
    mr_error error;
    ASSERT_EQ(
        mr_tensor_proto_encode(&tensor, tensorName, &bytes, &size, &error), 0);
    ASSERT_EQ(mr_write_file((dir + "/" + name).c_str(), bytes, size, &error), 0)
        << error.message;
    std::free(bytes);
  }

  // Writes a value of float32[n] tensors.
  void writeValue(const std::string &name, mocc_value_kind kind,
                  mocc_value_kind content,
                  std::vector<std::vector<float>> tensors) {
    std::vector<mr_tensor> views;
    for (std::vector<float> &values : tensors) {
      views.push_back({MOCC_DTYPE_FLOAT32,
                       1,
                       {static_cast<int64_t>(values.size())},
                       values.data(),
                       values.size() * sizeof(float)});
    }
    mr_value value = {kind, content, views.data(), views.size()};
    uint8_t *bytes;
    size_t size;
    mr_error error;
    ASSERT_EQ(mr_value_proto_encode(&value, "v", &bytes, &size, &error), 0)
        << error.message;
    ASSERT_EQ(mr_write_file((dir + "/" + name).c_str(), bytes, size, &error), 0)
        << error.message;
    std::free(bytes);
  }

  Result run(const std::string &args) {
    std::string out = dir + "/stdout", err = dir + "/stderr";
    std::string command =
        std::string(MOCC_RUN_PATH) + " " + args + " >" + out + " 2>" + err;
    int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, readText(out),
            readText(err)};
  }

  std::string model = FAKE_MODEL_PATH;
  std::string dir;
};

TEST_F(MoccRunToolTest, ComparesOutputs) {
  Result result = run(model + " --inputs " + dir + " --compare " + dir);
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.out, "output 0 'y': float32[2x3] max_abs_err=0 "
                        "max_rel_err=0 OK\n");
  EXPECT_EQ(result.err, "");
}

TEST_F(MoccRunToolTest, ReportsMismatches) {
  writeTensor("output_0.pb", {11, 22, 33, 44, 55, 67}, {2, 3});
  Result result = run(model + " --inputs " + dir + " --compare " + dir);
  EXPECT_EQ(result.exitCode, 1);
  EXPECT_NE(result.out.find("MISMATCH (1 of 6 elements; first at index 5: "
                            "got 66, expected 67)"),
            std::string::npos)
      << result.out;
  EXPECT_EQ(
      run(model + " --inputs " + dir + " --compare " + dir + " --atol 1.5")
          .exitCode,
      0);
}

TEST_F(MoccRunToolTest, WritesOutputsThatCompareEqual) {
  std::string outputs = dir + "/outputs";
  ASSERT_EQ(mkdir(outputs.c_str(), 0755), 0);
  ASSERT_EQ(
      run(model + " --inputs " + dir + " --write-outputs " + outputs).exitCode,
      0);
  uint8_t *bytes;
  size_t size;
  mr_error error;
  ASSERT_EQ(
      mr_read_file((outputs + "/output_0.pb").c_str(), &bytes, &size, &error),
      0)
      << error.message;
  mr_tensor tensor;
  char *name;
  ASSERT_EQ(mr_tensor_proto_decode(bytes, size, &tensor, &name, &error), 0);
  EXPECT_STREQ(name, "y");
  EXPECT_EQ(static_cast<float *>(tensor.data)[5], 66);
  std::free(name);
  std::free(bytes);
  mr_tensor_free(&tensor);
}

TEST_F(MoccRunToolTest, BenchmarksLast) {
  Result result =
      run(model + " --input a=" + dir + "/input_0.pb --input b=" + dir +
          "/input_1.pb --bench 3 --print");
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.out.find("output 0 'y': float32[2x3] [11, 22, 33, 44, 55, "
                            "66]\n"),
            0u)
      << result.out;
  size_t last = result.out.rfind('\n', result.out.size() - 2);
  EXPECT_EQ(result.out.compare(last + 1, 10, "median_ms="), 0) << result.out;
  EXPECT_NE(result.out.find(" min_ms=", last), std::string::npos);
}

TEST_F(MoccRunToolTest, RunsOnTheGivenThreads) {
  for (const char *threads : {"0", "1", "2", "8"}) {
    Result result = run(model + " --inputs " + dir + " --compare " + dir +
                        " --threads " + threads);
    EXPECT_EQ(result.exitCode, 0) << threads << ": " << result.err;
  }
  std::string old = FAKE_SINGLE_THREAD_MODEL_PATH;
  EXPECT_EQ(run(old + " --inputs " + dir + " --compare " + dir).exitCode, 0);
  EXPECT_EQ(run(old + " --inputs " + dir + " --threads=1").exitCode, 0);
  Result result = run(old + " --inputs " + dir + " --threads 2");
  EXPECT_EQ(result.exitCode, 2);
  EXPECT_EQ(result.err, "mocc-run: error: --threads 2: '" + old +
                            "' does not export mocc_model_set_num_threads "
                            "(built by an older mocc, it runs on one thread: "
                            "use --threads 1)\n");
}

TEST_F(MoccRunToolTest, RunsOnTheGivenDevice) {
  Result result = run(model + " --inputs " + dir + " --compare " + dir +
                      " --device 0 --bench 1");
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_NE(result.out.find("\ndevice=cpu\nmedian_ms="), std::string::npos)
      << result.out;
  result = run(model + " --inputs " + dir + " --device=1");
  EXPECT_EQ(result.exitCode, 2);
  EXPECT_EQ(result.err, "mocc-run: error: device 1 does not exist: a CPU "
                        "model runs on device 0 only\n");
  result = run(model + " --inputs " + dir + " --device x");
  EXPECT_EQ(result.err, "mocc-run: error: --device expects a non-negative "
                        "index, got 'x'\n");
}

TEST_F(MoccRunToolTest, ReportsErrorsOnOneLine) {
  writeTensor("wrong.pb", {1, 2, 3, 4, 5, 6}, {3, 2});
  struct Case {
    std::string args, error;
  } cases[] = {
      {model + " --inputs " + dir + " --input a=" + dir + "/wrong.pb",
       "input 'a' (index 0): expected float32[2x3], got float32[3x2]"},
      {model + " --input a=" + dir + "/input_0.pb",
       "input 'b' (index 1) is not given (use --inputs DIR or --input "
       "b=FILE)"},
      {model + " --inputs " + dir + "/missing",
       "cannot open '" + dir +
           "/missing/input_0.pb': No such file or "
           "directory"},
      {dir + "/nothing.so", "cannot load model: " + dir +
                                "/nothing.so: cannot open shared object "
                                "file: No such file or directory"},
      {model + " --bogus", "unknown option '--bogus' (see --help)"},
      {model + " --threads -1",
       "--threads expects a non-negative count, got '-1'"},
      {model + " --threads two",
       "--threads expects a non-negative count, got 'two'"},
  };
  for (const Case &c : cases) {
    Result result = run(c.args);
    EXPECT_EQ(result.exitCode, 2) << c.args;
    EXPECT_EQ(result.err, "mocc-run: error: " + c.error + "\n");
  }
}

// The sequence model's inputs and expected outputs: ys = xs reversed, total
// = xs[0] + xs[1] (an optional tensor), nothing and flag absent optionals.
class SequenceToolTest : public MoccRunToolTest {
protected:
  void SetUp() override {
    MoccRunToolTest::SetUp();
    model = FAKE_SEQUENCE_MODEL_PATH;
    writeValue("input_0.pb", MOCC_VALUE_SEQUENCE, {},
               {{1, 2, 3}, {10, 20, 30}});
    writeValue("input_1.pb", MOCC_VALUE_OPTIONAL, {}, {});
    writeValue("output_0.pb", MOCC_VALUE_SEQUENCE, {},
               {{10, 20, 30}, {1, 2, 3}});
    writeValue("output_1.pb", MOCC_VALUE_OPTIONAL, MOCC_VALUE_TENSOR,
               {{11, 22, 33}});
    writeValue("output_2.pb", MOCC_VALUE_OPTIONAL, {}, {});
  }
};

TEST_F(SequenceToolTest, ComparesEachTensorOfEachValue) {
  Result result = run(model + " --inputs " + dir + " --compare " + dir);
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.out,
            "output 0 'ys[0]': float32[3] max_abs_err=0 max_rel_err=0 OK\n"
            "output 0 'ys[1]': float32[3] max_abs_err=0 max_rel_err=0 OK\n"
            "output 1 'total': float32[3] max_abs_err=0 max_rel_err=0 OK\n"
            "output 2 'nothing': no tensors OK\n");
}

TEST_F(SequenceToolTest, ReportsOtherTensorCountsAsMismatches) {
  writeValue("output_0.pb", MOCC_VALUE_SEQUENCE, {}, {{10, 20, 30}});
  writeValue("output_2.pb", MOCC_VALUE_OPTIONAL, MOCC_VALUE_TENSOR, {{0}});
  Result result = run(model + " --inputs " + dir + " --compare " + dir);
  EXPECT_EQ(result.exitCode, 1) << result.err;
  EXPECT_EQ(result.out,
            "output 0 'ys': 2 tensors, expected 1 MISMATCH\n"
            "output 1 'total': float32[3] max_abs_err=0 max_rel_err=0 OK\n"
            "output 2 'nothing': 0 tensors, expected 1 MISMATCH\n");
}

TEST_F(SequenceToolTest, WritesValuesThatCompareEqual) {
  std::string outputs = dir + "/outputs";
  ASSERT_EQ(mkdir(outputs.c_str(), 0755), 0);
  ASSERT_EQ(
      run(model + " --inputs " + dir + " --write-outputs " + outputs).exitCode,
      0);
  EXPECT_EQ(run(model + " --inputs " + dir + " --compare " + outputs).exitCode,
            0);
  // As onnx.numpy_helper.from_optional(None, name="nothing") writes it.
  EXPECT_EQ(readText(outputs + "/output_2.pb"),
            std::string("\x0a\x07nothing\x10\x00", 11));
  uint8_t *bytes;
  size_t size;
  mr_error error;
  ASSERT_EQ(
      mr_read_file((outputs + "/output_1.pb").c_str(), &bytes, &size, &error),
      0);
  mr_value total;
  ASSERT_EQ(
      mr_value_proto_decode(bytes, size, MOCC_VALUE_OPTIONAL, &total, &error),
      0)
      << error.message;
  EXPECT_EQ(total.content, MOCC_VALUE_TENSOR);
  EXPECT_EQ(total.num_tensors, 1u);
  mr_value_free(&total);
  std::free(bytes);
}

TEST_F(SequenceToolTest, NeedsNoFileForAnAbsentOptional) {
  Result result = run(model + " --input xs=" + dir + "/input_0.pb --print");
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_EQ(result.out, "output 0 'ys[0]': float32[3] [10, 20, 30]\n"
                        "output 0 'ys[1]': float32[3] [1, 2, 3]\n"
                        "output 1 'total': float32[3] [11, 22, 33]\n"
                        "output 2 'nothing': no tensors\n");
}

TEST_F(SequenceToolTest, ReportsErrorsOnOneLine) {
  writeValue("three.pb", MOCC_VALUE_SEQUENCE, {}, {{1}, {2}, {3}});
  writeValue("present.pb", MOCC_VALUE_OPTIONAL, MOCC_VALUE_TENSOR, {{1}});
  std::string inputs = model + " --inputs " + dir;
  struct Case {
    std::string args, error;
  } cases[] = {
      {inputs + " --input xs=" + dir + "/three.pb",
       "input 'xs' holds 3 tensors; the library was compiled for 2 (mocc "
       "--input-shape xs=[...])"},
      {inputs + " --input flag=" + dir + "/present.pb",
       "input 'flag' holds 1 tensors; the library was compiled for 0 (mocc "
       "--input-shape flag=DIMS)"},
      {inputs + " --input xs=" + dir + "/xs.npy",
       "'" + dir + "/xs.npy': a .npy file holds a tensor, not a sequence"},
      {inputs + " --write-outputs " + dir + " --output-format npy",
       "'" + dir +
           "/output_0.npy': a .npy file holds a tensor, not a sequence"},
      {model + " --input flag=" + dir + "/input_1.pb",
       "input 'xs' (index 0) is not given (use --inputs DIR or --input "
       "xs=FILE)"},
  };
  for (const Case &c : cases) {
    Result result = run(c.args);
    EXPECT_EQ(result.exitCode, 2) << c.args;
    EXPECT_EQ(result.err, "mocc-run: error: " + c.error + "\n");
  }
}

} // namespace
