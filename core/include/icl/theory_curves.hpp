// Theory curves for a config: what the charts draw dotted next to the trained models. The first curve
// is the theory of the config's own model (what training should reach); the others are references.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "icl/config.hpp"
#include "icl/result.hpp"

namespace icl {

/**
 * What a curve is to a chart and to fidelity: the exact theory of the config's own model (the first
 * curve, what training is scored against), an exact reference beside it, or an approximation (drawn,
 * never scored).
 */
enum class CurveRole { Model, Reference, Approximation };

struct TheoryCurve {
  std::string name;   // stable machine name, e.g. "pgd_optimum", "rag_asymptotic"
  std::string label;  // for a legend
  std::vector<double> risk;
  std::vector<double> standard_error;  // Monte Carlo curves only; empty for closed forms
  CurveRole role = CurveRole::Reference;
};

/** The role's name in the bindings' JSON: "model", "reference" or "approximation". */
const char* curve_role_name(CurveRole role);

struct TheoryOptions {
  /** Add the Bayes-optimal (posterior mean) reference for IID data, by Monte Carlo. */
  bool bayes_optimal = false;
  int bayes_samples = 20000;
};

/** A theory request: at most this many context lengths, each an integer in [0, kMaxTheoryContext]. */
inline constexpr std::size_t kMaxTheoryLengths = 1024;
inline constexpr int kMaxTheoryContext = 1000000;
/**
 * The Bayes-optimal reference (Monte Carlo, one SVD of an n x d matrix per sample) takes n at most
 * kMaxBayesContext and at most kMaxBayesWork multiply-adds in all, estimated as
 * samples * sum over n of (n d + 2 m^2 + d^2 / 2) m with m = min(n, d) (about 11 s in wasm on the
 * 2-core reference machine; the default 20000 samples at d = 64 and n = 32 would take 12 s).
 */
inline constexpr int kMaxBayesContext = 1024;
inline constexpr double kMaxBayesWork = 3e9;

/** The Monte Carlo work of the Bayes-optimal reference at these n (see kMaxBayesWork). */
double bayes_work(int d, const std::vector<int>& n, int samples);

/**
 * The curves of the config at each n >= 0 (paper-spec §3). Refuses, with a message giving the limit,
 * a request beyond kMaxTheoryLengths, kMaxTheoryContext or the Bayes limits.
 */
Result<std::vector<TheoryCurve>> theory_curves(const Config& config, const std::vector<int>& n,
                                               const TheoryOptions& options = {});

/** The reduced form the config's model should learn at context n: y_hat = x^T W X^T (omega ⊙ y). */
struct OptimalWeights {
  std::vector<double> preconditioner;  // W*, d x d, row-major
  std::vector<double> sample_weights;  // omega*, one per context token, t = 0 the most recent (mean 1)
};

/** W* and omega* of the first theory curve, to set beside a model's read-outs (paper-spec §3). */
Result<OptimalWeights> optimal_weights(const Config& config, int n);

/** Just the first curve: the theory of the config's model at each n. */
Result<std::vector<double>> optimal_risk_curve(const Config& config, const std::vector<int>& n);

}  // namespace icl
