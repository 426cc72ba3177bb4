// One-layer H3 with a collapsed causal filter (paper-spec §2):
//   h = sum_{s<=n+1} f_{n+1-s} (k_s ⊙ v_s),   yhat = q^T h  (channel-sum readout),
//   k_s = W_k^T z_s,  v_s = W_v^T z_s,  q = W_q^T z_q,  z_q = z_{n+1} = [x, 0] (query label masked, lag 0),
// with W_q, W_k, W_v in R^{D x m} (D = d + 1, m channels, row-major) and lag weights f_0..f_n.
//
// Why the kernel does not look like that formula. Per channel, h_c = w_kc^T G_f w_vc with the weighted
// Gram matrix G_f = sum_s f_{n+1-s} z_s z_s^T. Write the symmetric matrices of the model in "pair"
// coordinates p = (i, j), i <= j (P = D(D+1)/2 of them): for symmetric G, <M, G> = sum_p sigma(M)_p G_p
// with sigma(M)_(i,j) = M_ij + M_ji (i < j) and M_ii (i = j). Then
//   h_c  = sum_p B_cp G_p,          B_c  = sigma(w_kc w_vc^T)            (m x P, once per step)
//   yhat = sum_i x_i sum_p C_ip G_p, C_i = sum_c W_q[i, c] B_c            (d x P, once per step)
//        = sum_s f_lag(s) r_s,       r_s = z_s^T S z_s in pair form, S = sum_i x_i C_i (per prompt).
// So per prompt the kernel needs S (dP), the quadratic forms r_s ((n+1)P, they are also the filter
// gradient dyhat/df_lag(s) = r_s), and, for the weight gradient, G_f ((n+1)P). The weight gradient is
// linear in the batch tensor T_i = sum_b g_b x_i^b G_f^b (dP per prompt), from which, once per batch,
//   dW_q[i, c] = <T_i, B_c>,   U_c = sum_i W_q[i, c] T_i (= sum_b g_b q_c^b G_f^b),
//   dW_k[:, c] = U_c w_vc,     dW_v[:, c] = U_c w_kc      (U_c unpacked to a symmetric D x D matrix).
// Multiply-adds per prompt at d = 20, n = 40 (D = m = 21, P = 231): this form ~30 000 (forward ~15 000);
// the plain Gram form (G_f, then G_f W_v, G_f W_k and A = W_k diag(q) W_v^T) ~51 000; projecting every
// token (k_s, v_s, and the per-token outer products of the backward pass) ~78 000. Linear attention is
// ~4 200 (its product form; ~5 500 before). Once per batch the pair form adds ~0.3 M multiply-adds (C, B,
// and the chain from T).
//
// Per training step (one model):
//   1. filter.lags(filter parameters, f)                      f_0..f_n from the filter's parameters
//   2. h3_pair_weights(shape, parameters, workspace, C)       C (d x P) from W_q, W_k, W_v
//   3. broadcast f to lane values (C is broadcast as it is read); accumulator.reset()
//   4. h3_group<V>(..., &accumulator, ...) for every group of prompts
//   5. accumulator.lane_sums(T, lag gradient), then
//      h3_weight_gradient(shape, parameters, T, workspace, gradient)   dW_q, dW_k, dW_v
//      filter.backward(filter parameters, lag gradient, gradient + shape.filter_offset())
// Measured natively (SSE2, 4 lanes, -O3) at d = 20, n = 40, batch 1024: steps 1-5 take ~1.6 ms against
// ~0.2 ms for attention_group (~0.5 ms before its product form); the forward pass alone (evaluation) ~0.7 ms.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <vector>

#include "lanes.hpp"
#include "prompt.hpp"

namespace icl {

/**
 * Offsets inside the flat parameter vector [W_q, W_k, W_v, filter parameters]; each W is D x m,
 * row-major (entry (i, c) at i * m + c). `filter_parameters` is the count the filter declares
 * (FreeFilter: n + 1, SsmFilter: 2N).
 */
struct H3Shape {
  int d = 0;
  int channels = d + 1;
  int filter_parameters = 0;

