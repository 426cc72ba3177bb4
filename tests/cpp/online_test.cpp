// The online (all-positions) kernels of paper-spec §3.4: analytic gradients against central finite differences
// (double), the n = 0 and query positions against the query-only kernels, every position against a brute-force
// evaluation of the definition and against the query-only kernels run on that position's explicit prefix,
// H3 with a scalar value and no self term against online attention, the SIMD kernels against their scalar
// twins, and masking.
#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "arch/attention/attention.hpp"
#include "arch/h3/h3.hpp"
#include "arch/attention/attention_online.hpp"
#include "arch/h3/h3_online.hpp"
#include "test_prompts.hpp"

namespace icl {
namespace {

using namespace testing_support;

// The slot of the label of position p (1..n+1, time order): stored token n - p, or the query's target.
int label_slot(const PromptLayout& layout, int n, int p) {
  return p <= n ? layout.slot(n - p, layout.d) : layout.query_slot(layout.d);
}

// ---------------------------------------------------------------------------------------------------
// Runs of the kernels in double, one lane per prompt. Losses are summed over prompts; grad_scale = 2 makes
// the gradient that of the returned sum.
// ---------------------------------------------------------------------------------------------------

double attention_online_loss(const AttentionShape& shape, const PromptLayout& layout, int n,
                             const std::vector<double>& weights, const Prompts& prompts, std::vector<double>* gradient,
                             std::vector<double>* position_loss = nullptr) {
  AttentionOnlineScratch<double> scratch(shape, layout);
  if (gradient != nullptr) gradient->assign(weights.size(), 0.0);
  if (position_loss != nullptr) position_loss->assign(static_cast<std::size_t>(n + 1), 0.0);
  double loss = 0.0;
  for (const auto& prompt : prompts) {
    attention_online_group<double>(shape, layout, n, weights.data(), prompt.values.data(), 1.0, loss,
                                   gradient ? gradient->data() : nullptr, 2.0, scratch,
                                   position_loss ? position_loss->data() : nullptr);
  }
  return loss;
}

// H3 parameters here are [W_q, W_k, W_v, f_0..f_n] (an H3Shape whose filter is the free filter of length n + 1).
double h3_online_loss(const H3Shape& shape, const PromptLayout& layout, int n, const std::vector<double>& parameters,
                      const Prompts& prompts, std::vector<double>* gradient,
                      std::vector<double>* position_loss = nullptr) {
  H3OnlineScratch<double> scratch(shape, layout);
  if (gradient != nullptr) gradient->assign(parameters.size(), 0.0);
  if (position_loss != nullptr) position_loss->assign(static_cast<std::size_t>(n + 1), 0.0);
  double loss = 0.0;
  for (const auto& prompt : prompts) {
    h3_online_group<double>(shape, layout, n, parameters.data(), parameters.data() + shape.filter_offset(),
                            prompt.values.data(), 1.0, loss, gradient ? gradient->data() : nullptr,
                            gradient ? gradient->data() + shape.filter_offset() : nullptr, 2.0, scratch,
                            position_loss ? position_loss->data() : nullptr);
  }
  return loss;
}

// The query-only objective through the existing kernels (test_prompts.hpp), with the same parameter layouts as
// above: H3 with the free filter of length n + 1.
double h3_query_loss(const H3Shape& shape, const PromptLayout& layout, int n, const std::vector<double>& parameters,
                     const Prompts& prompts, std::vector<double>* gradient) {
  return testing_support::h3_query_loss(shape, layout, n, FreeFilter{n}, parameters, prompts, gradient);
}

// The online kernel's predictions, in time order, read off the per-position losses: a position's own label
// is masked, so raising it by 1 changes only that position's residual, by -1, and
// yhat_p = y_p + (l_p(y_p) - l_p(y_p + 1) + 1) / 2.
std::vector<double> online_predictions(const std::function<std::vector<double>(const PromptGroup<double>&)>& losses,
                                       const PromptLayout& layout, int n, const PromptGroup<double>& prompt) {
  const std::vector<double> base = losses(prompt);
  std::vector<double> predictions(static_cast<std::size_t>(n + 1));
  for (int p = 1; p <= n + 1; ++p) {
    PromptGroup<double> bumped = prompt;
    at(bumped, label_slot(layout, n, p)) += 1.0;
    const std::size_t e = static_cast<std::size_t>(p - 1);
    predictions[e] = at(prompt, label_slot(layout, n, p)) + (base[e] - losses(bumped)[e] + 1.0) / 2.0;
  }
  return predictions;
}

// ---------------------------------------------------------------------------------------------------
// Brute force: the prompt laid out in time order, every prediction computed from its definition.
// ---------------------------------------------------------------------------------------------------

struct Timeline {
  std::vector<std::vector<double>> tokens;  // position p at index p - 1, full [x, y] (the query with its target)
  std::vector<std::vector<double>> masked;  // the same with the label set to 0
};

Timeline timeline(const PromptLayout& layout, int n, const PromptGroup<double>& prompt) {
  Timeline line;
  for (int p = 1; p <= n + 1; ++p) {
    std::vector<double> z(static_cast<std::size_t>(layout.d + 1));
    for (int f = 0; f <= layout.d; ++f)
      z[f] = p <= n ? at(prompt, layout.slot(n - p, f)) : at(prompt, layout.query_slot(f));
    line.tokens.push_back(z);
    z[static_cast<std::size_t>(layout.d)] = 0.0;
    line.masked.push_back(z);
  }
  return line;
}

double column_dot(const double* matrix, int columns, int column, const std::vector<double>& z) {
  double sum = 0.0;
  for (std::size_t i = 0; i < z.size(); ++i) sum += matrix[static_cast<int>(i) * columns + column] * z[i];
  return sum;
}

// yhat_p = sum_{s<p} (q_p . k_s) (w_v . z_s), q_p = W_q^T z~_p, k_s = W_k^T z_s.
std::vector<double> attention_brute_force(const AttentionShape& shape, const std::vector<double>& weights,
                                          const Timeline& line) {
  const int r = shape.rank;
  const double* w_q = weights.data() + shape.query_offset();
  const double* w_k = weights.data() + shape.key_offset();
  const double* w_v = weights.data() + shape.value_offset();
  std::vector<double> predictions;
  for (std::size_t p = 0; p < line.tokens.size(); ++p) {
    double prediction = 0.0;
    for (std::size_t s = 0; s < p; ++s) {
      double score = 0.0, value = 0.0;
      for (int c = 0; c < r; ++c)
        score += column_dot(w_q, r, c, line.masked[p]) * column_dot(w_k, r, c, line.tokens[s]);
      for (int i = 0; i <= shape.d; ++i) value += w_v[i] * line.tokens[s][static_cast<std::size_t>(i)];
      prediction += score * value;
    }
    predictions.push_back(prediction);
  }
  return predictions;
}

// yhat_p = sum_c q_pc (f_0 k~_pc v~_pc + sum_{s<p} f_{p-s} k_sc v_sc).
std::vector<double> h3_brute_force(const H3Shape& shape, const std::vector<double>& parameters, const Timeline& line) {
  const int m = shape.channels;
  const double* w_q = parameters.data() + shape.query_offset();
  const double* w_k = parameters.data() + shape.key_offset();
  const double* w_v = parameters.data() + shape.value_offset();
  const double* f = parameters.data() + shape.filter_offset();
  std::vector<double> predictions;
  for (std::size_t p = 0; p < line.tokens.size(); ++p) {
    double prediction = 0.0;
    for (int c = 0; c < m; ++c) {
      double h = f[0] * column_dot(w_k, m, c, line.masked[p]) * column_dot(w_v, m, c, line.masked[p]);
      for (std::size_t s = 0; s < p; ++s) {
        h += f[p - s] * column_dot(w_k, m, c, line.tokens[s]) * column_dot(w_v, m, c, line.tokens[s]);
      }
      prediction += column_dot(w_q, m, c, line.masked[p]) * h;
    }
    predictions.push_back(prediction);
  }
  return predictions;
}

// The prefix of position p as a query-only prompt with context p - 1: the position's token is the query and
// the token at lag l before it is context token l - 1.
PromptGroup<double> prefix_prompt(const PromptLayout& layout, int n, int p, const PromptGroup<double>& prompt) {
  PromptGroup<double> prefix(layout, 1);
  const Timeline line = timeline(layout, n, prompt);
  for (int f = 0; f <= layout.d; ++f) {
    at(prefix, layout.query_slot(f)) = line.tokens[static_cast<std::size_t>(p - 1)][static_cast<std::size_t>(f)];
    for (int lag = 1; lag < p; ++lag) {
      at(prefix, layout.slot(lag - 1, f)) =
          line.tokens[static_cast<std::size_t>(p - 1 - lag)][static_cast<std::size_t>(f)];
    }
  }
  return prefix;
}

std::vector<double> h3_parameters(const H3Shape& shape, std::mt19937_64& rng) {
  std::vector<double> parameters = random_vector(static_cast<std::size_t>(shape.parameter_count()), 0.5, rng);
  std::normal_distribution<double> normal(0.0, 0.3);
  for (int k = 0; k < shape.filter_parameters; ++k)
    parameters[static_cast<std::size_t>(shape.filter_offset() + k)] = 1.0 + normal(rng);
  return parameters;
}

// ---------------------------------------------------------------------------------------------------
// Gradients
// ---------------------------------------------------------------------------------------------------

TEST(AttentionOnlineGradient, MatchesCentralFiniteDifferences) {
  const PromptLayout layout{3, 6};
  for (int rank : {4, 2, 1}) {  // full rank (D = 4) and low rank
    const AttentionShape shape{3, rank};
    for (int n : {0, 1, 4, 6}) {
      std::mt19937_64 rng(42 + 10 * rank + n);
      const std::vector<double> weights = random_vector(static_cast<std::size_t>(shape.parameter_count()), 0.5, rng);
      const Prompts prompts = random_prompts(layout, 5, rng);
      const auto loss = [&](const std::vector<double>& w, std::vector<double>* gradient) {
        return attention_online_loss(shape, layout, n, w, prompts, gradient);
      };
      EXPECT_LT(worst_relative_error(loss, weights), 1e-7) << "rank " << rank << " n " << n;
      // The label row of W_q never meets a label (every position's own label is masked).
      std::vector<double> gradient;
      loss(weights, &gradient);
      for (int j = 0; j < rank; ++j) EXPECT_EQ(gradient[static_cast<std::size_t>(shape.d * rank + j)], 0.0);
    }
  }
}

TEST(H3OnlineGradient, MatchesCentralFiniteDifferences) {
  const PromptLayout layout{3, 7};
  for (int channels : {4, 2, 6}) {
    for (int n : {0, 1, 5, 7}) {
      const H3Shape shape{3, channels, n + 1};
      std::mt19937_64 rng(7 + 10 * channels + n);
      const std::vector<double> parameters = h3_parameters(shape, rng);
      const Prompts prompts = random_prompts(layout, 4, rng);
      const auto loss = [&](const std::vector<double>& w, std::vector<double>* gradient) {
        return h3_online_loss(shape, layout, n, w, prompts, gradient);
      };
      EXPECT_LT(worst_relative_error(loss, parameters), 1e-7) << "m " << channels << " n " << n;
      std::vector<double> gradient;
      loss(parameters, &gradient);
      for (int c = 0; c < channels; ++c) {
        EXPECT_EQ(gradient[static_cast<std::size_t>(shape.query_offset() + shape.d * channels + c)], 0.0);
      }
    }
  }
}

TEST(H3OnlineGradient, WeightAndLagGradientsAreIndependentOutputs) {
  // Either output may be null; each one alone equals its part of the full run.
  const int n = 5;
  const PromptLayout layout{3, n};
  const H3Shape shape{3, 4, n + 1};
  std::mt19937_64 rng(77);
  const std::vector<double> parameters = h3_parameters(shape, rng);
  const PromptGroup<double> prompt = random_prompt(layout, rng);
  std::vector<double> full;
  const double loss = h3_online_loss(shape, layout, n, parameters, {prompt}, &full);
  H3OnlineScratch<double> scratch(shape, layout);
  std::vector<double> weights_only(static_cast<std::size_t>(shape.weight_count()), 0.0);
  std::vector<double> lags_only(static_cast<std::size_t>(n + 1), 0.0);
  double loss_a = 0.0, loss_b = 0.0;
  h3_online_group<double>(shape, layout, n, parameters.data(), parameters.data() + shape.filter_offset(),
                          prompt.values.data(), 1.0, loss_a, weights_only.data(), nullptr, 2.0, scratch);
  h3_online_group<double>(shape, layout, n, parameters.data(), parameters.data() + shape.filter_offset(),
                          prompt.values.data(), 1.0, loss_b, nullptr, lags_only.data(), 2.0, scratch);
  EXPECT_EQ(loss_a, loss);
  EXPECT_EQ(loss_b, loss);
  for (std::size_t i = 0; i < weights_only.size(); ++i) EXPECT_EQ(weights_only[i], full[i]) << i;
  for (std::size_t k = 0; k < lags_only.size(); ++k) EXPECT_EQ(lags_only[k], full[shape.filter_offset() + k]) << k;
}

// ---------------------------------------------------------------------------------------------------
// Relation to the query-only objective
// ---------------------------------------------------------------------------------------------------

TEST(AttentionOnline, NoContextIsTheQueryOnlyObjective) {
  const PromptLayout layout{4, 3};
  for (int rank : {5, 2}) {
    const AttentionShape shape{4, rank};
    std::mt19937_64 rng(5 + rank);
    const std::vector<double> weights = random_vector(static_cast<std::size_t>(shape.parameter_count()), 0.5, rng);
    const Prompts prompts = random_prompts(layout, 4, rng);
    std::vector<double> online_gradient, query_gradient;
    const double online = attention_online_loss(shape, layout, 0, weights, prompts, &online_gradient);
    const double query = attention_query_loss(shape, layout, 0, weights, prompts, &query_gradient);
    EXPECT_EQ(online, query);
    EXPECT_GT(online, 0.0);
    EXPECT_EQ(online_gradient, query_gradient);
  }
}

TEST(H3Online, NoContextIsTheQueryOnlyObjective) {
  const PromptLayout layout{4, 3};
  for (int channels : {5, 3}) {
    const H3Shape shape{4, channels, 1};
    std::mt19937_64 rng(15 + channels);
    const std::vector<double> parameters = h3_parameters(shape, rng);
    const Prompts prompts = random_prompts(layout, 4, rng);
    std::vector<double> online_gradient, query_gradient;
    const double online = h3_online_loss(shape, layout, 0, parameters, prompts, &online_gradient);
    const double query = h3_query_loss(shape, layout, 0, parameters, prompts, &query_gradient);
    EXPECT_NEAR(online, query, 1e-12 * query);
    double scale = 1.0;
    for (double g : query_gradient) scale = std::max(scale, std::abs(g));
    for (std::size_t i = 0; i < query_gradient.size(); ++i) {
      EXPECT_NEAR(online_gradient[i], query_gradient[i], 1e-12 * scale) << i;
    }
  }
}

// The query position's term of the online loss is the query-only model's: read yhat_{n+1} off the total loss
// at the targets 0 and 1, ((n + 1)(L(0) - L(1)) + 1) / 2, the other positions' terms cancelling.
TEST(AttentionOnline, QueryPositionIsTheQueryOnlyPrediction) {
  const int d = 3;
  const PromptLayout layout{d, 8};
  for (int rank : {4, 2}) {
    const AttentionShape shape{d, rank};
    std::mt19937_64 rng(31 + rank);
    const std::vector<double> weights = random_vector(static_cast<std::size_t>(shape.parameter_count()), 0.4, rng);
    for (int n : {1, 3, 8}) {
      for (int trial = 0; trial < 3; ++trial) {
        const PromptGroup<double> prompt = random_prompt(layout, rng);
        const double online = query_prediction(
            [&](const PromptGroup<double>& q) {
              return attention_online_loss(shape, layout, n, weights, {q}, nullptr);
            },
            layout, prompt);
        const double expected = query_prediction(
            [&](const PromptGroup<double>& q) { return attention_query_loss(shape, layout, n, weights, {q}, nullptr); },
            layout, prompt);
        EXPECT_NEAR((n + 1) * (online - 0.5) + 0.5, expected, 1e-12 * std::max(1.0, std::abs(expected)))
            << "rank " << rank << " n " << n;
      }
    }
  }
}

TEST(H3Online, QueryPositionIsTheQueryOnlyPrediction) {
  const int d = 3;
  const PromptLayout layout{d, 8};
  for (int channels : {4, 6}) {
    for (int n : {1, 3, 8}) {
      const H3Shape shape{d, channels, n + 1};
      std::mt19937_64 rng(41 + channels + n);
      const std::vector<double> parameters = h3_parameters(shape, rng);
      for (int trial = 0; trial < 3; ++trial) {
        const PromptGroup<double> prompt = random_prompt(layout, rng);
        const double online = query_prediction(
            [&](const PromptGroup<double>& q) { return h3_online_loss(shape, layout, n, parameters, {q}, nullptr); },
            layout, prompt);
        const double expected = query_prediction(
            [&](const PromptGroup<double>& q) { return h3_query_loss(shape, layout, n, parameters, {q}, nullptr); },
            layout, prompt);
        EXPECT_NEAR((n + 1) * (online - 0.5) + 0.5, expected, 1e-12 * std::max(1.0, std::abs(expected)))
            << "m " << channels << " n " << n;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Every position
// ---------------------------------------------------------------------------------------------------

TEST(AttentionOnline, MatchesBruteForceDefinition) {
  const int d = 3;
  const PromptLayout layout{d, 9};
  for (int rank : {4, 3, 1}) {
    const AttentionShape shape{d, rank};
    std::mt19937_64 rng(51 + rank);
    const std::vector<double> weights = random_vector(static_cast<std::size_t>(shape.parameter_count()), 0.5, rng);
    for (int n : {0, 1, 6, 9}) {
      const PromptGroup<double> prompt = random_prompt(layout, rng);
      const auto losses = [&](const PromptGroup<double>& q) {
        std::vector<double> position_loss;
        attention_online_loss(shape, layout, n, weights, {q}, nullptr, &position_loss);
        return position_loss;
      };
      const Timeline line = timeline(layout, n, prompt);
      const std::vector<double> expected = attention_brute_force(shape, weights, line);
      const std::vector<double> predictions = online_predictions(losses, layout, n, prompt);
      double mean = 0.0;
      for (int p = 1; p <= n + 1; ++p) {
        const std::size_t e = static_cast<std::size_t>(p - 1);
        EXPECT_NEAR(predictions[e], expected[e], 1e-11 * std::max(1.0, std::abs(expected[e])))
            << "rank " << rank << " n " << n << " p " << p;
        const double residual = expected[e] - line.tokens[e][static_cast<std::size_t>(d)];
        mean += residual * residual / (n + 1);
      }
      EXPECT_EQ(expected[0], 0.0);  // the oldest token has nothing to attend to
      std::vector<double> position_loss;
      const double loss = attention_online_loss(shape, layout, n, weights, {prompt}, nullptr, &position_loss);
      EXPECT_NEAR(loss, mean, 1e-11 * mean);
      double summed = 0.0;
      for (double l : position_loss) summed += l;
      EXPECT_NEAR(loss, summed / (n + 1), 1e-13 * loss);
    }
  }
}

TEST(H3Online, MatchesBruteForceDefinition) {
  const int d = 3;
  const PromptLayout layout{d, 9};
  for (int channels : {4, 2, 7}) {
    for (int n : {0, 1, 6, 9}) {
      const H3Shape shape{d, channels, n + 1};
      std::mt19937_64 rng(61 + channels + n);
      const std::vector<double> parameters = h3_parameters(shape, rng);
      const PromptGroup<double> prompt = random_prompt(layout, rng);
      const auto losses = [&](const PromptGroup<double>& q) {
        std::vector<double> position_loss;
        h3_online_loss(shape, layout, n, parameters, {q}, nullptr, &position_loss);
        return position_loss;
      };
      const Timeline line = timeline(layout, n, prompt);
      const std::vector<double> expected = h3_brute_force(shape, parameters, line);
      const std::vector<double> predictions = online_predictions(losses, layout, n, prompt);
      double mean = 0.0;
      for (int p = 1; p <= n + 1; ++p) {
        const std::size_t e = static_cast<std::size_t>(p - 1);
        EXPECT_NEAR(predictions[e], expected[e], 1e-11 * std::max(1.0, std::abs(expected[e])))
            << "m " << channels << " n " << n << " p " << p;
        const double residual = expected[e] - line.tokens[e][static_cast<std::size_t>(d)];
        mean += residual * residual / (n + 1);
      }
      std::vector<double> position_loss;
      const double loss = h3_online_loss(shape, layout, n, parameters, {prompt}, nullptr, &position_loss);
      EXPECT_NEAR(loss, mean, 1e-11 * mean);
      double summed = 0.0;
      for (double l : position_loss) summed += l;
      EXPECT_NEAR(loss, summed / (n + 1), 1e-13 * loss);
    }
  }
}

// Position p is the query-only model with context p - 1 applied to its own prefix (for H3: lags f_0..f_{p-1}).
TEST(OnlineKernels, EveryPositionIsTheQueryOnlyModelOnItsPrefix) {
  const int d = 3, n = 7;
  const PromptLayout layout{d, n};
  std::mt19937_64 rng(71);
  const AttentionShape attention{d, 2};
  const std::vector<double> weights = random_vector(static_cast<std::size_t>(attention.parameter_count()), 0.5, rng);
  const H3Shape shape{d, 5, n + 1};
  const std::vector<double> parameters = h3_parameters(shape, rng);
  for (int trial = 0; trial < 3; ++trial) {
    const PromptGroup<double> prompt = random_prompt(layout, rng);
    const std::vector<double> attention_online = online_predictions(
        [&](const PromptGroup<double>& q) {
          std::vector<double> position_loss;
          attention_online_loss(attention, layout, n, weights, {q}, nullptr, &position_loss);
          return position_loss;
        },
        layout, n, prompt);
    const std::vector<double> h3_online = online_predictions(
        [&](const PromptGroup<double>& q) {
          std::vector<double> position_loss;
          h3_online_loss(shape, layout, n, parameters, {q}, nullptr, &position_loss);
          return position_loss;
        },
        layout, n, prompt);
    for (int p = 1; p <= n + 1; ++p) {
      const PromptGroup<double> prefix = prefix_prompt(layout, n, p, prompt);
      const int context = p - 1;
      const double attention_expected = query_prediction(
          [&](const PromptGroup<double>& q) {
            return attention_query_loss(attention, layout, context, weights, {q}, nullptr);
          },
          layout, prefix);
      H3Shape prefix_shape = shape;
      prefix_shape.filter_parameters = context + 1;  // the prefix model reads f_0..f_{p-1}
      std::vector<double> prefix_parameters(parameters.begin(),
                                            parameters.begin() + shape.filter_offset() + context + 1);
      const double h3_expected = query_prediction(
          [&](const PromptGroup<double>& q) {
            return h3_query_loss(prefix_shape, layout, context, prefix_parameters, {q}, nullptr);
          },
          layout, prefix);
      const std::size_t e = static_cast<std::size_t>(p - 1);
      EXPECT_NEAR(attention_online[e], attention_expected, 1e-11 * std::max(1.0, std::abs(attention_expected))) << p;
      EXPECT_NEAR(h3_online[e], h3_expected, 1e-11 * std::max(1.0, std::abs(h3_expected))) << p;
    }
  }
}

// With a scalar value broadcast over the channels (W_v = w_v 1^T, m = D) and f = (0, 1, ..., 1), H3 is linear
// attention at every position, so the two online objectives agree, gradients included (dw_v = sum_c dW_v[:, c]).
TEST(H3Online, ScalarValueWithoutSelfTermIsOnlineAttention) {
  const int d = 3, n = 6;
  const AttentionShape attention{d, d + 1};
  const H3Shape shape{d, d + 1, n + 1};
  const int width = shape.width(), m = shape.channels;
  const PromptLayout layout{d, 8};
  std::mt19937_64 rng(23);
  const std::vector<double> weights = random_vector(static_cast<std::size_t>(attention.parameter_count()), 0.5, rng);
  const std::vector<double> parameters = h3_as_linear_attention(shape, attention, weights);
  const Prompts prompts = random_prompts(layout, 4, rng);

  std::vector<double> h3_gradient, attention_gradient;
  const double h3 = h3_online_loss(shape, layout, n, parameters, prompts, &h3_gradient);
  const double linear = attention_online_loss(attention, layout, n, weights, prompts, &attention_gradient);
  EXPECT_NEAR(h3, linear, 1e-12 * linear);
  for (int e = 0; e < width * width; ++e) {
    EXPECT_NEAR(h3_gradient[static_cast<std::size_t>(shape.query_offset() + e)],
                attention_gradient[static_cast<std::size_t>(attention.query_offset() + e)], 1e-12)
        << e;
    EXPECT_NEAR(h3_gradient[static_cast<std::size_t>(shape.key_offset() + e)],
                attention_gradient[static_cast<std::size_t>(attention.key_offset() + e)], 1e-12)
        << e;
  }
  for (int i = 0; i < width; ++i) {
    double summed = 0.0;
    for (int c = 0; c < m; ++c) summed += h3_gradient[static_cast<std::size_t>(shape.value_offset() + i * m + c)];
    EXPECT_NEAR(summed, attention_gradient[static_cast<std::size_t>(attention.value_offset() + i)], 1e-12) << i;
  }
}

// ---------------------------------------------------------------------------------------------------
// SIMD against the scalar twin, and masking
// ---------------------------------------------------------------------------------------------------

struct FloatRun {
  float loss = 0.0f;
  std::vector<float> gradient;       // attention: [W_q, W_k, w_v]; H3: [W_q, W_k, W_v, f_0..f_n]
  std::vector<float> position_loss;  // time order
};

template <class V>
FloatRun run_attention(const AttentionShape& shape, const PromptLayout& layout, int n,
                       const std::vector<float>& weights, const std::vector<PromptGroup<float>>& groups,
                       const std::vector<V>& masks) {
  using Traits = LaneTraits<V>;
  const std::vector<V> lane_weights(weights.begin(), weights.end());
  std::vector<V> gradient(weights.size(), V(0.0f)), position_loss(static_cast<std::size_t>(n + 1), V(0.0f));
  AttentionOnlineScratch<V> scratch(shape, layout);
  V loss(0.0f);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    attention_online_group<V>(shape, layout, n, lane_weights.data(), groups[g].values.data(), masks[g], loss,
                              gradient.data(), V(0.5f), scratch, position_loss.data());
  }
  FloatRun run;
  run.loss = Traits::sum(loss);
  for (const V& value : gradient) run.gradient.push_back(Traits::sum(value));
  for (const V& value : position_loss) run.position_loss.push_back(Traits::sum(value));
  return run;
}

template <class V>
FloatRun run_h3(const H3Shape& shape, const PromptLayout& layout, int n, const std::vector<float>& weights,
                const std::vector<float>& lags, const std::vector<PromptGroup<float>>& groups,
                const std::vector<V>& masks) {
  using Traits = LaneTraits<V>;
  const std::vector<V> lane_weights(weights.begin(), weights.end());
  const std::vector<V> lane_lags(lags.begin(), lags.end());
  std::vector<V> weight_gradient(weights.size(), V(0.0f)), lag_gradient(lags.size(), V(0.0f));
  std::vector<V> position_loss(static_cast<std::size_t>(n + 1), V(0.0f));
  H3OnlineScratch<V> scratch(shape, layout);
  V loss(0.0f);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    h3_online_group<V>(shape, layout, n, lane_weights.data(), lane_lags.data(), groups[g].values.data(), masks[g], loss,
                       weight_gradient.data(), lag_gradient.data(), V(0.5f), scratch, position_loss.data());
  }
  FloatRun run;
  run.loss = Traits::sum(loss);
  for (const V& value : weight_gradient) run.gradient.push_back(Traits::sum(value));
  for (const V& value : lag_gradient) run.gradient.push_back(Traits::sum(value));
  for (const V& value : position_loss) run.position_loss.push_back(Traits::sum(value));
  return run;
}

// Lane by lane the SIMD kernel does the scalar twin's arithmetic; only the order of the sums over prompts
// differs. Gradients and per-position losses are compared relative to their largest entry (sums over prompts
// cancel heavily, as in h3_test).
void expect_same_run(const FloatRun& simd, const FloatRun& scalar) {
  EXPECT_NEAR(simd.loss, scalar.loss, 1e-5f * scalar.loss);
  const auto compare = [](const std::vector<float>& a, const std::vector<float>& b, const char* what) {
    ASSERT_EQ(a.size(), b.size());
    float scale = 1.0f;
    for (float value : b) scale = std::max(scale, std::abs(value));
    for (std::size_t i = 0; i < b.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-5f * scale) << what << " " << i;
  };
  compare(simd.gradient, scalar.gradient, "gradient");
  compare(simd.position_loss, scalar.position_loss, "position loss");
}

TEST(OnlineKernels, SimdMatchesScalarTwin) {
  constexpr std::size_t lanes = LaneTraits<FloatBatch>::width;
  for (const auto& [d, max_n, n] : {std::tuple<int, int, int>{6, 12, 9}, std::tuple<int, int, int>{10, 40, 40}}) {
    const PromptLayout layout{d, max_n};
    std::mt19937_64 rng(3 + d);
    std::normal_distribution<float> normal(0.0f, 0.3f);
    std::vector<PromptGroup<float>> simd_groups, scalar_groups;
    for (int g = 0; g < 3; ++g) {
      simd_groups.push_back(random_float_group(layout, lanes, rng));
      for (std::size_t lane = 0; lane < lanes; ++lane) scalar_groups.push_back(lane_of(simd_groups.back(), lane));
    }
    const std::vector<FloatBatch> simd_masks(simd_groups.size(), FloatBatch(1.0f));
    const std::vector<float> scalar_masks(scalar_groups.size(), 1.0f);

    for (const int rank : {d + 1, 3}) {
      const AttentionShape shape{d, rank};
      std::vector<float> weights(static_cast<std::size_t>(shape.parameter_count()));
      for (float& w : weights) w = normal(rng);
      SCOPED_TRACE("attention d " + std::to_string(d) + " rank " + std::to_string(rank));
      expect_same_run(run_attention<FloatBatch>(shape, layout, n, weights, simd_groups, simd_masks),
                      run_attention<float>(shape, layout, n, weights, scalar_groups, scalar_masks));
    }
    const H3Shape shape{d};
    std::vector<float> weights(static_cast<std::size_t>(shape.weight_count()));
    for (float& w : weights) w = normal(rng);
    std::vector<float> lags(static_cast<std::size_t>(n + 1));
    for (float& f : lags) f = 1.0f + normal(rng);
    SCOPED_TRACE("h3 d " + std::to_string(d));
    expect_same_run(run_h3<FloatBatch>(shape, layout, n, weights, lags, simd_groups, simd_masks),
                    run_h3<float>(shape, layout, n, weights, lags, scalar_groups, scalar_masks));
  }
}

TEST(OnlineKernels, MaskedLanesContributeNothing) {
  // Double, one lane: a zero mask leaves the loss, every gradient and the per-position losses exactly zero.
  const int d = 3, n = 5;
  const PromptLayout layout{d, 5};
  std::mt19937_64 rng(11);
  const PromptGroup<double> prompt = random_prompt(layout, rng);
  {
    const AttentionShape shape{d, 2};
    const std::vector<double> weights = random_vector(static_cast<std::size_t>(shape.parameter_count()), 0.5, rng);
    AttentionOnlineScratch<double> scratch(shape, layout);
    std::vector<double> gradient(weights.size(), 0.0), position_loss(n + 1, 0.0);
    double loss = 0.0;
    attention_online_group<double>(shape, layout, n, weights.data(), prompt.values.data(), 0.0, loss, gradient.data(),
                                   1.0, scratch, position_loss.data());
    EXPECT_EQ(loss, 0.0);
    for (double g : gradient) EXPECT_EQ(g, 0.0);
    for (double l : position_loss) EXPECT_EQ(l, 0.0);
  }
  {
    const H3Shape shape{d, 4, n + 1};
    const std::vector<double> parameters = h3_parameters(shape, rng);
    H3OnlineScratch<double> scratch(shape, layout);
    std::vector<double> weight_gradient(static_cast<std::size_t>(shape.weight_count()), 0.0), lag_gradient(n + 1, 0.0);
    std::vector<double> position_loss(n + 1, 0.0);
    double loss = 0.0;
    h3_online_group<double>(shape, layout, n, parameters.data(), parameters.data() + shape.filter_offset(),
                            prompt.values.data(), 0.0, loss, weight_gradient.data(), lag_gradient.data(), 1.0, scratch,
                            position_loss.data());
    EXPECT_EQ(loss, 0.0);
    for (double g : weight_gradient) EXPECT_EQ(g, 0.0);
    for (double g : lag_gradient) EXPECT_EQ(g, 0.0);
    for (double l : position_loss) EXPECT_EQ(l, 0.0);
  }

  // SIMD: padding lanes of a last group give the same result as leaving those prompts out.
  constexpr std::size_t lanes = LaneTraits<FloatBatch>::width;
  if (lanes < 2) GTEST_SKIP() << "no padding lanes with width 1";
  const PromptLayout float_layout{4, 9};
  std::normal_distribution<float> normal(0.0f, 0.3f);
  const PromptGroup<float> group = random_float_group(float_layout, lanes, rng);
  alignas(16) float mask_values[lanes];
  for (std::size_t lane = 0; lane < lanes; ++lane) mask_values[lane] = lane < lanes / 2 ? 1.0f : 0.0f;
  const FloatBatch mask = LaneTraits<FloatBatch>::load(mask_values);
  std::vector<PromptGroup<float>> kept;
  for (std::size_t lane = 0; lane < lanes / 2; ++lane) kept.push_back(lane_of(group, lane));
  const std::vector<float> kept_masks(kept.size(), 1.0f);

  const AttentionShape attention{4, 3};
  std::vector<float> weights(static_cast<std::size_t>(attention.parameter_count()));
  for (float& w : weights) w = normal(rng);
  expect_same_run(run_attention<FloatBatch>(attention, float_layout, 9, weights, {group}, {mask}),
                  run_attention<float>(attention, float_layout, 9, weights, kept, kept_masks));

  const H3Shape shape{4};
  std::vector<float> h3_weights(static_cast<std::size_t>(shape.weight_count()));
  for (float& w : h3_weights) w = normal(rng);
  const std::vector<float> lags(10, 0.9f);
  expect_same_run(run_h3<FloatBatch>(shape, float_layout, 9, h3_weights, lags, {group}, {mask}),
                  run_h3<float>(shape, float_layout, 9, h3_weights, lags, kept, kept_masks));
}

}  // namespace
}  // namespace icl
