// RAG and task–feature alignment theory (paper-spec §3.5, §3.6). See icl/theory_alignment.hpp.
#include "icl/theory_alignment.hpp"

#include <cmath>
#include <string>

#include "icl/theory_detail.hpp"

namespace icl::theory {
namespace {

using detail::check_context_size;
using detail::check_dimension;
using detail::check_noise_variance;
using detail::format_number;

// μ_k = E[(χ²_d)^k] = d(d+2)…(d+2k−2).
struct ChiMoments {
  double mu1, mu2, mu3, mu4;
};

ChiMoments chi_moments(int d) {
  const double dd = d;
  const double mu1 = dd;
  const double mu2 = mu1 * (dd + 2.0);
  const double mu3 = mu2 * (dd + 4.0);
  return {mu1, mu2, mu3, mu3 * (dd + 6.0)};
}

// The three moments that define the optimum over W = cI.
struct Moments {
  double ys;  // E[y·s]
  double ss;  // E[s²]
  double yy;  // E[y²]
};

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

std::string check_query(AlignmentQuery query) {
  if (query != AlignmentQuery::Isotropic && query != AlignmentQuery::Aligned) {
    return "query must be AlignmentQuery::Isotropic or AlignmentQuery::Aligned (got " +
           std::to_string(static_cast<int>(query)) + ")";
  }
  return {};
}

// The pair-term n(n−1)[a⁴μ3 + 2a²b²μ2 + b⁴μ1] shared by RAG and variant B: E[(xᵀx_i y_i)(xᵀx_j y_j)], i ≠ j.
double pair_term(const ChiMoments& mu, double a2, double b2) {
  return a2 * a2 * mu.mu3 + 2.0 * a2 * b2 * mu.mu2 + b2 * b2 * mu.mu1;
}

// The κ = α²d + 1 asymptotic form shared by RAG and variant B.
double kappa_risk(int d, int n, double alpha, double noise_variance) {
  const double kappa = alpha * alpha * d + 1.0;
  const double kn = kappa * n;
  return d + noise_variance - kn * d / (kn + d + 1.0 + noise_variance);
}

}  // namespace

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
