// The linear-attention kernel in both forms (product M = W_q W_k^T and factored): analytic gradients through
// the once-per-step chain against central finite differences (double), the two forms against each other, the
// SIMD kernel against its scalar twin, and the exact construction of paper-spec §2 that realises PGD.
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "arch/attention/attention.hpp"
#include "data/iid/iid_data.hpp"
#include "test_prompts.hpp"

namespace icl {
namespace {

using namespace testing_support;

constexpr AttentionForm kForms[] = {AttentionForm::Factored, AttentionForm::Product};

// Through the whole step: kernel weights, the kernel, the once-per-step chain back to [W_q, W_k, w_v].
TEST(AttentionGradient, MatchesCentralFiniteDifferences) {
  for (AttentionForm form : kForms) {
    for (int rank : {4, 2, 1}) {  // full rank (D = 4) and low rank, each in both forms
      const AttentionShape shape{3, rank, form};
      const PromptLayout layout{3, 6};
      const int n = 4;  // fewer tokens than stored, as in a bank
      std::mt19937_64 rng(42);
      const std::vector<double> weights = random_vector(static_cast<std::size_t>(shape.parameter_count()), 0.5, rng);
      const Prompts prompts = random_prompts(layout, 5, rng);

      const auto loss = [&](const std::vector<double>& w, std::vector<double>* gradient) {
        return attention_query_loss(shape, layout, n, w, prompts, gradient);
      };
      EXPECT_LT(worst_relative_error(loss, weights), 1e-7) << "rank " << rank << " product " << shape.product_form();
      // The label row of W_q never meets the (masked) query label, so its gradient is exactly zero.
      std::vector<double> analytic;
      loss(weights, &analytic);
      for (int j = 0; j < rank; ++j) EXPECT_EQ(analytic[static_cast<std::size_t>(shape.d * rank + j)], 0.0);
    }
  }
}

// The two forms are the same function with the same gradient, up to rounding; and the automatic choice
// takes the product form from r = 0.3 d on.
TEST(AttentionForms, AgreeOnLossAndGradient) {
  const int d = 6;
  const PromptLayout layout{d, 9};
  std::mt19937_64 rng(5);
  const Prompts prompts = random_prompts(layout, 3, rng);
  for (int rank : {7, 3, 1}) {
    const AttentionShape factored{d, rank, AttentionForm::Factored}, product{d, rank, AttentionForm::Product};
    const std::vector<double> weights = random_vector(static_cast<std::size_t>(factored.parameter_count()), 0.5, rng);
    std::vector<double> factored_gradient, product_gradient;
    const double factored_loss = attention_query_loss(factored, layout, 8, weights, prompts, &factored_gradient);
    const double product_loss = attention_query_loss(product, layout, 8, weights, prompts, &product_gradient);
    EXPECT_NEAR(product_loss, factored_loss, 1e-12 * factored_loss);
    for (std::size_t e = 0; e < weights.size(); ++e) {
      EXPECT_NEAR(product_gradient[e], factored_gradient[e], 1e-12 * std::max(1.0, std::abs(factored_gradient[e])))
          << e;
    }
    EXPECT_EQ((AttentionShape{d, rank}.product_form()), rank >= 2);
  }
}

TEST(AttentionConstruction, ReproducesPreconditionedGradientDescent) {
  // W_q = [[W, 0], [0, 0]], W_k = I, w_v = e_D gives yhat = x^T W X^T y exactly (paper-spec §2).
  const int d = 4, n = 7;
  const AttentionShape shape{d, d + 1};
  const PromptLayout layout{d, n};
  const int width = shape.width();
  std::mt19937_64 rng(7);
  std::vector<double> weights(static_cast<std::size_t>(shape.parameter_count()), 0.0);
  const std::vector<double> w = random_vector(static_cast<std::size_t>(d * d), 1.0, rng);  // any W, not symmetric
  for (int i = 0; i < d; ++i) {
    for (int j = 0; j < d; ++j) weights[static_cast<std::size_t>(shape.query_offset() + i * width + j)] = w[i * d + j];
  }
  for (int i = 0; i < width; ++i) weights[static_cast<std::size_t>(shape.key_offset() + i * width + i)] = 1.0;
  weights[static_cast<std::size_t>(shape.value_offset() + d)] = 1.0;

  for (int trial = 0; trial < 10; ++trial) {
    PromptGroup<double> prompt = random_prompt(layout, rng);
    // PGD prediction x^T W X^T y.
    std::vector<double> xty(static_cast<std::size_t>(d), 0.0);
    for (int t = 0; t < n; ++t) {
      for (int f = 0; f < d; ++f) xty[f] += *prompt.slot(layout.slot(t, f)) * *prompt.slot(layout.slot(t, d));
    }
    double pgd = 0.0;
    for (int i = 0; i < d; ++i) {
      for (int j = 0; j < d; ++j) pgd += *prompt.slot(layout.query_slot(i)) * w[i * d + j] * xty[j];
    }
    // With the target set to the PGD prediction the attention residual must vanish (in either form).
    *prompt.slot(layout.query_slot(d)) = pgd;
    for (AttentionForm form : kForms) {
      const double loss = attention_query_loss(AttentionShape{d, d + 1, form}, layout, n, weights, {prompt}, nullptr);
      EXPECT_LT(std::sqrt(loss), 1e-10 * std::max(1.0, std::abs(pgd)));
    }
  }
}

// Lane l of the SIMD kernel does exactly the scalar twin's arithmetic on prompt l: equal bits, not just close.
TEST(AttentionKernel, SimdMatchesScalarTwinBitForBit) {
  constexpr std::size_t lanes = LaneTraits<FloatBatch>::width;
  const int d = 6, n = 9;
  const PromptLayout layout{d, 12};
  const IidData data(d, std::vector<double>(d, 1.0), std::vector<double>(d, 1.0), 0.1);
  std::uint64_t keys[lanes];
  for (std::size_t lane = 0; lane < lanes; ++lane) keys[lane] = stream_key(1, Purpose::Test, 0, lane);
  PromptGroup<float> simd_group(layout, lanes);
  GaussianStream<FloatBatch> simd_stream;
  simd_stream.reset(keys);
  data.fill(simd_stream, simd_group);

  for (AttentionForm form : kForms) {
    for (int rank : {3, 7}) {
      const AttentionShape shape{d, rank, form};
      std::mt19937_64 rng(3);
      std::normal_distribution<float> normal(0.0f, 0.3f);
      std::vector<float> factors(static_cast<std::size_t>(shape.parameter_count()));
      for (float& w : factors) w = normal(rng);
      std::vector<float> weights(static_cast<std::size_t>(shape.kernel_weight_count()));
      attention_kernel_weights(shape, factors.data(), weights.data());

      std::vector<FloatBatch> simd_weights, simd_gradient(weights.size(), FloatBatch(0.0f));
      for (float w : weights) simd_weights.emplace_back(w);
      AttentionScratch<FloatBatch> simd_scratch(shape);
      FloatBatch simd_loss(0.0f);
      attention_group<FloatBatch>(shape, layout, n, simd_weights.data(), simd_group.values.data(), FloatBatch(1.0f),
                                  simd_loss, simd_gradient.data(), FloatBatch(0.5f), simd_scratch);
      alignas(16) float loss_lanes[lanes];
      simd_loss.store_unaligned(loss_lanes);

      AttentionScratch<float> scalar_scratch(shape);
      for (std::size_t lane = 0; lane < lanes; ++lane) {
        GaussianStream<float> stream;
        stream.reset(&keys[lane]);
        PromptGroup<float> scalar_group(layout, 1);
        data.fill(stream, scalar_group);
        std::vector<float> scalar_gradient(weights.size(), 0.0f);
        float scalar_loss = 0.0f;
        attention_group<float>(shape, layout, n, weights.data(), scalar_group.values.data(), 1.0f, scalar_loss,
                               scalar_gradient.data(), 0.5f, scalar_scratch);
        EXPECT_EQ(loss_lanes[lane], scalar_loss) << "lane " << lane;
        for (std::size_t i = 0; i < weights.size(); ++i) {
          alignas(16) float gradient_lanes[lanes];
          simd_gradient[i].store_unaligned(gradient_lanes);
          EXPECT_EQ(gradient_lanes[lane], scalar_gradient[i]) << "lane " << lane << " entry " << i << " rank " << rank;
        }
      }
    }
  }
}

TEST(AttentionKernel, MaskedLanesContributeNothing) {
  const int d = 3;
  const PromptLayout layout{d, 5};
  std::mt19937_64 rng(11);
  PromptGroup<double> prompt = random_prompt(layout, rng);
  for (AttentionForm form : kForms) {
    const AttentionShape shape{d, d + 1, form};
    std::vector<double> weights(static_cast<std::size_t>(shape.kernel_weight_count()), 0.2);
    AttentionScratch<double> scratch(shape);
    std::vector<double> gradient(weights.size(), 0.0);
    double loss = 0.0;
    attention_group<double>(shape, layout, 5, weights.data(), prompt.values.data(), 0.0, loss, gradient.data(), 1.0,
                            scratch);
    EXPECT_EQ(loss, 0.0);
    for (double g : gradient) EXPECT_EQ(g, 0.0);
  }
}

}  // namespace
}  // namespace icl
