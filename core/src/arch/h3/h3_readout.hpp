// Reading the reduced form yhat ≈ x^T W_eff X^T (omega ⊙ y) off trained weights (paper-spec §2), so that
// a learned model can be charted against the theory's W* and omega* (icl/model_readout.hpp sets them
// side by side). Not a hot path.
#pragma once

#include <vector>

#include "arch/h3/h3.hpp"

namespace icl {

/**
 * H3: W_eff = sum_c W_q[1:d, c] (W_v[D, c] W_k[1:d, c] + W_k[D, c] W_v[1:d, c])^T, the part of yhat that is
 * linear in the context labels. Returns d x d, row-major.
 */
template <class S>
std::vector<S> h3_effective_weights(const H3Shape& shape, const S* parameters) {
  const int d = shape.d, m = shape.channels;
  const S* w_q = parameters + shape.query_offset();
  const S* w_k = parameters + shape.key_offset();
  const S* w_v = parameters + shape.value_offset();
  std::vector<S> w_eff(static_cast<std::size_t>(d * d), S(0));
  for (int c = 0; c < m; ++c) {
    const S value_label = w_v[d * m + c], key_label = w_k[d * m + c];
    for (int a = 0; a < d; ++a) {
      const S query = w_q[a * m + c];
      for (int b = 0; b < d; ++b) {
        w_eff[static_cast<std::size_t>(a * d + b)] +=
            query * (value_label * w_k[b * m + c] + key_label * w_v[b * m + c]);
      }
    }
  }
  return w_eff;
}

/**
 * H3's weight of each context token from the lag weights f_0..f_n: token t (t = 0 the most recent, at
 * lag t + 1; prompt.hpp) has omega_t = f_{t+1}. In the paper's order (position i = 1..n, oldest first)
 * that is omega_i = f_{n+1-i}.
 */
template <class S>
std::vector<S> h3_sample_weights(const S* lags, int n) {
  std::vector<S> omega(static_cast<std::size_t>(n));
  for (int t = 0; t < n; ++t) omega[static_cast<std::size_t>(t)] = lags[t + 1];
  return omega;
}

}  // namespace icl
