// The moments that define the optimum over W = cI when the context leans towards the query (RAG) or the
// task (alignment): with s = Σ_i (xᵀx_i)·y_i, c* = E[ys]/E[s²] and L* = E[y²] − E[ys]²/E[s²], from the
// exact moment polynomials of paper-spec §3.5–3.6 in μ_k = E[(χ²_d)^k] = d(d+2)…(d+2k−2).
#pragma once

#include <string>

#include "theory.hpp"

namespace icl::theory::detail {

/** μ_1..μ_4 of χ²_d. */
struct ChiMoments {
  double mu1, mu2, mu3, mu4;
};
ChiMoments chi_moments(int d);

/** The three moments that define the optimum over W = cI. */
struct Moments {
  double ys;  // E[y·s]
  double ss;  // E[s²]
  double yy;  // E[y²]
};
/** c* and L* from the moments; c = 0 when E[s²] = 0 (no context to use). Fails when they are not finite. */
Result<ScalarOptimum> optimum_from(const Moments& m);

/** d >= 1, n >= 0 and the noise variance. */
std::string check_common(int d, int n, double noise_variance);
/** a and b finite. */
std::string check_mixing(double a, double b);
/** alpha in [0, 1]. */
std::string check_alpha(double alpha);

/** a⁴μ3 + 2a²b²μ2 + b⁴μ1: E[(xᵀx_i y_i)(xᵀx_j y_j)] for i ≠ j, shared by RAG and alignment's variant B. */
double pair_term(const ChiMoments& mu, double a2, double b2);

/** The κ = α²d + 1 asymptotic form shared by RAG and variant B: d + σ² − κnd/(κn + d + 1 + σ²). */
double kappa_risk(int d, int n, double alpha, double noise_variance);

}  // namespace icl::theory::detail
