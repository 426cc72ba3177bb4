#include "icl/config.hpp"

#include <cmath>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace icl {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// Limits of the config fields, in one place so that messages and checks cannot drift apart.
constexpr int kMaxDimension = Config::kMaxDimension;
constexpr int kMaxContext = 512;
constexpr int kMaxModels = 32;
constexpr int kMaxSteps = 1000000;
constexpr int kMaxBatch = 65536;
constexpr int kMaxEvaluationPrompts = 10000000;
constexpr double kMaxNoiseVariance = 100.0;
constexpr double kMaxEigenvalue = 1e6;
constexpr double kMaxInitStd = 10.0;

// Records a parse error instead of throwing (Emscripten ignores C++ exceptions; toolchain.md).
class NonThrowingDomParser : public nlohmann::detail::json_sax_dom_parser<Json> {
 public:
  explicit NonThrowingDomParser(Json& result) : json_sax_dom_parser(result, false) {}
  template <class Exception>
  bool parse_error(std::size_t, const std::string&, const Exception& error) {
    message = error.what();
    return false;
  }
  std::string message;
};

std::string describe(const Json& value) {
  std::string text = value.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

std::string format_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// Reads the fields of one JSON object, remembering which keys were used so that a misspelt field is
// reported rather than silently ignored.
class ObjectReader {
 public:
  ObjectReader(const Json& object, std::string path) : object_(object), path_(std::move(path)) {}

  bool has(const char* key) {
    used_.insert(key);
    return object_.contains(key);
  }
  const Json& at(const char* key) const { return object_.at(key); }
  std::string field(const char* key) const { return path_.empty() ? key : path_ + "." + key; }

  /** Fails on the first key that no read asked for. */
  std::string unknown_key_error() const {
    for (auto it = object_.begin(); it != object_.end(); ++it) {
      if (used_.count(it.key()) == 0) {
        std::string allowed;
        for (const auto& key : used_) allowed += (allowed.empty() ? "" : ", ") + key;
        return "unknown field " + field(it.key().c_str()) + " (allowed here: " + allowed + ")";
      }
    }
    return {};
  }

  // Each reader returns an error message, empty when the value was absent (default kept) or valid.
  std::string read_integer(const char* key, long long min, long long max, long long& out) {
    if (!has(key)) return {};
    const Json& value = at(key);
    const std::string expected =
        field(key) + " must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
    if (!value.is_number()) return expected + " (got " + describe(value) + ")";
    const double number = value.get<double>();
    if (!std::isfinite(number) || number != std::floor(number) || number < static_cast<double>(min) ||
        number > static_cast<double>(max)) {
      return expected + " (got " + describe(value) + ")";
    }
    out = static_cast<long long>(number);
    return {};
  }

  std::string read_int(const char* key, int min, int max, int& out) {
    long long wide = out;
    std::string error = read_integer(key, min, max, wide);
    if (error.empty()) out = static_cast<int>(wide);
    return error;
  }

  /** A finite number in the range; each end open or closed as the brackets in the message say. */
  std::string read_number(const char* key, double min, bool min_open, double max, bool max_open,
                          double& out) {
    if (!has(key)) return {};
    const Json& value = at(key);
    const std::string expected = field(key) + " must be a number in " + (min_open ? "(" : "[") +
                                 format_number(min) + ", " + format_number(max) + (max_open ? ")" : "]");
    if (!value.is_number()) return expected + " (got " + describe(value) + ")";
    const double number = value.get<double>();
    const bool below = min_open ? !(number > min) : !(number >= min);
    const bool above = max_open ? !(number < max) : !(number <= max);
    if (!std::isfinite(number) || below || above) return expected + " (got " + describe(value) + ")";
    out = number;
    return {};
  }

  std::string read_object(const char* key, const Json*& out) {
    if (!has(key)) return {};
    const Json& value = at(key);
    if (!value.is_object()) return field(key) + " must be an object (got " + describe(value) + ")";
    out = &value;
    return {};
  }

 private:
  const Json& object_;
  std::string path_;
  std::set<std::string> used_;
};

#define ICL_CHECK(expression)                    \
  do {                                           \
    std::string error_ = (expression);           \
    if (!error_.empty()) return error_;          \
  } while (false)

std::string read_spectrum(ObjectReader& reader, const char* key, int d, SpectrumSpec& out) {
  if (!reader.has(key)) return {};
  const Json& value = reader.at(key);
  const std::string expected = reader.field(key) + " must be \"isotropic\", \"power_law\" or a list of d = " +
                               std::to_string(d) + " numbers in (0, " + format_number(kMaxEigenvalue) + "]";
  if (value.is_string()) {
    const std::string name = value.get<std::string>();
    if (name == "isotropic") {
      out = SpectrumSpec{SpectrumSpec::Kind::Isotropic, {}};
      return {};
    }
    if (name == "power_law") {
      out = SpectrumSpec{SpectrumSpec::Kind::PowerLaw, {}};
      return {};
    }
    return expected + " (got " + describe(value) + ")";
  }
  if (!value.is_array() || value.size() != static_cast<std::size_t>(d)) {
    return expected + " (got " + describe(value) + ")";
  }
  SpectrumSpec spectrum{SpectrumSpec::Kind::Explicit, {}};
  for (std::size_t i = 0; i < value.size(); ++i) {
    const Json& entry = value[i];
    const double number = entry.is_number() ? entry.get<double>() : std::nan("");
    if (!(std::isfinite(number) && number > 0 && number <= kMaxEigenvalue)) {
      return expected + " (entry " + std::to_string(i) + " is " + describe(entry) + ")";
    }
    spectrum.values.push_back(number);
  }
  out = std::move(spectrum);
  return {};
}

std::string read_context_lengths(ObjectReader& reader, std::vector<int>& out) {
  if (!reader.has("n")) return {};
  const Json& value = reader.at("n");
  const std::string expected = "n must be an integer in [1, " + std::to_string(kMaxContext) +
                               "] or a strictly increasing list of 1 to " + std::to_string(kMaxModels) +
                               " such integers";
  std::vector<int> lengths;
  const auto read_one = [&](const Json& entry) {
    if (!entry.is_number()) return false;
    const double number = entry.get<double>();
    if (!(number >= 1 && number <= kMaxContext && number == std::floor(number))) return false;
    lengths.push_back(static_cast<int>(number));
    return true;
  };
  if (value.is_array()) {
    if (value.empty() || value.size() > static_cast<std::size_t>(kMaxModels)) {
      return expected + " (got " + std::to_string(value.size()) + " entries)";
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (!read_one(value[i])) return expected + " (entry " + std::to_string(i) + " is " + describe(value[i]) + ")";
      if (i > 0 && lengths[i] <= lengths[i - 1]) {
        return expected + " (entry " + std::to_string(i) + " is " + std::to_string(lengths[i]) +
               ", not above " + std::to_string(lengths[i - 1]) + ")";
      }
    }
  } else if (!read_one(value)) {
    return expected + " (got " + describe(value) + ")";
  }
  out = std::move(lengths);
  return {};
}

std::string read_data(ObjectReader& parent, int d, DataConfig& data) {
  const Json* object = nullptr;
  ICL_CHECK(parent.read_object("data", object));
  if (object == nullptr) return {};
  ObjectReader reader(*object, "data");
  if (reader.has("kind")) {
    const Json& kind = reader.at("kind");
    if (!kind.is_string() || kind.get<std::string>() != "iid") {
      return "data.kind must be \"iid\" (got " + describe(kind) + ")";
    }
  }
  ICL_CHECK(reader.read_number("noise_variance", 0.0, false, kMaxNoiseVariance, false, data.noise_variance));
  ICL_CHECK(read_spectrum(reader, "x_spectrum", d, data.x_spectrum));
  ICL_CHECK(read_spectrum(reader, "task_spectrum", d, data.task_spectrum));
  return reader.unknown_key_error();
}

std::string read_model(ObjectReader& parent, ModelConfig& model) {
  const Json* object = nullptr;
  ICL_CHECK(parent.read_object("model", object));
  if (object == nullptr) return {};
  ObjectReader reader(*object, "model");
  if (reader.has("kind")) {
    const Json& kind = reader.at("kind");
    if (!kind.is_string() || kind.get<std::string>() != "attention") {
      return "model.kind must be \"attention\" (got " + describe(kind) + ")";
    }
  }
  ICL_CHECK(reader.read_number("init_std", 0.0, true, kMaxInitStd, false, model.init_std));
  return reader.unknown_key_error();
}

std::string read_training(ObjectReader& parent, TrainingConfig& training) {
  const Json* object = nullptr;
  ICL_CHECK(parent.read_object("training", object));
  if (object == nullptr) return {};
  ObjectReader reader(*object, "training");
  ICL_CHECK(reader.read_int("steps", 1, kMaxSteps, training.steps));
  ICL_CHECK(reader.read_int("batch_size", 1, kMaxBatch, training.batch_size));
  ICL_CHECK(reader.read_number("learning_rate", 0.0, true, 1.0, false, training.learning_rate));
  ICL_CHECK(reader.read_number("lr_decay_at", 0.0, false, 1.0, false, training.lr_decay_at));
  ICL_CHECK(reader.read_number("lr_decay_factor", 0.0, true, 1.0, false, training.lr_decay_factor));
  ICL_CHECK(reader.read_number("adam_beta1", 0.0, false, 1.0, true, training.adam_beta1));
  ICL_CHECK(reader.read_number("adam_beta2", 0.0, false, 1.0, true, training.adam_beta2));
  ICL_CHECK(reader.read_number("adam_epsilon", 0.0, true, 1.0, false, training.adam_epsilon));
  return reader.unknown_key_error();
}

std::string read_evaluation(ObjectReader& parent, EvaluationConfig& evaluation) {
  const Json* object = nullptr;
  ICL_CHECK(parent.read_object("evaluation", object));
  if (object == nullptr) return {};
  ObjectReader reader(*object, "evaluation");
  ICL_CHECK(reader.read_int("prompts", 1, kMaxEvaluationPrompts, evaluation.prompts));
  return reader.unknown_key_error();
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
  ICL_CHECK(reader.read_integer("seed", 0, 4294967295LL, seed));
  config.seed = static_cast<std::uint32_t>(seed);
  // d first: the spectra are checked against it.
  ICL_CHECK(reader.read_int("d", 1, kMaxDimension, config.d));
  ICL_CHECK(read_context_lengths(reader, config.n));
  ICL_CHECK(read_data(reader, config.d, config.data));
  ICL_CHECK(read_model(reader, config.model));
  ICL_CHECK(read_training(reader, config.training));
  ICL_CHECK(read_evaluation(reader, config.evaluation));
  return reader.unknown_key_error();
}

OrderedJson spectrum_to_json(const SpectrumSpec& spectrum) {
  switch (spectrum.kind) {
    case SpectrumSpec::Kind::Isotropic: return "isotropic";
    case SpectrumSpec::Kind::PowerLaw: return "power_law";
    case SpectrumSpec::Kind::Explicit: break;
  }
  return spectrum.values;
}

}  // namespace

