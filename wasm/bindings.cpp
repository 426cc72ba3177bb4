// Embind glue, kept thin: JSON text in, numbers out. No C++ exception crosses into JavaScript: every
// entry point catches at the boundary (the module is built with -fwasm-exceptions, so a catch works and
// the wasm stack is unwound properly) and returns an error value; wasm/icl.js turns it into an
// exception. Every message is valid UTF-8 (icl/text.hpp), and every JSON dump uses nlohmann's replace
// handler, which cannot throw. Numbers from JavaScript arrive as doubles and are checked here, so that
// nothing wraps on its way to an int (2^32 + 5 is not 5).
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <exception>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "icl/config.hpp"
#include "icl/config_schema.hpp"
#include "icl/experiment.hpp"
#include "icl/run_plan.hpp"
#include "icl/text.hpp"
#include "icl/theory_curves.hpp"

using emscripten::val;

namespace {

int live_objects = 0;

// The largest optimalWeights n (its result has n sample weights).
constexpr int kMaxWeightsContext = 100000;

// A copy, not a typed_memory_view: a view into wasm memory dies when the memory grows.
val to_float64_array(const std::vector<double>& values) {
  return val(emscripten::typed_memory_view(values.size(), values.data())).call<val>("slice");
}

std::string dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// `internal` marks a failure of the module rather than of the input; icl.js throws Error, not ConfigError.
val error_object(const std::string& message, bool internal = false) {
  val result = val::object();
  result.set("error", icl::safe_message(message));
  if (internal) result.set("internal", true);
  return result;
}

std::string error_json(const std::string& message, bool internal = false) {
  nlohmann::json json = {{"error", icl::safe_message(message)}};
  if (internal) json["internal"] = true;
  return dump(json);
}

// The message of the exception being handled (call inside a catch block).
std::string current_exception_message(const char* where) {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    return std::string(where) + ": out of memory (the wasm module can grow to at most 2 GB)";
  } catch (const std::exception& error) {
    return std::string(where) + ": internal error: " + error.what();
  } catch (...) {
    return std::string(where) + ": internal error";
  }
}

// Runs `body`; an exception becomes `on_error(message)`.
template <class Body, class OnError>
auto guarded(const char* where, Body&& body, OnError&& on_error) -> decltype(body()) {
  try {
    return body();
  } catch (...) {
    return on_error(current_exception_message(where));
  }
}

/** A count from JavaScript: an integer in [min, max], else a message naming `what`. */
std::string check_integer(const char* what, double value, double min, double max) {
  if (std::isfinite(value) && value == std::floor(value) && value >= min && value <= max) return {};
  char range[64];
  std::snprintf(range, sizeof range, "[%.0f, %.0f]", min, max);
  char got[64];
  std::snprintf(got, sizeof got, "%.17g", value);
  return std::string(what) + " must be an integer in " + range + " (got " + got + ")";
}

// An experiment or the reason there is none; constructing never fails, so JavaScript sees no abort.
class ExperimentHandle {
 public:
  explicit ExperimentHandle(const std::string& config_json) {
    ++live_objects;
    try {
      auto config = icl::parse_config(config_json);
      if (!config.ok()) {
        error_ = config.error();
        return;
      }
      experiment_ = icl::Experiment::create(config.value());
    } catch (...) {
      experiment_.reset();
      error_ = icl::safe_message(current_exception_message("createExperiment"));
    }
  }
  ~ExperimentHandle() { --live_objects; }
  ExperimentHandle(const ExperimentHandle&) = delete;
  ExperimentHandle& operator=(const ExperimentHandle&) = delete;

