// Text that crosses to JavaScript or a terminal: every message the core returns is valid UTF-8 on one
// line. Parse errors quote what was read, and a config can hold any bytes, so messages are made safe
// here rather than trusted (an invalid byte made nlohmann's dump() throw inside the bindings).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace icl {

/**
 * The text with every byte that is not part of a well-formed UTF-8 character (a stray continuation byte,
 * a truncated or overlong sequence, a surrogate, a code point above U+10FFFF) and every control character
 * (U+0000..U+001F, U+007F) written as \xNN. Valid characters, ASCII or not, are kept as they are.
 */
std::string printable_utf8(std::string_view text);

/**
 * At most `max_bytes` bytes of valid UTF-8 text, cut on a character boundary; a cut text ends in "..."
 * (counted in `max_bytes`, which must be at least 3).
 */
std::string cut_utf8(std::string_view text, std::size_t max_bytes);

/** True when `text` is well-formed UTF-8. */
bool is_valid_utf8(std::string_view text);

/** A message ready to cross the boundary: printable_utf8, then cut to `max_bytes`. */
std::string safe_message(std::string_view text, std::size_t max_bytes = 1000);

}  // namespace icl
