#include <cmath>

#include "data/rag/rag_data.hpp"
#include "data/rag/rag_kind.hpp"

namespace icl {
namespace {

using Form = data::Rag::Form;
constexpr ranges::Range kScale{0, false, 10, false};
constexpr std::pair<const char*, Form> kForms[] = {
    {"normalized", Form::Normalized}, {"unnormalized", Form::Unnormalized}, {"general", Form::General}};

}  // namespace

double data::Rag::scale_a() const { return form == Form::General ? a : alpha; }

double data::Rag::scale_b() const {
  if (form == Form::General) return b;
  if (form == Form::Unnormalized) return 1.0;
  return std::sqrt(1.0 - alpha * alpha);
}

schema::Choice RagKind::choice() {
  return {kName, "RAG (retrieved context)",
          "retrieved examples near the query: $x_i = a\\,x + b\\,g_i$, $g_i \\sim \\mathcal N(0, I)$"};
}

// clang-format off
std::vector<schema::Field> RagKind::schema_fields() {
  using schema::kAbsent;
  using schema::Type;
  return {
      {"data.form", Type::Choice, "RAG scales", "RAG scales", "", "data", nullptr,
       {{"normalized", "normalized", "$a = \\alpha,\\ b = \\sqrt{1-\\alpha^2}$"},
        {"unnormalized", "unnormalized", "$a = \\alpha,\\ b = 1$"},
        {"general", "general (a, b)", "$a$ and $b$ given"}}},
      {"data.alpha", Type::Number, "correlation $\\alpha$", "correlation α",
       "RAG: how strongly each context token is tied to the query", "data", &ranges::kAlpha, {},
       {{"data.form", {"normalized", "unnormalized", kAbsent}}}},
      {"data.a", Type::Number, "scale $a$", "scale a", "$x_i = a\\,x + b\\,g_i$", "data", &kScale, {},
       {{"data.form", {"general"}}}},
      {"data.b", Type::Number, "scale $b$", "scale b", "$x_i = a\\,x + b\\,g_i$", "data", &kScale, {},
       {{"data.form", {"general"}}}},
  };
}
// clang-format on

std::string RagKind::read(ObjectReader& reader, int, Section& section) {
  ICL_CHECK(reader.read_choice<Form>("form", kForms, section.form));
  if (section.form == Form::General) {
    if (!reader.has("a") || !reader.has("b")) return "data.a and data.b are required with data.form \"general\"";
    ICL_CHECK(reader.read_number("a", kScale, section.a));
    ICL_CHECK(reader.read_number("b", kScale, section.b));
    return reader.refuse("alpha",
                         "to data.kind \"alignment\" and to data.kind \"rag\" with a normalized or unnormalized form");
  }
  ICL_CHECK(reader.refuse("a", "with data.form \"general\""));
  ICL_CHECK(reader.refuse("b", "with data.form \"general\""));
  return reader.read_number("alpha", ranges::kAlpha, section.alpha);
}

void RagKind::write(const Section& section, OrderedJson& json) {
  json["form"] = choice_name(kForms, section.form);
  if (section.form == Form::General) {
    json["a"] = section.a;
    json["b"] = section.b;
  } else {
    json["alpha"] = section.alpha;
  }
}

std::string RagKind::check(const Section&, const Config&) { return {}; }

std::unique_ptr<DataModel> RagKind::make_model(const Section& section, const Config& config) {
  return std::make_unique<RagData>(config.d, section.scale_a(), section.scale_b(), config.data.noise_variance);
}

}  // namespace icl
