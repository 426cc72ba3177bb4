// The exact risk of preconditioned GD on label-flip data, for diagonal Sigma_x and Sigma_beta.
//
// With m = 1 - 2p, g = X^T y and y_i = s_i (x_i^T beta + xi_i), E[g | beta] = m n Sigma_x beta and
// E[g g^T] = n (m^2 (n - 1) + 2) Sigma_x Sigma_beta Sigma_x + n (T + sigma^2) Sigma_x, T = tr(Sigma_x Sigma_beta):
// paper-spec §3.1's risk with S1 = m n and S1^2 + S2 replaced by n (m^2 (n - 1) + 2). p = 0 is §3.1.
#pragma once

#include <vector>

#include "icl/result.hpp"

namespace icl::theory {

struct LabelFlipOptimum {
  std::vector<double> w;  // W* = diag(w), the best preconditioner of y_hat = x^T W X^T y
  double risk;            // L* at W*
};

/**
 * The risk of y_hat = x^T diag(w) X^T y with x ~ N(0, diag(x_eigenvalues)), beta ~ N(0,
 * diag(task_eigenvalues)), label noise sigma^2, n context tokens whose labels flip with probability p.
 */
Result<double> label_flip_risk(const std::vector<double>& x_eigenvalues, const std::vector<double>& task_eigenvalues,
                               double noise_variance, int n, double p, const std::vector<double>& w);

/** W* and L* = sigma^2 + T - sum_i m^2 n lambda_i^2 / ((m^2 (n - 1) + 2) lambda_i + T + sigma^2). */
Result<LabelFlipOptimum> label_flip_optimum(const std::vector<double>& x_eigenvalues,
                                            const std::vector<double>& task_eigenvalues, double noise_variance, int n,
                                            double p);

}  // namespace icl::theory
