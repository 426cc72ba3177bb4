// The allowed range of the numeric config fields shared across sections: the validator checks values
// against these and the schema publishes them, so a message, a check and the page's form can never
// disagree. A data kind's own ranges sit in its folder (core/src/data/<kind>/), used the same way.
#pragma once

#include "icl/config.hpp"

namespace icl::ranges {

/** [min, max] with each end open or closed; `max_above_d` >= 0 makes the upper end d + max_above_d. */
struct Range {
  double min;
  bool min_open;
  double max;
  bool max_open;
  int max_above_d = -1;

  double upper(int d) const { return max_above_d >= 0 ? d + max_above_d : max; }
};

inline constexpr Range kSeed{0, false, 4294967295.0, false};
inline constexpr Range kDimension{1, false, Config::kMaxDimension, false};
inline constexpr Range kContextLength{1, false, 512, false};
inline constexpr int kMaxModels = 32;
inline constexpr Range kNoiseVariance{0, false, 100, false};
// Training runs in float. Eigenvalues are drawn as float standard deviations sqrt(lambda), and at the
// extremes (d = 64, n = 512, init_std 1, noise 100) the first forward pass and its gradient stay far from
// float's overflow (3.4e38) and underflow; at 1e5 with init_std 1 they overflow.
inline constexpr Range kEigenvalue{1e-6, false, 1e4, false};
// The largest value below 1 that float keeps below 1 (1 - 2^-24 = 0.99999994...): Adam's betas and the
// drift's gamma are used in float, where the next value up is 1 (beta2 = 1 divides by zero).
inline constexpr double kMaxBelowOne = 0.99999994;
inline constexpr const char* kBelowOneReason =
    "training computes in float, which has no value between 0.99999994 and 1";
inline constexpr Range kAlpha{0, false, 1, false};  // rag and alignment; each kind keeps its other ranges
inline constexpr Range kInitStd{1e-6, false, 1, false};
inline constexpr Range kRank{1, false, 0, false, 1};
inline constexpr Range kSsmStates{1, false, 16, false};
inline constexpr Range kSteps{1, false, 1000000, false};
inline constexpr Range kBatchSize{1, false, 65536, false};
// The learning rate (times the decay factor and Adam's bias correction) and epsilon times
// sqrt(1 - beta2^t) stay normal floats; an epsilon below 1e-12 lets Adam divide by nearly zero.
inline constexpr Range kLearningRate{1e-10, false, 1, false};
inline constexpr Range kDecayAt{0, false, 1, false};
inline constexpr Range kDecayFactor{1e-10, false, 1, false};
// Fractions of a phase's steps: the warm-up ends by half of them; averaging starts before the last step.
inline constexpr Range kWarmup{0, false, 0.5, false};
inline constexpr Range kBatchRamp{0, false, 1, false};
inline constexpr Range kAverageFrom{0, false, 1, true};
inline constexpr Range kEmaDecay{0, true, kMaxBelowOne, false};
inline constexpr Range kAdamBeta{0, false, kMaxBelowOne, false};
inline constexpr Range kAdamEpsilon{1e-12, false, 1, false};
inline constexpr Range kEvaluationPrompts{1, false, 10000000, false};
inline constexpr Range kLivePrompts{1, false, 100000, false};

}  // namespace icl::ranges
