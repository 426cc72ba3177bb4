// The registry of data kinds: one row each, in the order of DataSection (icl/data_kinds.hpp). The
// config reader and writer, the schema, the generator and the theory find a kind's code through it.
#pragma once

#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "data/alignment/alignment_kind.hpp"
#include "data/drift/drift_kind.hpp"
#include "data/iid/iid_kind.hpp"
#include "data/label_flip/label_flip_kind.hpp"
#include "data/rag/rag_kind.hpp"

namespace icl {

using DataKinds = std::tuple<IidKind, RagKind, AlignmentKind, DriftKind, LabelFlipKind>;

namespace registry_detail {
template <class Kinds, class Sections>
struct SameSections;
template <class... K, class... S>
struct SameSections<std::tuple<K...>, std::variant<S...>>
    : std::bool_constant<std::is_same_v<std::tuple<typename K::Section...>, std::tuple<S...>>> {};

// The kind whose Section is `Section` (void if none).
template <class Section, class Kinds>
struct KindOf;
template <class Section>
struct KindOf<Section, std::tuple<>> {
  using type = void;
};
template <class Section, class First, class... Rest>
struct KindOf<Section, std::tuple<First, Rest...>> {
  using type = std::conditional_t<std::is_same_v<typename First::Section, Section>, First,
                                  typename KindOf<Section, std::tuple<Rest...>>::type>;
};
}  // namespace registry_detail

static_assert(registry_detail::SameSections<DataKinds, DataSection>::value,
              "DataKinds and DataSection must list the same kinds in the same order");

/** Calls f(Kind{}, section) with the kind of the data's section (const or not, as `data` is). */
template <class Data, class F>
decltype(auto) visit_data_kind(Data& data, F&& f) {
  return std::visit(
      [&](auto& section) -> decltype(auto) {
        using Section = std::decay_t<decltype(section)>;
        using Kind = typename registry_detail::KindOf<Section, DataKinds>::type;
        return f(Kind{}, section);
      },
      data.section);
}

/** Calls f(Kind{}) for every kind, in the registry's order. */
template <class F>
void for_each_data_kind(F&& f) {
  std::apply([&](auto... kinds) { (f(kinds), ...); }, DataKinds{});
}

/** Which model variants the theory of the data's kind covers. */
inline TheoryScope theory_scope(const DataConfig& data) {
  return visit_data_kind(data, [](auto kind, const auto&) { return kind.kTheory; });
}

/** The kinds whose theory covers `covered`, for a message: "\"iid\"" or "\"iid\" or \"rag\"". */
inline std::string data_kinds_covering(bool TheoryScope::*covered) {
  std::string names;
  for_each_data_kind([&](auto kind) {
    if (kind.kTheory.*covered) names += (names.empty() ? "\"" : " or \"") + std::string(kind.kName) + "\"";
  });
  return names;
}

}  // namespace icl
