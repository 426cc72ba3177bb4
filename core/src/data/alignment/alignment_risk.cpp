#include "data/alignment/alignment_risk.hpp"

#include <string>

#include "data/context_moments.hpp"
#include "theory_checks.hpp"

namespace icl::theory {
namespace {

std::string check_query(AlignmentQuery query) {
  if (query != AlignmentQuery::Isotropic && query != AlignmentQuery::Aligned) {
    return "query must be AlignmentQuery::Isotropic or AlignmentQuery::Aligned (got " +
           std::to_string(static_cast<int>(query)) + ")";
  }
  return {};
}

}  // namespace

using detail::check_alpha;
using detail::check_common;
using detail::check_mixing;
using detail::chi_moments;
using detail::ChiMoments;
using detail::format_number;
using detail::kappa_risk;
using detail::Moments;
using detail::optimum_from;
using detail::pair_term;

Result<ScalarOptimum> alignment_optimum(int d, int n, double a, double b, double noise_variance, AlignmentQuery query) {
  if (std::string error = check_common(d, n, noise_variance); !error.empty()) {
    return Result<ScalarOptimum>::failure(error);
  }
  if (std::string error = check_mixing(a, b); !error.empty()) return Result<ScalarOptimum>::failure(error);
  if (std::string error = check_query(query); !error.empty()) return Result<ScalarOptimum>::failure(error);
  const ChiMoments mu = chi_moments(d);
  const double a2 = a * a, b2 = b * b, a4 = a2 * a2, b4 = b2 * b2, s2 = noise_variance, dd = d, nn = n;
  if (query == AlignmentQuery::Isotropic) {
    // §3.6 variant B:
    //   E[ys] = n(a²μ2 + b²μ1)
    //   E[s²] = n[a⁴μ3 + a²b²(d+5)μ2 + (a²σ² + b⁴(d+2))μ1 + b²dσ²] + n(n−1)[a⁴μ3 + 2a²b²μ2 + b⁴μ1]
    const double single =
        a4 * mu.mu3 + a2 * b2 * (dd + 5.0) * mu.mu2 + (a2 * s2 + b4 * (dd + 2.0)) * mu.mu1 + b2 * dd * s2;
    return optimum_from(
        {nn * (a2 * mu.mu2 + b2 * mu.mu1), nn * single + nn * (nn - 1.0) * pair_term(mu, a2, b2), dd + s2});
  }
  // §3.6 variant A:
  //   E[ys] = n(a⁴μ3 + 2a²b²μ2 + b⁴μ1)
  //   E[s²] = n[a⁶μ4 + 7a⁴b²μ3 + (a⁴σ² + a²b⁴(d+8))μ2 + (2a²b²σ² + b⁶(d+2))μ1 + b⁴dσ²]
  //           + n(n−1)[a⁶μ4 + 3a⁴b²μ3 + 3a²b⁴μ2 + b⁶μ1]
  //   E[y²] = a²μ2 + b²μ1 + σ²
  const double a6 = a4 * a2, b6 = b4 * b2;
  const double single = a6 * mu.mu4 + 7.0 * a4 * b2 * mu.mu3 + (a4 * s2 + a2 * b4 * (dd + 8.0)) * mu.mu2 +
                        (2.0 * a2 * b2 * s2 + b6 * (dd + 2.0)) * mu.mu1 + b4 * dd * s2;
  const double pair = a6 * mu.mu4 + 3.0 * a4 * b2 * mu.mu3 + 3.0 * a2 * b4 * mu.mu2 + b6 * mu.mu1;
  return optimum_from(
      {nn * pair_term(mu, a2, b2), nn * single + nn * (nn - 1.0) * pair, a2 * mu.mu2 + b2 * mu.mu1 + s2});
}

Result<double> alignment_asymptotic_risk(int d, int n, double alpha, double noise_variance, AlignmentQuery query) {
  if (std::string error = check_common(d, n, noise_variance); !error.empty()) return Result<double>::failure(error);
  if (std::string error = check_alpha(alpha); !error.empty()) return Result<double>::failure(error);
  if (std::string error = check_query(query); !error.empty()) return Result<double>::failure(error);
  if (query == AlignmentQuery::Isotropic) return Result<double>::success(kappa_risk(d, n, alpha, noise_variance));
  if (noise_variance != 0.0) {
    return Result<double>::failure(
        "noise_variance must be 0 for the aligned-query (variant A) asymptotic risk: paper-spec 3.6 states it only "
        "for sigma = 0 (got " +
        format_number(noise_variance) + ")");
  }
  const double dd = d, alpha2 = alpha * alpha;
  const double kappa = alpha2 * dd + 1.0;
  const double second_moment = alpha2 * dd * (dd + 2.0) + (1.0 - alpha2) * dd;  // E[y²] at σ = 0
  return Result<double>::success(second_moment * dd / (kappa * kappa * n + dd));
}

}  // namespace icl::theory
