// Pieces shared by the data generators: drawing a run of normals in Box-Muller pairs, and writing a
// token (features and label) into a prompt group.
#pragma once

#include "icl/config.hpp"
#include "lanes.hpp"
#include "prompt.hpp"
#include "rng.hpp"

namespace icl {

/** Fills out[0..count) with N(0, 1) lane values; an odd count leaves the pair's spare for the next draw. */
template <class V>
void draw_normals(GaussianStream<V>& gaussian, V* out, int count) {
  int i = 0;
  for (; i + 1 < count; i += 2) gaussian.next_pair(out[i], out[i + 1]);
  if (i < count) out[i] = gaussian.next();
}

/** Writes the d features and the label of a token starting at `first_slot`. */
template <class V>
void store_token(PromptGroup<float>& group, int first_slot, const V* features, int d, const V& label) {
  for (int f = 0; f < d; ++f) LaneTraits<V>::store(group.slot(first_slot + f), features[f]);
  LaneTraits<V>::store(group.slot(first_slot + d), label);
}

template <class V>
V dot(const V* a, const V* b, int d) {
  V sum = V(0.0f);
  for (int f = 0; f < d; ++f) sum = sum + a[f] * b[f];
  return sum;
}

/** Scratch vectors of a generator, sized for the largest d. */
template <class V>
struct TokenScratch {
  V task[Config::kMaxDimension];
  V query[Config::kMaxDimension];
  V features[Config::kMaxDimension + 1];  // + 1: the label noise drawn with the features
};

}  // namespace icl