  int width() const { return d + 1; }
  int matrix_size() const { return width() * channels; }
  int query_offset() const { return 0; }
  int key_offset() const { return matrix_size(); }
  int value_offset() const { return 2 * matrix_size(); }
  int filter_offset() const { return 3 * matrix_size(); }
  int weight_count() const { return 3 * matrix_size(); }
  int parameter_count() const { return weight_count() + filter_parameters; }
  /** Entries (i, j), i <= j, of a symmetric D x D matrix. */
  int pair_count() const { return width() * (width() + 1) / 2; }
  /** Index of pair (i, j), i <= j: row i of the upper triangle starts at pair_row(i). */
  int pair_row(int i) const { return i * (2 * width() - i + 1) / 2; }
  int pair_index(int i, int j) const { return i <= j ? pair_row(i) + j - i : pair_row(j) + i - j; }
  /** Size of the kernel's per-step weights C and of its pair-gradient accumulator T (both d x P). */
  int pair_weight_count() const { return d * pair_count(); }
};

// ---------------------------------------------------------------------------------------------------
// Filters: map their parameters to the lag weights f_0..f_n and chain the lag gradient back.
// ---------------------------------------------------------------------------------------------------

/** The lag weights are the parameters themselves (n + 1 of them). */
struct FreeFilter {
  int n = 0;

  int parameter_count() const { return n + 1; }
  /** All ones: H3 is then linear attention plus the query's lag-0 self term (see h3_test). */
  template <class S>
  void initialise(S* parameters) const {
    for (int k = 0; k <= n; ++k) parameters[k] = S(1);
  }
  template <class S>
  void lags(const S* parameters, S* lag_weights) const {
    for (int k = 0; k <= n; ++k) lag_weights[k] = parameters[k];
  }
  /** parameter_gradient += d loss / d parameters, given d loss / d f_k. */
  template <class S>
  void backward(const S* /*parameters*/, const S* lag_gradient, S* parameter_gradient) const {
    for (int k = 0; k <= n; ++k) parameter_gradient[k] += lag_gradient[k];
  }
};

/**
 * A diagonal SSM with N real states: f_k = sum_j c_j rho_j^k, k = 0..n.
 * Parameters: [c_0 .. c_{N-1}, nu_0 .. nu_{N-1}] with rho_j = exp(-exp(nu_j)).
 *
 * Why that map: a state must decay (|rho| < 1) for the recurrence to be stable and for rho^n not to blow
 * up across the window. exp(-exp(nu)) covers exactly (0, 1) with no clipping, no boundary to stick to and
 * no kink; exp(nu) = -log(rho) is the decay rate, so equal steps in nu are equal ratios of time scales
 * (the parameterisation of Orvieto et al.'s LRU). Only the ends are out of reach: rho -> 1 (no forgetting,
 * linear attention's flat filter) and rho -> 0 as nu -> -inf, +inf. Negative rho (filters whose sign
 * alternates with lag) is excluded on purpose; the weights we need (WPGD under drift, paper-spec §3.4) are
 * positive, and mixed signs can still come from the c_j.
 * Chain rule: dc_j = sum_k df_k rho_j^k;  dnu_j = drho_j * drho_j/dnu_j with drho_j/dnu_j = -exp(nu_j) rho_j,
 * and drho_j * rho_j = c_j sum_k k df_k rho_j^k, so dnu_j = -exp(nu_j) c_j sum_k k df_k rho_j^k.
 */
struct SsmFilter {
  int n = 0;
  int states = 1;

  int parameter_count() const { return 2 * states; }

  template <class S>
  static S decay(S nu) {
    return std::exp(-std::exp(nu));
  }

  /**
   * c_j = 1/N; decay rates exp(nu_j) spread geometrically from 1/(4(n+1)) (nearly flat over the window:
   * f_n ≈ 0.78, close to linear attention) to 1 (f_k = e^{-k}: mostly the latest tokens). N = 1 takes the
   * slow end.
   */
  template <class S>
  void initialise(S* parameters) const {
    const double slow = std::log(1.0 / (4.0 * (n + 1))), fast = 0.0;
    for (int j = 0; j < states; ++j) {
      const double t = states > 1 ? static_cast<double>(j) / (states - 1) : 0.0;
      parameters[j] = static_cast<S>(1.0 / states);
      parameters[states + j] = static_cast<S>(slow + t * (fast - slow));
    }
  }

  template <class S>
  void lags(const S* parameters, S* lag_weights) const {
    for (int k = 0; k <= n; ++k) lag_weights[k] = S(0);
    for (int j = 0; j < states; ++j) {
      const S rho = decay(parameters[states + j]);
      S power = parameters[j];  // c_j rho_j^k
      for (int k = 0; k <= n; ++k) {
        lag_weights[k] += power;
        power *= rho;
      }
    }
  }

