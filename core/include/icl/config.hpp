// The one description of a run. The page, its links, the command line and the tests all speak this
// JSON; it is validated here, once, so every front end gets the same messages (which name the field
// and its allowed range). README.md documents every field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "icl/data_kinds.hpp"
#include "icl/model_kinds.hpp"
#include "icl/result.hpp"
#include "icl/spectrum.hpp"

namespace icl {

/** A part of the config with a kind (the data, the model): the chosen kind's own section, a variant of
 * every kind's, and typed access to it. */
template <class Sections>
struct WithSection {
  Sections section;

  /** The section when the kind is the one of section type S, else null. */
  template <class S>
  const S* as() const {
    return std::get_if<S>(&section);
  }
  template <class S>
  bool is() const {
    return std::holds_alternative<S>(section);
  }
};

/** The data a model is trained and evaluated on (paper-spec §1): the label noise every kind has, and the
 * chosen kind's own section. */
struct DataConfig : WithSection<DataSection> {
  double noise_variance = 0.0;

  /** The kind's name in the config ("iid", "rag", ...). */
  const char* kind_name() const;
};

/** The model that is trained (paper-spec §2): the initialisation scale every architecture has, and the
 * chosen architecture's own section. */
struct ModelConfig : WithSection<ModelSection> {
  double init_std = 0.1;

  /** The architecture's name in the config ("attention", "h3"). */
  const char* kind_name() const;
};

/** How the learning rate falls from its peak: cut once (step), or smoothly to the end (cosine, linear). */
enum class LrSchedule { Step, Cosine, Linear };
/** Which weights are evaluated: the last iterate, or an average of the iterates from `average_from` on. */
enum class Averaging { None, Tail, Ema };

/**
 * Adam on fresh prompts every step, and the recipe around it: a learning-rate schedule with warm-up, a
 * batch that can grow over the first steps, and iterate averaging. Each phase (LoRA's pretraining, then
 * the training proper) runs the schedule over its own steps. The defaults are paper-spec §4's recipe.
 */
struct TrainingConfig {
  int steps = 4000;
  int batch_size = 1024;
  double learning_rate = 3e-3;  // the peak rate
  LrSchedule lr_schedule = LrSchedule::Step;
  double warmup = 0.0;           // fraction of the steps over which the rate rises linearly to its peak
  double lr_decay_at = 0.75;     // step: fraction of the steps after which the rate is cut
  double lr_decay_factor = 0.1;  // step: the cut; cosine and linear: the last step's rate over the peak
  double batch_ramp = 0.0;       // fraction of the steps over which the batch grows from batch_size_start
  int batch_size_start = 64;
  Averaging average = Averaging::None;
  double average_from = 0.5;  // fraction of the steps after which averaging starts
  double ema_decay = 0.99;    // ema: weight of the average so far at each step
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.999;
  double adam_epsilon = 1e-8;

  /** The learning rate in force at step t (0-based) of a phase of `phase_steps` steps (default: steps). */
  double learning_rate_at(int step, int phase_steps = 0) const;
  /** The batch size at step t (0-based) of a phase of `phase_steps` steps (default: steps). */
  int batch_size_at(int step, int phase_steps = 0) const;
  /** Prompts drawn over a phase of `phase_steps` steps: the sum of batch_size_at over its steps. */
  double prompts_in_phase(int phase_steps) const;
  /** The first step (0-based) of a phase of `phase_steps` steps whose weights enter the average. */
  int first_averaged_step(int phase_steps = 0) const;
};

struct EvaluationConfig {
  int prompts = 100000;
  /** The live curve's checkpoints use the first live_prompts of the evaluation set (all, when fewer). */
  int live_prompts = 4096;
};

/**
 * What a model is trained and evaluated on: the query's label (the default), or every position of the
 * prompt, each predicted from the tokens before it with one shared set of weights (paper-spec §3.4,
 * the online setting; the loss is the mean over the n + 1 positions).
 */
enum class Objective { Query, AllPositions };

struct Config {
  static constexpr int kVersion = 1;
  /** Largest feature dimension d; the kernels size their stack buffers by it. */
  static constexpr int kMaxDimension = 64;
  std::uint32_t seed = 1;
  int d = 20;
  std::vector<int> n{5, 10, 20, 40};
  DataConfig data;
  ModelConfig model;
  Objective objective = Objective::Query;
  TrainingConfig training;
  EvaluationConfig evaluation;

  int max_n() const { return n.back(); }
  /** Columns of W_q and W_k of attention: model.rank, or d + 1 (full rank) when it was not set or the
   *  model is not attention. */
  int attention_rank() const {
    const arch::Attention* attention = model.as<arch::Attention>();
    return attention != nullptr && attention->rank > 0 ? attention->rank : d + 1;
  }
};

/** Longest config text parse_config reads (1 MiB), checked before parsing. */
constexpr std::size_t kMaxConfigBytes = 1 << 20;
/** Deepest nesting of objects and arrays in a config text (a valid config needs 4). */
constexpr int kMaxConfigNesting = 64;

/**
 * Parses and validates JSON text; missing fields take their defaults. Never throws; every error message
 * is valid UTF-8 on one line and names the field (or the byte) at fault.
 */
Result<Config> parse_config(std::string_view json_text);

/**
 * The config as normalised JSON text, which parse_config reads back unchanged: every field present but
 * those whose value depends on d at full rank (model.rank, and model.init when it is Gaussian).
 */
std::string config_to_json(const Config& config);

}  // namespace icl
