// Checks every data model's generator owes the engine: the SIMD fill equals the scalar twin bit for bit,
// lane by lane.
#pragma once

#include <cstdint>

#include <gtest/gtest.h>

#include "data_model.hpp"

namespace icl::testing_support {

inline void expect_simd_fill_equals_scalar(const DataModel& data, const PromptLayout& layout) {
  constexpr std::size_t lanes = LaneTraits<FloatBatch>::width;
  PromptGroup<float> simd_group(layout, lanes), scalar_group(layout, 1);
  std::uint64_t keys[lanes];
  for (std::size_t lane = 0; lane < lanes; ++lane) keys[lane] = stream_key(5, Purpose::Test, 2, lane);
  GaussianStream<FloatBatch> simd;
  simd.reset(keys);
  data.fill(simd, simd_group);
  for (std::size_t lane = 0; lane < lanes; ++lane) {
    GaussianStream<float> scalar;
    scalar.reset(&keys[lane]);
    data.fill(scalar, scalar_group);
    for (int slot = 0; slot < layout.slots(); ++slot) {
      ASSERT_EQ(simd_group.slot(slot)[lane], *scalar_group.slot(slot)) << "slot " << slot << " lane " << lane;
    }
  }
}

}  // namespace icl::testing_support
