#include "data/rag/rag_risk.hpp"

#include <cmath>
#include <string>

#include "data/context_moments.hpp"
#include "theory_checks.hpp"

namespace icl::theory {

using detail::check_alpha;
using detail::check_common;
using detail::check_dimension;
using detail::check_mixing;
using detail::check_noise_variance;
using detail::chi_moments;
using detail::ChiMoments;
using detail::kappa_risk;
using detail::Moments;
using detail::optimum_from;
using detail::pair_term;

Result<ScalarOptimum> rag_optimum(int d, int n, double a, double b, double noise_variance) {
  if (std::string error = check_common(d, n, noise_variance); !error.empty()) {
    return Result<ScalarOptimum>::failure(error);
  }
  if (std::string error = check_mixing(a, b); !error.empty()) return Result<ScalarOptimum>::failure(error);
  const ChiMoments mu = chi_moments(d);
  const double a2 = a * a, b2 = b * b, s2 = noise_variance, dd = d, nn = n;
  // §3.5:
  //   E[ys]  = n (a²μ2 + b²μ1)
  //   E[s²]  = n[a⁴μ3 + a²(b²d + σ² + 5b²)μ2 + b²(b²d + σ² + 2b²)μ1] + n(n−1)[a⁴μ3 + 2a²b²μ2 + b⁴μ1]
  const double single =
      a2 * a2 * mu.mu3 + a2 * (b2 * dd + s2 + 5.0 * b2) * mu.mu2 + b2 * (b2 * dd + s2 + 2.0 * b2) * mu.mu1;
  const Moments moments{nn * (a2 * mu.mu2 + b2 * mu.mu1), nn * single + nn * (nn - 1.0) * pair_term(mu, a2, b2),
                        dd + s2};
  return optimum_from(moments);
}

Result<double> rag_asymptotic_risk(int d, int n, double alpha, double noise_variance) {
  if (std::string error = check_common(d, n, noise_variance); !error.empty()) return Result<double>::failure(error);
  if (std::string error = check_alpha(alpha); !error.empty()) return Result<double>::failure(error);
  return Result<double>::success(kappa_risk(d, n, alpha, noise_variance));
}

Result<double> rag_floor(int d, double a, double b, double noise_variance) {
  if (std::string error = check_dimension(d); !error.empty()) return Result<double>::failure(error);
  if (std::string error = check_mixing(a, b); !error.empty()) return Result<double>::failure(error);
  if (std::string error = check_noise_variance(noise_variance); !error.empty()) return Result<double>::failure(error);
  const ChiMoments mu = chi_moments(d);
  const double a2 = a * a, b2 = b * b;
  const double signal = a2 * mu.mu2 + b2 * mu.mu1;
  const double pair = pair_term(mu, a2, b2);
  const double floor = pair > 0.0 ? d + noise_variance - signal * signal / pair : d + noise_variance;
  if (!std::isfinite(floor)) return Result<double>::failure("the floor is not finite: a, b or d too large");
  return Result<double>::success(floor);
}

}  // namespace icl::theory
