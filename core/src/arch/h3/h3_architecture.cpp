// H3 (paper-spec §2): the kernel reads W_q, W_k, W_v and the lag weights f_0..f_n of its filter, free (one
// weight per lag) or a diagonal SSM; the filter maps its parameters to the lags and chains the gradient
// back. For the query objective the kernel runs in the pair form of h3.hpp.
#include <algorithm>
#include <memory>

#include "arch/architecture.hpp"
#include "arch/h3/h3_config.hpp"
#include "bank_model.hpp"
#include "arch/h3/h3.hpp"
#include "arch/h3/h3_online.hpp"
#include "arch/h3/h3_readout.hpp"

namespace icl {
namespace {

// The kernel's shape (parameters [W_q, W_k, W_v, filter parameters]) and the filter.
struct H3ModelShape final : ModelShape {
  H3ModelShape(const H3Shape& shape, const arch::H3& section)
      : kernel(shape), filter(section.filter), ssm_states(section.ssm_states) {}
  H3Shape kernel;
  FilterKind filter;
  int ssm_states;
};

const H3ModelShape& h3_of(const BankModel& model) { return static_cast<const H3ModelShape&>(*model.shape); }

int filter_parameter_count(const arch::H3& model, int n) {
  return model.filter == FilterKind::Free ? FreeFilter{n}.parameter_count()
                                          : SsmFilter{n, model.ssm_states}.parameter_count();
}

// The lag weights f_0..f_n from the filter parameters, and the chain rule back (adds into the gradient).
void h3_lags(const BankModel& model, const float* filter_parameters, float* lags) {
  if (h3_of(model).filter == FilterKind::Free) {
    FreeFilter{model.n}.lags(filter_parameters, lags);
  } else {
    SsmFilter{model.n, h3_of(model).ssm_states}.lags(filter_parameters, lags);
  }
}

void h3_filter_backward(const BankModel& model, const float* filter_parameters, const float* lag_gradient,
                        float* filter_gradient) {
  if (h3_of(model).filter == FilterKind::Free) {
    FreeFilter{model.n}.backward(filter_parameters, lag_gradient, filter_gradient);
  } else {
    SsmFilter{model.n, h3_of(model).ssm_states}.backward(filter_parameters, lag_gradient, filter_gradient);
  }
}

// W_q, W_k, W_v Gaussian (the same draws for every n), the filter at its own initial value (free: all
// ones, so that H3 starts as linear attention plus the query's self term).
std::vector<float> initial_h3_parameters(const Config& config, const BankModel& model) {
  const float init_std = static_cast<float>(config.model.init_std);
  const std::vector<float> draws = gaussian_draws(config, 0, h3_of(model).kernel.weight_count());
  std::vector<float> parameters(static_cast<std::size_t>(h3_of(model).kernel.parameter_count()));
  for (std::size_t i = 0; i < draws.size(); ++i) parameters[i] = draws[i] * init_std;
  float* filter = parameters.data() + h3_of(model).kernel.filter_offset();
  if (h3_of(model).filter == FilterKind::Free) {
    FreeFilter{model.n}.initialise(filter);
  } else {
    SsmFilter{model.n, h3_of(model).ssm_states}.initialise(filter);
  }
  return parameters;
}

/**
 * One model's buffers for one lane type. For the query objective the kernel reads the pair weights C and
 * fills an accumulator; for the online objective it reads W_q, W_k, W_v and writes their gradient.
 */
template <class V>
struct H3State {
  H3State(const BankModel& model, bool online_objective)
      : online(online_objective),
        workspace(h3_of(model).kernel),
        pair_weights(static_cast<std::size_t>(h3_of(model).kernel.pair_weight_count())),
        lags(static_cast<std::size_t>(model.n + 1)),
        lane_lags(lags.size()),
        accumulator(h3_of(model).kernel, model.n),
        pair_gradient(pair_weights.size()),
        lag_gradient(lags.size()),
        lane_weights(online ? static_cast<std::size_t>(h3_of(model).kernel.weight_count()) : 0),
        lane_weight_gradient(lane_weights.size()),
        lane_lag_gradient(online ? lags.size() : 0) {}

  /** The kernel's weights from the parameters, broadcast to lanes, and the gradient buffers cleared. */
  void prepare(const BankModel& model) {
    h3_lags(model, model.parameters.data() + h3_of(model).kernel.filter_offset(), lags.data());
    for (std::size_t k = 0; k < lags.size(); ++k) lane_lags[k] = V(lags[k]);
    if (online) {
      for (std::size_t i = 0; i < lane_weights.size(); ++i) lane_weights[i] = V(model.parameters[i]);
      std::fill(lane_weight_gradient.begin(), lane_weight_gradient.end(), V(0));
      std::fill(lane_lag_gradient.begin(), lane_lag_gradient.end(), V(0));
    } else {
      h3_pair_weights(h3_of(model).kernel, model.parameters.data(), workspace, pair_weights.data());
      accumulator.reset();
    }
  }

  /** The gradient of the batch, chained back to W_q, W_k, W_v and the filter parameters. */
  void finish(BankModel& model) {
    std::fill(model.gradient.begin(), model.gradient.end(), 0.0f);
    if (online) {
      for (std::size_t i = 0; i < lane_weight_gradient.size(); ++i)
        model.gradient[i] = LaneTraits<V>::sum(lane_weight_gradient[i]);
      for (std::size_t k = 0; k < lag_gradient.size(); ++k) lag_gradient[k] = LaneTraits<V>::sum(lane_lag_gradient[k]);
    } else {
      accumulator.lane_sums(pair_gradient.data(), lag_gradient.data());
      h3_weight_gradient(h3_of(model).kernel, model.parameters.data(), pair_gradient.data(), workspace,
                         model.gradient.data());
    }
    const int filter = h3_of(model).kernel.filter_offset();
    h3_filter_backward(model, model.parameters.data() + filter, lag_gradient.data(), model.gradient.data() + filter);
  }

