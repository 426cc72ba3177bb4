// The one description of a run. The page, its links, the command line and the tests all speak this
// JSON; it is validated here, once, so every front end gets the same messages (which name the field
// and its allowed range). README.md documents every field.
#pragma once

#include <cstddef>
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

/** The data models of paper-spec §1. */
enum class DataKind { Iid, Rag, Alignment, Drift };
/** RAG context scales (x_i = a x + b g_i): normalised a = alpha, b = sqrt(1 - alpha^2); unnormalised b = 1; general (a, b). */
enum class RagForm { Normalized, Unnormalized, General };
/** Task-feature alignment: variant B (isotropic query, the default) or variant A (aligned query). */
enum class AlignmentQuery { Isotropic, Aligned };

struct DataConfig {
  DataKind kind = DataKind::Iid;
  double noise_variance = 0.0;
  SpectrumSpec x_spectrum;     // iid only
  SpectrumSpec task_spectrum;  // iid only
  double alpha = 0.2;          // rag, alignment
  RagForm rag_form = RagForm::Normalized;
  double rag_a = 1.0, rag_b = 1.0;  // rag with the general form
  AlignmentQuery query = AlignmentQuery::Isotropic;  // alignment
  double gamma = 0.9;                                 // drift: AR(1) correlation of the task along the prompt

  /** The context scales (a, b) of rag and alignment: x_i = a * (x or beta) + b * g_i. */
  double scale_a() const;
  double scale_b() const;
};

enum class ModelKind { Attention, H3 };
/** Gaussian: every weight N(0, init_std^2). Symmetric (paper-spec §3.7): W_k = W_q ~ N(0, init_std^2), w_v = e_D. */
enum class InitKind { Gaussian, Symmetric };
/** H3 filter: free lag weights f_0..f_n (initialised to ones), or a diagonal SSM with N states. */
enum class FilterKind { Free, Ssm };
/** LoRA adapts W_k only (effective rank r), or W_k and W_q (effective rank 2r). */
enum class LoraTarget { Key, KeyAndQuery };

/** Pretrain full-rank attention on an old task covariance, freeze it, train a rank-r adapter on the data's one. */
struct LoraConfig {
  bool enabled = false;
  int rank = 1;
  LoraTarget adapt = LoraTarget::Key;
  SpectrumSpec pretrain_task_spectrum;
  int pretrain_steps = 4000;
};

struct ModelConfig {
  ModelKind kind = ModelKind::Attention;
  double init_std = 0.1;
  int rank = 0;  // attention: columns of W_q and W_k; parse_config sets it (default d + 1, full rank)
  InitKind init = InitKind::Gaussian;  // attention; default symmetric when rank < d + 1
  FilterKind filter = FilterKind::Free;  // h3
  int ssm_states = 1;                    // h3 with the ssm filter
  LoraConfig lora;                       // attention
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

  /** The learning rate in force at step t (0-based) of a phase of `phase_steps` steps (default: steps). */
  double learning_rate_at(int step, int phase_steps = 0) const;
};

struct EvaluationConfig {
  int prompts = 100000;
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
  /** Columns of W_q and W_k of attention: model.rank, or d + 1 (full rank) when it was not set. */
  int attention_rank() const { return model.rank > 0 ? model.rank : d + 1; }
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
