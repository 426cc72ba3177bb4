// The H3 kernel: predictions against a plain per-token implementation of paper-spec §2, analytic
// gradients (weights, lag weights, SSM filter) against central finite differences in double, the exact
// construction that realises weighted PGD, its relation to linear attention, the SIMD kernel against its
// scalar twin, masking, and the W_eff / omega read-outs.
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "arch/attention/attention.hpp"
#include "arch/h3/h3.hpp"
#include "arch/attention/attention_readout.hpp"
#include "arch/h3/h3_readout.hpp"
#include "test_prompts.hpp"

namespace icl {
namespace {

using namespace testing_support;

// yhat straight from the definition: k_s, v_s for every token, h = sum_s f_lag (k_s ⊙ v_s), yhat = q^T h.
double naive_prediction(const H3Shape& shape, const PromptLayout& layout, int n, const std::vector<double>& parameters,
                        const std::vector<double>& lags, const PromptGroup<double>& prompt) {
  const int width = shape.width(), m = shape.channels, d = shape.d;
  const double* w_q = parameters.data() + shape.query_offset();
  const double* w_k = parameters.data() + shape.key_offset();
  const double* w_v = parameters.data() + shape.value_offset();
  std::vector<double> z_query(static_cast<std::size_t>(width), 0.0);
  for (int f = 0; f < d; ++f) z_query[f] = *prompt.slot(layout.query_slot(f));
  std::vector<double> h(static_cast<std::size_t>(m), 0.0);
  for (int s = 0; s <= n; ++s) {  // s = n is the query token
    std::vector<double> z(static_cast<std::size_t>(width));
    for (int f = 0; f < width; ++f) z[f] = s < n ? *prompt.slot(layout.slot(s, f)) : z_query[f];
    const double weight = lags[static_cast<std::size_t>(s < n ? s + 1 : 0)];  // token s at lag s + 1
    for (int c = 0; c < m; ++c) {
      double key = 0.0, value = 0.0;
      for (int f = 0; f < width; ++f) {
        key += w_k[f * m + c] * z[f];
        value += w_v[f * m + c] * z[f];
      }
      h[c] += weight * key * value;
    }
  }
  double prediction = 0.0;
  for (int c = 0; c < m; ++c) {
    double query = 0.0;
    for (int f = 0; f < width; ++f) query += w_q[f * m + c] * z_query[f];
    prediction += query * h[c];
  }
  return prediction;
}

// The kernel's prediction for one prompt, recovered from two losses (targets 0 and 1).
double h3_prediction(const H3Shape& shape, const PromptLayout& layout, int n, const std::vector<double>& parameters,
                     const std::vector<double>& lags, const PromptGroup<double>& prompt) {
  const FreeFilter filter{n};
  std::vector<double> with_lags = parameters;
  with_lags.resize(static_cast<std::size_t>(shape.weight_count()));
  with_lags.insert(with_lags.end(), lags.begin(), lags.end());
  H3Shape free_shape = shape;
  free_shape.filter_parameters = n + 1;
  return query_prediction(
      [&](const PromptGroup<double>& q) {
        return h3_query_loss(free_shape, layout, n, filter, with_lags, {q}, nullptr);
      },
      layout, prompt);
}

template <class Filter>
double worst_finite_difference_error(const H3Shape& shape, const PromptLayout& layout, int n, const Filter& filter,
                                     const std::vector<double>& parameters, const Prompts& prompts) {
  return worst_relative_error(
      [&](const std::vector<double>& w, std::vector<double>* gradient) {
        return h3_query_loss(shape, layout, n, filter, w, prompts, gradient);
      },
      parameters);
}

TEST(H3Kernel, PredictionMatchesPerTokenDefinition) {
  for (const int channels : {4, 2, 7}) {  // m = D, fewer and more channels
    const H3Shape shape{3, channels, 0};
    const PromptLayout layout{3, 11};
    std::mt19937_64 rng(5 + channels);
    const std::vector<double> parameters = random_vector(static_cast<std::size_t>(shape.weight_count()), 0.5, rng);
    for (const int n : {0, 1, 5, 11}) {  // covers every token block width (8, 4, 2, 1) and no context
      const std::vector<double> lags = random_vector(static_cast<std::size_t>(n + 1), 1.0, rng);
      for (int trial = 0; trial < 3; ++trial) {
        const PromptGroup<double> prompt = random_prompt(layout, rng);
        const double expected = naive_prediction(shape, layout, n, parameters, lags, prompt);
        EXPECT_NEAR(h3_prediction(shape, layout, n, parameters, lags, prompt), expected,
                    1e-11 * std::max(1.0, std::abs(expected)))
            << "m=" << channels << " n=" << n;
      }
    }
  }
}

TEST(H3Gradient, FreeFilterMatchesCentralFiniteDifferences) {
  const int n = 5;
  const PromptLayout layout{3, 7};
  std::mt19937_64 rng(42);
  const Prompts prompts = random_prompts(layout, 5, rng);
  for (const int channels : {4, 3}) {
    const H3Shape shape{3, channels, n + 1};
    const FreeFilter filter{n};
    const std::vector<double> parameters = random_vector(static_cast<std::size_t>(shape.parameter_count()), 0.5, rng);
    EXPECT_LT(worst_finite_difference_error(shape, layout, n, filter, parameters, prompts), 1e-7) << "m=" << channels;

    // The label row of W_q never meets the (masked) query label: its gradient is exactly zero.
    std::vector<double> gradient;
    h3_query_loss(shape, layout, n, filter, parameters, prompts, &gradient);
    for (int c = 0; c < channels; ++c) {
      EXPECT_EQ(gradient[static_cast<std::size_t>(shape.query_offset() + shape.d * channels + c)], 0.0);
    }
  }
}

TEST(H3Gradient, SsmFilterMatchesCentralFiniteDifferences) {
  const int n = 6;
  const PromptLayout layout{2, 8};
  const SsmFilter filter{n, 2};
  const H3Shape shape{2, 3, filter.parameter_count()};
  std::mt19937_64 rng(9);
  const Prompts prompts = random_prompts(layout, 4, rng);
  std::vector<double> parameters = random_vector(static_cast<std::size_t>(shape.parameter_count()), 0.5, rng);
  double* filter_parameters = parameters.data() + shape.filter_offset();
  filter_parameters[0] = 0.7;   // c_0
  filter_parameters[1] = -0.4;  // c_1
  filter_parameters[2] = -1.5;  // nu_0: rho_0 = exp(-exp(-1.5)) ≈ 0.80
  filter_parameters[3] = 0.3;   // nu_1: rho_1 ≈ 0.26
  EXPECT_LT(worst_finite_difference_error(shape, layout, n, filter, parameters, prompts), 1e-7);

  // The lags are the SSM's impulse response f_k = sum_j c_j rho_j^k.
  std::vector<double> lags(static_cast<std::size_t>(n + 1));
  filter.lags(filter_parameters, lags.data());
  for (int k = 0; k <= n; ++k) {
    double expected = 0.0;
    for (int j = 0; j < 2; ++j)
      expected += filter_parameters[j] * std::pow(SsmFilter::decay(filter_parameters[2 + j]), k);
    EXPECT_NEAR(lags[static_cast<std::size_t>(k)], expected, 1e-15);
  }
}

TEST(H3Filter, SsmDecayStaysInsideTheUnitInterval) {
  for (const double nu : {-40.0, -5.0, 0.0, 5.0, 40.0, 800.0}) {
    const double rho = SsmFilter::decay(nu);
    EXPECT_TRUE(std::isfinite(rho));
    EXPECT_GE(rho, 0.0);
    EXPECT_LE(rho, 1.0);
  }
  const float rho = SsmFilter::decay(100.0f);  // exp overflows to inf in float; the decay is still 0
  EXPECT_EQ(rho, 0.0f);
  // Initialisation: the slowest state forgets a quarter of the window's worth (f_n ≈ e^{-1/4}).
  const SsmFilter filter{40, 3};
  std::vector<double> parameters(static_cast<std::size_t>(filter.parameter_count()));
  filter.initialise(parameters.data());
  EXPECT_NEAR(std::pow(SsmFilter::decay(parameters[3]), 41), std::exp(-0.25), 1e-12);
  EXPECT_NEAR(SsmFilter::decay(parameters[5]), std::exp(-1.0), 1e-12);
  EXPECT_DOUBLE_EQ(parameters[0] + parameters[1] + parameters[2], 1.0);
}

TEST(H3Filter, FreeFilterStartsFlat) {
  const FreeFilter filter{6};
  std::vector<float> parameters(7, 0.0f), lags(7, 0.0f);
  filter.initialise(parameters.data());
  filter.lags(parameters.data(), lags.data());
  for (float f : lags) EXPECT_EQ(f, 1.0f);
}

// W_q = [W; 0], W_k = [I_d; 0], W_v = [0; 1^T] (m = D: the extra channel is zero in W_q and W_k) and
// f_k = omega_{n+1-k} give yhat = x^T W X^T (omega ⊙ y) for any f_0 (paper-spec §2).
std::vector<double> wpgd_construction(const H3Shape& shape, const std::vector<double>& w) {
  const int d = shape.d, m = shape.channels;
  std::vector<double> parameters(static_cast<std::size_t>(shape.parameter_count()), 0.0);
  for (int i = 0; i < d; ++i) {
    for (int c = 0; c < d; ++c) parameters[static_cast<std::size_t>(shape.query_offset() + i * m + c)] = w[i * d + c];
    parameters[static_cast<std::size_t>(shape.key_offset() + i * m + i)] = 1.0;
  }
  for (int c = 0; c < m; ++c) parameters[static_cast<std::size_t>(shape.value_offset() + d * m + c)] = 1.0;
  return parameters;
}

TEST(H3Construction, ReproducesWeightedPreconditionedGradientDescent) {
  const int d = 4, n = 7;
  const H3Shape shape{d, d + 1, n + 1};
  const PromptLayout layout{d, n};
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform(0.1, 2.0);
  const std::vector<double> w = random_vector(static_cast<std::size_t>(d * d), 1.0, rng);  // not symmetric
  std::vector<double> omega(static_cast<std::size_t>(n));
  for (double& value : omega) value = uniform(rng);
  std::vector<double> parameters = wpgd_construction(shape, w);
  double* lags = parameters.data() + shape.filter_offset();
  lags[0] = -3.7;  // arbitrary: the query's value is its masked label, 0
  for (int t = 0; t < n; ++t) lags[t + 1] = omega[static_cast<std::size_t>(t)];  // token t sits at lag t + 1

  for (int trial = 0; trial < 10; ++trial) {
    PromptGroup<double> prompt = random_prompt(layout, rng);
    std::vector<double> weighted(static_cast<std::size_t>(d), 0.0);  // X^T (omega ⊙ y)
    for (int t = 0; t < n; ++t) {
      for (int f = 0; f < d; ++f)
        weighted[f] += at(prompt, layout.slot(t, f)) * omega[t] * at(prompt, layout.slot(t, d));
    }
    double wpgd = 0.0;
    for (int i = 0; i < d; ++i) {
      for (int j = 0; j < d; ++j) wpgd += at(prompt, layout.query_slot(i)) * w[i * d + j] * weighted[j];
    }
    at(prompt, layout.query_slot(d)) = wpgd;
    const double loss = h3_query_loss(shape, layout, n, FreeFilter{n}, parameters, {prompt}, nullptr);
    EXPECT_LT(std::sqrt(loss), 1e-10 * std::max(1.0, std::abs(wpgd)));
  }

  // The read-outs recover W and omega.
  const std::vector<double> w_eff = h3_effective_weights(shape, parameters.data());
  for (std::size_t e = 0; e < w.size(); ++e) EXPECT_NEAR(w_eff[e], w[e], 1e-15);
  const std::vector<double> read_omega = h3_sample_weights(lags, n);
  ASSERT_EQ(read_omega.size(), omega.size());
  for (std::size_t i = 0; i < omega.size(); ++i) EXPECT_EQ(read_omega[i], omega[i]);
}

// An exact statement of "H3 at init is linear attention": with a scalar value broadcast over the channels
// (W_v = w_v 1^T, m = D) and f = (0, 1, ..., 1), H3 IS linear attention with the same W_q, W_k, w_v —
// prediction, loss and gradients (dw_v = sum_c dW_v[:, c]). The free filter's init f = 1 adds only the
// query's lag-0 self term f_0 (q^T k_q)(w_v^T z_q), which linear attention masks out. A generic W_v (every
// channel its own value) has no attention counterpart, so no exact statement covers the random init.
TEST(H3Attention, ScalarValueAndMaskedSelfTermIsLinearAttention) {
  const int d = 3, n = 6;
  const AttentionShape attention{d, d + 1};
  const H3Shape shape{d, d + 1, n + 1};
  const int width = shape.width(), m = shape.channels;
  const PromptLayout layout{d, 8};
  std::mt19937_64 rng(21);
  const std::vector<double> attention_parameters =
      random_vector(static_cast<std::size_t>(attention.parameter_count()), 0.5, rng);
  std::vector<double> parameters = h3_as_linear_attention(shape, attention, attention_parameters);  // f_0 = 0
  const double* w_v = attention_parameters.data() + attention.value_offset();
  const Prompts prompts = random_prompts(layout, 4, rng);

  std::vector<double> gradient;
  const double loss = h3_query_loss(shape, layout, n, FreeFilter{n}, parameters, prompts, &gradient);
  std::vector<double> attention_gradient;
  const double attention_loss =
      attention_query_loss(attention, layout, n, attention_parameters, prompts, &attention_gradient);
  EXPECT_NEAR(loss, attention_loss, 1e-12 * attention_loss);
  for (int e = 0; e < width * width; ++e) {
    EXPECT_NEAR(gradient[shape.query_offset() + e], attention_gradient[attention.query_offset() + e], 1e-12) << e;
    EXPECT_NEAR(gradient[shape.key_offset() + e], attention_gradient[attention.key_offset() + e], 1e-12) << e;
  }
  for (int i = 0; i < width; ++i) {
    double summed = 0.0;
    for (int c = 0; c < m; ++c) summed += gradient[static_cast<std::size_t>(shape.value_offset() + i * m + c)];
    EXPECT_NEAR(summed, attention_gradient[attention.value_offset() + i], 1e-12) << i;
  }

  // At the free filter's init (f_0 = 1 as well) the difference is exactly the self term.
  parameters[static_cast<std::size_t>(shape.filter_offset())] = 1.0;
  std::vector<double> lags(static_cast<std::size_t>(n + 1), 1.0);
  for (const auto& prompt : prompts) {
    // Attention's prediction, from its squared residual at two targets.
    const double attention_prediction = query_prediction(
        [&](const PromptGroup<double>& q) {
          return attention_query_loss(attention, layout, n, attention_parameters, {q}, nullptr);
        },
        layout, prompt);
    std::vector<double> z_query(static_cast<std::size_t>(width), 0.0), query(static_cast<std::size_t>(width), 0.0);
    for (int f = 0; f < d; ++f) z_query[f] = at(prompt, layout.query_slot(f));
    double self_key = 0.0, self_value = 0.0;  // q^T W_k^T z_q and w_v^T z_q
    for (int j = 0; j < width; ++j) {
      double q_j = 0.0, k_j = 0.0;
      for (int f = 0; f < width; ++f) {
        q_j += attention_parameters[attention.query_offset() + f * width + j] * z_query[f];
        k_j += attention_parameters[attention.key_offset() + f * width + j] * z_query[f];
      }
      self_key += q_j * k_j;
      self_value += w_v[j] * z_query[j];
    }
    const double expected = attention_prediction + self_key * self_value;
    EXPECT_NEAR(h3_prediction(shape, layout, n, parameters, lags, prompt), expected,
                1e-12 * std::max(1.0, std::abs(expected)));
  }
}

struct FloatRun {
  float loss = 0.0f;
  std::vector<float> gradient;  // [W_q, W_k, W_v, lag weights]
};

// One float training pass over `groups` with lane type V, finished the way the engine will finish it.
template <class V>
FloatRun run_float(const H3Shape& shape, const PromptLayout& layout, int n, const std::vector<float>& parameters,
                   const std::vector<float>& lags, const std::vector<PromptGroup<float>>& groups,
                   const std::vector<V>& masks) {
  using Traits = LaneTraits<V>;
  H3Workspace<float> workspace(shape);
  std::vector<float> pair_weights(static_cast<std::size_t>(shape.pair_weight_count()));
  h3_pair_weights(shape, parameters.data(), workspace, pair_weights.data());
  std::vector<V> lane_lags(lags.begin(), lags.end());
  H3Accumulator<V> accumulator(shape, n);
  H3Scratch<V> scratch(shape, layout);
  V loss(0.0f);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    h3_group<V>(shape, layout, n, pair_weights.data(), lane_lags.data(), groups[g].values.data(), masks[g], loss,
                &accumulator, V(0.5f), scratch);
  }
  FloatRun run;
  run.loss = Traits::sum(loss);
  std::vector<float> pair_sum(pair_weights.size()), lag_sum(lags.size());
  accumulator.lane_sums(pair_sum.data(), lag_sum.data());
  run.gradient.assign(static_cast<std::size_t>(shape.weight_count()), 0.0f);
  h3_weight_gradient(shape, parameters.data(), pair_sum.data(), workspace, run.gradient.data());
  run.gradient.insert(run.gradient.end(), lag_sum.begin(), lag_sum.end());
  return run;
}

// Lane by lane the SIMD kernel does the scalar twin's arithmetic; only the order of the sums over prompts
// differs. The weight gradient is a sum over prompts with heavy cancellation (at d = 20 entries of 20 next
// to entries of 2e4, both float runs about 3e-7 of the largest entry away from double), so gradients are
// compared relative to the largest entry.
void expect_same_run(const FloatRun& simd, const FloatRun& scalar) {
  EXPECT_NEAR(simd.loss, scalar.loss, 1e-5f * scalar.loss);
  ASSERT_EQ(simd.gradient.size(), scalar.gradient.size());
  float scale = 1.0f;
  for (float g : scalar.gradient) scale = std::max(scale, std::abs(g));
  for (std::size_t i = 0; i < scalar.gradient.size(); ++i) {
    EXPECT_NEAR(simd.gradient[i], scalar.gradient[i], 1e-5f * scale) << i;
  }
}

TEST(H3Kernel, SimdMatchesScalarTwin) {
  constexpr std::size_t lanes = LaneTraits<FloatBatch>::width;
  for (const auto& [d, max_n, n] : {std::tuple<int, int, int>{6, 12, 9}, std::tuple<int, int, int>{20, 40, 40}}) {
    const H3Shape shape{d};
    const PromptLayout layout{d, max_n};
    std::mt19937_64 rng(3 + d);
    std::normal_distribution<float> normal(0.0f, 0.3f);
    std::vector<float> parameters(static_cast<std::size_t>(shape.weight_count()));
    for (float& w : parameters) w = normal(rng);
    std::vector<float> lags(static_cast<std::size_t>(n + 1));
    for (float& f : lags) f = 1.0f + normal(rng);
    std::vector<PromptGroup<float>> simd_groups, scalar_groups;
    for (int g = 0; g < 3; ++g) {
      simd_groups.push_back(random_float_group(layout, lanes, rng));
      for (std::size_t lane = 0; lane < lanes; ++lane) scalar_groups.push_back(lane_of(simd_groups.back(), lane));
    }
    const FloatRun simd = run_float<FloatBatch>(shape, layout, n, parameters, lags, simd_groups,
                                                std::vector<FloatBatch>(simd_groups.size(), FloatBatch(1.0f)));
    const FloatRun scalar = run_float<float>(shape, layout, n, parameters, lags, scalar_groups,
                                             std::vector<float>(scalar_groups.size(), 1.0f));
    expect_same_run(simd, scalar);
  }
}

TEST(H3Kernel, MaskedLanesContributeNothing) {
  // Double, one lane: a zero mask leaves loss and both accumulators exactly zero.
  const int d = 3, n = 5;
  const H3Shape shape{d};
  const PromptLayout layout{d, 5};
  std::mt19937_64 rng(11);
  const PromptGroup<double> prompt = random_prompt(layout, rng);
  const std::vector<double> pair_weights(static_cast<std::size_t>(shape.pair_weight_count()), 0.2);
  const std::vector<double> lags(static_cast<std::size_t>(n + 1), 1.0);
  H3Accumulator<double> accumulator(shape, n);
  H3Scratch<double> scratch(shape, layout);
  double loss = 0.0;
  h3_group<double>(shape, layout, n, pair_weights.data(), lags.data(), prompt.values.data(), 0.0, loss, &accumulator,
                   1.0, scratch);
  std::vector<double> pair_gradient(pair_weights.size(), 1.0), lag_gradient(lags.size(), 1.0);
  accumulator.lane_sums(pair_gradient.data(), lag_gradient.data());
  EXPECT_EQ(loss, 0.0);
  for (double g : pair_gradient) EXPECT_EQ(g, 0.0);
  for (double g : lag_gradient) EXPECT_EQ(g, 0.0);

  // SIMD: padding lanes of a last group give the same result as leaving those prompts out.
  constexpr std::size_t lanes = LaneTraits<FloatBatch>::width;
  if (lanes < 2) GTEST_SKIP() << "no padding lanes with width 1";
  const H3Shape float_shape{4};
  const PromptLayout float_layout{4, 9};
  std::normal_distribution<float> normal(0.0f, 0.3f);
  std::vector<float> parameters(static_cast<std::size_t>(float_shape.weight_count()));
  for (float& w : parameters) w = normal(rng);
  const std::vector<float> float_lags(10, 0.9f);
  const PromptGroup<float> group = random_float_group(float_layout, lanes, rng);
  alignas(16) float mask_values[lanes];
  for (std::size_t lane = 0; lane < lanes; ++lane) mask_values[lane] = lane < lanes / 2 ? 1.0f : 0.0f;
  const FloatRun masked = run_float<FloatBatch>(float_shape, float_layout, 9, parameters, float_lags, {group},
                                                {LaneTraits<FloatBatch>::load(mask_values)});
  std::vector<PromptGroup<float>> kept;
  for (std::size_t lane = 0; lane < lanes / 2; ++lane) kept.push_back(lane_of(group, lane));
  const FloatRun reference = run_float<float>(float_shape, float_layout, 9, parameters, float_lags, kept,
                                              std::vector<float>(kept.size(), 1.0f));
  expect_same_run(masked, reference);
}

TEST(H3Kernel, AccumulatorStartsAfreshAfterReset) {
  const int d = 3, n = 4;
  const H3Shape shape{d};
  const PromptLayout layout{d, n};
  std::mt19937_64 rng(19);
  const std::vector<double> pair_weights = random_vector(static_cast<std::size_t>(shape.pair_weight_count()), 0.3, rng);
  const std::vector<double> lags = random_vector(static_cast<std::size_t>(n + 1), 1.0, rng);
  const Prompts prompts = random_prompts(layout, 6, rng);  // one fold of waiting groups, 2 left
  H3Accumulator<double> accumulator(shape, n);
  H3Scratch<double> scratch(shape, layout);
  const auto run_batch = [&](std::vector<double>& pair_sum, std::vector<double>& lag_sum) {
    double loss = 0.0;
    for (const auto& prompt : prompts) {
      h3_group<double>(shape, layout, n, pair_weights.data(), lags.data(), prompt.values.data(), 1.0, loss,
                       &accumulator, 1.0, scratch);
    }
    pair_sum.resize(pair_weights.size());
    lag_sum.resize(lags.size());
    accumulator.lane_sums(pair_sum.data(), lag_sum.data());
  };
  std::vector<double> first, first_lags, second, second_lags;
  run_batch(first, first_lags);
  double loss = 0.0;  // a group left waiting and a stale T: reset() must drop both
  h3_group<double>(shape, layout, n, pair_weights.data(), lags.data(), prompts[0].values.data(), 1.0, loss,
                   &accumulator, 1.0, scratch);
  accumulator.reset();
  run_batch(second, second_lags);
  EXPECT_EQ(first, second);
  EXPECT_EQ(first_lags, second_lags);
  EXPECT_NE(first[0], 0.0);
}

// Odd part of yhat in the labels: (yhat(y) - yhat(-y)) / 2 = x^T W_eff X^T (omega ⊙ y) for ANY weights —
// the read-out is exactly the label-linear part of the model, the rest being even in y.
TEST(Readout, EffectiveWeightsAreTheLabelLinearPart) {
  const int d = 3, n = 6;
  const PromptLayout layout{d, n};
  std::mt19937_64 rng(13);
  const H3Shape shape{d, 5, 0};
  const std::vector<double> parameters = random_vector(static_cast<std::size_t>(shape.weight_count()), 0.6, rng);
  const std::vector<double> lags = random_vector(static_cast<std::size_t>(n + 1), 1.0, rng);
  const AttentionShape attention{d, d + 1};
  const std::vector<double> attention_parameters =
      random_vector(static_cast<std::size_t>(attention.parameter_count()), 0.6, rng);
  const std::vector<double> h3_w = h3_effective_weights(shape, parameters.data());
  const std::vector<double> attention_w = attention_effective_weights(attention, attention_parameters.data());
  const std::vector<double> omega = h3_sample_weights(lags.data(), n);
  const auto attention_prediction = [&](const PromptGroup<double>& prompt) {
    return query_prediction(
        [&](const PromptGroup<double>& q) {
          return attention_query_loss(attention, layout, n, attention_parameters, {q}, nullptr);
        },
        layout, prompt);
  };
  const auto reduced = [&](const PromptGroup<double>& prompt, const std::vector<double>& w, bool weighted) {
    double sum = 0.0;
    for (int t = 0; t < n; ++t) {
      double x_w_x = 0.0;
      for (int i = 0; i < d; ++i) {
        for (int j = 0; j < d; ++j) {
          x_w_x += *prompt.slot(layout.query_slot(i)) * w[i * d + j] * *prompt.slot(layout.slot(t, j));
        }
      }
      sum += (weighted ? omega[t] : 1.0) * x_w_x * *prompt.slot(layout.slot(t, d));
    }
    return sum;
  };
  for (int trial = 0; trial < 5; ++trial) {
    const PromptGroup<double> prompt = random_prompt(layout, rng);
    PromptGroup<double> flipped = prompt;
    for (int t = 0; t < n; ++t) at(flipped, layout.slot(t, d)) *= -1.0;
    const double h3_odd = (h3_prediction(shape, layout, n, parameters, lags, prompt) -
                           h3_prediction(shape, layout, n, parameters, lags, flipped)) /
                          2.0;
    EXPECT_NEAR(h3_odd, reduced(prompt, h3_w, true), 1e-11);
    const double attention_odd = (attention_prediction(prompt) - attention_prediction(flipped)) / 2.0;
    EXPECT_NEAR(attention_odd, reduced(prompt, attention_w, false), 1e-11);
  }
}

TEST(Readout, AttentionConstructionGivesW) {
  const int d = 4;
  const AttentionShape shape{d, d + 1};
  const int width = shape.width();
  std::mt19937_64 rng(17);
  const std::vector<double> w = random_vector(static_cast<std::size_t>(d * d), 1.0, rng);
  std::vector<double> parameters(static_cast<std::size_t>(shape.parameter_count()), 0.0);
  for (int i = 0; i < d; ++i) {
    for (int j = 0; j < d; ++j)
      parameters[static_cast<std::size_t>(shape.query_offset() + i * width + j)] = w[i * d + j];
  }
  for (int i = 0; i < width; ++i) parameters[static_cast<std::size_t>(shape.key_offset() + i * width + i)] = 1.0;
  parameters[static_cast<std::size_t>(shape.value_offset() + d)] = 1.0;
  const std::vector<double> w_eff = attention_effective_weights(shape, parameters.data());
  for (std::size_t e = 0; e < w.size(); ++e) EXPECT_EQ(w_eff[e], w[e]);
  // Float parameters, as the engine stores them.
  const std::vector<float> float_parameters(parameters.begin(), parameters.end());
  const std::vector<float> float_w_eff = attention_effective_weights(shape, float_parameters.data());
  for (std::size_t e = 0; e < w.size(); ++e) EXPECT_EQ(float_w_eff[e], static_cast<float>(w[e]));
}

}  // namespace
}  // namespace icl
