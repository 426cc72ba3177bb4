// Where each number of a prompt lives. A prompt holds max_n context tokens z = [x, y] and the query
// [x, y] (the model sees the query with its label masked to 0; y is the target). Context token t is
// the (t+1)-th most recent token before the query, i.e. at lag t+1: a model with context n reads
// tokens 0..n-1, the n tokens right before the query. (Reading the most recent tokens, not the first
// ones, is what keeps a drifting task's law right for every n of a bank.)
// Prompts are stored in groups of `lanes` prompts, lane-interleaved: value (slot, lane) sits at
// slot * lanes + lane, so one SIMD load reads one slot of every prompt in the group.
#pragma once

#include <vector>

namespace icl {

struct PromptLayout {
  int d = 0;
  int max_n = 0;

  int token_width() const { return d + 1; }
  /** Feature f of context token t, the token at lag t+1 before the query (f == d is its label). */
  int slot(int token, int feature) const { return token * token_width() + feature; }
  /** Feature f of the query (f == d is the target label). */
  int query_slot(int feature) const { return max_n * token_width() + feature; }
  int slots() const { return (max_n + 1) * token_width(); }
};

/** Storage for one group of prompts; allocated once, refilled every step. */
template <class T>
struct PromptGroup {
  PromptGroup(const PromptLayout& layout_, std::size_t lanes_)
      : layout(layout_), lanes(lanes_), values(static_cast<std::size_t>(layout_.slots()) * lanes_) {}

  T* slot(int index) { return values.data() + static_cast<std::size_t>(index) * lanes; }
  const T* slot(int index) const { return values.data() + static_cast<std::size_t>(index) * lanes; }

  PromptLayout layout;
  std::size_t lanes;
  std::vector<T> values;
};

}  // namespace icl