  template <class S>
  void backward(const S* parameters, const S* lag_gradient, S* parameter_gradient) const {
    for (int j = 0; j < states; ++j) {
      const S nu = parameters[states + j];
      const S rho = decay(nu);
      S power = S(1);  // rho_j^k
      S amplitude = S(0), rate = S(0);
      for (int k = 0; k <= n; ++k) {
        amplitude += lag_gradient[k] * power;
        rate += static_cast<S>(k) * lag_gradient[k] * power;
        power *= rho;
      }
      parameter_gradient[j] += amplitude;
      parameter_gradient[states + j] += -std::exp(nu) * parameters[j] * rate;
    }
  }
};

// ---------------------------------------------------------------------------------------------------
// Once per step: the kernel's weights C, and the chain from its accumulator T back to W_q, W_k, W_v.
// These run on plain scalars (float in the engine, double in the gradient checks).
// ---------------------------------------------------------------------------------------------------

/** Buffers of the once-per-step helpers; allocated once. */
template <class S>
struct H3Workspace {
  explicit H3Workspace(const H3Shape& shape)
      : channel_pairs(static_cast<std::size_t>(shape.channels * shape.pair_count())),
        pair_channels(channel_pairs.size()),
        channel_pair_gradient(channel_pairs.size()) {}
  std::vector<S> channel_pairs;          // B: m x P, B[c][p] = sigma(w_kc w_vc^T)_p
  std::vector<S> pair_channels;          // B^T: P x m
  std::vector<S> channel_pair_gradient;  // U: m x P
};

namespace h3_detail {

template <class S>
void channel_pairs(const H3Shape& shape, const S* parameters, H3Workspace<S>& workspace) {
  const int width = shape.width(), m = shape.channels, pairs = shape.pair_count();
  const S* w_k = parameters + shape.key_offset();
  const S* w_v = parameters + shape.value_offset();
  S* b = workspace.channel_pairs.data();
  S* bt = workspace.pair_channels.data();
  for (int i = 0; i < width; ++i) {
    for (int j = i; j < width; ++j) {
      const int p = shape.pair_row(i) + j - i;
      for (int c = 0; c < m; ++c) {
        S value = w_k[i * m + c] * w_v[j * m + c];
        if (j != i) value += w_k[j * m + c] * w_v[i * m + c];
        b[c * pairs + p] = value;
        bt[p * m + c] = value;
      }
    }
  }
}

}  // namespace h3_detail

/** C (d x P, row-major) for the kernel: C[i][p] = sum_c W_q[i][c] B[c][p], i < d. */
template <class S>
void h3_pair_weights(const H3Shape& shape, const S* parameters, H3Workspace<S>& workspace, S* pair_weights) {
  const int m = shape.channels, pairs = shape.pair_count();
  h3_detail::channel_pairs(shape, parameters, workspace);
  const S* w_q = parameters + shape.query_offset();
  const S* b = workspace.channel_pairs.data();
  for (int i = 0; i < shape.d; ++i) {
    S* row = pair_weights + static_cast<std::ptrdiff_t>(i) * pairs;
    for (int p = 0; p < pairs; ++p) row[p] = S(0);
    for (int c = 0; c < m; ++c) {
      const S weight = w_q[i * m + c];
      const S* b_row = b + static_cast<std::ptrdiff_t>(c) * pairs;
      for (int p = 0; p < pairs; ++p) row[p] += weight * b_row[p];
    }
  }
}

/**
 * gradient[0, weight_count) += dloss/d(W_q, W_k, W_v), given the lane-summed pair gradient T (d x P) that
 * h3_group accumulated. The label row of dW_q stays untouched: the query label is masked, so it is zero.
 */
template <class S>
void h3_weight_gradient(const H3Shape& shape, const S* parameters, const S* pair_gradient, H3Workspace<S>& workspace,
                        S* gradient) {
  const int width = shape.width(), m = shape.channels, pairs = shape.pair_count();
  h3_detail::channel_pairs(shape, parameters, workspace);
  const S* w_q = parameters + shape.query_offset();
  const S* w_k = parameters + shape.key_offset();
  const S* w_v = parameters + shape.value_offset();
  const S* bt = workspace.pair_channels.data();
  S* u = workspace.channel_pair_gradient.data();
  S* grad_q = gradient + shape.query_offset();
  S* grad_k = gradient + shape.key_offset();
  S* grad_v = gradient + shape.value_offset();
  // dW_q[i][:] = sum_p T[i][p] B^T[p][:]  and  U[c][:] = sum_i W_q[i][c] T[i][:]  (inner loops are axpys)
  for (std::size_t e = 0; e < workspace.channel_pair_gradient.size(); ++e) u[e] = S(0);
  for (int i = 0; i < shape.d; ++i) {
    const S* t_row = pair_gradient + static_cast<std::ptrdiff_t>(i) * pairs;
    S* q_row = grad_q + i * m;
    for (int p = 0; p < pairs; ++p) {
      const S t = t_row[p];
      const S* bt_row = bt + static_cast<std::ptrdiff_t>(p) * m;
      for (int c = 0; c < m; ++c) q_row[c] += t * bt_row[c];
    }
    for (int c = 0; c < m; ++c) {
      const S weight = w_q[i * m + c];
      S* u_row = u + static_cast<std::ptrdiff_t>(c) * pairs;
      for (int p = 0; p < pairs; ++p) u_row[p] += weight * t_row[p];
    }
  }
  // dW_k[:, c] = U_c w_vc and dW_v[:, c] = U_c w_kc with U_c symmetric.
  for (int c = 0; c < m; ++c) {
    const S* u_row = u + static_cast<std::ptrdiff_t>(c) * pairs;
    for (int a = 0; a < width; ++a) {
      S key = S(0), value = S(0);
      for (int b = 0; b < width; ++b) {
        const S entry = u_row[shape.pair_index(a, b)];
        key += entry * w_v[b * m + c];
        value += entry * w_k[b * m + c];
      }
      grad_k[a * m + c] += key;
      grad_v[a * m + c] += value;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// The lane kernel.
// ---------------------------------------------------------------------------------------------------

/** Per-group temporaries of the kernel, shared by every model of a bank; allocated once for max_n. */
template <class V>
struct H3Scratch {
  using Scalar = typename LaneTraits<V>::Scalar;
  H3Scratch(const H3Shape& shape, const PromptLayout& layout)
      : query(static_cast<std::size_t>(shape.width()) * LaneTraits<V>::width),
        combined(static_cast<std::size_t>(shape.pair_count())),
        weighted(static_cast<std::size_t>((layout.max_n + 1) * shape.width())),
        quadratic(static_cast<std::size_t>(layout.max_n + 1)) {}
  std::vector<Scalar> query;  // z_q = [x, 0], lane-interleaved like the prompt
  std::vector<V> combined;    // S = sum_i x_i C_i (pair form)
  std::vector<V> weighted;    // f_lag(t) z_t, token by token; the query is token n
  std::vector<V> quadratic;   // r_t = z_t^T S z_t; the query is entry n
};

/**
 * What h3_group accumulates over one batch for one model (context length n): the pair gradient T (d x P)
 * and the lag gradient (n + 1), per lane. T is too big for L1 (4620 lane values, 74 KB, at d = 20) and
 * T[i] += (g x_i) G_f does one multiply-add per entry it streams, so the (g x, G_f) of up to kPending groups
 * wait here and are folded into T together: T is read and written once per kPending groups (this took the
 * update from ~0.5 to ~0.3 ms per batch of 1024). Read the results only through lane_sums().
 */
template <class V>
struct H3Accumulator {
  static constexpr int kPending = 4;

  H3Accumulator(const H3Shape& shape_, int n_)
      : shape(shape_),
        n(n_),
        pair_gradient(static_cast<std::size_t>(shape_.pair_weight_count())),
        lag_gradient(static_cast<std::size_t>(n_ + 1)),
        pending_gram(static_cast<std::size_t>(kPending * shape_.pair_count())),
        pending_query(static_cast<std::size_t>(kPending * shape_.d)) {
    reset();
  }

  /** Call before every batch. */
  void reset() {
    for (V& value : pair_gradient) value = V(0);
    for (V& value : lag_gradient) value = V(0);
    pending = 0;
  }

  /** T (d x P) and the lag gradient (n + 1 entries), summed over lanes; for h3_weight_gradient and filter.backward. */
  template <class S>
  void lane_sums(S* pair_out, S* lag_out) {
    flush();
    for (std::size_t e = 0; e < pair_gradient.size(); ++e)
      pair_out[e] = static_cast<S>(LaneTraits<V>::sum(pair_gradient[e]));
    for (std::size_t k = 0; k < lag_gradient.size(); ++k)
      lag_out[k] = static_cast<S>(LaneTraits<V>::sum(lag_gradient[k]));
  }

  /** Folds the waiting groups into T. */
  void flush() {
    switch (pending) {
      case 4: fold<4>(); break;
      case 3: fold<3>(); break;
      case 2: fold<2>(); break;
      case 1: fold<1>(); break;
      default: break;
    }
    pending = 0;
  }

  H3Shape shape;
  int n;
  std::vector<V> pair_gradient;  // T, complete only after flush()
  std::vector<V> lag_gradient;
  std::vector<V> pending_gram;   // kPending x P: G_f of the waiting groups
  std::vector<V> pending_query;  // kPending x d: g x of the waiting groups
  int pending = 0;

 private:
  template <int K>
  void fold() {
    const int d = shape.d, pairs = shape.pair_count();
    for (int i = 0; i < d; ++i) {
      V scaled[K];
      for (int k = 0; k < K; ++k) scaled[k] = pending_query[static_cast<std::size_t>(k * d + i)];
      V* t_row = pair_gradient.data() + static_cast<std::ptrdiff_t>(i) * pairs;
      for (int p = 0; p < pairs; ++p) {
        V sum = t_row[p];
        for (int k = 0; k < K; ++k) sum = sum + scaled[k] * pending_gram[static_cast<std::size_t>(k * pairs + p)];
        t_row[p] = sum;
      }
    }
  }
};

/**
 * Runs one group of prompts (lanes) through H3 with context length n (a prefix of the stored max_n).
 *   pair_weights: C from h3_pair_weights (d x P scalars), broadcast to lanes as they are read: as scalars C
 *                 is 18 KB at d = 20 and stays in L1 across the groups of a batch; as lane values it was 74 KB
 *   lags:         f_0 .. f_n broadcast to lane values
 *   data:         the group's prompt values, lane-interleaved (PromptGroup layout)
 *   lane_mask:    1 for real prompts, 0 for padding lanes of the last group
 *   loss_sum:     += mask * (yhat - y)^2 per lane
 *   gradient:     if non-null (and made for this n), with g_b = grad_scale * mask * (yhat_b - y_b) it accumulates
 *                 T[i] += g_b x_i G_f and lag_gradient[k] += g_b r_s(k); after the last group of the batch
 *                 take gradient->lane_sums(...) and finish with h3_weight_gradient and filter.backward.
 *                 grad_scale = 2 / B gives the gradient of the batch's mean squared error.
 */
template <class V, class T = typename LaneTraits<V>::Scalar>
void h3_group(const H3Shape& shape, const PromptLayout& layout, int n, const T* pair_weights, const V* lags,
              const T* data, const V& lane_mask, V& loss_sum, H3Accumulator<V>* gradient, const V& grad_scale,
              H3Scratch<V>& scratch) {
  using Traits = LaneTraits<V>;
  static_assert(std::is_same<T, typename Traits::Scalar>::value, "prompts hold the lane type's scalars");
  const int width = shape.width();
  const int d = shape.d;
  const int pairs = shape.pair_count();
  const std::size_t lanes = Traits::width;
  const std::size_t token_stride = static_cast<std::size_t>(width) * lanes;
  const T* tokens = data + static_cast<std::size_t>(layout.slot(0, 0)) * lanes;
  T* query = scratch.query.data();
  V* combined = scratch.combined.data();
  V* quadratic = scratch.quadratic.data();

  // The query token with its label masked.
  std::memcpy(query, data + static_cast<std::size_t>(layout.query_slot(0)) * lanes, sizeof(T) * lanes * d);
  for (std::size_t lane = 0; lane < lanes; ++lane) query[static_cast<std::size_t>(d) * lanes + lane] = T(0);

  // S = sum_i x_i C_i.
  in_blocks<8>(0, pairs, [&](auto block, int p0) {
    constexpr int K = decltype(block)::value;
    V acc[K];
    for (int k = 0; k < K; ++k) acc[k] = V(0);
    for (int i = 0; i < d; ++i) {
      const V x = Traits::load(query + static_cast<std::size_t>(i) * lanes);
      const T* row = pair_weights + static_cast<std::ptrdiff_t>(i) * pairs + p0;
      for (int k = 0; k < K; ++k) acc[k] = acc[k] + x * V(row[k]);
    }
    for (int k = 0; k < K; ++k) combined[p0 + k] = acc[k];
  });

  // r_t = z_t^T S z_t = sum_i z_i sum_{j>=i} S_(i,j) z_j, for a block of tokens at a time so that each S
  // entry loaded serves every token of the block.
  // Blocks of 4 tokens here and of 4 columns for G_f below: with 8, V8 spills the accumulators (the wasm
  // bank of 12 n took 28.5 ms per step against 24.8 ms with 4; native g++ is the same either way).
  const auto quadratic_block = [&](auto block, const T* first, V* out) {
    constexpr int K = decltype(block)::value;
    V r[K];
    for (int k = 0; k < K; ++k) r[k] = V(0);
    for (int i = 0; i < width; ++i) {
      const V* s_row = combined + shape.pair_row(i) - i;  // s_row[j] = S_(i,j), j >= i
      V u[K];
      for (int k = 0; k < K; ++k) u[k] = V(0);
      for (int j = i; j < width; ++j) {
        const V s = s_row[j];
        for (int k = 0; k < K; ++k) {
          u[k] = u[k] + s * Traits::load(first + k * token_stride + static_cast<std::size_t>(j) * lanes);
        }
      }
      for (int k = 0; k < K; ++k) {
        r[k] = r[k] + Traits::load(first + k * token_stride + static_cast<std::size_t>(i) * lanes) * u[k];
      }
    }
    for (int k = 0; k < K; ++k) out[k] = r[k];
  };
  in_blocks<4>(0, n, [&](auto block, int t0) {
    quadratic_block(block, tokens + static_cast<std::size_t>(t0) * token_stride, quadratic + t0);
  });
  quadratic_block(std::integral_constant<int, 1>{}, query, quadratic + n);

  // yhat = sum_t f_lag(t) r_t; context token t sits at lag t + 1 (prompt.hpp), the query at lag 0.
  V prediction = lags[0] * quadratic[n];
  for (int t = 0; t < n; ++t) prediction = prediction + lags[t + 1] * quadratic[t];
  const V residual = prediction - Traits::load(data + static_cast<std::size_t>(layout.query_slot(d)) * lanes);
  loss_sum = loss_sum + lane_mask * residual * residual;
  if (gradient == nullptr) return;

  const V g = residual * grad_scale * lane_mask;
  V* lag_gradient = gradient->lag_gradient.data();
  for (int t = 0; t < n; ++t) lag_gradient[t + 1] = lag_gradient[t + 1] + g * quadratic[t];
  lag_gradient[0] = lag_gradient[0] + g * quadratic[n];

  // G_f = sum_t f_lag(t) z_t z_t^T (upper triangle), written straight into the accumulator's waiting slot.
  // A row segment at a time with the sum over tokens innermost, so that the segment stays in registers.
  V* gram = gradient->pending_gram.data() + static_cast<std::ptrdiff_t>(gradient->pending) * pairs;
  V* weighted = scratch.weighted.data();
  for (int t = 0; t < n; ++t) {
    const T* token = tokens + static_cast<std::size_t>(t) * token_stride;
    for (int i = 0; i < width; ++i)
      weighted[t * width + i] = lags[t + 1] * Traits::load(token + static_cast<std::size_t>(i) * lanes);
  }
  for (int i = 0; i < width; ++i)
    weighted[n * width + i] = lags[0] * Traits::load(query + static_cast<std::size_t>(i) * lanes);
  for (int i = 0; i < width; ++i) {
    V* g_row = gram + shape.pair_row(i) - i;  // g_row[j] = G_(i,j), j >= i
    in_blocks<4>(i, width, [&](auto block, int j0) {
      constexpr int K = decltype(block)::value;
      V acc[K];
      const V a_query = weighted[n * width + i];
      for (int k = 0; k < K; ++k) acc[k] = a_query * Traits::load(query + static_cast<std::size_t>(j0 + k) * lanes);
      const T* token = tokens + static_cast<std::size_t>(j0) * lanes;
      for (int t = 0; t < n; ++t, token += token_stride) {
        const V a = weighted[t * width + i];
        for (int k = 0; k < K; ++k) acc[k] = acc[k] + a * Traits::load(token + static_cast<std::size_t>(k) * lanes);
      }
      for (int k = 0; k < K; ++k) g_row[j0 + k] = acc[k];
    });
  }
  V* scaled_query = gradient->pending_query.data() + static_cast<std::ptrdiff_t>(gradient->pending) * d;
  for (int i = 0; i < d; ++i) scaled_query[i] = g * Traits::load(query + static_cast<std::size_t>(i) * lanes);
  if (++gradient->pending == H3Accumulator<V>::kPending) gradient->flush();
}

}  // namespace icl
