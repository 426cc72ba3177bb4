// Tests for data/rag/rag_risk.hpp and data/alignment/alignment_risk.hpp (paper-spec §3.5 RAG, §3.6 task–feature
// alignment).
#include "data/alignment/alignment_risk.hpp"
#include "data/rag/rag_risk.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "theory_test_support.hpp"

namespace {

using Eigen::VectorXd;
using namespace icl::theory;
using namespace icl::testing_support;

// The printed c* have 6 decimals too (0.030042), so kPrintedTolerance (theory_test_support.hpp) applies to them.

double normalised_b(double alpha) { return std::sqrt(1 - alpha * alpha); }

// ---------------------------------------------------------------------------------------------------------
// §3.9 reference values (d = 20, σ = 0, normalised a = α, b = √(1−α²)).

struct RagReference {
  double alpha;
  int n;
  double risk;
  double c;  // NaN where §3.9 prints no c*
};

const std::vector<RagReference>& rag_references() {
  static const std::vector<RagReference> table = {
      {0.1, 10, 12.729756, 0.030042}, {0.1, 20, 9.344541, kNan},     {0.1, 40, 6.111002, kNan},
      {0.2, 10, 10.767888, kNan},     {0.2, 20, 7.449585, 0.017052}, {0.2, 40, 4.699928, kNan},
      {0.3, 10, 8.552220, kNan},      {0.3, 20, 5.661723, kNan},     {0.3, 40, 3.590011, kNan},
  };
  return table;
}

TEST(TheoryAlignmentReference, RagExact) {
  for (const RagReference& ref : rag_references()) {
    const auto optimum = rag_optimum(20, ref.n, ref.alpha, normalised_b(ref.alpha), 0.0);
    ASSERT_TRUE(optimum.ok()) << optimum.error();
    EXPECT_NEAR(optimum.value().risk, ref.risk, kPrintedTolerance) << "alpha=" << ref.alpha << " n=" << ref.n;
    if (!std::isnan(ref.c)) {
      EXPECT_NEAR(optimum.value().c, ref.c, kPrintedTolerance) << "c*, alpha=" << ref.alpha;
    }
    EXPECT_EQ(optimum.value().target_second_moment, 20.0);
  }
}

TEST(TheoryAlignmentReference, TaskFeatureIsotropicQueryEqualsRag) {
  for (const RagReference& ref : rag_references()) {
    const auto optimum =
        alignment_optimum(20, ref.n, ref.alpha, normalised_b(ref.alpha), 0.0, AlignmentQuery::Isotropic);
    ASSERT_TRUE(optimum.ok()) << optimum.error();
    EXPECT_NEAR(optimum.value().risk, ref.risk, kPrintedTolerance) << "alpha=" << ref.alpha << " n=" << ref.n;
    if (!std::isnan(ref.c)) {
      EXPECT_NEAR(optimum.value().c, ref.c, kPrintedTolerance);
    }
  }
}

TEST(TheoryAlignmentReference, TaskFeatureAlignedQuery) {
  const double b = normalised_b(0.2);
  const std::vector<std::pair<int, double>> table = {{10, 14.761682}, {20, 9.450535}, {40, 5.703463}};
  for (const auto& [n, risk] : table) {
    const auto optimum = alignment_optimum(20, n, 0.2, b, 0.0, AlignmentQuery::Aligned);
    ASSERT_TRUE(optimum.ok()) << optimum.error();
    EXPECT_NEAR(optimum.value().risk, risk, kPrintedTolerance) << "n=" << n;
    EXPECT_NEAR(optimum.value().target_second_moment, 36.8, 1e-12);  // α²μ2 + (1−α²)d
  }
}

// ---------------------------------------------------------------------------------------------------------
// Exact identities.

TEST(TheoryAlignmentIdentities, IsotropicQueryEqualsRagWithoutNoise) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> coefficient(-2.0, 2.0);
  for (int trial = 0; trial < 20; ++trial) {
    const double a = coefficient(rng), b = coefficient(rng);
    for (int d : {1, 3, 20}) {
      for (int n : {1, 4, 50}) {
        const ScalarOptimum rag = rag_optimum(d, n, a, b, 0.0).value();
        const ScalarOptimum tf = alignment_optimum(d, n, a, b, 0.0, AlignmentQuery::Isotropic).value();
        EXPECT_NEAR(rag.risk, tf.risk, 1e-12 * rag.target_second_moment);
        EXPECT_NEAR(rag.c, tf.c, 1e-12 * std::abs(rag.c));
      }
    }
  }
  // With label noise the two models differ (the noise enters E[s²] through xᵀx_i, which differs).
  EXPECT_GT(std::abs(rag_optimum(20, 10, 0.3, normalised_b(0.3), 0.5).value().risk -
                     alignment_optimum(20, 10, 0.3, normalised_b(0.3), 0.5, AlignmentQuery::Isotropic).value().risk),
            1e-3);
}

