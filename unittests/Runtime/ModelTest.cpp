// The model ABI (mocc/model.h) over hand-written compiled models.

#include "mocc/model.h"
#include "fake_models.h"
#include "gpu_test.h"

extern "C" {
#include "model_internal.h"
}

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace {

// The message of `status` ("" for success), releasing it.
std::string message(mocc_status status) {
  std::string text = status ? mocc_status_message(status) : "";
  mocc_status_release(status);
  return text;
}

const int64_t k2x3[] = {2, 3};

mocc_tensor floatTensor(std::vector<float> &data, int32_t rank,
                        const int64_t *dims) {
  return {data.data(), MOCC_DTYPE_FLOAT32, rank, dims};
}

std::vector<float> outputValues(const mocc_model *model) {
  mocc_tensor out;
  EXPECT_EQ(message(mocc_model_get_output(model, 0, &out)), "");
  const float *data = static_cast<const float *>(out.data);
  return std::vector<float>(data, data + 6);
}

class AddModelTest : public testing::Test {
protected:
  void SetUp() override {
    ASSERT_EQ(message(mocc_model_create(&model)), "");
    ASSERT_NE(model, nullptr);
    inputs[0] = floatTensor(a, 2, k2x3);
    inputs[1] = floatTensor(b, 2, k2x3);
  }
  void TearDown() override { mocc_model_destroy(model); }

  mocc_model *model = nullptr;
  std::vector<float> a = {1, 2, 3, 4, 5, 6};
  std::vector<float> b = {10, 20, 30, 40, 50, 60};
  mocc_tensor inputs[2];
};

TEST_F(AddModelTest, ReportsInputsAndOutputs) {
  EXPECT_EQ(mocc_model_num_inputs(model), 2u);
  EXPECT_EQ(mocc_model_num_outputs(model), 1u);
  mocc_tensor_info info;
  ASSERT_EQ(message(mocc_model_input_info(model, 1, &info)), "");
  EXPECT_STREQ(info.name, "b");
  EXPECT_EQ(info.dtype, MOCC_DTYPE_FLOAT32);
  ASSERT_EQ(info.rank, 2);
  EXPECT_EQ(info.dims[0], 2);
  EXPECT_EQ(info.dims[1], 3);
  ASSERT_EQ(message(mocc_model_output_info(model, 0, &info)), "");
  EXPECT_STREQ(info.name, "y");

  EXPECT_EQ(message(mocc_model_input_info(model, 2, &info)),
            "input index 2 is out of range (the model has 2 inputs)");
  EXPECT_EQ(message(mocc_model_output_info(model, 1, &info)),
            "output index 1 is out of range (the model has 1 outputs)");
}

TEST_F(AddModelTest, ReportsOneValuePerTensor) {
  EXPECT_EQ(mocc_model_num_input_values(model), 2u);
  EXPECT_EQ(mocc_model_num_output_values(model), 1u);
  mocc_value_info info;
  ASSERT_EQ(message(mocc_model_input_value_info(model, 1, &info)), "");
  EXPECT_STREQ(info.name, "b");
  EXPECT_EQ(info.kind, MOCC_VALUE_TENSOR);
  EXPECT_EQ(info.first_tensor, 1u);
  EXPECT_EQ(info.num_tensors, 1u);
  ASSERT_EQ(message(mocc_model_output_value_info(model, 0, &info)), "");
  EXPECT_STREQ(info.name, "y");

  EXPECT_EQ(message(mocc_model_input_value_info(model, 2, &info)),
            "input value index 2 is out of range (the model has 2 input "
            "values)");
  EXPECT_EQ(message(mocc_model_output_value_info(model, 1, &info)),
            "output value index 1 is out of range (the model has 1 output "
            "values)");
  EXPECT_EQ(message(mocc_model_input_value_info(nullptr, 0, &info)),
            "model is NULL");
  EXPECT_EQ(message(mocc_model_output_value_info(model, 0, nullptr)),
            "out_info is NULL");
  EXPECT_EQ(mocc_model_num_input_values(nullptr), 0u);
  EXPECT_EQ(mocc_model_num_output_values(nullptr), 0u);
}

TEST_F(AddModelTest, RunComputesOutputs) {
  ASSERT_EQ(message(mocc_model_run(model, inputs, 2)), "");
  mocc_tensor out;
  ASSERT_EQ(message(mocc_model_get_output(model, 0, &out)), "");
  EXPECT_EQ(out.dtype, MOCC_DTYPE_FLOAT32);
  ASSERT_EQ(out.rank, 2);
  EXPECT_EQ(out.dims[0], 2);
  EXPECT_EQ(out.dims[1], 3);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(out.data) % 64, 0u);
  EXPECT_EQ(outputValues(model), (std::vector<float>{11, 22, 33, 44, 55, 66}));

  // A second run overwrites the outputs.
  b.assign(6, 0.5f);
  ASSERT_EQ(message(mocc_model_run(model, inputs, 2)), "");
  EXPECT_EQ(outputValues(model),
            (std::vector<float>{1.5, 2.5, 3.5, 4.5, 5.5, 6.5}));
}

