// Theory curves for a config: what the charts draw dotted next to the trained models. The first curve
// is the theory of the config's own model (what training should reach); the others are references.
#pragma once

#include <string>
#include <vector>

#include "icl/config.hpp"
#include "icl/result.hpp"

namespace icl {

struct TheoryCurve {
  std::string name;   // stable machine name, e.g. "pgd_optimum", "rag_asymptotic"
  std::string label;  // for a legend
  std::vector<double> risk;
  std::vector<double> standard_error;  // Monte Carlo curves only; empty for closed forms
};

struct TheoryOptions {
  /** Add the Bayes-optimal (posterior mean) reference for IID data, by Monte Carlo. */
  bool bayes_optimal = false;
  int bayes_samples = 20000;
};

/** The curves of the config at each n >= 0 (paper-spec §3). */
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
