// The online (all-positions) objective of paper-spec §3.4 for H3, with the positions, lags and loss of
// arch/attention/attention_online.hpp.
//
// H3 (weights as H3Shape: W_q, W_k, W_v in R^{D x m}; free lag weights f_0..f_n, the model with context n):
//   yhat_j = q_j . h_j,  h_j = f_0 (k~_j ⊙ v~_j) + sum_{j'>j} f_{j'-j} (k_j' ⊙ v_j'),
// with q_j, k~_j, v~_j from the masked token z~_j and k_j', v_j' from the full earlier tokens. This is the
// plain per-token form (not h3_group's pair form): every token is projected once, then the lag sums run over
// all pairs. With psi_j' = k_j' ⊙ v_j', lambda_j' = sum_{j<j'} f_{j'-j} g_j q_j and mu_j = f_0 g_j q_j:
//   dW_q = sum_j g_j z~_j h_j^T,
//   dW_k = sum_j' z_j' (lambda_j' ⊙ v_j')^T + z~_j' (mu_j' ⊙ v~_j')^T,
//   dW_v = sum_j' z_j' (lambda_j' ⊙ k_j')^T + z~_j' (mu_j' ⊙ k~_j')^T,
//   df_l = sum_j g_j q_j . psi_{j+l} (l >= 1),   df_0 = sum_j g_j q_j . (k~_j ⊙ v~_j).
// Cost per prompt (multiply-adds): forward, projections about 3(n+1)Dm plus lag sums n(n+1)m/2; the gradient
// adds about 5(n+1)Dm (dW_q, dW_k, dW_v) plus n(n+1)m (lambda and the lag gradient). So O(nDm + n^2 m): at
// d = 10, m = 11, n = 40 about 24 000 forward and 67 000 with the gradient (attention above: ~25 000). Quadratic
// in n on purpose: the online objective is for small demonstration configurations (d <= 10, n <= 40).
#pragma once

#include <cstddef>
#include <vector>

#include "arch/h3/h3.hpp"
#include "lanes.hpp"
#include "prompt.hpp"

