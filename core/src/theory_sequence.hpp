// Sequences in O(length): the length guard and the positive tridiagonal solver that the drift optimum
// (data/drift/) and the online optimum (theory_online.hpp) share.
#pragma once

#include <string>
#include <vector>

namespace icl::theory {

/** Longest sequence (n for drift, positions for online) the O(length) routines accept (memory guard). */
inline constexpr int kMaxSequenceLength = 1 << 20;

namespace detail {

/** length in [minimum, kMaxSequenceLength], named `name` in the message. */
std::string check_sequence_length(const char* name, int length, int minimum);

// Solves A z = rhs for a symmetric tridiagonal A with off-diagonal entries −b[i] (b[i] >= 0, between i and i+1)
// and row sums s[i] > 0, i.e. a strictly diagonally dominant M-matrix, given rhs >= 0. The diagonal is never
// formed: Gaussian elimination is run on the row sums (s'_{i+1} = s_{i+1} + b_i s'_i / (s'_i + b_i)), so
// every step adds non-negative numbers and the solution has componentwise relative accuracy O(n·ε) however
// close to singular A is (the idea of Alfa, Xue and Ye's accurate M-matrix elimination). rhs becomes z.
void solve_dominant_tridiagonal(const std::vector<double>& b, std::vector<double> s, std::vector<double>& rhs);

}  // namespace detail
}  // namespace icl::theory
