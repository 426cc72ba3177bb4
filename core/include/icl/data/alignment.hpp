// Task-feature alignment (paper-spec §1e): x_i = alpha beta + sqrt(1 - alpha^2) g_i.
#pragma once

namespace icl::data {

struct Alignment {
  /** Variant B: the query is isotropic (the default); variant A: it is aligned like the context. */
  enum class Query { Isotropic, Aligned };
  double alpha = 0.2;
  Query query = Query::Isotropic;

  double scale_a() const { return alpha; }
  double scale_b() const;
};

}  // namespace icl::data