TEST(TheoryAlignmentIdentities, NoAlignmentIsTheIidModel) {
  // α = 0 in the normalised form is (a, b) = (0, 1): x_i = g_i (and x = g_0 in variant A) is the IID model.
  for (int d : {1, 5, 20}) {
    for (int n : {0, 1, 10, 40}) {
      for (double s2 : {0.0, 0.5}) {
        const double expected = isotropic_risk(d, s2, n);
        EXPECT_NEAR(rag_optimum(d, n, 0.0, 1.0, s2).value().risk, expected, 1e-12 * (d + s2));
        EXPECT_NEAR(alignment_optimum(d, n, 0.0, 1.0, s2, AlignmentQuery::Isotropic).value().risk, expected,
                    1e-12 * (d + s2));
        EXPECT_NEAR(alignment_optimum(d, n, 0.0, 1.0, s2, AlignmentQuery::Aligned).value().risk, expected,
                    1e-12 * (d + s2));
        if (n > 0) {
          EXPECT_NEAR(rag_optimum(d, n, 0.0, 1.0, s2).value().c, 1.0 / (n + d + 1 + s2), 1e-15);
        }
        EXPECT_NEAR(rag_asymptotic_risk(d, n, 0.0, s2).value(), expected, 1e-12 * (d + s2));
        EXPECT_NEAR(alignment_asymptotic_risk(d, n, 0.0, s2, AlignmentQuery::Isotropic).value(), expected,
                    1e-12 * (d + s2));
      }
      // Without noise the scale b of the context features is absorbed by c (c ∝ 1/b²) in RAG and variant B.
      for (double b : {0.3, 2.5}) {
        EXPECT_NEAR(rag_optimum(d, n, 0.0, b, 0.0).value().risk, isotropic_risk(d, 0.0, n), 1e-12 * d);
        EXPECT_NEAR(alignment_optimum(d, n, 0.0, b, 0.0, AlignmentQuery::Isotropic).value().risk,
                    isotropic_risk(d, 0.0, n), 1e-12 * d);
        if (n > 0) {
          EXPECT_NEAR(rag_optimum(d, n, 0.0, b, 0.0).value().c, 1.0 / (b * b * (n + d + 1)), 1e-14);
        }
      }
    }
  }
  // Aligned query, σ = 0, α = 0: its asymptotic form d·d/(n + d) is the IID one at σ = 0 without the "+1".
  EXPECT_NEAR(alignment_asymptotic_risk(20, 10, 0.0, 0.0, AlignmentQuery::Aligned).value(), 400.0 / 30.0, 1e-12);
}

TEST(TheoryAlignmentIdentities, SignsAndDegenerateContexts) {
  // Only a² and b² enter.
  const ScalarOptimum base = rag_optimum(7, 5, 0.4, 0.8, 0.2).value();
  EXPECT_EQ(rag_optimum(7, 5, -0.4, -0.8, 0.2).value().risk, base.risk);
  // No context, or x_i ≡ 0: the predictor is 0 and the risk is E[y²].
  for (AlignmentQuery query : {AlignmentQuery::Isotropic, AlignmentQuery::Aligned}) {
    const ScalarOptimum none = alignment_optimum(7, 0, 0.4, 0.8, 0.2, query).value();
    EXPECT_EQ(none.c, 0.0);
    EXPECT_EQ(none.risk, none.target_second_moment);
  }
  EXPECT_EQ(rag_optimum(7, 0, 0.4, 0.8, 0.2).value().risk, 7.2);
  EXPECT_EQ(rag_optimum(7, 5, 0.0, 0.0, 0.2).value().risk, 7.2);
  EXPECT_EQ(rag_optimum(7, 5, 0.0, 0.0, 0.2).value().c, 0.0);
  const ScalarOptimum silent = alignment_optimum(7, 5, 0.0, 0.0, 0.2, AlignmentQuery::Aligned).value();
  EXPECT_EQ(silent.risk, 0.2);  // x = 0 too, so y = ξ
  EXPECT_EQ(rag_floor(7, 0.0, 0.0, 0.2).value(), 7.2);
}

// ---------------------------------------------------------------------------------------------------------
// §3.5 asymptotics and the floor.

