// One-layer linear attention (paper-spec §2), full rank (r = D) or low rank (W_q, W_k in R^{D x r}):
//   yhat = z_q^T W_q W_k^T G w_v,   G = sum_{s<=n} z_s z_s^T,   z_q = [x, 0] (the query label is masked),
// where only the last column w_v of W_v reaches the prediction, so only it is stored. The kernel never
// forms G or the n x n attention matrix: G w_v = sum_s z_s (z_s . w_v) costs O(nD), the rest O(D^2).
//
// Gradients (loss = mean_b (yhat_b - y_b)^2, g_b = 2 (yhat_b - y_b) / B, u = W_k^T G w_v, q = W_q^T z_q):
//   dW_q = sum_b g_b z_q u^T,   dW_k = sum_b g_b (G w_v) q^T,   dw_v = sum_b g_b G (W_k q).
#pragma once

#include <cstdint>
#include <vector>

#include "icl/lanes.hpp"
#include "icl/prompt.hpp"

namespace icl {

/** Offsets of the weights inside the flat parameter vector [W_q, W_k, w_v]; W_q and W_k are D x r, row-major. */
struct AttentionShape {
  int d = 0;
  int rank = 0;  // r; d + 1 is full rank
  int width() const { return d + 1; }
  int query_offset() const { return 0; }
  int key_offset() const { return width() * rank; }
  int value_offset() const { return 2 * width() * rank; }
  int parameter_count() const { return 2 * width() * rank + width(); }
};

/** Per-prompt temporaries of the kernel, one entry per lane value; allocated once. */
template <class V>
struct AttentionScratch {
  explicit AttentionScratch(const AttentionShape& shape)
      : gram_value(shape.width()), keyed(shape.rank), query(shape.rank), key_query(shape.width()), z_query(shape.width()) {}
  std::vector<V> gram_value;  // G w_v
  std::vector<V> keyed;       // u = W_k^T G w_v
  std::vector<V> query;       // q = W_q^T z_q
  std::vector<V> key_query;   // W_k q
  std::vector<V> z_query;     // the query features
};

/**
 * Runs one group of prompts (lanes) through a model with context length n.
 *   weights:   the parameters, each broadcast to a lane value (parameter_count entries)
 *   data:      the group's prompt values, lane-interleaved (PromptGroup layout)
 *   lane_mask: 1 for real prompts, 0 for padding lanes of the last group
 *   loss_sum:  += mask * (yhat - y)^2 per lane
 *   gradient:  if non-null, += the formulas above with g_b = grad_scale * mask * (yhat_b - y_b), summed over
 *              lanes; grad_scale = 2 / B gives the gradient of the batch's mean squared error.
 */
template <class V, class T = typename LaneTraits<V>::Scalar>
void attention_group(const AttentionShape& shape, const PromptLayout& layout, int n, const V* weights,
                     const T* data, const V& lane_mask, V& loss_sum, V* gradient, const V& grad_scale,
                     AttentionScratch<V>& scratch) {
  using Traits = LaneTraits<V>;
  const int width = shape.width();
  const int rank = shape.rank;
  const int d = shape.d;
  const std::size_t lanes = Traits::width;
  const V* w_q = weights + shape.query_offset();
  const V* w_k = weights + shape.key_offset();
  const V* w_v = weights + shape.value_offset();
  V* gram_value = scratch.gram_value.data();
  V* keyed = scratch.keyed.data();
  V* query = scratch.query.data();
  V* key_query = scratch.key_query.data();
  V* z_query = scratch.z_query.data();
  const auto value_at = [&](int slot) { return Traits::load(data + static_cast<std::size_t>(slot) * lanes); };

  // G w_v = sum_s z_s (z_s . w_v)
  for (int f = 0; f < width; ++f) gram_value[f] = V(0);
  for (int t = 0; t < n; ++t) {
    const int row = layout.slot(t, 0);
    V projection = V(0);
    for (int f = 0; f < width; ++f) projection = projection + value_at(row + f) * w_v[f];
    for (int f = 0; f < width; ++f) gram_value[f] = gram_value[f] + value_at(row + f) * projection;
  }
  // u = W_k^T (G w_v) and q = W_q^T z_q (the masked label row of W_q does not contribute)
  for (int j = 0; j < rank; ++j) {
    keyed[j] = V(0);
    query[j] = V(0);
  }
  for (int i = 0; i < width; ++i) {
    const V g_i = gram_value[i];
    for (int j = 0; j < rank; ++j) keyed[j] = keyed[j] + w_k[i * rank + j] * g_i;
  }
  for (int i = 0; i < d; ++i) {
    z_query[i] = value_at(layout.query_slot(i));
    for (int j = 0; j < rank; ++j) query[j] = query[j] + w_q[i * rank + j] * z_query[i];
  }
  V prediction = V(0);
  for (int j = 0; j < rank; ++j) prediction = prediction + query[j] * keyed[j];
  const V residual = prediction - value_at(layout.query_slot(d));
  loss_sum = loss_sum + lane_mask * residual * residual;
  if (gradient == nullptr) return;

  const V g = residual * grad_scale * lane_mask;
  V* grad_q = gradient + shape.query_offset();
  V* grad_k = gradient + shape.key_offset();
  V* grad_v = gradient + shape.value_offset();
  for (int i = 0; i < d; ++i) {
    const V scaled = g * z_query[i];
    for (int j = 0; j < rank; ++j) grad_q[i * rank + j] = grad_q[i * rank + j] + scaled * keyed[j];
  }
  for (int i = 0; i < width; ++i) {
    const V scaled = g * gram_value[i];
    V key_query_i = V(0);
    for (int j = 0; j < rank; ++j) {
      grad_k[i * rank + j] = grad_k[i * rank + j] + scaled * query[j];
      key_query_i = key_query_i + w_k[i * rank + j] * query[j];
    }
    key_query[i] = key_query_i;
  }
  // dw_v = g * sum_s z_s (z_s . W_k q)
  for (int t = 0; t < n; ++t) {
    const int row = layout.slot(t, 0);
    V projection = V(0);
    for (int f = 0; f < width; ++f) projection = projection + value_at(row + f) * key_query[f];
    projection = projection * g;
    for (int f = 0; f < width; ++f) grad_v[f] = grad_v[f] + value_at(row + f) * projection;
  }
}

}  // namespace icl
