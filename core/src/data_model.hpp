// A data model draws prompts (paper-spec §1). Each prompt of a group is filled from its own Gaussian
// stream, one lane per prompt, so a prompt's numbers depend only on its key.
//
// Draw order inside a prompt is fixed: the task, then the query, then the context tokens in order.
// Hence a prompt drawn for max_n = 40 starts with exactly the prompt drawn for max_n = 20, and the
// model trained at n = 20 sees the same data whatever other n share its bank.
#pragma once

#include <memory>

#include "icl/config.hpp"
#include "lanes.hpp"
#include "prompt.hpp"
#include "rng.hpp"

namespace icl {

class DataModel {
 public:
  virtual ~DataModel() = default;
  /** Fills every lane of the group from the lane streams of `gaussian` (already reset to the prompt keys). */
  virtual void fill(GaussianStream<FloatBatch>& gaussian, PromptGroup<float>& group) const = 0;
  /** The scalar twin (one lane). */
  virtual void fill(GaussianStream<float>& gaussian, PromptGroup<float>& group) const = 0;
};

/**
 * Implements both fill overrides with the derived generator's one template, fill_lanes<V>, so that every
 * data model writes its law once for the SIMD and the scalar lane types.
 */
template <class Derived>
class LaneDataModel : public DataModel {
 public:
  void fill(GaussianStream<FloatBatch>& gaussian, PromptGroup<float>& group) const final {
    static_cast<const Derived*>(this)->fill_lanes(gaussian, group);
  }
  void fill(GaussianStream<float>& gaussian, PromptGroup<float>& group) const final {
    static_cast<const Derived*>(this)->fill_lanes(gaussian, group);
  }
};

/** The data model a config describes. */
std::unique_ptr<DataModel> make_data_model(const Config& config);

}  // namespace icl
