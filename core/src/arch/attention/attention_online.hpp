// The online (all-positions) objective of paper-spec §3.4 for linear attention.
// One prompt of n context tokens plus the query is
// read in time order as positions p = 1..n+1 (p = 1 is the oldest token, stored token n-1; p = n is stored
// token 0; p = n+1 is the query). Every position predicts its own label from the tokens strictly before it,
// its own token entering with the label masked to 0 (as the query does in the query-only objective), and
// the loss of a prompt is the MEAN over the n+1 positions of (yhat_p - y_p)^2. One set of weights serves
// every position; position n+1 is exactly the query-only model (attention_group, h3_group).
//
// Indexing used inside the kernels. j = 0 is the query and j = t + 1 is stored context token t, so j is the
// lag before the query (prompt.hpp: token t sits at lag t + 1) and position p = n + 1 - j. "Earlier in time"
// means "larger j", and the lag between a later position j and an earlier token j' > j is j' - j.
//
//
// Linear attention (weights as AttentionShape: W_q, W_k in R^{D x r}, w_v in R^D):
//   yhat_j = q_j . u_j,  q_j = W_q^T z~_j,  u_j = W_k^T a_j,  a_j = G_{>j} w_v = sum_{j'>j} z_j' (z_j' . w_v).
// Going forward in time a_j is a running sum, so G is never formed. With g_j = grad_scale * mask *
// (yhat_j - y_j) / (n + 1) and the suffix sum sigma_j' = sum_{j<j'} g_j q_j (positions later than token j'):
//   dW_q = sum_j g_j z~_j u_j^T,
//   dW_k = sum_j g_j a_j q_j^T        = sum_j' z_j' (z_j' . w_v) sigma_j'^T,
//   dw_v = sum_j g_j G_{>j} W_k q_j   = sum_j' z_j' (z_j' . W_k sigma_j').
// Cost per prompt (multiply-adds, D = d + 1): forward (n+1)(d + D + 1) r + 2nD, i.e. about 2(n+1)Dr;
// the gradient adds about (n+1)(d + 2D) r + 2nD, so about 5(n+1)Dr in all (d = 10, r = 11, n = 40: ~25 000).
#pragma once

#include <cstddef>
#include <vector>

#include "arch/attention/attention.hpp"
#include "lanes.hpp"
#include "prompt.hpp"

