// What an architecture provides to the experiment, in its folder core/src/arch/<name>/: how a bank of its
// models is built (shape, parameterisation, initial weights), the per-bank training code on each lane
// type (per-model state, the kernels of the query and all-positions objectives, the gradient chained back
// to the parameters), and the read-outs (W_eff and omega). The experiment dispatches through it; the
// registry (architecture_for) is the one place that maps a model kind to its architecture.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "config_reader.hpp"
#include "icl/config.hpp"
#include "lanes.hpp"
#include "prompt.hpp"
#include "schema_field.hpp"

namespace icl {

struct BankModel;

/** One bank's training code on one lane type; everything it needs is allocated in its constructor. */
template <class V>
class LaneArchitecture {
 public:
  virtual ~LaneArchitecture() = default;
  /** Model m's kernel weights from its parameters, broadcast to lanes, and its gradient buffers cleared. */
  virtual void prepare(std::size_t m, BankModel& model) = 0;
  /**
   * Runs model m on one prompt group: each lane's loss into loss_sum (lanes outside lane_mask count 0)
   * and, with_gradient, the gradient scaled by grad_scale into its buffers.
   */
  virtual void run(std::size_t m, const BankModel& model, const float* group, const V& lane_mask, V& loss_sum,
                   bool with_gradient, const V& grad_scale) = 0;
  /** Model m's gradient of the batch, chained back to its parameters (model.gradient). */
  virtual void finish(std::size_t m, BankModel& model) = 0;
};

class Architecture {
 public:
  virtual ~Architecture() = default;

  // Its config: model.kind's choice, its own model.* fields (the kind and init_std are common).
  /** model.kind in the config. */
  virtual const char* name() const = 0;
  virtual schema::Choice choice() const = 0;
  /**
   * Its fields in the form's order, each with the conditions under which it applies (model.kind among
   * them); `factored` is the condition "a data kind whose theory covers factored attention".
   */
  virtual std::vector<schema::Field> schema_fields(const schema::Condition& factored) const = 0;
  /** Its section with every field at its default: the reader starts from it. */
  virtual ModelSection section() const = 0;
  /** Reads and checks its fields of the model object into its section (model.section holds one). */
  virtual std::string read(ObjectReader& reader, int d, ModelConfig& model) const = 0;
  /** Writes them after model.kind and model.init_std. */
  virtual void write(const Config& config, OrderedJson& json) const = 0;
  /** Rules across sections (those of the online objective). */
  virtual std::string check(const Config& config) const = 0;
  /** The form's side of check: the conditions on its own fields under which objective "all_positions" is
   *  offered (each holds when the field is absent, as it is for another architecture). */
  virtual std::vector<schema::Condition> all_positions_when() const = 0;

  /** Shapes, parameterises and initialises the bank's models (their n already set). */
  virtual void make_models(const Config& config, std::vector<BankModel>& bank) const = 0;
  // A phase before the training proper, on other data (LoRA's pretraining); none by default.
  /** Its steps, 0 without one. */
  virtual int pretrain_steps(const Config&) const { return 0; }
  /** The config whose data it trains on (called only when it has steps). */
  virtual Config pretraining_config(const Config& config) const { return config; }
  /** Turns a model trained by it into the model the training proper trains (LoRA: freezes its weights
   *  and makes a fresh adapter the parameters); called only when it has steps. */
  virtual void begin_training_phase(const Config&, BankModel&) const {}
  /** The bank's training code for the SIMD lanes and for the scalar twin; `online`: objective all_positions. */
  virtual std::unique_ptr<LaneArchitecture<FloatBatch>> lanes(const std::vector<BankModel>& bank,
                                                              const PromptLayout& layout, bool online,
                                                              FloatBatch) const = 0;
  virtual std::unique_ptr<LaneArchitecture<float>> lanes(const std::vector<BankModel>& bank, const PromptLayout& layout,
                                                         bool online, float) const = 0;
  /** W_eff (d x d, row-major) of the reduced form y_hat = x^T W_eff X^T (omega ⊙ y), from the kernel's weights. */
  virtual std::vector<float> effective_weights(const BankModel& model, const float* weights) const = 0;
  /** Whether it learns a weight per context token (ω, by lag): the theory then scores it against the
   *  optimally weighted optimum (drift, the online objective) rather than the uniform one. */
  virtual bool weighs_samples() const = 0;
  /** Multiply-adds per prompt of one model with context n, forward and backward, in its kernels' forms. */
  virtual double multiply_adds(const Config& config, int n) const = 0;
  /** omega, one weight per context token (t = 0 the most recent), mean 1, from the trainable parameters. */
  virtual std::vector<float> sample_weights(const BankModel& model, const float* parameters) const = 0;
};

/** The registry: the architecture of the model's section. */
const Architecture& architecture_for(const ModelConfig& model);
/** Every architecture, in ModelSection's order. */
const std::vector<const Architecture*>& architectures();

}  // namespace icl
