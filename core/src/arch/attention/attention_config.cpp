#include "arch/attention/attention_config.hpp"

#include "data/registry.hpp"

namespace icl {

const LoraConfig* lora_of(const ModelConfig& model) {
  const arch::Attention* attention = model.as<arch::Attention>();
  return attention != nullptr && attention->lora.enabled ? &attention->lora : nullptr;
}

}  // namespace icl

namespace icl::attention_config {
namespace {

using schema::kAbsent;
using schema::kPresent;
using schema::Type;

constexpr std::pair<const char*, InitKind> kInits[] = {{"gaussian", InitKind::Gaussian},
                                                       {"symmetric", InitKind::Symmetric}};
constexpr std::pair<const char*, LoraTarget> kLoraTargets[] = {{"key", LoraTarget::Key},
                                                               {"key_query", LoraTarget::KeyAndQuery}};

const schema::Condition kAttention{"model.kind", {"attention"}};

std::string read_lora(ObjectReader& parent, int d, LoraConfig& lora) {
  const Json* object = nullptr;
  ICL_CHECK(parent.read_object("lora", object));
  if (object == nullptr) return {};
  lora.enabled = true;
  ObjectReader reader(*object, "model.lora");
  ICL_CHECK(reader.read_int("rank", ranges::kRank, d, lora.rank));
  ICL_CHECK(reader.read_choice<LoraTarget>("adapt", kLoraTargets, lora.adapt));
  ICL_CHECK(reader.read_spectrum("pretrain_task_spectrum", d, lora.pretrain_task_spectrum));
  ICL_CHECK(reader.read_int("pretrain_steps", ranges::kSteps, d, lora.pretrain_steps));
  return reader.unknown_key_error();
}

}  // namespace

schema::Choice choice() { return {"attention", "linear attention", "weighs every context token equally"}; }

// clang-format off
std::vector<schema::Field> schema_fields(const schema::Condition& factored) {
  return {
      // The rank is offered only for the data kinds whose theory covers low rank.
      {"model.rank", Type::Integer, "rank $r$ of $W_q, W_k$", "rank r", "columns of $W_q$ and $W_k$; blank is full rank, $d + 1$",
       "model", &ranges::kRank, {}, {kAttention, factored}, false, true},
      {"model.init", Type::Choice, "initialisation", "initialisation", "", "model", nullptr,
       {{"symmetric", "symmetric: W_k = W_q", "$W_k = W_q$, $w_v = e_D$"},
        {"gaussian", "Gaussian", "every weight Gaussian; can stall at the rank-1 risk"}},
       {kAttention, {"model.rank", {kPresent}}}},
      {"model.lora", Type::Object, "LoRA: adapt a pretrained model", "LoRA",
       "pretrain on one task covariance, freeze, train a low-rank adapter on the data's", "model", nullptr, {},
       {kAttention, factored, {"model.rank", {kAbsent}}}, false, true},
      {"model.lora.rank", Type::Integer, "LoRA rank", "LoRA rank", "rank of the adapter $W_k \\mathrel{+}= A B^\\top$", "model",
       &ranges::kRank, {}, {{"model.lora", {kPresent}}}},
      {"model.lora.adapt", Type::Choice, "LoRA adapts", "LoRA adapts", "", "model", nullptr,
       {{"key", "W_k only"}, {"key_query", "W_k and W_q", "effective rank $2r$"}}, {{"model.lora", {kPresent}}}},
      {"model.lora.pretrain_task_spectrum", Type::Spectrum, "pretraining task covariance", "pretraining task covariance",
       "the task covariance the frozen model was trained on", "model", &ranges::kEigenvalue, schema::kSpectrumChoices,
       {{"model.lora", {kPresent}}}},
      {"model.lora.pretrain_steps", Type::Integer, "pretraining steps", "pretraining steps", "", "model", &ranges::kSteps, {},
       {{"model.lora", {kPresent}}}},
  };
}
// clang-format on

std::string read(ObjectReader& reader, int d, arch::Attention& model) {
  ICL_CHECK(reader.read_int("rank", ranges::kRank, d, model.rank));
  const bool low_rank = model.rank > 0 && model.rank < d + 1;
  model.init = low_rank ? InitKind::Symmetric : InitKind::Gaussian;
  ICL_CHECK(reader.read_choice<InitKind>("init", kInits, model.init));
  ICL_CHECK(read_lora(reader, d, model.lora));
  if (model.lora.enabled && low_rank)
    return "model.lora needs a full-rank model (model.rank = d + 1 = " + std::to_string(d + 1) + ")";
  return {};
}

void write(const Config& config, OrderedJson& json) {
  const arch::Attention& model = std::get<arch::Attention>(config.model.section);
  // Full rank and its default initialisation are left implicit, so that a normalised config stays
  // valid when only d changes (full rank means d + 1). Below full rank both are written.
  const bool low_rank = config.attention_rank() < config.d + 1;
  if (low_rank) json["rank"] = config.attention_rank();
  if (low_rank || model.init != InitKind::Gaussian) json["init"] = choice_name(kInits, model.init);
  if (model.lora.enabled) {
    json["lora"] = {{"rank", model.lora.rank},
                    {"adapt", choice_name(kLoraTargets, model.lora.adapt)},
                    {"pretrain_task_spectrum", spectrum_to_json(model.lora.pretrain_task_spectrum)},
                    {"pretrain_steps", model.lora.pretrain_steps}};
  }
}

std::vector<schema::Condition> all_positions_when() { return {{"model.rank", {kAbsent}}, {"model.lora", {kAbsent}}}; }

std::string check(const Config& config) {
  // Factored attention has its theory only for some data kinds; it is refused rather than trained
  // without one.
  if (!theory_scope(config.data).factored_attention) {
    const std::string kinds = data_kinds_covering(&TheoryScope::factored_attention);
    if (config.attention_rank() < config.d + 1)
      return "model.rank below d + 1 needs data.kind " + kinds + " (low-rank theory is for IID data)";
    if (lora_of(config.model) != nullptr)
      return "model.lora needs data.kind " + kinds + " (LoRA adapts between task covariances)";
  }
  // The online theory (paper-spec §3.4) is for W = cI, which factored attention cannot reach in general.
  if (config.objective == Objective::AllPositions &&
      (lora_of(config.model) != nullptr || config.attention_rank() < config.d + 1)) {
    return "objective \"all_positions\" needs full-rank attention without LoRA";
  }
  return {};
}

}  // namespace icl::attention_config
