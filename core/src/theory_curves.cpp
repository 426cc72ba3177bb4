#include "icl/theory_curves.hpp"

#include "icl/theory.hpp"

namespace icl {

Result<std::vector<double>> optimal_risk_curve(const Config& config, const std::vector<int>& n) {
  const std::vector<double> x = config.data.x_spectrum.eigenvalues(config.d);
  const std::vector<double> task = config.data.task_spectrum.eigenvalues(config.d);
  // Both covariances are diagonal, so Sigma = Sigma_x^{1/2} Sigma_beta Sigma_x^{1/2} has the products
  // of their eigenvalues as its own.
  std::vector<double> signal(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) signal[i] = x[i] * task[i];
  std::vector<double> risks;
  for (int length : n) {
    auto risk = theory::optimal_pgd_risk_from_spectrum(signal, config.data.noise_variance, length);
    if (!risk.ok()) return Result<std::vector<double>>::failure(risk.error());
    risks.push_back(risk.value());
  }
  return Result<std::vector<double>>::success(std::move(risks));
}

}  // namespace icl
