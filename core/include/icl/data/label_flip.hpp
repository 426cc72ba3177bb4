// IID Gaussian prompts whose context labels are corrupted: each one's sign is flipped with probability
// flip_probability, independently; the query's label is clean. Not in the paper: the playground's own
// data model, with its own exact theory (core/src/data/label_flip/).
#pragma once

#include "icl/spectrum.hpp"

namespace icl::data {

struct LabelFlip {
  SpectrumSpec x_spectrum;
  SpectrumSpec task_spectrum;
  double flip_probability = 0.2;
};

}  // namespace icl::data
