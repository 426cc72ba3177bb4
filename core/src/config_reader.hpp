// Reading and writing config JSON, shared by the config's own sections (config.cpp) and every data
// kind's section (data/<kind>/): the field readers that check a value against its range and name the
// field in their message, and the spectrum's reader and writer.
#pragma once

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "config_ranges.hpp"
#include "icl/spectrum.hpp"

namespace icl {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

/** A value quoted in a message: its JSON text, cut on a character boundary. */
std::string describe(const Json& value);

/** Integers in full (1000000); otherwise the shortest form that reads back as the same double: 1e-6. */
std::string format_number(double value);

/** An error with the reason for its range appended; no error stays none. */
inline std::string because(std::string error, const char* reason) {
  return error.empty() ? error : error + ": " + reason;
}

// Returns from the enclosing function with the expression's error message, when it has one.
#define ICL_CHECK(expression)           \
  do {                                  \
    std::string error_ = (expression);  \
    if (!error_.empty()) return error_; \
  } while (false)

/**
 * Reads the fields of one JSON object, remembering which keys were asked for so that a misspelt field
 * is reported rather than silently ignored. Each reader returns an error message, empty when the value
 * was absent (the default kept) or valid.
 */
class ObjectReader {
 public:
  ObjectReader(const Json& object, std::string path) : object_(object), path_(std::move(path)) {}

  bool has(const char* key) {
    used_.insert(key);
    return object_.contains(key);
  }
  const Json& at(const char* key) const { return object_.at(key); }
  std::string field(const char* key) const { return path_.empty() ? key : path_ + "." + key; }

  /** The first key no read asked for, or empty. */
  std::string first_unread_key() const;
  /** Fails on the first key that no read asked for. */
  std::string unknown_key_error() const;

  std::string read_integer(const char* key, const ranges::Range& range, int d, long long& out);
  std::string read_int(const char* key, const ranges::Range& range, int d, int& out);
  /** A finite number in the range; each end open or closed as the brackets in the message say. */
  std::string read_number(const char* key, const ranges::Range& range, double& out);
  /** A spectrum: "isotropic", "power_law" or d numbers in ranges::kEigenvalue. */
  std::string read_spectrum(const char* key, int d, SpectrumSpec& out);
  /** An object, or nothing when absent. */
  std::string read_object(const char* key, const Json*& out);
  /** An error if `key` is present although it does not apply (`when` says when it does). */
  std::string refuse(const char* key, const std::string& when);

  /** One of the names in `choices` (pairs of JSON name and value). */
  template <class Enum, class Choices = std::initializer_list<std::pair<const char*, Enum>>>
  std::string read_choice(const char* key, const Choices& choices, Enum& out) {
    if (!has(key)) return {};
    const Json& value = at(key);
    std::string names;
    for (const auto& choice : choices) {
      if (value.is_string() && value.get<std::string>() == choice.first) {
        out = choice.second;
        return {};
      }
      names += std::string(names.empty() ? "" : " or ") + "\"" + choice.first + "\"";
    }
    return field(key) + " must be " + names + " (got " + describe(value) + ")";
  }

 private:
  const Json& object_;
  std::string path_;
  std::set<std::string> used_;
};

/** The JSON name of an enum value in a table of (name, value) pairs; the first name if absent. */
template <class Enum, std::size_t N>
const char* choice_name(const std::pair<const char*, Enum> (&choices)[N], Enum value) {
  for (const auto& choice : choices) {
    if (choice.second == value) return choice.first;
  }
  return choices[0].first;
}

OrderedJson spectrum_to_json(const SpectrumSpec& spectrum);

}  // namespace icl
