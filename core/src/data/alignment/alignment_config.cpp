#include <cmath>

#include "data/alignment/alignment_data.hpp"
#include "data/alignment/alignment_kind.hpp"

namespace icl {
namespace {

using Query = data::Alignment::Query;
constexpr std::pair<const char*, Query> kQueries[] = {{"isotropic", Query::Isotropic}, {"aligned", Query::Aligned}};

}  // namespace

double data::Alignment::scale_b() const { return std::sqrt(1.0 - alpha * alpha); }

schema::Choice AlignmentKind::choice() {
  return {kName, "task–feature alignment",
          "features aligned with the task: $x_i = \\alpha\\beta + \\sqrt{1-\\alpha^2}\\,g_i$"};
}

// clang-format off
std::vector<schema::Field> AlignmentKind::schema_fields() {
  using schema::Type;
  return {
      {"data.alpha", Type::Number, "correlation $\\alpha$", "correlation α",
       "alignment: how strongly each context token is tied to the task", "data", &ranges::kAlpha},
      {"data.query", Type::Choice, "query $x$", "query x", "", "data", nullptr,
       {{"isotropic", "isotropic (variant B)", "$x \\sim \\mathcal N(0, I)$, independent of the task"},
        {"aligned", "aligned (variant A)", "the query is aligned with the task like the context"}}},
  };
}
// clang-format on

std::string AlignmentKind::read(ObjectReader& reader, int, Section& section) {
  ICL_CHECK(reader.read_number("alpha", ranges::kAlpha, section.alpha));
  return reader.read_choice<Query>("query", kQueries, section.query);
}

void AlignmentKind::write(const Section& section, OrderedJson& json) {
  json["alpha"] = section.alpha;
  json["query"] = choice_name(kQueries, section.query);
}

std::string AlignmentKind::check(const Section&, const Config&) { return {}; }

std::unique_ptr<DataModel> AlignmentKind::make_model(const Section& section, const Config& config) {
  return std::make_unique<AlignmentData>(config.d, section.scale_a(), section.scale_b(), config.data.noise_variance,
                                         section.query == Query::Aligned);
}

}  // namespace icl