std::vector<double> SpectrumSpec::eigenvalues(int d) const {
  switch (kind) {
    case Kind::Isotropic: return std::vector<double>(static_cast<std::size_t>(d), 1.0);
    case Kind::PowerLaw: {
      double harmonic = 0.0;
      for (int j = 1; j <= d; ++j) harmonic += 1.0 / j;
      std::vector<double> values;
      for (int i = 1; i <= d; ++i) values.push_back(d * (1.0 / i) / harmonic);
      return values;
    }
    case Kind::Explicit: break;
  }
  return values;
}

double TrainingConfig::learning_rate_at(int step) const {
  const int decay_step = static_cast<int>(std::floor(lr_decay_at * steps));
  return step >= decay_step ? learning_rate * lr_decay_factor : learning_rate;
}

Result<Config> parse_config(std::string_view json_text) {
  Json root;
  NonThrowingDomParser parser(root);
  const bool parsed = Json::sax_parse(json_text, &parser);
  if (!parsed || !parser.message.empty()) {
    return Result<Config>::failure("the config is not valid JSON: " + parser.message);
  }
  Config config;
  std::string error = read_config(root, config);
  if (!error.empty()) return Result<Config>::failure(std::move(error));
  return Result<Config>::success(std::move(config));
}

std::string config_to_json(const Config& config) {
  const TrainingConfig& t = config.training;
  OrderedJson json = {
      {"version", Config::kVersion},
      {"seed", config.seed},
      {"d", config.d},
      {"n", config.n},
      {"data",
       {{"kind", "iid"},
        {"noise_variance", config.data.noise_variance},
        {"x_spectrum", spectrum_to_json(config.data.x_spectrum)},
        {"task_spectrum", spectrum_to_json(config.data.task_spectrum)}}},
      {"model", {{"kind", "attention"}, {"init_std", config.model.init_std}}},
      {"training",
       {{"steps", t.steps},
        {"batch_size", t.batch_size},
        {"learning_rate", t.learning_rate},
        {"lr_decay_at", t.lr_decay_at},
        {"lr_decay_factor", t.lr_decay_factor},
        {"adam_beta1", t.adam_beta1},
        {"adam_beta2", t.adam_beta2},
        {"adam_epsilon", t.adam_epsilon}}},
      {"evaluation", {{"prompts", config.evaluation.prompts}}},
  };
  return json.dump(2);
}

}  // namespace icl
