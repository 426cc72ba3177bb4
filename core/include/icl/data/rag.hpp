// Retrieval-augmented context (paper-spec §1d): x_i = a x + b g_i, correlated with the query x.
#pragma once

namespace icl::data {

struct Rag {
  /** The context scales: normalised a = alpha, b = sqrt(1 - alpha^2); unnormalised b = 1; general (a, b). */
  enum class Form { Normalized, Unnormalized, General };
  double alpha = 0.2;
  Form form = Form::Normalized;
  double a = 1.0, b = 1.0;  // the general form only

  double scale_a() const;
  double scale_b() const;
};

}  // namespace icl::data
