// A model's read-out beside the theory's (icl/model_readout.hpp, Experiment::readout): the normalisation
// to mean(omega) = 1, what happens when it is not possible, the distance to W*, and trained models that
// land on W*. The raw read-outs themselves are tested in h3_test.cpp.
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include <gtest/gtest.h>

#include "test_config.hpp"

#include "icl/experiment.hpp"
#include "icl/model_readout.hpp"
#include "icl/theory_curves.hpp"

namespace icl {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

Result<OptimalWeights> optimum(std::vector<double> preconditioner, std::vector<double> sample_weights) {
  return Result<OptimalWeights>::success(OptimalWeights{std::move(preconditioner), std::move(sample_weights)});
}

double mean(const std::vector<double>& values) {
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

// ||a - b||_F / ||b||_F through Eigen, independently of the core's loop.
double direct_distance(const std::vector<double>& a, const std::vector<double>& b, int d) {
  using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Map<const Matrix> w(a.data(), d, d), w_star(b.data(), d, d);
  return (w - w_star).norm() / w_star.norm();
}

TEST(ModelReadout, DividesTheSampleWeightsByTheirMeanAndMultipliesWEffByIt) {
  const std::vector<double> w_eff = {0.5, -0.25, 0.125, 1.0};
  const std::vector<double> w_star = {1.9, 0.1, 0.0, 4.2};
  const ModelReadout readout = normalise_readout(3, 2, w_eff, {2.0, 4.0, 6.0}, optimum(w_star, {1.0, 1.0, 1.0}));
  EXPECT_EQ(readout.n, 3);
  EXPECT_EQ(readout.d, 2);
  EXPECT_DOUBLE_EQ(readout.sample_weight_scale, 4.0);
  EXPECT_DOUBLE_EQ(mean(readout.sample_weights), 1.0);
  const std::vector<double> expected_omega = {0.5, 1.0, 1.5};
  EXPECT_EQ(readout.sample_weights, expected_omega);
  ASSERT_EQ(readout.preconditioner.size(), w_eff.size());
  for (std::size_t i = 0; i < w_eff.size(); ++i) EXPECT_DOUBLE_EQ(readout.preconditioner[i], 4.0 * w_eff[i]) << i;
  ASSERT_TRUE(readout.optimal.has_value());
  EXPECT_EQ(readout.optimal->preconditioner, w_star);
  EXPECT_TRUE(readout.optimal_error.empty());
  // The distance is measured with the normalised W_eff, not the raw one.
  ASSERT_TRUE(readout.relative_distance.has_value());
  EXPECT_NEAR(*readout.relative_distance, direct_distance(readout.preconditioner, w_star, 2), 1e-15);
  EXPECT_GT(std::abs(*readout.relative_distance - direct_distance(w_eff, w_star, 2)), 0.1);
}

TEST(ModelReadout, NegativeMeanStillNormalises) {
  const ModelReadout readout = normalise_readout(2, 1, {3.0}, {-1.0, -3.0}, optimum({1.0}, {1.0, 1.0}));
  EXPECT_DOUBLE_EQ(readout.sample_weight_scale, -2.0);
  EXPECT_EQ(readout.sample_weights, (std::vector<double>{0.5, 1.5}));
  EXPECT_EQ(readout.preconditioner, (std::vector<double>{-6.0}));
  ASSERT_TRUE(readout.relative_distance.has_value());
  EXPECT_DOUBLE_EQ(*readout.relative_distance, 7.0);
}

TEST(ModelReadout, ZeroOrNonFiniteMeanKeepsTheRawValuesWithANaNScale) {
  const std::vector<double> w_eff = {0.5, -0.25, 0.125, 1.0};
  const std::vector<double> w_star = {1.0, 0.0, 0.0, 1.0};
  const std::vector<std::vector<double>> unusable = {
      {1.0, -1.0, 0.0},   // mean exactly 0
      {1e-13, 0.0, 0.0},  // mean within kMinSampleWeightScale of 0
      {1.0, kNaN, 1.0},   // not finite
      {1.0, kInf, 1.0},   // not finite
  };
  for (const auto& omega : unusable) {
    const ModelReadout readout = normalise_readout(3, 2, w_eff, omega, optimum(w_star, {1.0, 1.0, 1.0}));
    EXPECT_TRUE(std::isnan(readout.sample_weight_scale)) << omega[0] << ", " << omega[1];
    EXPECT_EQ(readout.preconditioner, w_eff);
    ASSERT_EQ(readout.sample_weights.size(), omega.size());
    for (std::size_t t = 0; t < omega.size(); ++t) {
      EXPECT_TRUE(readout.sample_weights[t] == omega[t] ||
                  (std::isnan(omega[t]) && std::isnan(readout.sample_weights[t])));
    }
    // W_eff is raw but finite, so the distance is still defined.
    ASSERT_TRUE(readout.relative_distance.has_value());
    EXPECT_NEAR(*readout.relative_distance, direct_distance(w_eff, w_star, 2), 1e-15);
  }
  EXPECT_TRUE(std::isnan(normalise_readout(0, 1, {1.0}, {}, optimum({1.0}, {})).sample_weight_scale));
}

TEST(ModelReadout, WithoutAnOptimumSaysWhyAndHasNoDistance) {
  const ModelReadout readout =
      normalise_readout(2, 1, {1.0}, {1.0, 1.0}, Result<OptimalWeights>::failure("no optimum for the test"));
  EXPECT_FALSE(readout.optimal.has_value());
  EXPECT_EQ(readout.optimal_error, "no optimum for the test");
  EXPECT_FALSE(readout.relative_distance.has_value());
  EXPECT_DOUBLE_EQ(readout.sample_weight_scale, 1.0);
}

TEST(ModelReadout, RelativeDistanceIsAbsentWhenUndefined) {
  EXPECT_FALSE(relative_frobenius_distance({1.0, 2.0}, {0.0, 0.0}).has_value());  // W* = 0
  EXPECT_FALSE(relative_frobenius_distance({1.0}, {1.0, 2.0}).has_value());       // sizes differ
  EXPECT_FALSE(relative_frobenius_distance({}, {}).has_value());
  EXPECT_FALSE(relative_frobenius_distance({kNaN, 1.0}, {1.0, 1.0}).has_value());
  EXPECT_FALSE(relative_frobenius_distance({kInf, 1.0}, {1.0, 1.0}).has_value());
  EXPECT_FALSE(relative_frobenius_distance({1.0, 1.0}, {kNaN, 1.0}).has_value());
  ASSERT_TRUE(relative_frobenius_distance({3.0, 4.0}, {0.0, 1.0}).has_value());
  EXPECT_DOUBLE_EQ(*relative_frobenius_distance({3.0, 4.0}, {0.0, 1.0}), std::sqrt(9.0 + 9.0));
  EXPECT_DOUBLE_EQ(*relative_frobenius_distance({1.0, 2.0}, {1.0, 2.0}), 0.0);
}

// The experiment reads model m at its own context n = config.n[m], from its raw read-outs.
TEST(ModelReadout, ExperimentReadsEachModelAtItsOwnContext) {
  const Config config = config_from(R"({"seed": 5, "d": 3, "n": [4, 6], "model": {"kind": "h3"},
                                        "training": {"steps": 30, "batch_size": 16}, "evaluation": {"prompts": 100}})");
  auto experiment = Experiment::create(config);
  experiment->step(experiment->total_steps());
  for (int m = 0; m < 2; ++m) {
    const int n = config.n[static_cast<std::size_t>(m)];
    const ModelReadout readout = experiment->readout(m);
    const ModelReadout expected = normalise_readout(n, 3, experiment->effective_weights(m),
                                                    experiment->sample_weights(m), optimal_weights(config, n));
    EXPECT_EQ(readout.n, n);
    EXPECT_EQ(readout.d, 3);
    ASSERT_EQ(readout.sample_weights.size(), static_cast<std::size_t>(n));
    ASSERT_EQ(readout.preconditioner.size(), 9u);
    EXPECT_EQ(readout.sample_weights, expected.sample_weights);
    EXPECT_EQ(readout.preconditioner, expected.preconditioner);
    EXPECT_EQ(readout.sample_weight_scale, expected.sample_weight_scale);
    // Trained lag weights are no longer all ones, so the normalisation really happened.
    EXPECT_NE(readout.sample_weight_scale, 1.0);
    EXPECT_NEAR(mean(readout.sample_weights), 1.0, 1e-12);
    ASSERT_TRUE(readout.optimal.has_value());
    EXPECT_EQ(readout.optimal->preconditioner, optimal_weights(config, n).value().preconditioner);
    EXPECT_EQ(readout.optimal->sample_weights.size(), static_cast<std::size_t>(n));
    ASSERT_TRUE(readout.relative_distance.has_value());
    EXPECT_NEAR(*readout.relative_distance, direct_distance(readout.preconditioner, readout.optimal->preconditioner, 3),
                1e-12);
  }
}

// The models of training_test.cpp's "weights near the optimum" checks (d = 5, n = 10, isotropic IID,
// the default 4000 steps), read through the normalised read-out.
TEST(ModelReadout, TrainedModelsLandWithinFivePercentOfTheOptimalPreconditioner) {
  for (const char* model : {R"({"kind": "attention"})", R"({"kind": "h3"})"}) {
    const Config config =
        config_from(std::string(R"({"d": 5, "n": [10], "evaluation": {"prompts": 1000}, "model": )") + model + "}");
    auto experiment = Experiment::create(config);
    experiment->step(experiment->total_steps());
    const ModelReadout readout = experiment->readout(0);
    ASSERT_TRUE(readout.optimal.has_value()) << readout.optimal_error;
    // W* = I / (n + d + 1) here.
    EXPECT_NEAR(readout.optimal->preconditioner[0], 1.0 / 16.0, 1e-12);
    ASSERT_TRUE(readout.relative_distance.has_value()) << model;
    EXPECT_LT(*readout.relative_distance, 0.05) << model;
    EXPECT_NEAR(mean(readout.sample_weights), 1.0, 1e-12) << model;
  }
}

}  // namespace
}  // namespace icl
