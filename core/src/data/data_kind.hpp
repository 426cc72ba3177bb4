// What a data kind provides, in its folder core/src/data/<kind>/: a struct with the members below,
// registered by one row in registry.hpp (and its section by one in icl/data_kinds.hpp).
//
//   static constexpr const char* kName;            // data.kind in the config
//   static constexpr TheoryScope kTheory;          // which model variants its theory covers
//   ICL_DATA_KIND_INTERFACE(data::X)               // declares the rest, for its section icl/data/x.hpp:
//   using Section = data::X;
//   static schema::Choice choice();                // data.kind's option: label and formula
//   static std::vector<schema::Field> schema_fields();  // its fields, in the form's order
//   static std::string read(ObjectReader&, int d, Section&);   // reads and checks them
//   static void write(const Section&, OrderedJson&);           // writes them back
//   static std::string check(const Section&, const Config&);   // rules across sections
//   static std::unique_ptr<DataModel> make_model(const Section&, const Config&);
//   static void add_curves(const Section&, const Config&, const std::vector<int>& n, const TheoryOptions&,
//                          CurveList&);                          // the model's own curve first
//   static Result<OptimalWeights> optimal_weights(const Section&, const Config&, int n);
//
// The label noise (data.noise_variance) is common to every kind and read by config.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config_reader.hpp"
#include "icl/config.hpp"
#include "data_model.hpp"
#include "icl/theory_curves.hpp"
#include "schema_field.hpp"
#include "theory_curve_list.hpp"

namespace icl {

/** The model variants a kind's theory covers; the validator refuses the others rather than train without. */
struct TheoryScope {
  /** Attention below full rank and LoRA (factored attention). */
  bool factored_attention = false;
  /** objective "all_positions" (paper-spec §3.4); check() adds the kind's own conditions. */
  bool all_positions = false;
};

}  // namespace icl

// Declares the members every kind defines (see the top of this file) for its section type.
#define ICL_DATA_KIND_INTERFACE(SectionType)                                                      \
  using Section = SectionType;                                                                    \
  static schema::Choice choice();                                                                 \
  static std::vector<schema::Field> schema_fields();                                              \
  static std::string read(ObjectReader& reader, int d, Section& section);                         \
  static void write(const Section& section, OrderedJson& json);                                   \
  static std::string check(const Section& section, const Config& config);                         \
  static std::unique_ptr<DataModel> make_model(const Section& section, const Config& config);     \
  static void add_curves(const Section& section, const Config& config, const std::vector<int>& n, \
                         const TheoryOptions& options, CurveList& list);                          \
  static Result<OptimalWeights> optimal_weights(const Section& section, const Config& config, int n);
