#include "icl/config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "arch/architecture.hpp"
#include "config_reader.hpp"
#include "data/registry.hpp"
#include "icl/run_plan.hpp"
#include "icl/text.hpp"

namespace icl {
namespace {

// Builds the document from nlohmann's SAX events and refuses, with the path of the field, what a plain
// parse would accept or report in its own words: nesting deeper than kMaxConfigNesting, a key given twice
// in one object, a number out of the range of a double, and nonzero numbers too small for float
// training (denormals, or numbers that parse to 0). Errors are recorded, never thrown (Emscripten builds
// ignore exceptions; toolchain.md).
class ConfigSaxParser {
 public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  explicit ConfigSaxParser(Json& root) : root_(root) {}

  bool null() { return add(nullptr); }
  bool boolean(bool value) { return add(value); }
  bool number_integer(number_integer_t value) { return add(value); }
  bool number_unsigned(number_unsigned_t value) { return add(value); }
  bool number_float(number_float_t value, const string_t& text) {
    if ((value != 0.0 && std::fabs(value) < kMinMagnitude) || (value == 0.0 && has_nonzero_digit(text))) {
      return fail(field_of_next() + " is " + quote(text) + ", too small: a nonzero number must be at least " +
                  format_number(kMinMagnitude) + " in magnitude (training runs in float, where smaller ones " +
                  "underflow); write 0 for zero");
    }
    return add(value);
  }
  bool string(string_t& value) { return add(std::move(value)); }
  bool binary(binary_t& value) { return add(std::move(value)); }  // only binary formats produce these

  bool start_object(std::size_t) { return open(Json::object()); }
  bool key(string_t& key) {
    Frame& frame = frames_.back();
    if (frame.value->contains(key)) {
      frame.key = std::move(key);
      return fail(field_of_next() + " is given twice (each field may appear once)");
    }
    frame.key = std::move(key);
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(Json::array()); }
  bool end_array() { return close(); }

  template <class Exception>
  bool parse_error(std::size_t position, const std::string& last_token, const Exception& error) {
    if (error.id == 406) {  // out_of_range.406: a number beyond the range of a double
      return fail(field_of_next() + " is " + quote(last_token) +
                  ", a number out of the range of a double (whose largest magnitude is about 1.8e308)");
    }
    // Drop nlohmann's "[json.exception.parse_error.101] parse error" prefix: the rest says where and what.
    std::string text = error.what();
    if (text.rfind("[json.exception.", 0) == 0 && text.find("] ") != std::string::npos) {
      text.erase(0, text.find("] ") + 2);
    }
    if (text.rfind("parse error ", 0) == 0) text.erase(0, 12);
    if (text.rfind("at ", 0) == 0) return fail("the config is not valid JSON " + text);
    return fail("the config is not valid JSON at byte " + std::to_string(position) + ": " + text);
  }

  const std::string& error() const { return error_; }

 private:
  static constexpr double kMinMagnitude = 1e-30;

  struct Frame {
    Json* value;      // an object or an array under construction
    std::string key;  // objects: the key of the value that comes next
  };

  static bool has_nonzero_digit(const std::string& number_text) {
    for (char c : number_text) {
      if (c == 'e' || c == 'E') break;
      if (c >= '1' && c <= '9') return true;
    }
    return false;
  }

  static std::string quote(const std::string& text) { return cut_utf8(printable_utf8(text), 40); }

