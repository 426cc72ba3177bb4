// One-layer linear attention (paper-spec §2), full rank (r = D) or low rank (W_q, W_k in R^{D x r}):
//   yhat = z_q^T W_q W_k^T G w_v,   G = sum_{s<=n} z_s z_s^T,   z_q = [x, 0] (the query label is masked),
// where only the last column w_v of W_v reaches the prediction, so only it is stored. The kernel never
// forms G or the n x n attention matrix.
//
// How the kernel evaluates it. With a = W_k W_q^T z_q (the query seen through both projections),
//   yhat = a^T G w_v = sum_s (z_s . a)(z_s . w_v),
// so per prompt it needs a (O(Dr) or O(dD), see below) and two projections per token (2nD). The gradient
// (loss = mean_b (yhat_b - y_b)^2, g_b = 2 (yhat_b - y_b) / B) needs G w_v = sum_s z_s (z_s . w_v) and
// G a = sum_s z_s (z_s . a) (another 2nD): dw_v = sum_b g_b G a. For W_q and W_k there are two forms:
//   product form:  the kernel reads M = W_q W_k^T restricted to the d feature rows of W_q (d x D; the label
//                  row meets only the masked query label), formed once per step. Per prompt a = M^T x (dD)
//                  and grad_M += g x (G w_v)^T (dD). Once per step the chain back is
//                  dW_q = grad_M W_k (label row 0), dW_k = grad_M^T W_q (attention_weight_gradient).
//   factored form: the kernel reads W_q and W_k. Per prompt q = W_q^T x (dr), a = W_k q (Dr), and for the
//                  gradient u = W_k^T G w_v (Dr), dW_q += g x u^T (dr), dW_k += g (G w_v) q^T (Dr).
// So besides the tokens the product form costs ~2dD multiply-adds per prompt whatever r, the factored one
// ~(2d + 3D) r. Measured (kernel alone, both forms forced, batch 1024, n = 40 alone and the bank of 12 n
// below) they break even at r ~ 7 natively and r ~ 6 in wasm at d = 20, r ~ 3-4 at d = 10: the factored
// form's small, rank-wide loops run slower per multiply-add than the product's. So the product form is used
// from r = 0.3 d on (AttentionShape::product_form). At r < d / 2 its buffers (D^2 values) are larger than
// the factors (2Dr + D); that is why the engine sizes the lane gradient by the kernel weights.
//
// Per training step (one model, query objective):
//   1. attention_kernel_weights(shape, [W_q, W_k, w_v], kernel weights)  [M, w_v] or the factors unchanged
//   2. broadcast them to lane values, zero the lane gradient (kernel_weight_count entries)
//   3. attention_group<V>(...) for every group of prompts
//   4. sum the lane gradient over lanes, then attention_weight_gradient(...) gives d/d[W_q, W_k, w_v]
// The online objective (attention_online.hpp) reads the factors [W_q, W_k, w_v] directly and skips 1 and 4.
//
// Instruction-level parallelism: a projection z_s . w is a chain of D dependent adds, so the token loop runs
// a block of 4 tokens side by side (in_blocks; blocks of 8 spill registers and measured slower), and the small
// matrix-vector products run blocks of outputs with the inner sum in registers.
// Not done: folding several groups' grad_M outer products at a time (H3Accumulator's kPending) saved only
// ~10% of the kernel natively and ~5% in wasm on the bank, not worth a pending buffer per model.
//
// Measured at d = 20, batch 1024 (tests/bench), ms per training step with the previous kernel (factors
// only, one token at a time) -> this one. A step includes drawing the prompts, once for the whole bank:
// ~2.0 ms natively, ~2.4 ms in wasm.
//                                  native SSE2 g++ -O3     wasm SIMD, Node 20
//   full rank, n = 40                2.49 -> 2.21           3.51 -> 2.80
//   rank 5 (factored), n = 40        2.34 -> 2.19           3.19 -> 2.81
//   bank of 12 n (1 .. 40)           5.88 -> 3.54           10.2 -> 5.44
// The model work alone (step minus draw) of the bank: 3.84 -> 1.55 ms natively, 7.86 -> 3.08 ms in wasm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "lanes.hpp"
#include "prompt.hpp"

