// Building blocks of theory_curves.cpp and of every data kind's curves: a curve evaluated at each n,
// the list a request fills (its first failure is its result), and small conversions.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "icl/theory_curves.hpp"

namespace icl {

/** The curve risk_at(n) at every n, a reference; the first failure is the result. */
Result<TheoryCurve> curve(std::string name, std::string label, const std::vector<int>& n,
                          const std::function<Result<double>(int)>& risk_at);

/** An approximation: drawn beside the exact curves, never scored. */
Result<TheoryCurve> approximation(Result<TheoryCurve> c);

/** The curves of a request in order; the first is the model's own. Stops at the first error. */
struct CurveList {
  std::vector<TheoryCurve> curves;
  std::string error;
  void add(Result<TheoryCurve> c);
};

/** The optimum on isotropic IID data with the same d and noise: the alpha = 0 reference of RAG and alignment. */
Result<TheoryCurve> iid_reference_curve(int d, double noise_variance, const std::vector<int>& n);

/** A diagonal matrix from its entries. */
Eigen::MatrixXd diagonal(const std::vector<double>& values);

/** The risk of an optimum (any result type with a `risk` member). */
template <class T>
Result<double> risk_of(const Result<T>& optimum) {
  return optimum.ok() ? Result<double>::success(optimum.value().risk) : Result<double>::failure(optimum.error());
}

/** W* of an optimum and omega* = 1: what fills OptimalWeights for a model that weighs tokens equally. */
OptimalWeights preconditioner_only(const Eigen::MatrixXd& w, int n);
/** W* = c I, omega* = 1. */
OptimalWeights scaled_identity(double c, int d, int n);

}  // namespace icl
