// libFuzzer target for the config parser and validator (core/src/config.cpp). For every input, one of:
//   * accepted: the normalised text config_to_json writes is accepted again and written back unchanged
//     (parse -> config_to_json -> parse -> config_to_json gives the same text), and that text is valid
//     UTF-8;
//   * refused: the message is non-empty, valid UTF-8 and on one line (no control character), as
//     config.hpp promises.
// Anything else prints what broke and aborts, so libFuzzer saves the input as a crash file. The
// sanitizers (address, undefined) catch the rest. Built by -DICL_FUZZ=ON (tests/fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "icl/config.hpp"
#include "icl/text.hpp"

namespace {

[[noreturn]] void violation(const char* what, const std::string& detail) {
  std::fprintf(stderr, "config_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

// A refusal's message must be one line: no byte below 0x20 and no DEL (printable_utf8 escapes them).
bool has_control_character(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) return true;
  }
  return false;
}

void check_refusal(const std::string& message) {
  if (message.empty()) violation("refused with an empty message", "");
  if (!icl::is_valid_utf8(message))
    violation("refused with a message that is not valid UTF-8", icl::printable_utf8(message));
  if (has_control_character(message))
    violation("refused with a message that is not on one line", icl::printable_utf8(message));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto first = icl::parse_config(text);
  if (!first.ok()) {
    check_refusal(first.error());
    return 0;
  }
  if (!first.error().empty()) violation("accepted with an error message", first.error());

  const std::string normalised = icl::config_to_json(first.value());
  if (!icl::is_valid_utf8(normalised)) violation("config_to_json wrote invalid UTF-8", icl::printable_utf8(normalised));
  const auto second = icl::parse_config(normalised);
  if (!second.ok())
    violation("the normalised config is refused", second.error() + "\n--- normalised text:\n" + normalised);
  const std::string again = icl::config_to_json(second.value());
  if (again != normalised) {
    violation("the normalised config does not read back unchanged",
              "--- first:\n" + normalised + "\n--- second:\n" + again);
  }
  return 0;
}