TEST(TheoryAlignmentAsymptotics, KappaFormApproachesExact) {
  // §3.5 relative gaps (asymptotic vs exact): κ=2: 1.5% at d=n=20 and 0.03% at d=n=1000; κ=4: 7% and 0.2%.
  struct Case {
    double kappa;
    int d;
    double low, high;  // bounds on |gap| in %
  };
  for (const Case& c :
       {Case{2, 20, 1.4, 1.6}, Case{2, 1000, 0.0, 0.05}, Case{4, 20, 6.5, 7.5}, Case{4, 1000, 0.0, 0.2}}) {
    const double alpha = std::sqrt((c.kappa - 1) / c.d);  // κ = α²d + 1
    const double exact = rag_optimum(c.d, c.d, alpha, normalised_b(alpha), 0.0).value().risk;
    const double asymptotic = rag_asymptotic_risk(c.d, c.d, alpha, 0.0).value();
    const double gap = 100 * std::abs(asymptotic - exact) / exact;
    EXPECT_GE(gap, c.low) << "kappa=" << c.kappa << " d=" << c.d;
    EXPECT_LE(gap, c.high) << "kappa=" << c.kappa << " d=" << c.d;
    // §3.5: the approximate c = 1/(κn + d + 1 + σ²) is 2–6% from c* at d = 20 and <= 0.12% at d = 1000.
    const double c_exact = rag_optimum(c.d, c.d, alpha, normalised_b(alpha), 0.0).value().c;
    const double c_gap = 100 * std::abs(1.0 / (c.kappa * c.d + c.d + 1) - c_exact) / c_exact;
    if (c.d == 20) {
      EXPECT_GE(c_gap, 2.0);
      EXPECT_LE(c_gap, 6.0);
    } else {
      EXPECT_LE(c_gap, 0.12 + 5e-3);  // §3.5 rounds 0.1202% at κ = 4 down to 0.12%
    }
    // Variant B has the same asymptotic form.
    EXPECT_EQ(alignment_asymptotic_risk(c.d, c.d, alpha, 0.0, AlignmentQuery::Isotropic).value(), asymptotic);
  }
  // The gap shrinks monotonically in d at fixed κ and n/d.
  double previous = std::numeric_limits<double>::infinity();
  for (int d : {10, 40, 160, 640}) {
    const double alpha = std::sqrt(1.0 / d);
    const double exact = rag_optimum(d, d, alpha, normalised_b(alpha), 0.3).value().risk;
    const double gap = std::abs(rag_asymptotic_risk(d, d, alpha, 0.3).value() - exact) / exact;
    EXPECT_LT(gap, previous) << "d=" << d;
    previous = gap;
  }
}

TEST(TheoryAlignmentAsymptotics, AlignedQueryKappaSquared) {
  // §3.6: at κ = 2, n = d = 1000 (σ = 0) the exact and asymptotic L*/E[y²] are 0.2005 and 0.2000.
  const int d = 1000;
  const double alpha = std::sqrt(1.0 / d);
  const ScalarOptimum exact = alignment_optimum(d, d, alpha, normalised_b(alpha), 0.0, AlignmentQuery::Aligned).value();
  const double asymptotic = alignment_asymptotic_risk(d, d, alpha, 0.0, AlignmentQuery::Aligned).value();
  EXPECT_NEAR(exact.risk / exact.target_second_moment, 0.2005, 5e-5);
  EXPECT_NEAR(asymptotic / exact.target_second_moment, 0.2000, 1e-12);
}

TEST(TheoryAlignmentAsymptotics, FiniteDimensionFloor) {
  for (double s2 : {0.0, 0.5}) {
    for (double alpha : {0.0, 0.1, 0.3, 0.6}) {
      const double a = alpha, b = normalised_b(alpha);
      const double floor = rag_floor(20, a, b, s2).value();
      if (alpha == 0.0) {
        EXPECT_NEAR(floor, s2, 1e-12);  // IID: infinitely many examples remove all but the query noise
      } else {
        EXPECT_GT(floor, s2 + 1e-3);  // RAG saturates above σ²
      }
      // The exact risk decreases in n toward the floor.
      double previous = std::numeric_limits<double>::infinity();
      for (int n : {1, 10, 100, 1000, 100000}) {
        const double risk = rag_optimum(20, n, a, b, s2).value().risk;
        EXPECT_LT(risk, previous);
        EXPECT_GT(risk, floor - 1e-12);
        previous = risk;
      }
      EXPECT_NEAR(rag_optimum(20, 2000000000, a, b, s2).value().risk, floor, 1e-6);
    }
  }
  // Unnormalised and general (a, b) use the same formula.
  EXPECT_NEAR(rag_optimum(6, 2000000000, 0.5, 1.0, 0.1).value().risk, rag_floor(6, 0.5, 1.0, 0.1).value(), 1e-6);
  EXPECT_NEAR(rag_optimum(6, 2000000000, 1.0, 0.7, 0.1).value().risk, rag_floor(6, 1.0, 0.7, 0.1).value(), 1e-6);
}

