// Embind glue, kept thin: JSON text in, numbers out. Errors cross the boundary as messages (the core
// never throws; exceptions are ignored under Emscripten). wasm/icl.js turns them into ConfigError.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "icl/config.hpp"
#include "icl/config_schema.hpp"
#include "icl/experiment.hpp"
#include "icl/run_plan.hpp"
#include "icl/theory_curves.hpp"

using emscripten::val;

namespace {

int live_objects = 0;

// A copy, not a typed_memory_view: a view into wasm memory dies when the memory grows.
val to_float64_array(const std::vector<double>& values) {
  return val(emscripten::typed_memory_view(values.size(), values.data())).call<val>("slice");
}

val error_object(const std::string& message) {
  val result = val::object();
  result.set("error", message);
  return result;
}

// An experiment or the reason there is none; constructing never fails, so JavaScript sees no abort.
class ExperimentHandle {
 public:
  explicit ExperimentHandle(const std::string& config_json) {
    ++live_objects;
    auto config = icl::parse_config(config_json);
    if (!config.ok()) {
      error_ = config.error();
      return;
    }
    experiment_ = icl::Experiment::create(config.value());
  }
  ~ExperimentHandle() { --live_objects; }
  ExperimentHandle(const ExperimentHandle&) = delete;
  ExperimentHandle& operator=(const ExperimentHandle&) = delete;

  std::string error() const { return error_; }
  std::string config_json() const { return experiment_ ? icl::config_to_json(experiment_->config()) : ""; }
  int step(int steps) { return experiment_ ? experiment_->step(steps) : 0; }
  int steps_done() const { return experiment_ ? experiment_->steps_done() : 0; }
  int total_steps() const { return experiment_ ? experiment_->total_steps() : 0; }
  val last_train_loss() const { return to_float64_array(experiment_ ? experiment_->last_train_loss() : std::vector<double>{}); }
  val evaluate() { return to_float64_array(experiment_ ? experiment_->evaluate() : std::vector<double>{}); }
  val theory() const { return to_float64_array(experiment_ ? experiment_->theory() : std::vector<double>{}); }
  val effective_weights(int model) const { return to_float64_array(valid(model) ? experiment_->effective_weights(model) : std::vector<double>{}); }
  val sample_weights(int model) const { return to_float64_array(valid(model) ? experiment_->sample_weights(model) : std::vector<double>{}); }
  int live_prompts() const { return experiment_ ? experiment_->live_prompts() : 0; }
  val checkpoint_schedule() const {
    const std::vector<int>& steps = experiment_ ? experiment_->checkpoint_schedule() : std::vector<int>{};
    return to_float64_array(std::vector<double>(steps.begin(), steps.end()));
  }
  /** The recorded checkpoints' live risks, checkpoint-major (checkpointsRecorded() x model count). */
  val checkpoint_risks() const {
    std::vector<double> risks;
    if (experiment_) {
      for (int c = 0; c < experiment_->checkpoints_recorded(); ++c) {
        for (int m = 0; m < experiment_->model_count(); ++m) risks.push_back(experiment_->checkpoint_risk(c, m));
      }
    }
    return to_float64_array(risks);
  }
  /** {step, model, loss, message} of a run that diverged, or null. */
  val divergence() const {
    if (!experiment_ || !experiment_->divergence()) return val::null();
    const auto& divergence = *experiment_->divergence();
    val result = val::object();
    result.set("step", divergence.step);
    result.set("model", divergence.model);
    result.set("loss", divergence.loss);
    result.set("message", divergence.message);
    return result;
  }
  /** Per model: {kind, gap, recentChange, message} for the given final risks. */
  val verdicts(const val& final_risk) const {
    val list = val::array();
    if (!experiment_) return list;
    const auto verdicts = experiment_->verdicts(emscripten::convertJSArrayToNumberVector<double>(final_risk));
    for (const auto& verdict : verdicts) {
      val entry = val::object();
      entry.set("kind", std::string(icl::verdict_name(verdict.kind)));
      entry.set("gap", verdict.gap);
      entry.set("recentChange", verdict.recent_change);
      entry.set("message", verdict.message);
      list.call<void>("push", entry);
    }
    return list;
  }
  // For tests/bench only (not part of wasm/icl.js): times the prompt sampler alone.
  void draw_batch_only() {
    if (experiment_) experiment_->draw_batch_only();
  }

 private:
  bool valid(int model) const { return experiment_ && model >= 0 && model < experiment_->model_count(); }

