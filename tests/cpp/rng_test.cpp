// The random streams: keyed independence, SIMD lanes equal to scalar streams bit for bit, the Gaussian
// distribution's moments, and the polynomial log / sin / cos against libm.
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include "rng.hpp"
#include "moments.hpp"

namespace icl {
namespace {

TEST(StreamKey, DependsOnEveryCoordinate) {
  std::set<std::uint64_t> keys;
  for (std::uint64_t seed : {0ull, 1ull, 2ull}) {
    for (Purpose purpose : {Purpose::TrainingData, Purpose::Initialisation, Purpose::Evaluation}) {
      for (std::uint64_t index = 0; index < 4; ++index) {
        for (std::uint64_t sub = 0; sub < 4; ++sub) keys.insert(stream_key(seed, purpose, index, sub));
      }
    }
  }
  EXPECT_EQ(keys.size(), 3u * 3u * 4u * 4u);
  EXPECT_EQ(stream_key(7, Purpose::TrainingData, 3, 9), stream_key(7, Purpose::TrainingData, 3, 9));
}

TEST(GaussianStream, SimdLanesEqualScalarStreamsBitForBit) {
  constexpr std::size_t lanes = LaneTraits<FloatBatch>::width;
  std::uint64_t keys[lanes];
  for (std::size_t lane = 0; lane < lanes; ++lane) keys[lane] = stream_key(11, Purpose::Test, 5, lane);
  GaussianStream<FloatBatch> simd;
  simd.reset(keys);
  std::vector<GaussianStream<float>> scalar(lanes);
  for (std::size_t lane = 0; lane < lanes; ++lane) scalar[lane].reset(&keys[lane]);
  for (int draw = 0; draw < 1000; ++draw) {
    alignas(16) float values[lanes];
    (draw % 3 == 0 ? simd.next() : simd.next_uniform()).store_unaligned(values);
    for (std::size_t lane = 0; lane < lanes; ++lane) {
      const float expected = draw % 3 == 0 ? scalar[lane].next() : scalar[lane].next_uniform();
      ASSERT_EQ(values[lane], expected) << "draw " << draw << " lane " << lane;
    }
  }
}

TEST(GaussianStream, ResetRestartsTheSameSequence) {
  const std::uint64_t key = stream_key(3, Purpose::Test, 0);
  GaussianStream<float> a;
  a.reset(&key);
  std::vector<float> first;
  for (int i = 0; i < 100; ++i) first.push_back(a.next());
  a.reset(&key);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(a.next(), first[static_cast<std::size_t>(i)]);
}

// Standard normal moments: E z = 0, E z^2 = 1, E z^3 = 0, E z^4 = 3, each within 4 standard errors.
TEST(GaussianStream, MomentsAreStandardNormal) {
  const std::uint64_t key = stream_key(1, Purpose::Test, 1);
  GaussianStream<float> stream;
  stream.reset(&key);
  testing_support::MomentAccumulator m1, m2, m3, m4;
  for (int i = 0; i < 2000000; ++i) {
    const double z = stream.next();
    m1.add(z);
    m2.add(z * z);
    m3.add(z * z * z);
    m4.add(z * z * z * z);
  }
  EXPECT_LT(m1.z_score(0.0), 4.0);
  EXPECT_LT(m2.z_score(1.0), 4.0);
  EXPECT_LT(m3.z_score(0.0), 4.0);
  EXPECT_LT(m4.z_score(3.0), 4.0);
}

// Consecutive values and the two halves of a Box-Muller pair must be uncorrelated.
TEST(GaussianStream, ConsecutiveValuesAreUncorrelated) {
  const std::uint64_t key = stream_key(2, Purpose::Test, 1);
  GaussianStream<float> stream;
  stream.reset(&key);
  testing_support::MomentAccumulator pair_product, lag_two_product;
  double previous = stream.next(), before_previous = 0.0;
  for (int i = 0; i < 1000000; ++i) {
    const double z = stream.next();
    pair_product.add(z * previous);
    lag_two_product.add(z * before_previous);
    before_previous = previous;
    previous = z;
  }
  EXPECT_LT(pair_product.z_score(0.0), 4.0);
  EXPECT_LT(lag_two_product.z_score(0.0), 4.0);
}

TEST(GaussianStream, UniformIsUniform) {
  const std::uint64_t key = stream_key(4, Purpose::Test, 1);
  GaussianStream<float> stream;
  stream.reset(&key);
  std::vector<int> bins(16, 0);
  constexpr int kDraws = 1600000;
  for (int i = 0; i < kDraws; ++i) {
    const float u = stream.next_uniform();
    ASSERT_GE(u, 0.0f);
    ASSERT_LT(u, 1.0f);
    ++bins[static_cast<std::size_t>(u * 16)];
  }
  // Each bin count is Binomial(kDraws, 1/16): standard deviation about 306.
  for (int count : bins) EXPECT_LT(std::abs(count - kDraws / 16), 4 * 306);
}

TEST(GaussianStream, PolynomialLogMatchesLibm) {
  double worst = 0.0;
  for (int i = 1; i <= 1 << 16; ++i) {
    const float u = static_cast<float>(i) / (1 << 16);
    worst = std::max(worst, std::abs(GaussianStream<float>::log_unit(u) - std::log(static_cast<double>(u))));
  }
  // Smallest u the sampler can produce: 2^-23.
  const float tiny = std::ldexp(1.0f, -23);
  worst = std::max(worst, std::abs(GaussianStream<float>::log_unit(tiny) - std::log(static_cast<double>(tiny))));
  EXPECT_LT(worst, 2e-6);  // float rounding of the exponent term dominates at 16 ln 2
  EXPECT_EQ(GaussianStream<float>::log_unit(1.0f), 0.0f);
}

TEST(GaussianStream, PolynomialSinCosMatchLibm) {
  double worst = 0.0;
  for (int i = 0; i < 1 << 16; ++i) {
    const float t = static_cast<float>(i) / (1 << 16);
    float c, s;
    GaussianStream<float>::sincos_turns(t, c, s);
    const double angle = 2 * M_PI * static_cast<double>(t);
    worst = std::max({worst, std::abs(c - std::cos(angle)), std::abs(s - std::sin(angle))});
  }
  EXPECT_LT(worst, 1e-6);
}

}  // namespace
}  // namespace icl