namespace icl {

/** Temporaries of h3_online_group, one entry per lane value; allocated once for layout.max_n. */
template <class V>
struct H3OnlineScratch {
  H3OnlineScratch(const H3Shape& shape, const PromptLayout& layout)
      : query(per_token(shape, layout)),
        key(per_token(shape, layout)),
        value(per_token(shape, layout)),
        masked_key(per_token(shape, layout)),
        masked_value(per_token(shape, layout)),
        product(per_token(shape, layout)),
        mixed(static_cast<std::size_t>(shape.channels)) {}
  static std::size_t per_token(const H3Shape& shape, const PromptLayout& layout) {
    return static_cast<std::size_t>((layout.max_n + 1) * shape.channels);
  }
  std::vector<V> query;         // (n + 1) x m: q_j, then g_j q_j
  std::vector<V> key;           // k_j of the full token (j >= 1)
  std::vector<V> value;         // v_j of the full token (j >= 1)
  std::vector<V> masked_key;    // k~_j (label masked)
  std::vector<V> masked_value;  // v~_j
  std::vector<V> product;       // psi_j = k_j ⊙ v_j (j >= 1)
  std::vector<V> mixed;         // h_j in the forward pass, lambda_j in the backward pass
};

/**
 * Runs one group of prompts (lanes) through H3 (free lag weights) under the online objective, context n.
 *   weights:         [W_q, W_k, W_v] (H3Shape offsets, D x m each), broadcast to lane values
 *   lags:            f_0 .. f_n, broadcast to lane values
 *   data, lane_mask, loss_sum, grad_scale, position_loss: as attention_online_group
 *   weight_gradient: if non-null, += d/d[W_q, W_k, W_v] (weight_count entries; the label row of W_q stays 0)
 *   lag_gradient:    if non-null, += d/d f_0 .. f_n (n + 1 entries); chain it through filter.backward
 */
template <class V, class T = typename LaneTraits<V>::Scalar>
void h3_online_group(const H3Shape& shape, const PromptLayout& layout, int n, const V* weights, const V* lags,
                     const T* data, const V& lane_mask, V& loss_sum, V* weight_gradient, V* lag_gradient,
                     const V& grad_scale, H3OnlineScratch<V>& scratch, V* position_loss = nullptr) {
  using Traits = LaneTraits<V>;
  const int m = shape.channels;
  const int d = shape.d;
  const std::size_t lanes = Traits::width;
  const V* w_q = weights + shape.query_offset();
  const V* w_k = weights + shape.key_offset();
  const V* w_v = weights + shape.value_offset();
  V* queries = scratch.query.data();
  V* keys = scratch.key.data();
  V* values = scratch.value.data();
  V* masked_keys = scratch.masked_key.data();
  V* masked_values = scratch.masked_value.data();
  V* products = scratch.product.data();
  V* mixed = scratch.mixed.data();
  const auto value_at = [&](int slot) { return Traits::load(data + static_cast<std::size_t>(slot) * lanes); };
  const auto row_of = [&](int j) { return j == 0 ? layout.query_slot(0) : layout.slot(j - 1, 0); };
  const auto at = [m](V* base, int j) { return base + static_cast<std::ptrdiff_t>(j) * m; };
  const V inverse_positions = V(static_cast<T>(1) / static_cast<T>(n + 1));
  const V scale = grad_scale * lane_mask * inverse_positions;
  const bool backward = weight_gradient != nullptr || lag_gradient != nullptr;

  // Project every token once: q, k~, v~ from the masked token; k = k~ + y W_k[d, :], v likewise.
  for (int j = 0; j <= n; ++j) {
    const int row = row_of(j);
    V* q = at(queries, j);
    V* masked_k = at(masked_keys, j);
    V* masked_v = at(masked_values, j);
    for (int c = 0; c < m; ++c) {
      q[c] = V(0);
      masked_k[c] = V(0);
      masked_v[c] = V(0);
    }
    for (int i = 0; i < d; ++i) {
      const V x_i = value_at(row + i);
      for (int c = 0; c < m; ++c) {
        q[c] = q[c] + w_q[i * m + c] * x_i;
        masked_k[c] = masked_k[c] + w_k[i * m + c] * x_i;
        masked_v[c] = masked_v[c] + w_v[i * m + c] * x_i;
      }
    }
    if (j > 0) {  // the query is never an earlier token: its full key and value are not needed
      const V y = value_at(row + d);
      V* k = at(keys, j);
      V* v = at(values, j);
      V* psi = at(products, j);
      for (int c = 0; c < m; ++c) {
        k[c] = masked_k[c] + y * w_k[d * m + c];
        v[c] = masked_v[c] + y * w_v[d * m + c];
        psi[c] = k[c] * v[c];
      }
    }
  }

  // Forward in time: h_j = f_0 (k~_j ⊙ v~_j) + sum_{j' > j} f_{j'-j} psi_j', yhat_j = q_j . h_j.
  V squared_sum = V(0);
  for (int j = n; j >= 0; --j) {
    const int row = row_of(j);
    const V* masked_k = at(masked_keys, j);
    const V* masked_v = at(masked_values, j);
    for (int c = 0; c < m; ++c) mixed[c] = lags[0] * (masked_k[c] * masked_v[c]);
    for (int earlier = j + 1; earlier <= n; ++earlier) {
      const V f = lags[earlier - j];
      const V* psi = at(products, earlier);
      for (int c = 0; c < m; ++c) mixed[c] = mixed[c] + f * psi[c];
    }
    V* q = at(queries, j);
    V prediction = V(0);
    for (int c = 0; c < m; ++c) prediction = prediction + q[c] * mixed[c];
    const V residual = prediction - value_at(row + d);
    squared_sum = squared_sum + residual * residual;
    if (position_loss != nullptr) position_loss[n - j] = position_loss[n - j] + lane_mask * residual * residual;
    if (backward) {
      const V g = residual * scale;
      if (weight_gradient != nullptr) {  // dW_q += g z~ h^T
        V* grad_q = weight_gradient + shape.query_offset();
        for (int i = 0; i < d; ++i) {
          const V scaled = g * value_at(row + i);
          for (int c = 0; c < m; ++c) grad_q[i * m + c] = grad_q[i * m + c] + scaled * mixed[c];
        }
      }
      for (int c = 0; c < m; ++c) q[c] = g * q[c];
    }
  }
  loss_sum = loss_sum + lane_mask * squared_sum * inverse_positions;
  if (!backward) return;

  // Backward: for every token j' the gradient of its psi, lambda = sum_{j < j'} f_{j'-j} g_j q_j, and of its
  // self term, mu = f_0 g_j' q_j'; the lag gradient pairs g_j q_j with psi_j'.
  V* grad_k = weight_gradient != nullptr ? weight_gradient + shape.key_offset() : nullptr;
  V* grad_v = weight_gradient != nullptr ? weight_gradient + shape.value_offset() : nullptr;
  for (int token = 0; token <= n; ++token) {
    const V* scaled_q = at(queries, token);  // g q of this position
    const V* masked_k = at(masked_keys, token);
    const V* masked_v = at(masked_values, token);
    if (lag_gradient != nullptr) {
      V self = V(0);
      for (int c = 0; c < m; ++c) self = self + scaled_q[c] * (masked_k[c] * masked_v[c]);
      lag_gradient[0] = lag_gradient[0] + self;
    }
    for (int c = 0; c < m; ++c) mixed[c] = V(0);
    if (token > 0) {
      const V* psi = at(products, token);
      for (int later = 0; later < token; ++later) {
        const V* later_q = at(queries, later);
        const V f = lags[token - later];
        V dot = V(0);
        for (int c = 0; c < m; ++c) {
          mixed[c] = mixed[c] + f * later_q[c];
          dot = dot + later_q[c] * psi[c];
        }
        if (lag_gradient != nullptr) lag_gradient[token - later] = lag_gradient[token - later] + dot;
      }
    }
    if (weight_gradient == nullptr) continue;
    const int row = row_of(token);
    const V f_0 = lags[0];
    if (token > 0) {
      const V* k = at(keys, token);
      const V* v = at(values, token);
      // Rows i < d see both the full token (psi) and the masked one (self term); the label row only psi.
      for (int i = 0; i < d; ++i) {
        const V x_i = value_at(row + i);
        for (int c = 0; c < m; ++c) {
          const V self = f_0 * scaled_q[c];
          grad_k[i * m + c] = grad_k[i * m + c] + x_i * (mixed[c] * v[c] + self * masked_v[c]);
          grad_v[i * m + c] = grad_v[i * m + c] + x_i * (mixed[c] * k[c] + self * masked_k[c]);
        }
      }
      const V y = value_at(row + d);
      for (int c = 0; c < m; ++c) {
        grad_k[d * m + c] = grad_k[d * m + c] + y * (mixed[c] * v[c]);
        grad_v[d * m + c] = grad_v[d * m + c] + y * (mixed[c] * k[c]);
      }
    } else {  // the query: only its self term
      for (int i = 0; i < d; ++i) {
        const V x_i = value_at(row + i);
        for (int c = 0; c < m; ++c) {
          const V self = f_0 * scaled_q[c];
          grad_k[i * m + c] = grad_k[i * m + c] + x_i * (self * masked_v[c]);
          grad_v[i * m + c] = grad_v[i * m + c] + x_i * (self * masked_k[c]);
        }
      }
    }
  }
}

}  // namespace icl