TEST_F(AddModelTest, GetOutputNeedsASuccessfulRun) {
  mocc_tensor out;
  EXPECT_EQ(message(mocc_model_get_output(model, 0, &out)),
            "no outputs yet: the model has not run successfully");
  ASSERT_EQ(message(mocc_model_run(model, inputs, 2)), "");
  EXPECT_EQ(message(mocc_model_get_output(model, 1, &out)),
            "output index 1 is out of range (the model has 1 outputs)");
}

TEST_F(AddModelTest, RejectsWrongInputCount) {
  EXPECT_EQ(message(mocc_model_run(model, inputs, 1)),
            "expected 2 inputs, got 1");
  EXPECT_EQ(message(mocc_model_run(model, inputs, 3)),
            "expected 2 inputs, got 3");
}

TEST_F(AddModelTest, RejectsWrongDtype) {
  inputs[1].dtype = MOCC_DTYPE_INT32;
  EXPECT_EQ(message(mocc_model_run(model, inputs, 2)),
            "input 'b' (index 1): expected float32[2x3], got int32[2x3]");
  inputs[1].dtype = static_cast<mocc_dtype>(99);
  EXPECT_EQ(message(mocc_model_run(model, inputs, 2)),
            "input 'b' (index 1): expected float32[2x3], got invalid[2x3]");
}

TEST_F(AddModelTest, RejectsWrongRank) {
  const int64_t flat[] = {6};
  inputs[0].rank = 1;
  inputs[0].dims = flat;
  EXPECT_EQ(message(mocc_model_run(model, inputs, 2)),
            "input 'a' (index 0): expected float32[2x3], got float32[6]");
  inputs[0].rank = -1;
  EXPECT_EQ(message(mocc_model_run(model, inputs, 2)),
            "input 'a' (index 0): expected float32[2x3], got float32[rank -1]");
}

TEST_F(AddModelTest, RejectsWrongDims) {
  const int64_t transposed[] = {3, 2};
  inputs[1].dims = transposed;
  EXPECT_EQ(message(mocc_model_run(model, inputs, 2)),
            "input 'b' (index 1): expected float32[2x3], got float32[3x2]");
}

