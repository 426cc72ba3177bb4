// Random numbers that depend only on (seed, purpose, index, sub-index), never on call order, lane width
// or platform:
//   * stream_key() hashes the coordinates with SplitMix64 (a counter-based mix), so every prompt of
//     every step, every initialisation and every evaluation prompt has its own independent stream;
//   * each stream is a xoshiro128+ generator (32-bit add/xor/shift/rotate only, so it vectorises on
//     SSE2 and wasm SIMD128 alike) whose top bits become floats;
//   * GaussianStream turns them into N(0, 1) with Box-Muller, using the polynomial log and sin/cos
//     below instead of libm, so native and wasm, scalar and SIMD give bit-identical numbers.
#pragma once

#include <array>
#include <cstdint>

#include "lanes.hpp"

namespace icl {

/** What a stream is used for; part of its key so that no two uses ever share numbers. */
enum class Purpose : std::uint64_t { TrainingData = 1, Initialisation = 2, Evaluation = 3, Test = 4 };

inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/** The key of one independent stream. */
inline std::uint64_t stream_key(std::uint64_t seed, Purpose purpose, std::uint64_t index, std::uint64_t sub_index = 0) {
  std::uint64_t key = splitmix64(seed);
  key = splitmix64(key ^ static_cast<std::uint64_t>(purpose));
  key = splitmix64(key ^ index);
  return splitmix64(key ^ sub_index);
}

/** The four 32-bit words of xoshiro128+ state for a key (never all zero). */
inline std::array<std::uint32_t, 4> xoshiro_state(std::uint64_t key) {
  const std::uint64_t a = splitmix64(key);
  const std::uint64_t b = splitmix64(a);
  std::array<std::uint32_t, 4> s{static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(a >> 32),
                                 static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(b >> 32)};
  if ((s[0] | s[1] | s[2] | s[3]) == 0) s[0] = 1;
  return s;
}

/**
 * Gaussian numbers for LaneTraits<V>::width streams at once (one per lane). Lane l draws exactly the
 * sequence that a scalar GaussianStream<float> with the same key would draw.
 */
template <class V>
class GaussianStream {
  using Traits = LaneTraits<V>;
  using Bits = typename Traits::Bits;

 public:
  GaussianStream() = default;

  /** keys[l] is the stream key of lane l. */
  void reset(const std::uint64_t* keys) {
    alignas(16) std::uint32_t words[4][Traits::width];
    for (std::size_t lane = 0; lane < Traits::width; ++lane) {
      const auto s = xoshiro_state(keys[lane]);
      for (int w = 0; w < 4; ++w) words[w][lane] = s[w];
    }
    for (int w = 0; w < 4; ++w) state_[w] = load_bits(words[w]);
    has_spare_ = false;
  }

  /** Two independent N(0, 1) values in every lane (Box-Muller). */
  void next_pair(V& first, V& second) {
    // u1 in (0, 1] keeps the log finite; u2 in [0, 1) picks the angle.
    const V u1 = V(2.0f) - unit_interval_1_2(next_bits());
    const V u2 = unit_interval_1_2(next_bits()) - V(1.0f);
    const V radius = sqrt_lane(V(-2.0f) * log_unit(u1));
    V cos_value, sin_value;
    sincos_turns(u2, cos_value, sin_value);
    first = radius * cos_value;
    second = radius * sin_value;
  }

  /** The next N(0, 1) value in every lane; the second value of each pair is kept for the next call. */
  V next() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    V value;
    next_pair(value, spare_);
    has_spare_ = true;
    return value;
  }

  /** A uniform value in [0, 1) in every lane (23 random bits). */
  V next_uniform() { return unit_interval_1_2(next_bits()) - V(1.0f); }

  // The pieces below are public so that tests can check them against libm.