  std::string error() const { return error_; }
  std::string config_json() const {
    return guarded(
        "configJson", [&] { return experiment_ ? icl::config_to_json(experiment_->config()) : std::string(); },
        [](const std::string&) { return std::string(); });
  }
  /** Trains up to `steps` more steps (never past the total); returns the steps done, or {error}. */
  val step(double steps) {
    if (!experiment_) return val(0);
    const std::string error = check_integer("step: k", steps, 0, 9007199254740991.0);
    if (!error.empty()) return error_object(error);
    return guarded(
        "step",
        [&] {
          const double left = experiment_->total_steps() - experiment_->steps_done();
          return val(experiment_->step(static_cast<int>(std::min(steps, left))));
        },
        [](const std::string& message) { return error_object(message, true); });
  }
  int steps_done() const { return experiment_ ? experiment_->steps_done() : 0; }
  int total_steps() const { return experiment_ ? experiment_->total_steps() : 0; }
  val last_train_loss() const {
    return array_or_error("lastTrainLoss", [&] { return experiment_->last_train_loss(); });
  }
  val evaluate() {
    return array_or_error("evaluate", [&] { return experiment_->evaluate(); });
  }
  val evaluation_standard_error() const {
    return array_or_error("evaluationStandardError", [&] { return experiment_->evaluation_standard_error(); });
  }
  val theory() const {
    return array_or_error("theory", [&] { return experiment_->theory(); });
  }
  val effective_weights(double model) const {
    if (std::string error = check_model(model); !error.empty()) return error_object("effectiveWeights: " + error);
    return array_or_error("effectiveWeights", [&] { return experiment_->effective_weights(static_cast<int>(model)); });
  }
  val sample_weights(double model) const {
    if (std::string error = check_model(model); !error.empty()) return error_object("sampleWeights: " + error);
    return array_or_error("sampleWeights", [&] { return experiment_->sample_weights(static_cast<int>(model)); });
  }
  /**
   * {n, d, learnedPreconditioner, learnedSampleWeights, sampleWeightScale, optimal, optimalError,
   * relativeDistance} of model `model` (icl/model_readout.hpp), or {error}. optimal is
   * {preconditioner, sampleWeights} or null, and then optimalError says why; relativeDistance is a number or null.
   */
  val readout(double model) const {
    if (std::string error = check_model(model); !error.empty()) return error_object("readout: " + error);
    return guarded(
        "readout",
        [&] {
          const icl::ModelReadout readout = experiment_->readout(static_cast<int>(model));
          val result = val::object();
          result.set("n", readout.n);
          result.set("d", readout.d);
          result.set("learnedPreconditioner", to_float64_array(readout.preconditioner));
          result.set("learnedSampleWeights", to_float64_array(readout.sample_weights));
          result.set("sampleWeightScale", readout.sample_weight_scale);
          if (readout.optimal) {
            val optimal = val::object();
            optimal.set("preconditioner", to_float64_array(readout.optimal->preconditioner));
            optimal.set("sampleWeights", to_float64_array(readout.optimal->sample_weights));
            result.set("optimal", optimal);
            result.set("optimalError", val::null());
          } else {
            result.set("optimal", val::null());
            result.set("optimalError", icl::safe_message(readout.optimal_error));
          }
          result.set("relativeDistance", readout.relative_distance ? val(*readout.relative_distance) : val::null());
          return result;
        },
        [](const std::string& message) { return error_object(message, true); });
  }
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
    return guarded(
        "verdicts",
        [&] {
          val list = val::array();
          if (!experiment_) return list;
          const auto verdicts = experiment_->verdicts(emscripten::convertJSArrayToNumberVector<double>(final_risk));
          for (const auto& verdict : verdicts) {
            val entry = val::object();
            entry.set("kind", std::string(icl::verdict_name(verdict.kind)));
            entry.set("gap", verdict.gap);
            entry.set("recentChange", verdict.recent_change);
            entry.set("message", icl::safe_message(verdict.message));
            list.call<void>("push", entry);
          }
          return list;
        },
        [](const std::string& message) { return error_object(message, true); });
  }
  // For tests/bench only (not part of wasm/icl.js): times the prompt sampler alone.
  void draw_batch_only() {
    guarded(
        "drawBatchOnly",
        [&] {
          if (experiment_) experiment_->draw_batch_only();
        },
        [](const std::string&) {});
  }

 private:
  std::string check_model(double model) const {
    const double count = experiment_ ? experiment_->model_count() : 0;
    return check_integer("model", model, 0, count - 1);
  }

  template <class Values>
  val array_or_error(const char* where, Values&& values) const {
    if (!experiment_) return to_float64_array({});
    return guarded(
        where, [&] { return to_float64_array(values()); },
        [](const std::string& message) { return error_object(message, true); });
  }

  std::string error_;
  std::unique_ptr<icl::Experiment> experiment_;
};