TEST_F(AddModelTest, RejectsNullArguments) {
  EXPECT_EQ(message(mocc_model_run(nullptr, inputs, 2)), "model is NULL");
  EXPECT_EQ(message(mocc_model_run(model, nullptr, 2)), "inputs is NULL");
  inputs[0].data = nullptr;
  EXPECT_EQ(message(mocc_model_run(model, inputs, 2)),
            "input 'a' (index 0): data is NULL");
  inputs[0] = floatTensor(a, 2, k2x3);
  inputs[1].dims = nullptr;
  EXPECT_EQ(message(mocc_model_run(model, inputs, 2)),
            "input 'b' (index 1): dims is NULL");

  mocc_tensor out;
  mocc_tensor_info info;
  EXPECT_EQ(message(mocc_model_get_output(nullptr, 0, &out)), "model is NULL");
  EXPECT_EQ(message(mocc_model_get_output(model, 0, nullptr)),
            "out_tensor is NULL");
  EXPECT_EQ(message(mocc_model_input_info(nullptr, 0, &info)), "model is NULL");
  EXPECT_EQ(message(mocc_model_output_info(model, 0, nullptr)),
            "out_info is NULL");
  EXPECT_EQ(message(mocc_model_create(nullptr)), "out_model is NULL");
  EXPECT_EQ(mocc_model_num_inputs(nullptr), 0u);
  EXPECT_EQ(mocc_model_num_outputs(nullptr), 0u);
  mocc_model_destroy(nullptr);
  mocc_status_release(nullptr);
  EXPECT_STREQ(mocc_status_message(nullptr), "ok");
}

TEST_F(AddModelTest, FailedRunKeepsPreviousOutputs) {
  ASSERT_EQ(message(mocc_model_run(model, inputs, 2)), "");
  EXPECT_NE(message(mocc_model_run(model, inputs, 1)), "");
  EXPECT_EQ(outputValues(model), (std::vector<float>{11, 22, 33, 44, 55, 66}));
}

TEST(ModelInstancesTest, DoNotInterfere) {
  mocc_model *first = nullptr, *second = nullptr;
  ASSERT_EQ(message(mocc_model_create(&first)), "");
  ASSERT_EQ(message(mocc_model_create(&second)), "");
  std::vector<float> ones(6, 1), twos(6, 2);
  mocc_tensor firstInputs[] = {floatTensor(ones, 2, k2x3),
                               floatTensor(ones, 2, k2x3)};
  mocc_tensor secondInputs[] = {floatTensor(twos, 2, k2x3),
                                floatTensor(twos, 2, k2x3)};
  ASSERT_EQ(message(mocc_model_run(first, firstInputs, 2)), "");
  ASSERT_EQ(message(mocc_model_run(second, secondInputs, 2)), "");
  EXPECT_EQ(outputValues(first), std::vector<float>(6, 2));
  EXPECT_EQ(outputValues(second), std::vector<float>(6, 4));
  mocc_model_destroy(first);
  mocc_model_destroy(second);
}

TEST(DynamicInputTest, AcceptsAnySizeOfADynamicDimension) {
  mocc_model *model = nullptr;
  ASSERT_EQ(
      message(mocc_model_create_from_desc(&fake_column_sum_model, &model)), "");
  std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  for (int64_t rows : {4, 1, 0}) {
    const int64_t dims[] = {rows, 3};
    mocc_tensor input = floatTensor(x, 2, dims);
    ASSERT_EQ(message(mocc_model_run(model, &input, 1)), "");
    mocc_tensor out;
    ASSERT_EQ(message(mocc_model_get_output(model, 0, &out)), "");
    const float *sums = static_cast<const float *>(out.data);
    float expected = 0;
    for (int64_t i = 0; i < rows; ++i)
      expected += x[i * 3];
    EXPECT_EQ(sums[0], expected) << rows << " rows";
  }
  const int64_t wrong[] = {4, 2};
  mocc_tensor input = floatTensor(x, 2, wrong);
  EXPECT_EQ(message(mocc_model_run(model, &input, 1)),
            "input 'x' (index 0): expected float32[?x3], got float32[4x2]");
  const int64_t negative[] = {-1, 3};
  input.dims = negative;
  EXPECT_EQ(message(mocc_model_run(model, &input, 1)),
            "input 'x' (index 0): negative dimension -1 at axis 0");
  mocc_model_destroy(model);
}