  std::string error_;
  std::unique_ptr<icl::Experiment> experiment_;
};

/** {"config": normalised} or {"error": message}, as JSON text. */
std::string normalize_config(const std::string& config_json) {
  const auto config = icl::parse_config(config_json);
  if (!config.ok()) return nlohmann::json{{"error", config.error()}}.dump();
  return "{\"config\":" + icl::config_to_json(config.value()) + "}";
}

std::string default_config() { return icl::config_to_json(icl::Config{}); }

/** The context lengths of a theory request: integers in [0, 1e6], else an error message. */
std::string read_lengths(const val& n_values, std::vector<int>& lengths) {
  constexpr double kMaxTheoryN = 1e6;
  const std::vector<double> requested = emscripten::convertJSArrayToNumberVector<double>(n_values);
  for (std::size_t i = 0; i < requested.size(); ++i) {
    const double n = requested[i];
    if (!(n >= 0 && n <= kMaxTheoryN && n == std::floor(n))) {
      return "n[" + std::to_string(i) + "] must be an integer in [0, 1000000]";
    }
    lengths.push_back(static_cast<int>(n));
  }
  return {};
}

/** The theory of the config's model at each n: a Float64Array, or {error}. */
val theory_curve(const std::string& config_json, const val& n_values) {
  const auto config = icl::parse_config(config_json);
  if (!config.ok()) return error_object(config.error());
  std::vector<int> lengths;
  const std::string error = read_lengths(n_values, lengths);
  if (!error.empty()) return error_object("theoryCurve: " + error);
  const auto risks = icl::optimal_risk_curve(config.value(), lengths);
  return risks.ok() ? to_float64_array(risks.value()) : error_object(risks.error());
}

/** Every theory curve of the config, as JSON text: {"curves": [{name, label, values, standardError?}]} or {"error"}. */
std::string theory_curves(const std::string& config_json, const val& n_values, bool bayes_optimal) {
  const auto config = icl::parse_config(config_json);
  if (!config.ok()) return nlohmann::json{{"error", config.error()}}.dump();
  std::vector<int> lengths;
  const std::string error = read_lengths(n_values, lengths);
  if (!error.empty()) return nlohmann::json{{"error", "theoryCurves: " + error}}.dump();
  icl::TheoryOptions options;
  options.bayes_optimal = bayes_optimal;
  const auto curves = icl::theory_curves(config.value(), lengths, options);
  if (!curves.ok()) return nlohmann::json{{"error", curves.error()}}.dump();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& curve : curves.value()) {
    nlohmann::json entry = {{"name", curve.name}, {"label", curve.label}, {"values", curve.risk}};
    if (!curve.standard_error.empty()) entry["standardError"] = curve.standard_error;
    list.push_back(std::move(entry));
  }
  return nlohmann::json{{"curves", std::move(list)}}.dump();
}

/** {preconditioner, sampleWeights} of the config's theory at context n, or {error}. */
val optimal_weights(const std::string& config_json, int n) {
  const auto config = icl::parse_config(config_json);
  if (!config.ok()) return error_object(config.error());
  if (n < 1 || n > 100000) return error_object("optimalWeights: n must be an integer in [1, 100000]");
  const auto weights = icl::optimal_weights(config.value(), n);
  if (!weights.ok()) return error_object(weights.error());
  val result = val::object();
  result.set("preconditioner", to_float64_array(weights.value().preconditioner));
  result.set("sampleWeights", to_float64_array(weights.value().sample_weights));
  return result;
}

std::string config_schema() { return icl::config_schema_json(); }

/** {totalSteps, stepMultiplyAdds, runMultiplyAdds, evaluationMultiplyAdds} of a config, or {error}. */
val run_plan(const std::string& config_json) {
  const auto config = icl::parse_config(config_json);
  if (!config.ok()) return error_object(config.error());
  const icl::RunPlan plan = icl::plan_run(config.value());
  val result = val::object();
  result.set("totalSteps", plan.total_steps);
  result.set("stepMultiplyAdds", plan.step_multiply_adds);
  result.set("runMultiplyAdds", plan.run_multiply_adds);
  result.set("evaluationMultiplyAdds", plan.evaluation_multiply_adds);
  return result;
}

int live_object_count() { return live_objects; }
std::string build_id() { return ICL_BUILD_ID; }

}  // namespace

EMSCRIPTEN_BINDINGS(icl) {
  emscripten::class_<ExperimentHandle>("ExperimentHandle")
      .constructor<const std::string&>()
      .function("error", &ExperimentHandle::error)
      .function("configJson", &ExperimentHandle::config_json)
      .function("step", &ExperimentHandle::step)
      .function("stepsDone", &ExperimentHandle::steps_done)
      .function("totalSteps", &ExperimentHandle::total_steps)
      .function("lastTrainLoss", &ExperimentHandle::last_train_loss)
      .function("evaluate", &ExperimentHandle::evaluate)
      .function("theory", &ExperimentHandle::theory)
      .function("effectiveWeights", &ExperimentHandle::effective_weights)
      .function("sampleWeights", &ExperimentHandle::sample_weights)
      .function("livePrompts", &ExperimentHandle::live_prompts)
      .function("checkpointSchedule", &ExperimentHandle::checkpoint_schedule)
      .function("checkpointRisks", &ExperimentHandle::checkpoint_risks)
      .function("divergence", &ExperimentHandle::divergence)
      .function("verdicts", &ExperimentHandle::verdicts)
      .function("drawBatchOnly", &ExperimentHandle::draw_batch_only);
  emscripten::function("normalizeConfig", &normalize_config);
  emscripten::function("defaultConfig", &default_config);
  emscripten::function("configSchema", &config_schema);
  emscripten::function("runPlan", &run_plan);
  emscripten::function("theoryCurve", &theory_curve);
  emscripten::function("theoryCurves", &theory_curves);
  emscripten::function("optimalWeights", &optimal_weights);
  emscripten::function("liveObjectCount", &live_object_count);
  emscripten::function("buildId", &build_id);
}