  bool online;
  H3Workspace<float> workspace;
  std::vector<float> pair_weights;
  std::vector<float> lags;
  std::vector<V> lane_lags;
  H3Accumulator<V> accumulator;
  std::vector<float> pair_gradient;
  std::vector<float> lag_gradient;
  std::vector<V> lane_weights;          // online only: W_q, W_k, W_v
  std::vector<V> lane_weight_gradient;  // online only
  std::vector<V> lane_lag_gradient;     // online only
};

template <class V>
class H3Lanes final : public LaneArchitecture<V> {
 public:
  H3Lanes(const std::vector<BankModel>& bank, const PromptLayout& layout, bool online)
      : layout_(layout), online_(online), scratch_(h3_of(bank.front()).kernel, layout_) {
    for (const BankModel& model : bank) states_.emplace_back(model, online_);
    if (online_) online_scratch_ = std::make_unique<H3OnlineScratch<V>>(h3_of(bank.front()).kernel, layout_);
  }

  void prepare(std::size_t m, BankModel& model) override { states_[m].prepare(model); }

  void run(std::size_t m, const BankModel& model, const float* group, const V& lane_mask, V& loss_sum,
           bool with_gradient, const V& grad_scale) override {
    H3State<V>& state = states_[m];
    if (online_) {
      h3_online_group<V>(h3_of(model).kernel, layout_, model.n, state.lane_weights.data(), state.lane_lags.data(),
                         group, lane_mask, loss_sum, with_gradient ? state.lane_weight_gradient.data() : nullptr,
                         with_gradient ? state.lane_lag_gradient.data() : nullptr, grad_scale, *online_scratch_);
    } else {
      h3_group<V>(h3_of(model).kernel, layout_, model.n, state.pair_weights.data(), state.lane_lags.data(), group,
                  lane_mask, loss_sum, with_gradient ? &state.accumulator : nullptr, grad_scale, scratch_);
    }
  }

  void finish(std::size_t m, BankModel& model) override { states_[m].finish(model); }

 private:
  PromptLayout layout_;
  bool online_;
  H3Scratch<V> scratch_;
  std::unique_ptr<H3OnlineScratch<V>> online_scratch_;  // the online objective only
  std::vector<H3State<V>> states_;
};

class H3Architecture final : public Architecture {
 public:
  const char* name() const override { return h3_config::choice().value; }
  schema::Choice choice() const override { return h3_config::choice(); }
  std::vector<schema::Field> schema_fields(const schema::Condition&) const override {
    return h3_config::schema_fields();
  }
  ModelSection section() const override { return arch::H3{}; }
  std::string read(ObjectReader& reader, int d, ModelConfig& model) const override {
    return h3_config::read(reader, d, std::get<arch::H3>(model.section));
  }
  void write(const Config& config, OrderedJson& json) const override { h3_config::write(config, json); }
  std::string check(const Config& config) const override { return h3_config::check(config); }
  std::vector<schema::Condition> all_positions_when() const override { return h3_config::all_positions_when(); }
  void make_models(const Config& config, std::vector<BankModel>& bank) const override {
    const arch::H3& section = std::get<arch::H3>(config.model.section);
    for (BankModel& model : bank) {
      model.architecture = this;
      model.shape = std::make_unique<H3ModelShape>(
          H3Shape{config.d, config.d + 1, filter_parameter_count(section, model.n)}, section);
      // The kernel reads the parameters directly (their once-per-step preparation is H3State's).
      set_parameters(model, std::make_unique<DirectParameterisation>(h3_of(model).kernel.parameter_count()),
                     initial_h3_parameters(config, model), config.training);
    }
  }
  std::unique_ptr<LaneArchitecture<FloatBatch>> lanes(const std::vector<BankModel>& bank, const PromptLayout& layout,
                                                      bool online, FloatBatch) const override {
    return std::make_unique<H3Lanes<FloatBatch>>(bank, layout, online);
  }
  std::unique_ptr<LaneArchitecture<float>> lanes(const std::vector<BankModel>& bank, const PromptLayout& layout,
                                                 bool online, float) const override {
    return std::make_unique<H3Lanes<float>>(bank, layout, online);
  }
  std::vector<float> effective_weights(const BankModel& model, const float* weights) const override {
    return h3_effective_weights(h3_of(model).kernel, weights);
  }
  // The pair form of h3.hpp.
  double multiply_adds(const Config& config, int n) const override {
    const double d = config.d, width = config.d + 1;
    const double pairs = width * (width + 1) / 2;
    return 2 * d * pairs + 2 * (n + 1) * pairs;
  }
  bool weighs_samples() const override { return true; }
  std::vector<float> sample_weights(const BankModel& model, const float* parameters) const override {
    std::vector<float> lags(static_cast<std::size_t>(model.n + 1));
    h3_lags(model, parameters + h3_of(model).kernel.filter_offset(), lags.data());
    return h3_sample_weights(lags.data(), model.n);
  }
};

}  // namespace

const Architecture& h3_architecture() {
  static const H3Architecture architecture;
  return architecture;
}

}  // namespace icl