TEST(DynamicOutputTest, AdoptsTheBufferOfEachRun) {
  mocc_model *model = nullptr;
  ASSERT_EQ(message(mocc_model_create_from_desc(&fake_double_model, &model)),
            "");
  mocc_tensor_info info;
  ASSERT_EQ(message(mocc_model_output_info(model, 0, &info)), "");
  EXPECT_EQ(std::vector<int64_t>(info.dims, info.dims + 2),
            (std::vector<int64_t>{-1, 3}));
  std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  // Each run frees the previous run's buffer (leaks show under ASan).
  for (int64_t rows : {4, 1, 0, 2}) {
    const int64_t dims[] = {rows, 3};
    mocc_tensor input = floatTensor(x, 2, dims);
    ASSERT_EQ(message(mocc_model_run(model, &input, 1)), "");
    mocc_tensor out;
    ASSERT_EQ(message(mocc_model_get_output(model, 0, &out)), "");
    ASSERT_EQ(out.rank, 2);
    EXPECT_EQ(std::vector<int64_t>(out.dims, out.dims + 2),
              (std::vector<int64_t>{rows, 3}));
    const float *y = static_cast<const float *>(out.data);
    for (int64_t i = 0; i < rows * 3; ++i)
      EXPECT_EQ(y[i], 2 * x[i]) << rows << " rows, element " << i;
  }
  mocc_model_destroy(model);
}

TEST(CreateTest, RejectsOtherAbiVersions) {
  mocc_compiled_model_desc desc = mocc_compiled_model;
  desc.abi_version = MOCC_ABI_VERSION + 1;
  mocc_model *model = nullptr;
  EXPECT_EQ(message(mocc_model_create_from_desc(&desc, &model)),
            "model was compiled for ABI version 3, the runtime implements "
            "version 2");
}

TEST(CreateTest, RunsACpuModelOnDevice0Only) {
  mocc_model *model = nullptr;
  ASSERT_EQ(message(mocc_model_create_on_device(&model, 0)), "");
  EXPECT_STREQ(mocc_model_device_name(model), "cpu");
  EXPECT_STREQ(mocc_model_device_name(nullptr), "cpu");
  mocc_model_destroy(model);
  model = nullptr;
  EXPECT_EQ(message(mocc_model_create_on_device(&model, 1)),
            "device 1 does not exist: a CPU model runs on device 0 only");
  EXPECT_EQ(model, nullptr);
}

// A CUDA model where the driver cannot be loaded (MOCC_CUDA_DRIVER names a
// file that does not exist, as a machine without CUDA would).
TEST(CreateTest, FailsWithoutTheCudaDriver) {
  mocc_test::ScopedEnv driver("MOCC_CUDA_DRIVER", "/nonexistent/libcuda.so.1");
  mocc_compiled_gpu cuda = {0, nullptr, mocc_cuda_open};
  mocc_compiled_model_desc desc = mocc_compiled_model;
  desc.gpu = &cuda;
  mocc_model *model = nullptr;
  std::string error = message(mocc_model_create_from_desc(&desc, &model));
  EXPECT_EQ(error.rfind("cannot load the CUDA driver "
                        "/nonexistent/libcuda.so.1: ",
                        0),
            0u)
      << error;
  EXPECT_EQ(model, nullptr);
}

TEST(CreateTest, RejectsMalformedDescriptions) {
  const int64_t dims[] = {2, -7};
  mocc_compiled_tensor bad[] = {{"a", MOCC_DTYPE_FLOAT32, 2, dims},
                                {"b", 42, 0, nullptr},
                                {nullptr, MOCC_DTYPE_FLOAT32, 3, nullptr}};
  mocc_compiled_model_desc desc = mocc_compiled_model;
  desc.num_inputs = 1;
  mocc_model *model = nullptr;
  const char *expected[] = {
      "input 'a' (index 0): malformed dimension -7 in the compiled model",
      "input 'b' (index 0): unsupported dtype 42",
      "input '' (index 0): malformed shape in the compiled model"};
  for (int i = 0; i < 3; ++i) {
    desc.inputs = &bad[i];
    EXPECT_EQ(message(mocc_model_create_from_desc(&desc, &model)), expected[i]);
  }
  desc.inputs = nullptr;
  EXPECT_EQ(message(mocc_model_create_from_desc(&desc, &model)),
            "malformed compiled model description");
}

