#include "theory_sequence.hpp"

#include <limits>

namespace icl::theory::detail {

std::string check_sequence_length(const char* name, int length, int minimum) {
  if (length < minimum || length > kMaxSequenceLength) {
    return std::string(name) + " must be an integer in [" + std::to_string(minimum) + ", " +
           std::to_string(kMaxSequenceLength) + "] (got " + std::to_string(length) + ")";
  }
  return {};
}

void solve_dominant_tridiagonal(const std::vector<double>& b, std::vector<double> s, std::vector<double>& rhs) {
  const std::size_t size = s.size();
  std::vector<double> pivot(size);
  for (std::size_t i = 0; i + 1 < size; ++i) {
    pivot[i] = s[i] + b[i];
    const double ratio = b[i] / pivot[i];
    s[i + 1] += ratio * s[i];
    rhs[i + 1] += ratio * rhs[i];
  }
  pivot[size - 1] = s[size - 1];
  rhs[size - 1] /= pivot[size - 1];
  // The solution can decay geometrically along the back substitution (old tokens, long lags) until it
  // underflows. Once in the subnormal range, a step with ratio > 1/2 would round the smallest subnormal back to
  // itself and leave a spurious plateau of ~1e-317 weights, so results below the normal range become exact 0.
  const double smallest_normal = std::numeric_limits<double>::min();
  for (std::size_t i = size - 1; i-- > 0;) {
    const double value = (rhs[i] + b[i] * rhs[i + 1]) / pivot[i];
    rhs[i] = value < smallest_normal ? 0.0 : value;
  }
}

}  // namespace icl::theory::detail
