// The IID data model (paper-spec §1 a-c): sample moments against the model, the prefix property that
// lets one prompt serve every n of a sweep, and the SIMD fill against its scalar twin.
#include <vector>

#include <gtest/gtest.h>

#include "icl/iid_data.hpp"
#include "moments.hpp"

namespace icl {
namespace {

using testing_support::MomentAccumulator;

// Fills `count` prompts one at a time (scalar twin) and hands each to `visit`.
template <class Visit>
void for_each_prompt(const DataModel& data, const PromptLayout& layout, int count, Visit visit) {
  PromptGroup<float> group(layout, 1);
  GaussianStream<float> gaussian;
  for (int p = 0; p < count; ++p) {
    const std::uint64_t key = stream_key(9, Purpose::Test, 0, static_cast<std::uint64_t>(p));
    gaussian.reset(&key);
    data.fill(gaussian, group);
    visit(group);
  }
}

TEST(IidData, MomentsMatchTheModel) {
  const int d = 3;
  const std::vector<double> x_spectrum{2.0, 1.0, 0.5};
  const std::vector<double> task_spectrum{0.5, 1.5, 1.0};
  const double noise_variance = 0.3;
  const IidData data(d, x_spectrum, task_spectrum, noise_variance);
  const PromptLayout layout{d, 4};
  std::vector<MomentAccumulator> feature_variance(d), feature_mean(d), cross_token_label(d);
  MomentAccumulator feature_covariance, label_variance, query_label_variance, label_mean, label_pair;
  double signal = 0.0;  // tr(Sigma_x Sigma_beta)
  for (int f = 0; f < d; ++f) signal += x_spectrum[f] * task_spectrum[f];
  for_each_prompt(data, layout, 200000, [&](const PromptGroup<float>& g) {
    const auto at = [&](int slot) { return static_cast<double>(*g.slot(slot)); };
    for (int f = 0; f < d; ++f) {
      feature_mean[f].add(at(layout.slot(1, f)));
      feature_variance[f].add(at(layout.slot(1, f)) * at(layout.slot(1, f)));
      // E[y_i x_if y_j x_jf] = (Sigma_x Sigma_beta Sigma_x)_ff: tokens share the task.
      cross_token_label[f].add(at(layout.slot(0, d)) * at(layout.slot(0, f)) * at(layout.slot(2, d)) *
                               at(layout.slot(2, f)));
    }
    feature_covariance.add(at(layout.slot(3, 0)) * at(layout.slot(3, 1)));
    label_mean.add(at(layout.slot(2, d)));
    label_variance.add(at(layout.slot(2, d)) * at(layout.slot(2, d)));
    query_label_variance.add(at(layout.query_slot(d)) * at(layout.query_slot(d)));
    label_pair.add(at(layout.slot(0, d)) * at(layout.slot(1, d)));
  });
  for (int f = 0; f < d; ++f) {
    EXPECT_LT(feature_mean[f].z_score(0.0), 4.0) << f;
    EXPECT_LT(feature_variance[f].z_score(x_spectrum[f]), 4.0) << f;
    EXPECT_LT(cross_token_label[f].z_score(x_spectrum[f] * x_spectrum[f] * task_spectrum[f]), 4.0) << f;
  }
  EXPECT_LT(feature_covariance.z_score(0.0), 4.0);
  EXPECT_LT(label_mean.z_score(0.0), 4.0);
  EXPECT_LT(label_variance.z_score(signal + noise_variance), 4.0);
  EXPECT_LT(query_label_variance.z_score(signal + noise_variance), 4.0);
  EXPECT_LT(label_pair.z_score(0.0), 4.0);
}

TEST(IidData, LongerPromptsStartWithTheShorterOnes) {
  for (int d : {4, 5}) {  // even and odd d draw the label noise differently
    const IidData data(d, std::vector<double>(d, 1.0), std::vector<double>(d, 1.0), 0.5);
    const PromptLayout short_layout{d, 20}, long_layout{d, 40};
    std::vector<std::vector<float>> short_prompts;
    for_each_prompt(data, short_layout, 8, [&](const PromptGroup<float>& g) { short_prompts.push_back(g.values); });
    int p = 0;
    for_each_prompt(data, long_layout, 8, [&](const PromptGroup<float>& g) {
      const auto& s = short_prompts[static_cast<std::size_t>(p++)];
      for (int t = 0; t < 20; ++t) {
        for (int f = 0; f <= d; ++f) ASSERT_EQ(*g.slot(long_layout.slot(t, f)), s[short_layout.slot(t, f)]);
      }
      for (int f = 0; f <= d; ++f) ASSERT_EQ(*g.slot(long_layout.query_slot(f)), s[short_layout.query_slot(f)]);
    });
  }
}

TEST(IidData, SimdFillEqualsScalarFillBitForBit) {
  constexpr std::size_t lanes = LaneTraits<FloatBatch>::width;
  const int d = 7;
  const IidData data(d, std::vector<double>(d, 1.5), std::vector<double>(d, 0.7), 0.25);
  const PromptLayout layout{d, 6};
  PromptGroup<float> simd_group(layout, lanes), scalar_group(layout, 1);
  std::uint64_t keys[lanes];
  for (std::size_t lane = 0; lane < lanes; ++lane) keys[lane] = stream_key(5, Purpose::Test, 2, lane);
  GaussianStream<FloatBatch> simd;
  simd.reset(keys);
  data.fill(simd, simd_group);
  for (std::size_t lane = 0; lane < lanes; ++lane) {
    GaussianStream<float> scalar;
    scalar.reset(&keys[lane]);
    data.fill(scalar, scalar_group);
    for (int slot = 0; slot < layout.slots(); ++slot) {
      ASSERT_EQ(simd_group.slot(slot)[lane], *scalar_group.slot(slot)) << "slot " << slot << " lane " << lane;
    }
  }
}

}  // namespace
}  // namespace icl
