#include "icl/config_schema.hpp"

#include <string_view>
#include <vector>

#include "arch/architecture.hpp"
#include "data/registry.hpp"
#include "icl/config.hpp"
#include "schema_field.hpp"

namespace icl {
namespace {

using ranges::Range;
using schema::Choice;
using schema::Condition;
using schema::Field;
using schema::kPresent;
using schema::kSpectrumChoices;
using schema::Type;

// data.kind: one choice per registered kind.
Field data_kind_field() {
  Field field{"data.kind", Type::Choice, "data model", "data model", "", "data"};
  for_each_data_kind([&](auto kind) { field.choices.push_back(kind.choice()); });
  return field;
}

// The names of the kinds whose TheoryScope has the member, as a condition on data.kind.
Condition kinds_where(bool TheoryScope::*covered) {
  Condition condition{"data.kind", {}};
  for_each_data_kind([&](auto kind) {
    if (kind.kTheory.*covered) condition.values.push_back(kind.kName);
  });
  return condition;
}

Condition factored_attention_condition() { return kinds_where(&TheoryScope::factored_attention); }

// Where objective "all_positions" is offered: a kind whose theory covers it, under that kind's own
// conditions, and under each architecture's (they name its own fields, so they hold vacuously for the
// others).
std::vector<Condition> all_positions_conditions() {
  std::vector<Condition> when = {kinds_where(&TheoryScope::all_positions)};
  for_each_data_kind([&](auto kind) {
    if constexpr (decltype(kind)::kTheory.all_positions) {
      for (const Condition& condition : kind.all_positions_when()) when.push_back(condition);
    }
  });
  for (const Architecture* architecture : architectures()) {
    for (const Condition& condition : architecture->all_positions_when()) when.push_back(condition);
  }
  return when;
}

// Every kind's fields, each applying when data.kind is that kind. A path several kinds share (alpha) is
// one field, in the place of its first kind, applying to all of them: its other conditions are those
// of each kind (they name fields of their own kind, so they hold vacuously for the others), and its
// help joins the kinds' helps when they differ.
void append_data_fields(std::vector<Field>& fields) {
  fields.push_back(data_kind_field());
  const std::size_t first = fields.size();
  for_each_data_kind([&](auto kind) {
    for (Field field : kind.schema_fields()) {
      Field* merged = nullptr;
      for (std::size_t i = first; i < fields.size(); ++i) {
        if (std::string_view(fields[i].path) == field.path) merged = &fields[i];
      }
      if (merged == nullptr) {
        field.when.insert(field.when.begin(), Condition{"data.kind", {kind.kName}});
        fields.push_back(std::move(field));
        continue;
      }
      merged->when.front().values.push_back(kind.kName);
      for (const Condition& condition : field.when) merged->when.push_back(condition);
      if (merged->help != field.help) merged->help += "; " + field.help;
    }
  });
}

// model.kind (one choice per registered architecture), then each architecture's own fields.
void append_model_fields(std::vector<Field>& fields, const Condition& factored) {
  Field kind{"model.kind", Type::Choice, "architecture", "architecture", "", "model"};
  for (const Architecture* architecture : architectures()) kind.choices.push_back(architecture->choice());
  fields.push_back(std::move(kind));
  for (const Architecture* architecture : architectures()) {
    for (Field& field : architecture->schema_fields(factored)) fields.push_back(std::move(field));
  }
}

// The order is the form's order; a condition names only fields that come before it. A table laid out
// by hand, one field per entry, so clang-format leaves it alone.
// clang-format off
std::vector<Field> schema_fields() {
  using ranges::kAdamBeta;
  const Condition factored = factored_attention_condition();
  std::vector<Field> fields = {
      {"d", Type::Integer, "dimension $d$", "dimension d", "feature dimension of each $x_i$ and of the task $\\beta$",
       "run", &ranges::kDimension},
      {"n", Type::Integers, "context lengths $n$", "context lengths n",
       "increasing, separated by commas; one model each, all trained on the same prompts", "run",
       &ranges::kContextLength},
  };
  append_data_fields(fields);
  const std::vector<Field> noise = {
      {"data.noise_variance", Type::Number, "noise variance $\\sigma^2$", "noise variance σ²", "variance of the label noise $\\xi_i$",
       "data", &ranges::kNoiseVariance},
  };
  fields.insert(fields.end(), noise.begin(), noise.end());
  append_model_fields(fields, factored);
  const std::vector<Field> rest = {
      {"model.init_std", Type::Number, "initialisation scale", "initialisation scale",
       "standard deviation of the initial weights", "model", &ranges::kInitStd, {}, {}, true},
      {"objective", Type::Choice, "objective", "objective", "", "model", nullptr,
       {{"query", "the query's label"},
        {"all_positions", "every position (online)", "each position predicted from the tokens before it",
         all_positions_conditions()}}},
      {"training.steps", Type::Integer, "training steps", "training steps", "Adam steps, fresh prompts every step", "training",
       &ranges::kSteps},
      {"seed", Type::Integer, "seed", "seed", "fixes every random number: data, initialisation, evaluation", "training",
       &ranges::kSeed},
      {"training.batch_size", Type::Integer, "batch size", "batch size", "prompts per step", "training", &ranges::kBatchSize,
       {}, {}, true},
      {"training.learning_rate", Type::Number, "learning rate", "learning rate", "Adam's step size", "training",
       &ranges::kLearningRate, {}, {}, true},
      {"training.lr_schedule", Type::Choice, "learning-rate schedule", "learning-rate schedule", "", "training", nullptr,
       {{"step", "step: one cut", "the rate is multiplied by the decay factor once"},
        {"cosine", "cosine decay", "from the peak to the decay factor times it, along a half cosine"},
        {"linear", "linear decay", "from the peak to the decay factor times it, along a line"}},
       {}, true},
      {"training.warmup", Type::Number, "warm-up", "warm-up",
       "fraction of the steps over which the rate rises linearly to its peak", "training", &ranges::kWarmup, {}, {}, true},
      {"training.lr_decay_at", Type::Number, "decay at", "decay at",
       "fraction of the steps after which the learning rate is cut", "training", &ranges::kDecayAt, {},
       {{"training.lr_schedule", {"step"}}}, true},
      {"training.lr_decay_factor", Type::Number, "decay factor", "decay factor",
       "the cut (step), or the last step's rate over the peak (cosine, linear)", "training", &ranges::kDecayFactor, {}, {},
       true},
      {"training.batch_ramp", Type::Number, "batch ramp", "batch ramp",
       "fraction of the steps over which the batch grows linearly from its start size", "training", &ranges::kBatchRamp, {},
       {}, true},
      {"training.batch_size_start", Type::Integer, "batch size at the start", "batch size at the start",
       "the first step's batch when the batch ramp is above 0; at most the batch size", "training", &ranges::kBatchSize, {},
       {}, true},
      {"training.average", Type::Choice, "evaluated weights", "evaluated weights", "", "training", nullptr,
       {{"none", "the last iterate"},
        {"tail", "tail average", "the mean of the iterates from the averaging start on (Polyak–Ruppert)"},
        {"ema", "exponential moving average", "each step keeps the EMA decay's share of the average so far"}},
       {}, true},
      {"training.average_from", Type::Number, "averaging starts at", "averaging starts at",
       "fraction of the steps after which the iterates are averaged", "training", &ranges::kAverageFrom, {},
       {{"training.average", {"tail", "ema"}}}, true},
      {"training.ema_decay", Type::Number, "EMA decay", "EMA decay", "", "training", &ranges::kEmaDecay, {},
       {{"training.average", {"ema"}}}, true},
      {"training.adam_beta1", Type::Number, "Adam $\\beta_1$", "Adam β1", "", "training", &kAdamBeta, {}, {}, true},
      {"training.adam_beta2", Type::Number, "Adam $\\beta_2$", "Adam β2", "", "training", &kAdamBeta, {}, {}, true},
      {"training.adam_epsilon", Type::Number, "Adam $\\epsilon$", "Adam ε", "", "training", &ranges::kAdamEpsilon, {}, {},
       true},
      {"evaluation.prompts", Type::Integer, "evaluation prompts", "evaluation prompts",
       "size of the fixed evaluation set the risk is measured on", "training", &ranges::kEvaluationPrompts, {}, {}, true},
      {"evaluation.live_prompts", Type::Integer, "live evaluation prompts", "live evaluation prompts",
       "the first prompts of the evaluation set, measured at each checkpoint of the live curve", "training",
       &ranges::kLivePrompts, {}, {}, true},
  };
  fields.insert(fields.end(), rest.begin(), rest.end());
  return fields;
}
// clang-format on

const char* type_name(Type type) {
  switch (type) {
    case Type::Integer: return "integer";
    case Type::Number: return "number";
    case Type::Choice: return "choice";
    case Type::Spectrum: return "spectrum";
    case Type::Integers: return "integers";
    case Type::Object: return "object";
  }
  return "";
}

OrderedJson::json_pointer pointer(std::string_view path) {
  std::string text = "/";
  for (char c : path) text += c == '.' ? '/' : c;
  return OrderedJson::json_pointer(text);
}

OrderedJson conditions_json(const std::vector<Condition>& conditions) {
  OrderedJson when = OrderedJson::object();
  for (const Condition& condition : conditions) when[condition.path] = condition.values;
  return when;
}

OrderedJson range_json(const Range& range) {
  OrderedJson json = {{"min", range.min}, {"minOpen", range.min_open}, {"max", range.max}, {"maxOpen", range.max_open}};
  if (range.max_above_d >= 0) {
    json["max"] = nullptr;
    json["maxAboveD"] = range.max_above_d;
  }
  return json;
}

/** The value the validator fills in for `field` once its conditions hold: a config that meets them
 *  (first allowed value of each; a present number at its minimum) is normalised and read back. */
OrderedJson default_of(const Field& field, const std::vector<Field>& fields) {
  OrderedJson config = OrderedJson::object();
  for (const Condition& condition : field.when) {
    const OrderedJson& value = condition.values.front();
    if (value.is_null()) continue;
    if (value != kPresent) {
      config[pointer(condition.path)] = value;
      continue;
    }
    for (const Field& other : fields) {
      if (std::string_view(other.path) != condition.path) continue;
      config[pointer(condition.path)] =
          other.type == Type::Object ? OrderedJson::object() : OrderedJson(other.range->min);
    }
  }
  const auto parsed = parse_config(config.dump());
  if (!parsed.ok()) return nullptr;
  const OrderedJson normalised = OrderedJson::parse(config_to_json(parsed.value()));
  const auto where = pointer(field.path);
  if (field.type == Type::Object || !normalised.contains(where)) return nullptr;
  return normalised.at(where);
}

OrderedJson field_json(const Field& field, const std::vector<Field>& fields) {
  OrderedJson json = {{"path", field.path},
                      {"type", type_name(field.type)},
                      {"label", field.label},
                      {"plainLabel", field.plain_label},
                      {"help", field.help},
                      {"group", field.group},
                      {"advanced", field.advanced},
                      {"optional", field.optional},
                      {"default", default_of(field, fields)},
                      {"when", conditions_json(field.when)}};
  if (field.type == Type::Integer || field.type == Type::Number) json["range"] = range_json(*field.range);
  if (field.type == Type::Spectrum) {
    json["items"] = range_json(*field.range);
    json["length"] = "d";
  }
  if (field.type == Type::Integers) {
    json["items"] = range_json(*field.range);
    json["minItems"] = 1;
    json["maxItems"] = ranges::kMaxModels;
    json["increasing"] = true;
  }
  if (!field.choices.empty()) {
    OrderedJson choices = OrderedJson::array();
    for (const Choice& choice : field.choices) {
      choices.push_back({{"value", choice.value},
                         {"label", choice.label},
                         {"help", choice.help},
                         {"when", conditions_json(choice.when)}});
    }
    json["choices"] = std::move(choices);
  }
  return json;
}

}  // namespace

std::string config_schema_json() {
  const std::vector<Field> fields = schema_fields();
  OrderedJson list = OrderedJson::array();
  for (const Field& field : fields) list.push_back(field_json(field, fields));
  return OrderedJson{{"version", Config::kVersion}, {"fields", std::move(list)}}.dump();
}

}  // namespace icl
