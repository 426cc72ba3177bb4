// The one description of a run. The page, its links, the command line and the tests all speak this
// JSON; it is validated here, once, so every front end gets the same messages (which name the field
// and its allowed range). README.md documents every field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "icl/result.hpp"

namespace icl {

/** A diagonal covariance by its eigenvalues. */
struct SpectrumSpec {
  enum class Kind { Isotropic, PowerLaw, Explicit };
  Kind kind = Kind::Isotropic;
  std::vector<double> values;  // Explicit only: one positive value per dimension

  /** The d eigenvalues. PowerLaw is paper-spec §1c: lambda_i = d (1/i) / H_d, so the trace is d. */
  std::vector<double> eigenvalues(int d) const;
};

struct DataConfig {
  double noise_variance = 0.0;
  SpectrumSpec x_spectrum;
  SpectrumSpec task_spectrum;
};

struct ModelConfig {
  double init_std = 0.1;
};

/** Adam with one step cut of the learning rate (paper-spec §4 defaults). */
struct TrainingConfig {
  int steps = 4000;
  int batch_size = 1024;
  double learning_rate = 3e-3;
  double lr_decay_at = 0.75;
  double lr_decay_factor = 0.1;
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.999;
  double adam_epsilon = 1e-8;

  /** The learning rate in force at step t (0-based). */
  double learning_rate_at(int step) const;
};

struct EvaluationConfig {
  int prompts = 100000;
};

struct Config {
  static constexpr int kVersion = 1;
  /** Largest feature dimension d; the kernels size their stack buffers by it. */
  static constexpr int kMaxDimension = 64;
  std::uint32_t seed = 1;
  int d = 20;
  std::vector<int> n{5, 10, 20, 40};
  DataConfig data;
  ModelConfig model;
  TrainingConfig training;
  EvaluationConfig evaluation;

  int max_n() const { return n.back(); }
};

/** Parses and validates JSON text; missing fields take their defaults. */
Result<Config> parse_config(std::string_view json_text);

/** The config as normalised JSON text (every field present), which parse_config reads back unchanged. */
std::string config_to_json(const Config& config);

}  // namespace icl