TEST(CreateTest, RejectsValueTablesThatDoNotCoverTheTensors) {
  mocc_compiled_model_desc desc = fake_sequence_model;
  mocc_model *model = nullptr;
  struct Case {
    std::vector<mocc_compiled_value> values;
    const char *error;
  } cases[] = {
      {{{"xs", MOCC_VALUE_SEQUENCE, 0, 1}, {"flag", MOCC_VALUE_OPTIONAL, 2, 0}},
       "input value 'flag' (index 1): 0 tensors from 2, expected the next of "
       "2 inputs from 1"},
      {{{"xs", MOCC_VALUE_SEQUENCE, 0, 3}},
       "input value 'xs' (index 0): 3 tensors from 0, expected the next of 2 "
       "inputs from 0"},
      {{{"x", MOCC_VALUE_TENSOR, 0, 2}},
       "input value 'x' (index 0): 2 tensors from 0, expected the next of 2 "
       "inputs from 0"},
      {{{"xs", 4, 0, 2}}, "input value 'xs' (index 0): unknown kind 4"},
      {{{"xs", MOCC_VALUE_SEQUENCE, 0, 1}},
       "the input values hold 1 of the 2 inputs"},
      {{}, "the input values hold 0 of the 2 inputs"},
  };
  for (const Case &c : cases) {
    desc.input_values = c.values.data();
    desc.num_input_values = static_cast<uint32_t>(c.values.size());
    EXPECT_EQ(message(mocc_model_create_from_desc(&desc, &model)), c.error);
  }
  desc.input_values = nullptr;
  desc.num_input_values = 1;
  EXPECT_EQ(message(mocc_model_create_from_desc(&desc, &model)),
            "malformed compiled model description");
}

TEST(SequenceModelTest, GroupsTensorsIntoValues) {
  mocc_model *model = nullptr;
  ASSERT_EQ(message(mocc_model_create_from_desc(&fake_sequence_model, &model)),
            "");
  ASSERT_EQ(mocc_model_num_input_values(model), 2u);
  ASSERT_EQ(mocc_model_num_output_values(model), 3u);
  using Info = mocc_status (*)(const mocc_model *, size_t, mocc_value_info *);
  // "NAME KIND FIRST+COUNT".
  auto describe = [&](Info info, size_t index) {
    mocc_value_info value;
    std::string error = message(info(model, index, &value));
    return error.empty()
               ? std::string(value.name) + " " + std::to_string(value.kind) +
                     " " + std::to_string(value.first_tensor) + "+" +
                     std::to_string(value.num_tensors)
               : error;
  };
  EXPECT_EQ(describe(mocc_model_input_value_info, 0), "xs 3 0+2");
  EXPECT_EQ(describe(mocc_model_input_value_info, 1), "flag 5 2+0");
  EXPECT_EQ(describe(mocc_model_output_value_info, 0), "ys 3 0+2");
  EXPECT_EQ(describe(mocc_model_output_value_info, 1), "total 5 2+1");
  EXPECT_EQ(describe(mocc_model_output_value_info, 2), "nothing 5 3+0");

  // Running takes the tensors alone: the absent optional has none.
  const int64_t k3[] = {3};
  std::vector<float> x0 = {1, 2, 3}, x1 = {10, 20, 30};
  mocc_tensor inputs[] = {floatTensor(x0, 1, k3), floatTensor(x1, 1, k3)};
  ASSERT_EQ(message(mocc_model_run(model, inputs, 2)), "");
  mocc_tensor out;
  ASSERT_EQ(message(mocc_model_get_output(model, 2, &out)), "");
  const float *total = static_cast<const float *>(out.data);
  EXPECT_EQ(std::vector<float>(total, total + 3),
            (std::vector<float>{11, 22, 33}));
  mocc_model_destroy(model);
}

} // namespace
