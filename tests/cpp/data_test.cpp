// The IID data model (paper-spec §1 a-c): sample moments against the model, the prefix property that
// lets one prompt serve every n of a bank, and the SIMD fill against its scalar twin.
#include <cmath>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "data/alignment/alignment_data.hpp"
#include "data/drift/drift_data.hpp"
#include "data/iid/iid_data.hpp"
#include "data/rag/rag_data.hpp"
#include "data/registry.hpp"
#include "data_fill.hpp"
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

// The first 20 context tokens and the query of a prompt drawn for max_n = 40 are those drawn for 20.
void expect_longer_prompts_extend_shorter(const DataModel& data, int d) {
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

TEST(DataModels, LongerPromptsStartWithTheShorterOnes) {
  for (int d : {4, 5}) {  // even and odd d leave a spare normal differently
    const IidData iid(d, std::vector<double>(d, 1.0), std::vector<double>(d, 1.0), 0.5);
    const RagData rag(d, 0.5, 0.8, 0.5);
    const AlignmentData alignment(d, 0.5, 0.8, 0.5, true);
    const DriftData drift(d, 0.9, 0.5);
    for (const DataModel* data : std::vector<const DataModel*>{&iid, &rag, &alignment, &drift}) {
      expect_longer_prompts_extend_shorter(*data, d);
    }
  }
}

// Every kind of the registry (a new one included, with nothing to add here), at its defaults with label
// noise: the prefix property and the SIMD fill against the scalar twin.
TEST(DataModels, EveryRegisteredKindExtendsItsPromptsAndFillsSimdLikeScalar) {
  for_each_data_kind([&](auto kind) {
    for (int d : {4, 5}) {
      Config config;
      config.d = d;
      config.data.noise_variance = 0.5;
      config.data.section = typename decltype(kind)::Section{};
      const std::unique_ptr<DataModel> data = make_data_model(config);
      SCOPED_TRACE(std::string(kind.kName) + ", d = " + std::to_string(d));
      expect_longer_prompts_extend_shorter(*data, d);
      testing_support::expect_simd_fill_equals_scalar(*data, PromptLayout{d, 9});
    }
  });
}

// RAG (§1d): x_i = a x + b g_i. Then E[x_ik x_k] = a, E[x_ik^2] = a^2 + b^2, E[x_ik x_jk] = a^2 (i != j),
// E[y_i^2] = (a^2 + b^2) d + sigma^2 and the query is isotropic.
TEST(RagData, MomentsMatchTheModel) {
  const int d = 3;
  for (const auto& [a, b] : std::vector<std::pair<double, double>>{{0.6, 0.8}, {0.5, 1.0}, {1.0, 0.3}}) {
    const double noise_variance = 0.2;
    const RagData data(d, a, b, noise_variance);
    const PromptLayout layout{d, 3};
    MomentAccumulator query_context, context_square, context_pair, query_square, label_square;
    for_each_prompt(data, layout, 200000, [&](const PromptGroup<float>& g) {
      const auto at = [&](int slot) { return static_cast<double>(*g.slot(slot)); };
      query_context.add(at(layout.slot(0, 1)) * at(layout.query_slot(1)));
      context_square.add(at(layout.slot(1, 2)) * at(layout.slot(1, 2)));
      context_pair.add(at(layout.slot(0, 0)) * at(layout.slot(2, 0)));
      query_square.add(at(layout.query_slot(2)) * at(layout.query_slot(2)));
      label_square.add(at(layout.slot(2, d)) * at(layout.slot(2, d)));
    });
    EXPECT_LT(query_context.z_score(a), 4.0) << a << " " << b;
    EXPECT_LT(context_square.z_score(a * a + b * b), 4.0);
    EXPECT_LT(context_pair.z_score(a * a), 4.0);
    EXPECT_LT(query_square.z_score(1.0), 4.0);
    EXPECT_LT(label_square.z_score((a * a + b * b) * d + noise_variance), 4.0);
  }
}

// Alignment (§1e): x_i = a beta + b g_i, so E[y_i] = a d and E[x_ik x_jk] = a^2 (i != j). Variant B's
// query is independent of the context (E[x_k x_ik] = 0, E[y] = 0); variant A's is aligned too.
TEST(AlignmentData, MomentsMatchBothVariants) {
  const int d = 4;
  const double a = 0.6, b = 0.8, noise_variance = 0.3;
  for (bool aligned : {false, true}) {
    const AlignmentData data(d, a, b, noise_variance, aligned);
    const PromptLayout layout{d, 3};
    MomentAccumulator label_mean, context_pair, query_context, query_label_mean, context_square, label_square;
    for_each_prompt(data, layout, 200000, [&](const PromptGroup<float>& g) {
      const auto at = [&](int slot) { return static_cast<double>(*g.slot(slot)); };
      label_mean.add(at(layout.slot(1, d)));
      context_pair.add(at(layout.slot(0, 2)) * at(layout.slot(2, 2)));
      query_context.add(at(layout.query_slot(3)) * at(layout.slot(1, 3)));
      query_label_mean.add(at(layout.query_slot(d)));
      context_square.add(at(layout.slot(2, 1)) * at(layout.slot(2, 1)));
      // y_i = a |beta|^2 + b g^T beta + xi: E[y_i^2] = a^2 d (d + 2) + b^2 d + sigma^2
      label_square.add(at(layout.slot(0, d)) * at(layout.slot(0, d)));
    });
    EXPECT_LT(label_mean.z_score(a * d), 4.0) << aligned;
    EXPECT_LT(context_pair.z_score(a * a), 4.0) << aligned;
    EXPECT_LT(context_square.z_score(1.0), 4.0) << aligned;
    EXPECT_LT(label_square.z_score(a * a * d * (d + 2) + b * b * d + noise_variance), 4.0) << aligned;
    EXPECT_LT(query_context.z_score(aligned ? a * a : 0.0), 4.0) << aligned;
    EXPECT_LT(query_label_mean.z_score(aligned ? a * d : 0.0), 4.0) << aligned;
  }
}

// Drift (§1f): E[x_s,f y_s x_t,f y_t] = E[beta_s,f beta_t,f] = gamma^|s - t| (Sigma_x = I), where the
// query sits at lag 0 and context token t at lag t + 1.
TEST(DriftData, TaskCorrelationDecaysAsGammaToTheLag) {
  const int d = 2;
  const double gamma = 0.7, noise_variance = 0.1;
  const DriftData data(d, gamma, noise_variance);
  const PromptLayout layout{d, 4};
  std::vector<MomentAccumulator> with_query(4), adjacent(3);
  MomentAccumulator feature_square, label_square;
  for_each_prompt(data, layout, 300000, [&](const PromptGroup<float>& g) {
    const auto at = [&](int slot) { return static_cast<double>(*g.slot(slot)); };
    const auto signal = [&](int first_slot, int f) { return at(first_slot + f) * at(first_slot + d); };
    for (int t = 0; t < 4; ++t) with_query[t].add(signal(layout.query_slot(0), 0) * signal(layout.slot(t, 0), 0));
    for (int t = 0; t < 3; ++t) adjacent[t].add(signal(layout.slot(t, 0), 1) * signal(layout.slot(t + 1, 0), 1));
    feature_square.add(at(layout.slot(3, 1)) * at(layout.slot(3, 1)));
    label_square.add(at(layout.slot(3, d)) * at(layout.slot(3, d)));
  });
  for (int t = 0; t < 4; ++t) EXPECT_LT(with_query[t].z_score(std::pow(gamma, t + 1)), 4.0) << "lag " << t + 1;
  for (int t = 0; t < 3; ++t) EXPECT_LT(adjacent[t].z_score(gamma), 4.0) << t;
  EXPECT_LT(feature_square.z_score(1.0), 4.0);
  EXPECT_LT(label_square.z_score(d + noise_variance), 4.0);  // stationary: |beta_t|^2 has mean d at every lag
}

TEST(IidData, SimdFillEqualsScalarFillBitForBit) {
  const int d = 7;
  testing_support::expect_simd_fill_equals_scalar(
      IidData(d, std::vector<double>(d, 1.5), std::vector<double>(d, 0.7), 0.25), PromptLayout{d, 6});
}

}  // namespace
}  // namespace icl