  // Where the next value goes: "d", "data.kind", "n[2]"; "the config" for the top-level value.
  std::string field_of_next() const {
    if (frames_.empty()) return "the config";
    std::string path;
    for (std::size_t j = 0; j < frames_.size(); ++j) {
      const Frame& frame = frames_[j];
      const bool innermost = j + 1 == frames_.size();
      if (frame.value->is_object()) {
        path += (path.empty() ? "" : ".") + quote(frame.key);
      } else {
        const std::size_t index = frame.value->size() - (innermost ? 0 : 1);
        path += "[" + std::to_string(index) + "]";
      }
    }
    return path.empty() ? "the field \"\"" : cut_utf8(path, 200);
  }

  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  Json* place(Json&& value) {
    if (frames_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Frame& frame = frames_.back();
    if (frame.value->is_array()) {
      frame.value->push_back(std::move(value));
      return &frame.value->back();
    }
    Json& slot = (*frame.value)[frame.key];
    slot = std::move(value);
    return &slot;
  }

  bool add(Json&& value) {
    place(std::move(value));
    return true;
  }

  bool open(Json&& container) {
    if (frames_.size() >= static_cast<std::size_t>(kMaxConfigNesting)) {
      return fail("the config is nested more than " + std::to_string(kMaxConfigNesting) + " levels deep (at " +
                  field_of_next() + ")");
    }
    Json* value = place(std::move(container));
    frames_.push_back(Frame{value, {}});
    return true;
  }

  bool close() {
    frames_.pop_back();
    return true;
  }

  Json& root_;
  std::vector<Frame> frames_;
  std::string error_;
};

std::string read_context_lengths(ObjectReader& reader, std::vector<int>& out) {
  if (!reader.has("n")) return {};
  const Json& value = reader.at("n");
  const std::string expected =
      "n must be an integer in [1, " + std::to_string(static_cast<int>(ranges::kContextLength.max)) +
      "] or a strictly increasing list of 1 to " + std::to_string(ranges::kMaxModels) + " such integers";
  std::vector<int> lengths;
  const auto read_one = [&](const Json& entry) {
    if (!entry.is_number()) return false;
    const double number = entry.get<double>();
    if (!(number >= 1 && number <= ranges::kContextLength.max && number == std::floor(number))) return false;
    lengths.push_back(static_cast<int>(number));
    return true;
  };
  if (value.is_array()) {
    if (value.empty() || value.size() > static_cast<std::size_t>(ranges::kMaxModels)) {
      return expected + " (got " + std::to_string(value.size()) + " entries)";
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (!read_one(value[i])) return expected + " (entry " + std::to_string(i + 1) + " is " + describe(value[i]) + ")";
      if (i > 0 && lengths[i] <= lengths[i - 1]) {
        return expected + " (entry " + std::to_string(i + 1) + " is " + std::to_string(lengths[i]) + ", not above " +
               std::to_string(lengths[i - 1]) + ")";
      }
    }
  } else if (!read_one(value)) {
    return expected + " (got " + describe(value) + ")";
  }
  out = std::move(lengths);
  return {};
}

// What owns each field of a config section: the choice of its selector (a data kind, an architecture)
// and that choice's schema entries.
using FieldOwners = std::vector<std::pair<const char*, std::vector<schema::Field>>>;

// The first key no read asked for, named as a field of another choice when one owns it
// ("data.gamma applies only to data.kind \"drift\""), else as unknown.
std::string unread_field_error(const ObjectReader& reader, const std::string& section, const FieldOwners& owners) {
  const std::string key = reader.first_unread_key();
  if (key.empty()) return {};
  const std::string path = section + "." + key;
  std::vector<std::string> names;
  for (const auto& [name, fields] : owners) {
    for (const schema::Field& field : fields) {
      if (field.path == path) names.push_back(std::string("\"") + name + "\"");
    }
  }
  if (names.empty()) return reader.unknown_key_error();
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return path + " applies only to " + section + ".kind " + out;
}

std::string read_data(ObjectReader& parent, int d, DataConfig& data) {
  const Json* object = nullptr;
  ICL_CHECK(parent.read_object("data", object));
  if (object == nullptr) return {};
  ObjectReader reader(*object, "data");
  if (reader.has("kind")) {
    const Json& value = reader.at("kind");
    bool known = false;
    std::string names;
    for_each_data_kind([&](auto kind) {
      names += std::string(names.empty() ? "" : " or ") + "\"" + kind.kName + "\"";
      if (!known && value.is_string() && value.get<std::string>() == kind.kName) {
        data.section = typename decltype(kind)::Section{};
        known = true;
      }
    });
    if (!known) return "data.kind must be " + names + " (got " + describe(value) + ")";
  }
  ICL_CHECK(reader.read_number("noise_variance", ranges::kNoiseVariance, data.noise_variance));
  ICL_CHECK(visit_data_kind(data, [&](auto kind, auto& section) { return kind.read(reader, d, section); }));
  FieldOwners owners;
  for_each_data_kind([&](auto kind) { owners.emplace_back(kind.kName, kind.schema_fields()); });
  return unread_field_error(reader, "data", owners);
}

std::string read_model(ObjectReader& parent, int d, ModelConfig& model) {
  const Json* object = nullptr;
  ICL_CHECK(parent.read_object("model", object));
  if (object == nullptr) return {};
  ObjectReader reader(*object, "model");
  if (reader.has("kind")) {
    const Json& value = reader.at("kind");
    std::string names;
    bool known = false;
    for (std::size_t i = 0; i < architectures().size(); ++i) {
      const char* name = architectures()[i]->name();
      names += std::string(names.empty() ? "" : " or ") + "\"" + name + "\"";
      if (!known && value.is_string() && value.get<std::string>() == name) {
        model.section = architectures()[i]->section();
        known = true;
      }
    }
    if (!known) return "model.kind must be " + names + " (got " + describe(value) + ")";
  }
  ICL_CHECK(reader.read_number("init_std", ranges::kInitStd, model.init_std));
  ICL_CHECK(architecture_for(model).read(reader, d, model));
  FieldOwners owners;
  for (const Architecture* architecture : architectures()) {
    owners.emplace_back(architecture->name(), architecture->schema_fields(schema::Condition{"data.kind", {}}));
  }
  return unread_field_error(reader, "model", owners);
}

// The JSON names of the recipe's choices, read and written from here.
constexpr std::pair<const char*, LrSchedule> kLrSchedules[] = {
    {"step", LrSchedule::Step}, {"cosine", LrSchedule::Cosine}, {"linear", LrSchedule::Linear}};
constexpr std::pair<const char*, Averaging> kAveragings[] = {
    {"none", Averaging::None}, {"tail", Averaging::Tail}, {"ema", Averaging::Ema}};

std::string read_training(ObjectReader& parent, TrainingConfig& training) {
  const Json* object = nullptr;
  ICL_CHECK(parent.read_object("training", object));
  if (object == nullptr) return {};
  ObjectReader reader(*object, "training");
  ICL_CHECK(reader.read_int("steps", ranges::kSteps, 0, training.steps));
  ICL_CHECK(reader.read_int("batch_size", ranges::kBatchSize, 0, training.batch_size));
  ICL_CHECK(reader.read_number("learning_rate", ranges::kLearningRate, training.learning_rate));
  ICL_CHECK(reader.read_choice<LrSchedule>("lr_schedule", kLrSchedules, training.lr_schedule));
  ICL_CHECK(reader.read_number("warmup", ranges::kWarmup, training.warmup));
  ICL_CHECK(reader.read_number("lr_decay_at", ranges::kDecayAt, training.lr_decay_at));
  ICL_CHECK(reader.read_number("lr_decay_factor", ranges::kDecayFactor, training.lr_decay_factor));
  ICL_CHECK(reader.read_number("batch_ramp", ranges::kBatchRamp, training.batch_ramp));
  ICL_CHECK(reader.read_int("batch_size_start", ranges::kBatchSize, 0, training.batch_size_start));
  if (training.batch_ramp > 0 && training.batch_size_start > training.batch_size) {
    return "training.batch_size_start must be at most training.batch_size (" + std::to_string(training.batch_size) +
           ") when training.batch_ramp is above 0 (got " + std::to_string(training.batch_size_start) + ")";
  }
  ICL_CHECK(reader.read_choice<Averaging>("average", kAveragings, training.average));
  ICL_CHECK(reader.read_number("average_from", ranges::kAverageFrom, training.average_from));
  ICL_CHECK(because(reader.read_number("ema_decay", ranges::kEmaDecay, training.ema_decay), ranges::kBelowOneReason));
  ICL_CHECK(because(reader.read_number("adam_beta1", ranges::kAdamBeta, training.adam_beta1), ranges::kBelowOneReason));
  ICL_CHECK(because(reader.read_number("adam_beta2", ranges::kAdamBeta, training.adam_beta2), ranges::kBelowOneReason));
  ICL_CHECK(reader.read_number("adam_epsilon", ranges::kAdamEpsilon, training.adam_epsilon));
  return reader.unknown_key_error();
}

std::string read_evaluation(ObjectReader& parent, EvaluationConfig& evaluation) {
  const Json* object = nullptr;
  ICL_CHECK(parent.read_object("evaluation", object));
  if (object == nullptr) return {};
  ObjectReader reader(*object, "evaluation");
  ICL_CHECK(reader.read_int("prompts", ranges::kEvaluationPrompts, 0, evaluation.prompts));
  ICL_CHECK(reader.read_int("live_prompts", ranges::kLivePrompts, 0, evaluation.live_prompts));
  return reader.unknown_key_error();
}

// Combinations the playground has no theory curve for are refused rather than trained without one.
std::string check_theory_exists(const Config& config) {
  if (config.objective == Objective::AllPositions && !theory_scope(config.data).all_positions) {
    return "objective \"all_positions\" needs data.kind " + data_kinds_covering(&TheoryScope::all_positions);
  }
  ICL_CHECK(visit_data_kind(config.data, [&](auto kind, const auto& section) { return kind.check(section, config); }));
  return architecture_for(config.model).check(config);
}

std::string read_config(const Json& root, Config& config) {
  if (!root.is_object()) return "the config must be a JSON object (got " + describe(root) + ")";
  ObjectReader reader(root, "");
  if (reader.has("version")) {
    const Json& version = reader.at("version");
    if (!version.is_number() || version.get<double>() != Config::kVersion) {
      return "version must be " + std::to_string(Config::kVersion) + " (got " + describe(version) + ")";
    }
  }
  long long seed = config.seed;
  ICL_CHECK(reader.read_integer("seed", ranges::kSeed, 0, seed));
  config.seed = static_cast<std::uint32_t>(seed);
  // d first: the spectra are checked against it.
  ICL_CHECK(reader.read_int("d", ranges::kDimension, 0, config.d));
  ICL_CHECK(read_context_lengths(reader, config.n));
  ICL_CHECK(read_data(reader, config.d, config.data));
  ICL_CHECK(read_model(reader, config.d, config.model));
  ICL_CHECK(reader.read_choice<Objective>(
      "objective", {{"query", Objective::Query}, {"all_positions", Objective::AllPositions}}, config.objective));
  ICL_CHECK(read_training(reader, config.training));
  ICL_CHECK(read_evaluation(reader, config.evaluation));
  ICL_CHECK(reader.unknown_key_error());
  ICL_CHECK(check_theory_exists(config));
  return check_budget(config);
}

OrderedJson data_to_json(const DataConfig& data) {
  OrderedJson json = {{"kind", data.kind_name()}, {"noise_variance", data.noise_variance}};
  visit_data_kind(data, [&](auto kind, const auto& section) { kind.write(section, json); });
  return json;
}

OrderedJson model_to_json(const Config& config) {
  OrderedJson json = {{"kind", config.model.kind_name()}, {"init_std", config.model.init_std}};
  architecture_for(config.model).write(config, json);
  return json;
}

}  // namespace

const char* DataConfig::kind_name() const {
  return visit_data_kind(*this, [](auto kind, const auto&) { return kind.kName; });
}

const char* ModelConfig::kind_name() const { return architecture_for(*this).name(); }

namespace {

// cos(pi p) for p in [0, 1] from + and * alone: libm's cos may differ in the last bit between glibc and
// the wasm libc, and the same seed must give the same numbers natively and in wasm. With x = pi (p - 1/2)
// in [-pi/2, pi/2], cos(pi p) = -sin(x), whose Taylor series to x^21 is exact to double's precision there.
double cos_pi(double p) {
  const double x = 3.14159265358979323846 * (p - 0.5);
  const double x2 = x * x;
  double term = x, sum = x;
  for (int k = 1; k <= 10; ++k) {
    term *= -x2 / ((2.0 * k) * (2.0 * k + 1.0));
    sum += term;
  }
  return -sum;
}

int phase_length(const TrainingConfig& training, int phase_steps) {
  return phase_steps > 0 ? phase_steps : training.steps;
}

}  // namespace

double TrainingConfig::learning_rate_at(int step, int phase_steps) const {
  const int length = phase_length(*this, phase_steps);
  const int warmup_steps = static_cast<int>(std::floor(warmup * length));
  if (step < warmup_steps) return learning_rate * (step + 1) / warmup_steps;
  if (lr_schedule == LrSchedule::Step) {
    const int decay_step = static_cast<int>(std::floor(lr_decay_at * length));
    return step >= decay_step ? learning_rate * lr_decay_factor : learning_rate;
  }
  // From the peak at the end of the warm-up to lr_decay_factor times it at the last step.
  const int decay_steps = length - 1 - warmup_steps;
  const double progress = decay_steps > 0 ? std::min(1.0, static_cast<double>(step - warmup_steps) / decay_steps) : 1.0;
  const double fall = lr_schedule == LrSchedule::Cosine ? 0.5 * (1.0 + cos_pi(progress)) : 1.0 - progress;
  return learning_rate * (lr_decay_factor + (1.0 - lr_decay_factor) * fall);
}

int TrainingConfig::batch_size_at(int step, int phase_steps) const {
  const int ramp_steps = static_cast<int>(std::floor(batch_ramp * phase_length(*this, phase_steps)));
  if (step >= ramp_steps) return batch_size;
  const long long growth = static_cast<long long>(batch_size - batch_size_start) * step / ramp_steps;
  return batch_size_start + static_cast<int>(growth);
}

double TrainingConfig::prompts_in_phase(int phase_steps) const {
  const int ramp_steps = std::min(phase_steps, static_cast<int>(std::floor(batch_ramp * phase_steps)));
  double prompts = static_cast<double>(phase_steps - ramp_steps) * batch_size;
  for (int step = 0; step < ramp_steps; ++step) prompts += batch_size_at(step, phase_steps);
  return prompts;
}

int TrainingConfig::first_averaged_step(int phase_steps) const {
  return static_cast<int>(std::floor(average_from * phase_length(*this, phase_steps)));
}

Result<Config> parse_config(std::string_view json_text) {
  // Checked before parsing: a large text costs time and memory even when it is refused.
  if (json_text.size() > kMaxConfigBytes) {
    return Result<Config>::failure("the config is " + std::to_string(json_text.size()) +
                                   " bytes long, above the limit of " + std::to_string(kMaxConfigBytes) +
                                   " bytes (1 MiB)");
  }
  // nlohmann reads a NUL byte as the end of the input, so "{}\0anything" would pass.
  if (const std::size_t nul = json_text.find('\0'); nul != std::string_view::npos) {
    return Result<Config>::failure("the config is not valid JSON: it holds a NUL byte (byte " +
                                   std::to_string(nul + 1) + " of " + std::to_string(json_text.size()) + ")");
  }
  Json root;
  ConfigSaxParser parser(root);
  const bool parsed = Json::sax_parse(json_text, &parser);
  if (!parsed || !parser.error().empty()) {
    return Result<Config>::failure(
        safe_message(parser.error().empty() ? "the config is not valid JSON" : parser.error()));
  }
  Config config;
  std::string error = read_config(root, config);
  if (!error.empty()) return Result<Config>::failure(safe_message(error));
  return Result<Config>::success(std::move(config));
}

std::string config_to_json(const Config& config) {
  const TrainingConfig& t = config.training;
  OrderedJson json = {
      {"version", Config::kVersion},
      {"seed", config.seed},
      {"d", config.d},
      {"n", config.n},
      {"data", data_to_json(config.data)},
      {"model", model_to_json(config)},
      {"objective", config.objective == Objective::Query ? "query" : "all_positions"},
      {"training",
       {{"steps", t.steps},
        {"batch_size", t.batch_size},
        {"learning_rate", t.learning_rate},
        {"lr_schedule", choice_name(kLrSchedules, t.lr_schedule)},
        {"warmup", t.warmup},
        {"lr_decay_at", t.lr_decay_at},
        {"lr_decay_factor", t.lr_decay_factor},
        {"batch_ramp", t.batch_ramp},
        {"batch_size_start", t.batch_size_start},
        {"average", choice_name(kAveragings, t.average)},
        {"average_from", t.average_from},
        {"ema_decay", t.ema_decay},
        {"adam_beta1", t.adam_beta1},
        {"adam_beta2", t.adam_beta2},
        {"adam_epsilon", t.adam_epsilon}}},
      {"evaluation", {{"prompts", config.evaluation.prompts}, {"live_prompts", config.evaluation.live_prompts}}},
  };
  return json.dump(2, ' ', false, OrderedJson::error_handler_t::replace);
}

}  // namespace icl