// ---------------------------------------------------------------------------------------------------------
// Monte Carlo: the risk of ŷ = c*·s, s = Σ(xᵀx_i)y_i, on sampled prompts.

enum class Model { Rag, AlignedQuery, IsotropicQuery };

// Sample statistics of (y − c·s)², y·s and s².
struct Simulation {
  Stats error, ys, ss;
};

// The three checks of one model: the risk at c*, and each moment separately. The risk is flat in c at c*,
// so it is insensitive to an error in c*; the moments, recovered from the reported optimum as
// E[ys] = (E[y²] − L*)/c* and E[s²] = E[ys]/c*, are not.
void check(const std::string& name, const Simulation& sim, const ScalarOptimum& optimum) {
  const double ys = (optimum.target_second_moment - optimum.risk) / optimum.c;
  const double ss = ys / optimum.c;
  EXPECT_LT(std::abs(report(name + ", risk at c*", sim.error, optimum.risk)), 3.0);
  EXPECT_LT(std::abs(report(name + ", E[ys]", sim.ys, ys)), 3.0);
  EXPECT_LT(std::abs(report(name + ", E[s^2]", sim.ss, ss)), 3.0);
}

Simulation simulate(Model model, int d, int n, double a, double b, double s2, double c, int prompts,
                    std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  const double noise = std::sqrt(s2);
  auto gaussian = [&](VectorXd& v) {
    for (int k = 0; k < d; ++k) v(k) = normal(rng);
  };
  VectorXd beta(d), x(d), g(d), x_i(d);
  Simulation sim;
  for (int p = 0; p < prompts; ++p) {
    gaussian(beta);
    gaussian(g);
    if (model == Model::AlignedQuery) {
      x = a * beta + b * g;
    } else {
      x = g;  // isotropic query (RAG and variant B)
    }
    double s = 0.0;
    for (int i = 0; i < n; ++i) {
      gaussian(g);
      x_i = (model == Model::Rag ? a * x : a * beta) + b * g;
      s += x.dot(x_i) * (x_i.dot(beta) + noise * normal(rng));
    }
    const double y = x.dot(beta) + noise * normal(rng);
    sim.error.add(std::pow(y - c * s, 2));
    sim.ys.add(y * s);
    sim.ss.add(s * s);
  }
  return sim;
}

TEST(TheoryAlignmentMonteCarlo, RagThreeParameterisations) {
  const int d = 5, n = 6, prompts = 60000;
  struct Case {
    const char* name;
    double a, b, s2;
  };
  const double alpha = 0.5;
  for (const Case& c :
       {Case{"RAG normalised a=.5 b=.866 s2=.5", alpha, normalised_b(alpha), 0.5},
        Case{"RAG unnormalised a=.5 b=1 s2=.5", alpha, 1.0, 0.5}, Case{"RAG general a=1 b=.7 s2=.3", 1.0, 0.7, 0.3}}) {
    const ScalarOptimum optimum = rag_optimum(d, n, c.a, c.b, c.s2).value();
    check(c.name, simulate(Model::Rag, d, n, c.a, c.b, c.s2, optimum.c, prompts, 1234), optimum);
  }
}

TEST(TheoryAlignmentMonteCarlo, TaskFeatureBothQueries) {
  const int d = 5, n = 6, prompts = 60000;
  const double alpha = 0.4, s2 = 0.5;
  const ScalarOptimum b_opt =
      alignment_optimum(d, n, alpha, normalised_b(alpha), s2, AlignmentQuery::Isotropic).value();
  check("alignment B (isotropic query) a=.4 s2=.5",
        simulate(Model::IsotropicQuery, d, n, alpha, normalised_b(alpha), s2, b_opt.c, prompts, 77), b_opt);
  const ScalarOptimum a_opt = alignment_optimum(d, n, alpha, normalised_b(alpha), s2, AlignmentQuery::Aligned).value();
  check("alignment A (aligned query) a=.4 s2=.5",
        simulate(Model::AlignedQuery, d, n, alpha, normalised_b(alpha), s2, a_opt.c, prompts, 78), a_opt);
}

// ---------------------------------------------------------------------------------------------------------
// Validation.

