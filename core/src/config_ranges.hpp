// The allowed range of every numeric config field, in one place: the validator (config.cpp) checks
// values against these and the schema (config_schema.cpp) publishes them, so a message, a check and
// the page's form can never disagree.
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
inline constexpr Range kEigenvalue{0, true, 1e6, false};
inline constexpr Range kAlpha{0, false, 1, false};
inline constexpr Range kRagScale{0, false, 10, false};
inline constexpr Range kGamma{0, false, 1, true};
inline constexpr Range kInitStd{0, true, 10, false};
inline constexpr Range kRank{1, false, 0, false, 1};
inline constexpr Range kSsmStates{1, false, 16, false};
inline constexpr Range kSteps{1, false, 1000000, false};
inline constexpr Range kBatchSize{1, false, 65536, false};
inline constexpr Range kLearningRate{0, true, 1, false};
inline constexpr Range kDecayAt{0, false, 1, false};
inline constexpr Range kDecayFactor{0, true, 1, false};
inline constexpr Range kAdamBeta{0, false, 1, true};
inline constexpr Range kAdamEpsilon{0, true, 1, false};
inline constexpr Range kEvaluationPrompts{1, false, 10000000, false};

}  // namespace icl::ranges