/** {"config": normalised} or {"error": message}, as JSON text. */
std::string normalize_config(const std::string& config_json) {
  return guarded(
      "normalizeConfig",
      [&] {
        const auto config = icl::parse_config(config_json);
        if (!config.ok()) return error_json(config.error());
        return "{\"config\":" + icl::config_to_json(config.value()) + "}";
      },
      [](const std::string& message) { return error_json(message, true); });
}

std::string default_config() {
  return guarded(
      "defaultConfig", [] { return icl::config_to_json(icl::Config{}); },
      [](const std::string& message) { return error_json(message, true); });
}

/**
 * The context lengths of a theory request: an array of at most kMaxTheoryLengths integers in
 * [0, kMaxTheoryContext], else an error message. The length is checked before the array is copied.
 */
std::string read_lengths(const val& n_values, std::vector<int>& lengths) {
  if (!val::global("Array").call<bool>("isArray", n_values)) return "n must be an array of integers";
  const double count = n_values["length"].as<double>();
  if (count > static_cast<double>(icl::kMaxTheoryLengths)) {
    return "n may have at most " + std::to_string(icl::kMaxTheoryLengths) + " entries (got " +
           std::to_string(static_cast<long long>(count)) + ")";
  }
  const std::vector<double> requested = emscripten::convertJSArrayToNumberVector<double>(n_values);
  for (std::size_t i = 0; i < requested.size(); ++i) {
    const double n = requested[i];
    if (!(n >= 0 && n <= icl::kMaxTheoryContext && n == std::floor(n))) {
      return "n[" + std::to_string(i) + "] must be an integer in [0, " + std::to_string(icl::kMaxTheoryContext) + "]";
    }
    lengths.push_back(static_cast<int>(n));
  }
  return {};
}

/** The theory of the config's model at each n: a Float64Array, or {error}. */
val theory_curve(const std::string& config_json, const val& n_values) {
  return guarded(
      "theoryCurve",
      [&] {
        const auto config = icl::parse_config(config_json);
        if (!config.ok()) return error_object(config.error());
        std::vector<int> lengths;
        const std::string error = read_lengths(n_values, lengths);
        if (!error.empty()) return error_object("theoryCurve: " + error);
        const auto risks = icl::optimal_risk_curve(config.value(), lengths);
        return risks.ok() ? to_float64_array(risks.value()) : error_object(risks.error());
      },
      [](const std::string& message) { return error_object(message, true); });
}

/** Every theory curve of the config, as JSON text: {"curves": [{name, label, values, standardError?}]} or {"error"}. */
std::string theory_curves(const std::string& config_json, const val& n_values, bool bayes_optimal) {
  return guarded(
      "theoryCurves",
      [&] {
        const auto config = icl::parse_config(config_json);
        if (!config.ok()) return error_json(config.error());
        std::vector<int> lengths;
        const std::string error = read_lengths(n_values, lengths);
        if (!error.empty()) return error_json("theoryCurves: " + error);
        icl::TheoryOptions options;
        options.bayes_optimal = bayes_optimal;
        const auto curves = icl::theory_curves(config.value(), lengths, options);
        if (!curves.ok()) return error_json(curves.error());
        nlohmann::json list = nlohmann::json::array();
        for (const auto& curve : curves.value()) {
          nlohmann::json entry = {{"name", curve.name},
                                  {"label", curve.label},
                                  {"role", curve_role_name(curve.role)},
                                  {"values", curve.risk}};
          if (!curve.standard_error.empty()) entry["standardError"] = curve.standard_error;
          list.push_back(std::move(entry));
        }
        return dump(nlohmann::json{{"curves", std::move(list)}});
      },
      [](const std::string& message) { return error_json(message, true); });
}

