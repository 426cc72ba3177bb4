// Reading the reduced form yhat ≈ x^T W_eff X^T (omega ⊙ y) off trained weights (paper-spec §2), so that
// a learned model can be charted against the theory's W* and omega* (icl/model_readout.hpp sets them
// side by side). Not a hot path.
#pragma once

#include <vector>

#include "arch/attention/attention.hpp"

namespace icl {

/**
 * Linear attention, parameters [W_q (D x r), W_k (D x r), w_v (D)]: with P = W_q W_k^T,
 * W_eff = P[1:d, 1:d] w_v[D] + P[1:d, D] w_v[1:d]^T. Returns d x d, row-major.
 */
template <class S>
std::vector<S> attention_effective_weights(const AttentionShape& shape, const S* parameters) {
  const int d = shape.d, rank = shape.rank;
  const S* w_q = parameters + shape.query_offset();
  const S* w_k = parameters + shape.key_offset();
  const S* w_v = parameters + shape.value_offset();
  const auto product = [&](int a, int b) {  // P[a][b] = sum_j W_q[a][j] W_k[b][j]
    S sum = S(0);
    for (int j = 0; j < rank; ++j) sum += w_q[a * rank + j] * w_k[b * rank + j];
    return sum;
  };
  std::vector<S> w_eff(static_cast<std::size_t>(d * d));
  for (int a = 0; a < d; ++a) {
    const S to_label = product(a, d);
    for (int b = 0; b < d; ++b) w_eff[static_cast<std::size_t>(a * d + b)] = product(a, b) * w_v[d] + to_label * w_v[b];
  }
  return w_eff;
}

}  // namespace icl