namespace icl {

/** How attention_group holds W_q and W_k: as M = W_q W_k^T (product) or as the factors themselves. */
enum class AttentionForm { Automatic, Factored, Product };

/**
 * Offsets of the weights inside the flat parameter vector [W_q, W_k, w_v]; W_q and W_k are D x r, row-major.
 * The kernel's own weights (and the gradient it accumulates) are [M (d x D, row-major), w_v] in the product
 * form and [W_q, W_k, w_v] in the factored form; `kernel_*` describes them.
 */
struct AttentionShape {
  int d = 0;
  int rank = 0;                                   // r; d + 1 is full rank
  AttentionForm form = AttentionForm::Automatic;  // tests force one form; the engine leaves the choice here
  int width() const { return d + 1; }
  int query_offset() const { return 0; }
  int key_offset() const { return width() * rank; }
  int value_offset() const { return 2 * width() * rank; }
  int parameter_count() const { return 2 * width() * rank + width(); }

  /** From r = 0.3 d on, the measured crossover (see the header comment). */
  bool product_form() const {
    if (form != AttentionForm::Automatic) return form == AttentionForm::Product;
    return 10 * rank >= 3 * d;
  }
  int kernel_value_offset() const { return product_form() ? d * width() : value_offset(); }
  int kernel_weight_count() const { return kernel_value_offset() + width(); }
};

// ---------------------------------------------------------------------------------------------------
// Once per step: the kernel's weights from [W_q, W_k, w_v], and the chain back from its gradient.
// Plain scalars (float in the engine, double in the gradient checks).
// ---------------------------------------------------------------------------------------------------

/** kernel_weights (kernel_weight_count) <- [M, w_v] with M = W_q[0:d] W_k^T, or a copy of the factors. */
template <class S>
void attention_kernel_weights(const AttentionShape& shape, const S* weights, S* kernel_weights) {
  const int width = shape.width(), rank = shape.rank;
  if (!shape.product_form()) {
    for (int e = 0; e < shape.parameter_count(); ++e) kernel_weights[e] = weights[e];
    return;
  }
  const S* w_q = weights + shape.query_offset();
  const S* w_k = weights + shape.key_offset();
  for (int i = 0; i < shape.d; ++i) {
    for (int j = 0; j < width; ++j) {
      S sum = S(0);
      for (int c = 0; c < rank; ++c) sum += w_q[i * rank + c] * w_k[j * rank + c];
      kernel_weights[i * width + j] = sum;
    }
  }
  for (int f = 0; f < width; ++f) kernel_weights[shape.kernel_value_offset() + f] = weights[shape.value_offset() + f];
}

/**
 * weight_gradient (parameter_count) <- d loss / d[W_q, W_k, w_v], given the lane-summed kernel gradient
 * (kernel_weight_count) and the weights the kernel weights came from. Product form: dW_q = grad_M W_k on
 * the feature rows (the label row stays 0: the query label is masked), dW_k = grad_M^T W_q[0:d].
 */
template <class S>
void attention_weight_gradient(const AttentionShape& shape, const S* weights, const S* kernel_gradient,
                               S* weight_gradient) {
  const int width = shape.width(), rank = shape.rank, d = shape.d;
  if (!shape.product_form()) {
    for (int e = 0; e < shape.parameter_count(); ++e) weight_gradient[e] = kernel_gradient[e];
    return;
  }
  const S* w_q = weights + shape.query_offset();
  const S* w_k = weights + shape.key_offset();
  S* grad_q = weight_gradient + shape.query_offset();
  S* grad_k = weight_gradient + shape.key_offset();
  for (int i = 0; i < width; ++i) {
    for (int c = 0; c < rank; ++c) {
      S query = S(0), key = S(0);
      if (i < d) {
        for (int j = 0; j < width; ++j) query += kernel_gradient[i * width + j] * w_k[j * rank + c];
      }
      for (int k = 0; k < d; ++k) key += kernel_gradient[k * width + i] * w_q[k * rank + c];
      grad_q[i * rank + c] = query;
      grad_k[i * rank + c] = key;
    }
  }
  const S* grad_v = kernel_gradient + shape.kernel_value_offset();
  for (int f = 0; f < width; ++f) weight_gradient[shape.value_offset() + f] = grad_v[f];
}

// ---------------------------------------------------------------------------------------------------
// The lane kernel.
// ---------------------------------------------------------------------------------------------------

/** Per-prompt temporaries of the kernel, one entry per lane value; allocated once. */
template <class V>
struct AttentionScratch {
  explicit AttentionScratch(const AttentionShape& shape)
      : features(static_cast<std::size_t>(shape.d)),
        query_vector(static_cast<std::size_t>(shape.width())),
        gram_value(query_vector.size()),
        gram_query(query_vector.size()),
        query(static_cast<std::size_t>(shape.rank)),
        keyed(query.size()) {}
  std::vector<V> features;      // x, the query's features
  std::vector<V> query_vector;  // a = M^T x = W_k W_q^T x
  std::vector<V> gram_value;    // G w_v
  std::vector<V> gram_query;    // G a
  std::vector<V> query;         // factored form: q = W_q^T x
  std::vector<V> keyed;         // factored form: u = W_k^T G w_v
};

/**
 * Runs one group of prompts (lanes) through a model with context length n.
 *   weights:   the kernel weights (attention_kernel_weights), each broadcast to a lane value
 *   data:      the group's prompt values, lane-interleaved (PromptGroup layout)
 *   lane_mask: 1 for real prompts, 0 for padding lanes of the last group
 *   loss_sum:  += mask * (yhat - y)^2 per lane
 *   gradient:  if non-null (kernel_weight_count entries), += the kernel gradient of the header comment with
 *              g_b = grad_scale * mask * (yhat_b - y_b); after the batch, sum it over lanes and chain it back
 *              with attention_weight_gradient. grad_scale = 2 / B gives the gradient of the batch's mean
 *              squared error.
 */
template <class V, class T = typename LaneTraits<V>::Scalar>
void attention_group(const AttentionShape& shape, const PromptLayout& layout, int n, const V* weights, const T* data,
                     const V& lane_mask, V& loss_sum, V* gradient, const V& grad_scale, AttentionScratch<V>& scratch) {
  using Traits = LaneTraits<V>;
  const int width = shape.width();
  const int rank = shape.rank;
  const int d = shape.d;
  const bool product = shape.product_form();
  const std::size_t lanes = Traits::width;
  const std::size_t token_stride = static_cast<std::size_t>(width) * lanes;
  const T* tokens = data + static_cast<std::size_t>(layout.slot(0, 0)) * lanes;
  const V* w_q = weights + shape.query_offset();  // factored form
  const V* w_k = weights + shape.key_offset();    // factored form
  const V* w_v = weights + shape.kernel_value_offset();
  V* x = scratch.features.data();
  V* a = scratch.query_vector.data();
  V* gram_value = scratch.gram_value.data();
  V* gram_query = scratch.gram_query.data();
  V* query = scratch.query.data();
  const auto at = [&](const T* p, int k, int f) {  // feature f of token k after p
    return Traits::load(p + static_cast<std::size_t>(k) * token_stride + static_cast<std::size_t>(f) * lanes);
  };
  for (int i = 0; i < d; ++i) x[i] = Traits::load(data + static_cast<std::size_t>(layout.query_slot(i)) * lanes);

  // a = M^T x, or q = W_q^T x and a = W_k q: blocks of outputs, the sum over the inner index in registers.
  if (product) {
    in_blocks<8>(0, width, [&](auto block, int j0) {
      constexpr int K = decltype(block)::value;
      V acc[K];
      for (int k = 0; k < K; ++k) acc[k] = V(0);
      for (int i = 0; i < d; ++i) {
        const V* row = weights + static_cast<std::ptrdiff_t>(i) * width + j0;
        for (int k = 0; k < K; ++k) acc[k] = acc[k] + x[i] * row[k];
      }
      for (int k = 0; k < K; ++k) a[j0 + k] = acc[k];
    });
  } else {
    in_blocks<8>(0, rank, [&](auto block, int c0) {
      constexpr int K = decltype(block)::value;
      V acc[K];
      for (int k = 0; k < K; ++k) acc[k] = V(0);
      for (int i = 0; i < d; ++i) {
        for (int k = 0; k < K; ++k) acc[k] = acc[k] + x[i] * w_q[i * rank + c0 + k];
      }
      for (int k = 0; k < K; ++k) query[c0 + k] = acc[k];
    });
    in_blocks<4>(0, width, [&](auto block, int f0) {
      constexpr int K = decltype(block)::value;
      V acc[K];
      for (int k = 0; k < K; ++k) acc[k] = V(0);
      for (int c = 0; c < rank; ++c) {
        for (int k = 0; k < K; ++k) acc[k] = acc[k] + w_k[(f0 + k) * rank + c] * query[c];
      }
      for (int k = 0; k < K; ++k) a[f0 + k] = acc[k];
    });
  }

  // yhat = sum_s (z_s . a)(z_s . w_v), a block of K tokens at a time (2K independent projections). With the
  // gradient, the same projections give G w_v and G a: the block's tokens are read again (from L1), and each
  // entry of G w_v and G a is loaded and stored once per block rather than once per token.
  V prediction = V(0);
  if (gradient != nullptr) {
    for (int f = 0; f < width; ++f) gram_value[f] = gram_query[f] = V(0);
  }
  in_blocks<4>(0, n, [&](auto block, int t0) {
    constexpr int K = decltype(block)::value;
    const T* first = tokens + static_cast<std::size_t>(t0) * token_stride;
    V value[K], queried[K];  // z_s . w_v and z_s . a
    for (int k = 0; k < K; ++k) value[k] = queried[k] = V(0);
    for (int f = 0; f < width; ++f) {
      for (int k = 0; k < K; ++k) {
        const V z = at(first, k, f);
        value[k] = value[k] + z * w_v[f];
        queried[k] = queried[k] + z * a[f];
      }
    }
    for (int k = 0; k < K; ++k) prediction = prediction + queried[k] * value[k];
    if (gradient == nullptr) return;
    for (int f = 0; f < width; ++f) {
      V gv = gram_value[f], gq = gram_query[f];
      for (int k = 0; k < K; ++k) {
        const V z = at(first, k, f);
        gv = gv + z * value[k];
        gq = gq + z * queried[k];
      }
      gram_value[f] = gv;
      gram_query[f] = gq;
    }
  });
  const V residual = prediction - Traits::load(data + static_cast<std::size_t>(layout.query_slot(d)) * lanes);
  loss_sum = loss_sum + lane_mask * residual * residual;
  if (gradient == nullptr) return;

  const V g = residual * grad_scale * lane_mask;
  V* grad_v = gradient + shape.kernel_value_offset();
  for (int f = 0; f < width; ++f) grad_v[f] = grad_v[f] + g * gram_query[f];
  if (product) {
    // grad_M += (g x) (G w_v)^T
    for (int i = 0; i < d; ++i) {
      const V scaled = g * x[i];
      V* row = gradient + static_cast<std::ptrdiff_t>(i) * width;
      for (int j = 0; j < width; ++j) row[j] = row[j] + scaled * gram_value[j];
    }
    return;
  }
  // u = W_k^T G w_v; dW_q += (g x) u^T; dW_k += (G w_v)(g q)^T
  V* keyed = scratch.keyed.data();
  V* grad_q = gradient + shape.query_offset();
  V* grad_k = gradient + shape.key_offset();
  in_blocks<8>(0, rank, [&](auto block, int c0) {
    constexpr int K = decltype(block)::value;
    V acc[K];
    for (int k = 0; k < K; ++k) acc[k] = V(0);
    for (int f = 0; f < width; ++f) {
      for (int k = 0; k < K; ++k) acc[k] = acc[k] + w_k[f * rank + c0 + k] * gram_value[f];
    }
    for (int k = 0; k < K; ++k) keyed[c0 + k] = acc[k];
  });
  for (int c = 0; c < rank; ++c) query[c] = g * query[c];
  for (int i = 0; i < d; ++i) {
    const V scaled = g * x[i];
    for (int c = 0; c < rank; ++c) grad_q[i * rank + c] = grad_q[i * rank + c] + scaled * keyed[c];
  }
  for (int f = 0; f < width; ++f) {
    for (int c = 0; c < rank; ++c) grad_k[f * rank + c] = grad_k[f * rank + c] + gram_value[f] * query[c];
  }
}

}  // namespace icl