/** {preconditioner, sampleWeights} of the config's theory at context n, or {error}. */
val optimal_weights(const std::string& config_json, double n) {
  return guarded(
      "optimalWeights",
      [&] {
        const auto config = icl::parse_config(config_json);
        if (!config.ok()) return error_object(config.error());
        const std::string error = check_integer("optimalWeights: n", n, 1, kMaxWeightsContext);
        if (!error.empty()) return error_object(error);
        const auto weights = icl::optimal_weights(config.value(), static_cast<int>(n));
        if (!weights.ok()) return error_object(weights.error());
        val result = val::object();
        result.set("preconditioner", to_float64_array(weights.value().preconditioner));
        result.set("sampleWeights", to_float64_array(weights.value().sample_weights));
        return result;
      },
      [](const std::string& message) { return error_object(message, true); });
}

// For tests only (not part of wasm/icl.js): throws inside a guarded body, so a test can check that the
// build catches C++ exceptions at the boundary (it needs -fwasm-exceptions) and leaks no wasm stack.
std::string throw_for_test(const std::string& kind) {
  return guarded(
      "throwForTest",
      [&]() -> std::string {
        if (kind == "bad_alloc") throw std::bad_alloc();
        if (kind == "json") (void)nlohmann::json::parse("{\"d\": ");  // nlohmann's own parse_error
        throw std::runtime_error("thrown \xC3 for the test");         // invalid UTF-8 in what()
      },
      [](const std::string& message) { return error_json(message, true); });
}

std::string config_schema() {
  return guarded(
      "configSchema", [] { return icl::config_schema_json(); },
      [](const std::string& message) { return error_json(message, true); });
}

/** {totalSteps, stepMultiplyAdds, runMultiplyAdds, evaluationMultiplyAdds} of a config, or {error}. */
val run_plan(const std::string& config_json) {
  return guarded(
      "runPlan",
      [&] {
        const auto config = icl::parse_config(config_json);
        if (!config.ok()) return error_object(config.error());
        const icl::RunPlan plan = icl::plan_run(config.value());
        val result = val::object();
        result.set("totalSteps", plan.total_steps);
        result.set("stepMultiplyAdds", plan.step_multiply_adds);
        result.set("runMultiplyAdds", plan.run_multiply_adds);
        result.set("evaluationMultiplyAdds", plan.evaluation_multiply_adds);
        return result;
      },
      [](const std::string& message) { return error_object(message, true); });
}

int live_object_count() { return live_objects; }
std::string build_id() { return ICL_BUILD_ID; }
double max_config_bytes() { return static_cast<double>(icl::kMaxConfigBytes); }
int max_config_nesting() { return icl::kMaxConfigNesting; }
double max_theory_lengths() { return static_cast<double>(icl::kMaxTheoryLengths); }

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
      .function("evaluationStandardError", &ExperimentHandle::evaluation_standard_error)
      .function("theory", &ExperimentHandle::theory)
      .function("effectiveWeights", &ExperimentHandle::effective_weights)
      .function("sampleWeights", &ExperimentHandle::sample_weights)
      .function("readout", &ExperimentHandle::readout)
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
  emscripten::function("throwForTest", &throw_for_test);
  emscripten::function("buildId", &build_id);
  emscripten::function("maxConfigBytes", &max_config_bytes);
  emscripten::function("maxConfigNesting", &max_config_nesting);
  emscripten::function("maxTheoryLengths", &max_theory_lengths);
}
