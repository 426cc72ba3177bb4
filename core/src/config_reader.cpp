#include "config_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "icl/text.hpp"

namespace icl {
namespace {

// A message quotes a value by its JSON text, cut (on a character boundary) to this many bytes.
constexpr std::size_t kQuoteBytes = 40;

}  // namespace

std::string describe(const Json& value) {
  // With the replace handler dump() cannot throw (the strict default throws on invalid UTF-8; parsed
  // text holds none, but nothing here may throw).
  return cut_utf8(value.dump(-1, ' ', false, Json::error_handler_t::replace), kQuoteBytes);
}

// Integers in full (1000000); otherwise the shortest form that reads back as the same double, with a
// plain exponent: 0.99999994, 1e-6.
std::string format_number(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15) return std::to_string(static_cast<long long>(value));
  char text[64];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(text, sizeof text, "%.*g", precision, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  std::string out = text;
  const std::size_t e = out.find('e');
  if (e != std::string::npos) {
    std::string mantissa = out.substr(0, e);
    std::string exponent = out.substr(e + 1);
    const bool negative = !exponent.empty() && exponent[0] == '-';
    if (!exponent.empty() && (exponent[0] == '-' || exponent[0] == '+')) exponent.erase(0, 1);
    exponent.erase(0, std::min(exponent.find_first_not_of('0'), exponent.size() - 1));
    out = mantissa + "e" + (negative ? "-" : "") + exponent;
  }
  return out;
}

std::string ObjectReader::first_unread_key() const {
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    if (used_.count(it.key()) == 0) return it.key();
  }
  return {};
}

std::string ObjectReader::unknown_key_error() const {
  for (auto it = object_.begin(); it != object_.end(); ++it) {
    if (used_.count(it.key()) == 0) {
      std::string allowed;
      for (const auto& key : used_) allowed += (allowed.empty() ? "" : ", ") + key;
      return "unknown field " + field(it.key().c_str()) + " (allowed here: " + allowed + ")";
    }
  }
  return {};
}

std::string ObjectReader::read_integer(const char* key, const ranges::Range& range, int d, long long& out) {
  if (!has(key)) return {};
  const Json& value = at(key);
  const double min = range.min, max = range.upper(d);
  const std::string expected =
      field(key) + " must be an integer in [" + format_number(min) + ", " + format_number(max) + "]";
  if (!value.is_number()) return expected + " (got " + describe(value) + ")";
  const double number = value.get<double>();
  if (!std::isfinite(number) || number != std::floor(number) || number < min || number > max) {
    return expected + " (got " + describe(value) + ")";
  }
  out = static_cast<long long>(number);
  return {};
}

std::string ObjectReader::read_int(const char* key, const ranges::Range& range, int d, int& out) {
  long long wide = out;
  std::string error = read_integer(key, range, d, wide);
  if (error.empty()) out = static_cast<int>(wide);
  return error;
}

std::string ObjectReader::read_number(const char* key, const ranges::Range& range, double& out) {
  if (!has(key)) return {};
  const double min = range.min, max = range.max;
  const bool min_open = range.min_open, max_open = range.max_open;
  const Json& value = at(key);
  const std::string expected = field(key) + " must be a number in " + (min_open ? "(" : "[") + format_number(min) +
                               ", " + format_number(max) + (max_open ? ")" : "]");
  if (!value.is_number()) return expected + " (got " + describe(value) + ")";
  const double number = value.get<double>();
  const bool below = min_open ? !(number > min) : !(number >= min);
  const bool above = max_open ? !(number < max) : !(number <= max);
  if (!std::isfinite(number) || below || above) return expected + " (got " + describe(value) + ")";
  out = number;
  return {};
}

std::string ObjectReader::refuse(const char* key, const std::string& when) {
  if (!has(key)) return {};
  return field(key) + " applies only " + when;
}

std::string ObjectReader::read_object(const char* key, const Json*& out) {
  if (!has(key)) return {};
  const Json& value = at(key);
  if (!value.is_object()) return field(key) + " must be an object (got " + describe(value) + ")";
  out = &value;
  return {};
}

std::string ObjectReader::read_spectrum(const char* key, int d, SpectrumSpec& out) {
  if (!has(key)) return {};
  const Json& value = at(key);
  const std::string expected =
      field(key) + " must be \"isotropic\", \"power_law\" or a list of d = " + std::to_string(d) + " numbers in [" +
      format_number(ranges::kEigenvalue.min) + ", " + format_number(ranges::kEigenvalue.max) + "]";
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
    if (!(std::isfinite(number) && number >= ranges::kEigenvalue.min && number <= ranges::kEigenvalue.max)) {
      return expected + " (entry " + std::to_string(i + 1) + " is " + describe(entry) + ")";
    }
    spectrum.values.push_back(number);
  }
  out = std::move(spectrum);
  return {};
}

OrderedJson spectrum_to_json(const SpectrumSpec& spectrum) {
  switch (spectrum.kind) {
    case SpectrumSpec::Kind::Isotropic: return "isotropic";
    case SpectrumSpec::Kind::PowerLaw: return "power_law";
    case SpectrumSpec::Kind::Explicit: break;
  }
  return spectrum.values;
}

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

}  // namespace icl