namespace icl {

/** Temporaries of attention_online_group, one entry per lane value; allocated once for layout.max_n. */
template <class V>
struct AttentionOnlineScratch {
  AttentionOnlineScratch(const AttentionShape& shape, const PromptLayout& layout)
      : prefix_value(static_cast<std::size_t>(shape.width())),
        keyed(static_cast<std::size_t>(shape.rank)),
        key_query(static_cast<std::size_t>(shape.width())),
        suffix_query(static_cast<std::size_t>(shape.rank)),
        scaled_query(static_cast<std::size_t>((layout.max_n + 1) * shape.rank)),
        projection(static_cast<std::size_t>(layout.max_n + 1)) {}
  std::vector<V> prefix_value;  // a = G_{>j} w_v, the earlier tokens' running sum
  std::vector<V> keyed;         // u_j = W_k^T a
  std::vector<V> key_query;     // W_k sigma
  std::vector<V> suffix_query;  // sigma = sum over later positions of g q
  std::vector<V> scaled_query;  // (n + 1) x r: q_j, then g_j q_j
  std::vector<V> projection;    // z_j . w_v per token (entry 0, the query, unused)
};

/**
 * Runs one group of prompts (lanes) through linear attention under the online objective, context length n.
 *   weights:       [W_q, W_k, w_v] (AttentionShape), each broadcast to a lane value
 *   data:          the group's prompt values, lane-interleaved (PromptGroup layout)
 *   lane_mask:     1 for real prompts, 0 for padding lanes of the last group
 *   loss_sum:      += mask * sum_p (yhat_p - y_p)^2 / (n + 1) per lane
 *   gradient:      if non-null (same layout as weights), += the formulas above with
 *                  g_p = grad_scale * mask * (yhat_p - y_p) / (n + 1); grad_scale = 2 / B gives the gradient of
 *                  the batch mean of the per-prompt mean
 *   position_loss: if non-null (n + 1 entries, in time order: entry p - 1 is position p, entry n the query),
 *                  += mask * (yhat_p - y_p)^2 per lane: the per-position risk L_t of paper-spec §3.4 once summed
 *                  over the batch and divided by B
 */
template <class V, class T = typename LaneTraits<V>::Scalar>
void attention_online_group(const AttentionShape& shape, const PromptLayout& layout, int n, const V* weights,
                            const T* data, const V& lane_mask, V& loss_sum, V* gradient, const V& grad_scale,
                            AttentionOnlineScratch<V>& scratch, V* position_loss = nullptr) {
  using Traits = LaneTraits<V>;
  const int width = shape.width();
  const int rank = shape.rank;
  const int d = shape.d;
  const std::size_t lanes = Traits::width;
  const V* w_q = weights + shape.query_offset();
  const V* w_k = weights + shape.key_offset();
  const V* w_v = weights + shape.value_offset();
  V* prefix_value = scratch.prefix_value.data();
  V* keyed = scratch.keyed.data();
  V* key_query = scratch.key_query.data();
  V* suffix_query = scratch.suffix_query.data();
  V* scaled_query = scratch.scaled_query.data();
  V* projection = scratch.projection.data();
  const auto value_at = [&](int slot) { return Traits::load(data + static_cast<std::size_t>(slot) * lanes); };
  const auto row_of = [&](int j) { return j == 0 ? layout.query_slot(0) : layout.slot(j - 1, 0); };
  const V inverse_positions = V(static_cast<T>(1) / static_cast<T>(n + 1));
  const V scale = grad_scale * lane_mask * inverse_positions;  // g_j = scale * residual_j

  V* grad_q = gradient != nullptr ? gradient + shape.query_offset() : nullptr;
  V* grad_k = gradient != nullptr ? gradient + shape.key_offset() : nullptr;
  V* grad_v = gradient != nullptr ? gradient + shape.value_offset() : nullptr;

  // Forward in time: j = n (oldest token) down to 0 (the query).
  for (int f = 0; f < width; ++f) prefix_value[f] = V(0);
  V squared_sum = V(0);
  for (int j = n; j >= 0; --j) {
    const int row = row_of(j);
    // u = W_k^T a and q = W_q^T z~ (the masked label row of W_q does not contribute)
    V* query = scaled_query + static_cast<std::ptrdiff_t>(j) * rank;
    for (int c = 0; c < rank; ++c) {
      keyed[c] = V(0);
      query[c] = V(0);
    }
    for (int i = 0; i < width; ++i) {
      const V a_i = prefix_value[i];
      for (int c = 0; c < rank; ++c) keyed[c] = keyed[c] + w_k[i * rank + c] * a_i;
    }
    for (int i = 0; i < d; ++i) {
      const V x_i = value_at(row + i);
      for (int c = 0; c < rank; ++c) query[c] = query[c] + w_q[i * rank + c] * x_i;
    }
    V prediction = V(0);
    for (int c = 0; c < rank; ++c) prediction = prediction + query[c] * keyed[c];
    const V residual = prediction - value_at(row + d);
    squared_sum = squared_sum + residual * residual;
    if (position_loss != nullptr) position_loss[n - j] = position_loss[n - j] + lane_mask * residual * residual;
    if (gradient != nullptr) {
      const V g = residual * scale;
      for (int i = 0; i < d; ++i) {
        const V scaled = g * value_at(row + i);
        for (int c = 0; c < rank; ++c) grad_q[i * rank + c] = grad_q[i * rank + c] + scaled * keyed[c];
      }
      for (int c = 0; c < rank; ++c) query[c] = g * query[c];
    }
    if (j > 0) {  // the token joins the earlier tokens of every later position: a += z (z . w_v)
      V value = V(0);
      for (int f = 0; f < width; ++f) value = value + value_at(row + f) * w_v[f];
      projection[j] = value;
      for (int f = 0; f < width; ++f) prefix_value[f] = prefix_value[f] + value_at(row + f) * value;
    }
  }
  loss_sum = loss_sum + lane_mask * squared_sum * inverse_positions;
  if (gradient == nullptr) return;

  // Backward in time: j = 0 (the query) up to n, with sigma = sum_{j'' < j} g_j'' q_j'' over the later positions.
  for (int c = 0; c < rank; ++c) suffix_query[c] = V(0);
  for (int j = 0; j <= n; ++j) {
    if (j > 0) {
      const int row = row_of(j);
      const V value = projection[j];
      for (int i = 0; i < width; ++i) {
        const V z_i = value_at(row + i);
        const V scaled = z_i * value;
        V key_query_i = V(0);
        for (int c = 0; c < rank; ++c) {
          grad_k[i * rank + c] = grad_k[i * rank + c] + scaled * suffix_query[c];
          key_query_i = key_query_i + w_k[i * rank + c] * suffix_query[c];
        }
        key_query[i] = key_query_i;
      }
      V dot = V(0);
      for (int i = 0; i < width; ++i) dot = dot + value_at(row + i) * key_query[i];
      for (int i = 0; i < width; ++i) grad_v[i] = grad_v[i] + value_at(row + i) * dot;
    }
    const V* scaled = scaled_query + static_cast<std::ptrdiff_t>(j) * rank;
    for (int c = 0; c < rank; ++c) suffix_query[c] = suffix_query[c] + scaled[c];
  }
}

}  // namespace icl
