#include "theory_curve_list.hpp"

#include "theory.hpp"

namespace icl {

Result<TheoryCurve> curve(std::string name, std::string label, const std::vector<int>& n,
                          const std::function<Result<double>(int)>& risk_at) {
  TheoryCurve result{std::move(name), std::move(label), {}, {}, CurveRole::Reference};
  for (int length : n) {
    auto risk = risk_at(length);
    if (!risk.ok()) return Result<TheoryCurve>::failure(result.label + ": " + risk.error());
    result.risk.push_back(risk.value());
  }
  return Result<TheoryCurve>::success(std::move(result));
}

Result<TheoryCurve> approximation(Result<TheoryCurve> c) {
  if (c.ok()) c.value().role = CurveRole::Approximation;
  return c;
}

void CurveList::add(Result<TheoryCurve> c) {
  if (!error.empty()) return;
  if (c.ok()) {
    curves.push_back(std::move(c.value()));
  } else {
    error = c.error();
  }
}

Result<TheoryCurve> iid_reference_curve(int d, double noise_variance, const std::vector<int>& n) {
  return curve("iid_reference", "IID context (alpha = 0)", n, [&](int length) {
    return theory::optimal_pgd_risk_from_spectrum(std::vector<double>(static_cast<std::size_t>(d), 1.0), noise_variance,
                                                  length);
  });
}

Eigen::MatrixXd diagonal(const std::vector<double>& values) {
  return Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size())).asDiagonal();
}

OptimalWeights preconditioner_only(const Eigen::MatrixXd& w, int n) {
  OptimalWeights out{{}, std::vector<double>(static_cast<std::size_t>(n), 1.0)};
  for (Eigen::Index i = 0; i < w.rows(); ++i) {
    for (Eigen::Index j = 0; j < w.cols(); ++j) out.preconditioner.push_back(w(i, j));
  }
  return out;
}

OptimalWeights scaled_identity(double c, int d, int n) {
  return preconditioner_only(c * Eigen::MatrixXd::Identity(d, d), n);
}

}  // namespace icl
