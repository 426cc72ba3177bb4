// A config from JSON text for tests, failing the test (with the validator's message) if it is invalid.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "icl/config.hpp"

namespace icl {

inline Config config_from(const std::string& json) {
  auto parsed = parse_config(json);
  EXPECT_TRUE(parsed.ok()) << parsed.error();
  return parsed.ok() ? parsed.value() : Config{};
}

}  // namespace icl
