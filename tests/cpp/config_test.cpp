// Config parsing: defaults, the normalised round trip, and one error per rule, each naming its field.
#include <string>

#include <gtest/gtest.h>

#include "icl/config.hpp"

namespace icl {
namespace {

std::string error_of(const std::string& json) {
  const auto result = parse_config(json);
  EXPECT_FALSE(result.ok()) << json;
  return result.ok() ? std::string() : result.error();
}

TEST(Config, EmptyObjectGivesTheDefaults) {
  const auto result = parse_config("{}");
  ASSERT_TRUE(result.ok()) << result.error();
  const Config& c = result.value();
  EXPECT_EQ(c.d, 20);
  EXPECT_EQ(c.n, (std::vector<int>{5, 10, 20, 40}));
  EXPECT_EQ(c.training.steps, 4000);
  EXPECT_EQ(c.training.batch_size, 1024);
  EXPECT_DOUBLE_EQ(c.training.learning_rate, 3e-3);
  EXPECT_EQ(c.evaluation.prompts, 100000);
  EXPECT_EQ(c.data.x_spectrum.kind, SpectrumSpec::Kind::Isotropic);
}

TEST(Config, NormalisedJsonReadsBackUnchanged) {
  const auto first = parse_config(R"({"seed": 4294967295, "d": 3, "n": 7,
      "data": {"noise_variance": 0.5, "x_spectrum": [1, 2, 3], "task_spectrum": "power_law"},
      "training": {"steps": 10, "lr_decay_at": 0.5}})");
  ASSERT_TRUE(first.ok()) << first.error();
  const std::string json = config_to_json(first.value());
  const auto second = parse_config(json);
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(config_to_json(second.value()), json);
  EXPECT_EQ(second.value().seed, 4294967295u);
  EXPECT_EQ(second.value().n, std::vector<int>{7});
  EXPECT_EQ(second.value().data.x_spectrum.values, (std::vector<double>{1, 2, 3}));
}

TEST(Config, PowerLawSpectrumHasTraceD) {
  const SpectrumSpec spectrum{SpectrumSpec::Kind::PowerLaw, {}};
  const auto values = spectrum.eigenvalues(20);
  double trace = 0.0;
  for (double v : values) trace += v;
  EXPECT_NEAR(trace, 20.0, 1e-12);
  EXPECT_NEAR(values[0] / values[1], 2.0, 1e-12);
}

TEST(Config, LearningRateIsCutOnceAtTheDecayStep) {
  TrainingConfig training;  // 4000 steps, cut x0.1 at 75%
  EXPECT_DOUBLE_EQ(training.learning_rate_at(0), 3e-3);
  EXPECT_DOUBLE_EQ(training.learning_rate_at(2999), 3e-3);
  EXPECT_DOUBLE_EQ(training.learning_rate_at(3000), 3e-4);
}

TEST(ConfigErrors, NameTheFieldAndTheRange) {
  EXPECT_EQ(error_of(R"({"d": 0})"), "d must be an integer in [1, 64] (got 0)");
  EXPECT_EQ(error_of(R"({"d": 2.5})"), "d must be an integer in [1, 64] (got 2.5)");
  EXPECT_EQ(error_of(R"({"seed": -1})"), "seed must be an integer in [0, 4294967295] (got -1)");
  EXPECT_EQ(error_of(R"({"training": {"steps": "many"}})"),
            "training.steps must be an integer in [1, 1000000] (got \"many\")");
  EXPECT_EQ(error_of(R"({"training": {"learning_rate": 0}})"),
            "training.learning_rate must be a number in (0, 1] (got 0)");
  EXPECT_EQ(error_of(R"({"training": {"adam_beta2": 1}})"),
            "training.adam_beta2 must be a number in [0, 1) (got 1)");
  EXPECT_EQ(error_of(R"({"data": {"noise_variance": -0.1}})"),
            "data.noise_variance must be a number in [0, 100] (got -0.1)");
  EXPECT_EQ(error_of(R"({"evaluation": {"prompts": 0}})"),
            "evaluation.prompts must be an integer in [1, 10000000] (got 0)");
}

TEST(ConfigErrors, ContextLengths) {
  EXPECT_NE(error_of(R"({"n": [5, 5]})").find("n must be"), std::string::npos);
  EXPECT_NE(error_of(R"({"n": [10, 5]})").find("entry 1 is 5, not above 10"), std::string::npos);
  EXPECT_NE(error_of(R"({"n": []})").find("got 0 entries"), std::string::npos);
  EXPECT_NE(error_of(R"({"n": [1, 513]})").find("entry 1 is 513"), std::string::npos);
  EXPECT_NE(error_of(R"({"n": 0})").find("n must be an integer in [1, 512]"), std::string::npos);
}

TEST(ConfigErrors, Spectra) {
  EXPECT_NE(error_of(R"({"d": 2, "data": {"x_spectrum": [1, 2, 3]}})")
                .find("data.x_spectrum must be \"isotropic\", \"power_law\" or a list of d = 2 numbers"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"d": 2, "data": {"task_spectrum": [1, -2]}})").find("entry 1 is -2"), std::string::npos);
  EXPECT_NE(error_of(R"({"data": {"task_spectrum": "flat"}})").find("data.task_spectrum"), std::string::npos);
}

TEST(ConfigErrors, StructureAndKinds) {
  EXPECT_NE(error_of("[1, 2]").find("must be a JSON object"), std::string::npos);
  EXPECT_NE(error_of("{\"d\": ").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("").find("not valid JSON"), std::string::npos);
  EXPECT_EQ(error_of(R"({"version": 2})"), "version must be 1 (got 2)");
  EXPECT_EQ(error_of(R"({"training": 5})"), "training must be an object (got 5)");
  EXPECT_EQ(error_of(R"({"data": {"kind": "rag"}})"), "data.kind must be \"iid\" (got \"rag\")");
  EXPECT_EQ(error_of(R"({"model": {"kind": "h3"}})"), "model.kind must be \"attention\" (got \"h3\")");
  EXPECT_NE(error_of(R"({"trainig": {}})").find("unknown field trainig"), std::string::npos);
  EXPECT_NE(error_of(R"({"training": {"step": 5}})").find("unknown field training.step (allowed here:"),
            std::string::npos);
}

}  // namespace
}  // namespace icl
