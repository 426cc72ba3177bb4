// Lane types: the hot loops are written once as templates over a "lane value" V and run as
//   V = xsimd::batch<float>  the SIMD kernels (SSE2 natively, wasm SIMD128 in the browser),
//   V = float                their scalar twin (same arithmetic, one prompt at a time),
//   V = double               for finite-difference gradient checks.
// A lane is one prompt: a batch<float> processes FloatBatch::size prompts side by side, so every
// per-prompt formula is vectorised without shuffles and the SIMD and scalar paths share one source.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include <xsimd/xsimd.hpp>

namespace icl {

using FloatBatch = xsimd::batch<float>;
using U32Batch = xsimd::batch<std::uint32_t>;

template <class V>
struct LaneTraits;

template <>
struct LaneTraits<float> {
  using Scalar = float;
  using Bits = std::uint32_t;
  static constexpr std::size_t width = 1;
  static float load(const float* p) { return *p; }
  static void store(float* p, float v) { *p = v; }
  static float sum(float v) { return v; }
  static float from_bits(std::uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }
  static std::uint32_t to_bits(float f) {
    std::uint32_t bits;
    std::memcpy(&bits, &f, sizeof f);
    return bits;
  }
  static std::uint32_t splat_bits(std::uint32_t b) { return b; }
};

template <>
struct LaneTraits<double> {
  using Scalar = double;
  static constexpr std::size_t width = 1;
  static double load(const double* p) { return *p; }
  static void store(double* p, double v) { *p = v; }
  static double sum(double v) { return v; }
};

template <>
struct LaneTraits<FloatBatch> {
  using Scalar = float;
  using Bits = U32Batch;
  static constexpr std::size_t width = FloatBatch::size;
  static FloatBatch load(const float* p) { return FloatBatch::load_unaligned(p); }
  static void store(float* p, const FloatBatch& v) { v.store_unaligned(p); }
  static float sum(const FloatBatch& v) {
#if XSIMD_VERSION_MAJOR >= 10
    return xsimd::reduce_add(v);
#else
    return xsimd::hadd(v);
#endif
  }
  static FloatBatch from_bits(const U32Batch& bits) { return xsimd::bitwise_cast<FloatBatch>(bits); }
  static U32Batch to_bits(const FloatBatch& f) { return xsimd::bitwise_cast<U32Batch>(f); }
  static U32Batch splat_bits(std::uint32_t b) { return U32Batch(b); }
};

// select(mask, a, b) for both scalar bools and SIMD masks.
inline float select(bool mask, float a, float b) { return mask ? a : b; }
inline double select(bool mask, double a, double b) { return mask ? a : b; }
using xsimd::select;

inline float sqrt_lane(float x) { return __builtin_sqrtf(x); }
inline FloatBatch sqrt_lane(const FloatBatch& x) { return xsimd::sqrt(x); }

inline std::uint32_t rotate_left(std::uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
inline U32Batch rotate_left(const U32Batch& x, int k) { return (x << k) | (x >> (32 - k)); }

// Runs block(integral_constant<K>, start) over [begin, end) in blocks of Max, then halves down to 1, so
// every block has a compile-time width and its accumulators live in registers. The kernels use it to
// run several independent sums side by side: one running sum per token (or feature) is a chain of
// dependent adds, and a block of them keeps the adder busy while each waits for its previous add.
template <int Max, class Block>
inline void in_blocks(int begin, int end, Block&& block) {
  int start = begin;
  for (; start + Max <= end; start += Max) block(std::integral_constant<int, Max>{}, start);
  if constexpr (Max > 1) {
    if (start < end) in_blocks<Max / 2>(start, end, block);
  }
}

}  // namespace icl
