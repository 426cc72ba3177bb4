// Messages that cross to JavaScript: invalid bytes and control characters escaped, cuts on character
// boundaries.
#include <string>

#include <gtest/gtest.h>

#include "icl/text.hpp"

namespace icl {
namespace {

TEST(Text, ValidUtf8IsKeptAndInvalidBytesAreEscaped) {
  EXPECT_EQ(printable_utf8("plain ascii"), "plain ascii");
  EXPECT_EQ(printable_utf8("\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");                    // é € 😀
  EXPECT_EQ(printable_utf8("a\xC3"), "a\\xC3");                           // truncated
  EXPECT_EQ(printable_utf8("\x80z"), "\\x80z");                           // stray continuation byte
  EXPECT_EQ(printable_utf8("\xED\xA0\x80"), "\\xED\\xA0\\x80");           // a surrogate
  EXPECT_EQ(printable_utf8("\xC0\xAF"), "\\xC0\\xAF");                    // overlong '/'
  EXPECT_EQ(printable_utf8("\xF4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80");  // above U+10FFFF
  EXPECT_EQ(printable_utf8(std::string("a\nb\0c\x7F", 6)), "a\\x0Ab\\x00c\\x7F");
  EXPECT_TRUE(is_valid_utf8(printable_utf8("\xFF\xFE\xC3\x28")));
}

TEST(Text, ValidityFollowsTheUnicodeTable) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("\xEF\xBF\xBD\xF4\x8F\xBF\xBF"));  // U+FFFD, U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE0\x9F\xBF"));                 // overlong U+07FF
  EXPECT_FALSE(is_valid_utf8("\xF0\x8F\xBF\xBF"));             // overlong U+FFFF
  EXPECT_FALSE(is_valid_utf8("\xC3"));
}

TEST(Text, CutsKeepWholeCharacters) {
  EXPECT_EQ(cut_utf8("short", 10), "short");
  EXPECT_EQ(cut_utf8("abcdefghij", 8), "abcde...");
  // "é" is two bytes: a cut at 6 bytes keeps one "é" and the dots, never half of the second.
  EXPECT_EQ(cut_utf8("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 6), "\xC3\xA9...");
  EXPECT_EQ(cut_utf8("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 7), "\xC3\xA9\xC3\xA9...");
  const std::string long_text(5000, 'x');
  EXPECT_EQ(safe_message(long_text).size(), 1000u);
}

}  // namespace
}  // namespace icl
