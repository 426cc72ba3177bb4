#include "data/label_flip/label_flip_theory.hpp"

#include <cmath>
#include <string>

#include "data/label_flip/label_flip_data.hpp"
#include "data/label_flip/label_flip_kind.hpp"

namespace icl {
namespace theory {
namespace {

std::string check_arguments(const std::vector<double>& x, const std::vector<double>& task, double noise, int n,
                            double p) {
  if (x.empty() || x.size() != task.size()) {
    return "the feature and task spectra must be non-empty and of one length (got " + std::to_string(x.size()) +
           " and " + std::to_string(task.size()) + ")";
  }
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!(std::isfinite(x[i]) && x[i] > 0 && std::isfinite(task[i]) && task[i] > 0)) {
      return "eigenvalue " + std::to_string(i + 1) + " of the spectra must be finite and above 0";
    }
  }
  if (!(std::isfinite(noise) && noise >= 0)) return "the noise variance must be finite and at least 0";
  if (n < 0) return "n must be at least 0 (got " + std::to_string(n) + ")";
  if (!(p >= 0 && p <= 1)) return "the flip probability must be in [0, 1]";
  return {};
}

}  // namespace

Result<double> label_flip_risk(const std::vector<double>& x, const std::vector<double>& task, double noise, int n,
                               double p, const std::vector<double>& w) {
  if (std::string error = check_arguments(x, task, noise, n, p); !error.empty()) return Result<double>::failure(error);
  if (w.size() != x.size()) return Result<double>::failure("w must have one entry per dimension");
  const double m = 1.0 - 2.0 * p;
  double trace = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) trace += x[i] * task[i];
  // Per direction, with lambda = x b and u = x w: -2 m n u lambda + u^2 (n (m^2 (n - 1) + 2) lambda + n (T + s^2)).
  double risk = noise + trace;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double lambda = x[i] * task[i], u = x[i] * w[i];
    risk += -2.0 * m * n * u * lambda + u * u * n * ((m * m * (n - 1) + 2.0) * lambda + trace + noise);
  }
  return Result<double>::success(risk);
}

Result<LabelFlipOptimum> label_flip_optimum(const std::vector<double>& x, const std::vector<double>& task, double noise,
                                            int n, double p) {
  using Out = Result<LabelFlipOptimum>;
  if (std::string error = check_arguments(x, task, noise, n, p); !error.empty()) return Out::failure(error);
  const double m = 1.0 - 2.0 * p;
  double trace = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) trace += x[i] * task[i];
  LabelFlipOptimum out{{}, noise + trace};
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double lambda = x[i] * task[i];
    // The denominator is at least lambda + T + sigma^2 > 0 (m^2 <= 1, and n - 1 >= -1).
    const double denominator = (m * m * (n - 1) + 2.0) * lambda + trace + noise;
    out.w.push_back(m * task[i] / denominator);
    out.risk -= m * m * n * lambda * lambda / denominator;
  }
  return Out::success(std::move(out));
}

}  // namespace theory

namespace {

Result<theory::LabelFlipOptimum> optimum_at(const data::LabelFlip& section, const Config& config, int n) {
  return theory::label_flip_optimum(section.x_spectrum.eigenvalues(config.d),
                                    section.task_spectrum.eigenvalues(config.d), config.data.noise_variance, n,
                                    realised_flip_probability(section.flip_probability));
}

}  // namespace

void LabelFlipKind::add_curves(const Section& section, const Config& config, const std::vector<int>& n,
                               const TheoryOptions&, CurveList& list) {
  list.add(curve("label_flip_optimum", "optimal PGD with flipped context labels (exact)", n,
                 [&](int length) { return risk_of(optimum_at(section, config, length)); }));
  data::LabelFlip clean = section;
  clean.flip_probability = 0.0;
  list.add(curve("clean_reference", "clean context labels (p = 0)", n,
                 [&](int length) { return risk_of(optimum_at(clean, config, length)); }));
}

Result<OptimalWeights> LabelFlipKind::optimal_weights(const Section& section, const Config& config, int n) {
  const auto optimum = optimum_at(section, config, n);
  if (!optimum.ok()) return Result<OptimalWeights>::failure(optimum.error());
  return Result<OptimalWeights>::success(preconditioner_only(diagonal(optimum.value().w), n));
}

}  // namespace icl
