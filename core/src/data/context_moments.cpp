#include "data/context_moments.hpp"

#include <cmath>

#include "theory_checks.hpp"

namespace icl::theory::detail {

ChiMoments chi_moments(int d) {
  const double dd = d;
  const double mu1 = dd;
  const double mu2 = mu1 * (dd + 2.0);
  const double mu3 = mu2 * (dd + 4.0);
  return {mu1, mu2, mu3, mu3 * (dd + 6.0)};
}

Result<ScalarOptimum> optimum_from(const Moments& m) {
  ScalarOptimum optimum{0.0, m.yy, m.yy};
  if (m.ss > 0.0) {  // E[s²] = 0 means s = 0 almost surely: no context to use
    optimum.c = m.ys / m.ss;
    optimum.risk = m.yy - m.ys * m.ys / m.ss;
  }
  if (!std::isfinite(optimum.c) || !std::isfinite(optimum.risk) || !std::isfinite(m.yy)) {
    return Result<ScalarOptimum>::failure("the moments are not finite: a, b, d, n or noise_variance too large");
  }
  return Result<ScalarOptimum>::success(optimum);
}

std::string check_common(int d, int n, double noise_variance) {
  if (std::string error = check_dimension(d); !error.empty()) return error;
  if (std::string error = check_context_size(n); !error.empty()) return error;
  return check_noise_variance(noise_variance);
}

std::string check_mixing(double a, double b) {
  if (!std::isfinite(a)) return "a must be finite (got " + format_number(a) + ")";
  if (!std::isfinite(b)) return "b must be finite (got " + format_number(b) + ")";
  return {};
}

std::string check_alpha(double alpha) {
  if (!(alpha >= 0.0 && alpha <= 1.0)) return "alpha must be in [0, 1] (got " + format_number(alpha) + ")";
  return {};
}

double pair_term(const ChiMoments& mu, double a2, double b2) {
  return a2 * a2 * mu.mu3 + 2.0 * a2 * b2 * mu.mu2 + b2 * b2 * mu.mu1;
}

double kappa_risk(int d, int n, double alpha, double noise_variance) {
  const double kappa = alpha * alpha * d + 1.0;
  const double kn = kappa * n;
  return d + noise_variance - kn * d / (kn + d + 1.0 + noise_variance);
}

}  // namespace icl::theory::detail