  /** Natural log of u in (0, 1] (absolute error below 6e-8; exact at 1). */
  static V log_unit(const V& u) {
    const Bits bits = Traits::to_bits(u);
    const Bits exponent_biased = bits >> 23;
    V mantissa = Traits::from_bits((bits & Traits::splat_bits(0x007FFFFFu)) | Traits::splat_bits(0x3F800000u));
    // Exact small-integer to float conversion by the 2^23 trick (exponents are below 2^23).
    V exponent = Traits::from_bits(exponent_biased | Traits::splat_bits(0x4B000000u)) - V(8388608.0f + 127.0f);
    // Centre the mantissa on 1: m in [sqrt(1/2), sqrt(2)).
    const auto high = mantissa > V(1.41421356f);
    mantissa = select(high, mantissa * V(0.5f), mantissa);
    exponent = select(high, exponent + V(1.0f), exponent);
    // log(1 + x) = x P(x), P of degree 8 fitted on Chebyshev nodes of that interval (no division, which
    // is slow in SIMD); max error 4.8e-8 when evaluated in float.
    const V x = mantissa - V(1.0f);
    const V p =
        V(1.0f) + x * (V(-0.49999988f) +
                       x * (V(0.33334184f) +
                            x * (V(-0.25002155f) +
                                 x * (V(0.19956978f) +
                                      x * (V(-0.16560696f) +
                                           x * (V(0.14949095f) + x * (V(-0.14377330f) + x * V(0.087439455f))))))));
    return exponent * V(0.693147180559945f) + x * p;
  }

  /** cos and sin of the angle 2*pi*t for t in [0, 1). */
  static void sincos_turns(const V& t, V& cos_out, V& sin_out) {
    // Quarter turn q in {0,1,2,3} and the angle x in [0, pi/2) inside it.
    const V quarters = t * V(4.0f);
    const auto q1 = quarters >= V(1.0f);
    const auto q2 = quarters >= V(2.0f);
    const auto q3 = quarters >= V(3.0f);
    const V whole = select(q3, V(3.0f), select(q2, V(2.0f), select(q1, V(1.0f), V(0.0f))));
    const V x = (quarters - whole) * V(1.57079632679f);
    const V x2 = x * x;
    // Polynomials in x^2 fitted on Chebyshev nodes of [0, pi/2]: error below 1.6e-7 in float, the
    // level of float rounding itself (a Taylor series needs twice the terms for that).
    const V sin_x = x * (V(1.0f) + x2 * (V(-0.16666658f) +
                                         x2 * (V(0.0083330506f) + x2 * (V(-0.00019809046f) + x2 * V(2.6051662e-06f)))));
    const V cos_x = V(0.99999994f) +
                    x2 * (V(-0.49999905f) + x2 * (V(0.04166358f) + x2 * (V(-0.0013853667f) + x2 * V(2.3153174e-05f))));
    // Rotate by q quarter turns: (c, s) -> (-s, c) -> (-c, -s) -> (s, -c).
    cos_out = select(q3, sin_x, select(q2, -cos_x, select(q1, -sin_x, cos_x)));
    sin_out = select(q3, -cos_x, select(q2, -sin_x, select(q1, cos_x, sin_x)));
  }

 private:
  static Bits load_bits(const std::uint32_t* words) {
    if constexpr (Traits::width == 1) {
      return words[0];
    } else {
      return Bits::load_unaligned(words);
    }
  }

  // xoshiro128+ (Blackman and Vigna): its weak low bits are dropped by the float conversion.
  Bits next_bits() {
    const Bits result = state_[0] + state_[3];
    const Bits t = state_[1] << 9;
    state_[2] = state_[2] ^ state_[0];
    state_[3] = state_[3] ^ state_[1];
    state_[1] = state_[1] ^ state_[2];
    state_[0] = state_[0] ^ state_[3];
    state_[2] = state_[2] ^ t;
    state_[3] = rotate_left(state_[3], 11);
    return result;
  }

  // The top 23 bits as a float in [1, 2).
  static V unit_interval_1_2(const Bits& bits) {
    return Traits::from_bits((bits >> 9) | Traits::splat_bits(0x3F800000u));
  }

  Bits state_[4]{};
  V spare_{};
  bool has_spare_ = false;
};

}  // namespace icl