TEST(TheoryAlignmentValidation, DimensionContextAndNoise) {
  const auto iso = AlignmentQuery::Isotropic;
  expect_failure(rag_optimum(0, 5, 0.1, 1.0, 0.0), "d must be >= 1 (got 0)");
  expect_failure(rag_asymptotic_risk(-1, 5, 0.1, 0.0), "d must be >= 1 (got -1)");
  expect_failure(rag_floor(0, 0.1, 1.0, 0.0), "d must be >= 1 (got 0)");
  expect_failure(alignment_optimum(0, 5, 0.1, 1.0, 0.0, iso), "d must be >= 1 (got 0)");
  expect_failure(alignment_asymptotic_risk(0, 5, 0.1, 0.0, iso), "d must be >= 1 (got 0)");
  expect_failure(rag_optimum(5, -1, 0.1, 1.0, 0.0), "n must be >= 0 (got -1)");
  expect_failure(rag_asymptotic_risk(5, -2, 0.1, 0.0), "n must be >= 0 (got -2)");
  expect_failure(alignment_optimum(5, -1, 0.1, 1.0, 0.0, iso), "n must be >= 0 (got -1)");
  expect_failure(alignment_asymptotic_risk(5, -1, 0.1, 0.0, iso), "n must be >= 0 (got -1)");
  for (double bad : {-0.5, kNan, kInf}) {
    expect_failure(rag_optimum(5, 5, 0.1, 1.0, bad), "noise_variance must be finite and >= 0");
    expect_failure(rag_asymptotic_risk(5, 5, 0.1, bad), "noise_variance must be finite and >= 0");
    expect_failure(rag_floor(5, 0.1, 1.0, bad), "noise_variance must be finite and >= 0");
    expect_failure(alignment_optimum(5, 5, 0.1, 1.0, bad, iso), "noise_variance must be finite and >= 0");
    expect_failure(alignment_asymptotic_risk(5, 5, 0.1, bad, iso), "noise_variance must be finite and >= 0");
  }
}

TEST(TheoryAlignmentValidation, MixingCoefficients) {
  for (double bad : {kNan, kInf, -kInf}) {
    expect_failure(rag_optimum(5, 5, bad, 1.0, 0.0), "a must be finite (got ");
    expect_failure(rag_optimum(5, 5, 0.1, bad, 0.0), "b must be finite (got ");
    expect_failure(rag_floor(5, bad, 1.0, 0.0), "a must be finite (got ");
    expect_failure(rag_floor(5, 0.1, bad, 0.0), "b must be finite (got ");
    expect_failure(alignment_optimum(5, 5, bad, 1.0, 0.0, AlignmentQuery::Aligned), "a must be finite (got ");
    expect_failure(alignment_optimum(5, 5, 0.1, bad, 0.0, AlignmentQuery::Aligned), "b must be finite (got ");
  }
  // Finite but so large that the moments overflow.
  expect_failure(rag_optimum(5, 5, 1e100, 1.0, 0.0), "not finite");
  expect_failure(alignment_optimum(5, 5, 1e60, 1.0, 0.0, AlignmentQuery::Aligned), "not finite");
  expect_failure(rag_floor(5, 1e100, 1.0, 0.0), "not finite");
}

TEST(TheoryAlignmentValidation, AlphaAndQuery) {
  for (double bad : {1.5, -0.1, kNan, kInf}) {
    expect_failure(rag_asymptotic_risk(5, 5, bad, 0.0), "alpha must be in [0, 1] (got ");
    expect_failure(alignment_asymptotic_risk(5, 5, bad, 0.0, AlignmentQuery::Aligned), "alpha must be in [0, 1] (got ");
  }
  expect_failure(rag_asymptotic_risk(5, 5, 1.5, 0.0), "alpha must be in [0, 1] (got 1.5)");
  EXPECT_TRUE(rag_asymptotic_risk(5, 5, 1.0, 0.0).ok());
  const auto bogus = static_cast<AlignmentQuery>(7);
  expect_failure(alignment_optimum(5, 5, 0.1, 1.0, 0.0, bogus), "query must be AlignmentQuery::Isotropic or");
  expect_failure(alignment_asymptotic_risk(5, 5, 0.1, 0.0, bogus), "query must be AlignmentQuery::Isotropic or");
  // §3.6 states the aligned-query asymptotic form only for σ = 0.
  expect_failure(alignment_asymptotic_risk(5, 5, 0.1, 0.5, AlignmentQuery::Aligned),
                 "noise_variance must be 0 for the aligned-query (variant A) asymptotic risk");
  EXPECT_TRUE(alignment_asymptotic_risk(5, 5, 0.1, 0.5, AlignmentQuery::Isotropic).ok());
}

}  // namespace
