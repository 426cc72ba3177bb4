// The architectures: one config section per model kind, each in icl/arch/, with its kernels, reader,
// writer, schema entries and read-outs in core/src/arch/<name>/. This list and the one in
// core/src/arch/registry.cpp (in the same order) are the registry; nothing else names the kinds.
#pragma once

#include <variant>

#include "icl/arch/attention.hpp"
#include "icl/arch/h3.hpp"

namespace icl {

/** The chosen architecture's own fields; the first alternative is the default kind. */
using ModelSection = std::variant<arch::Attention, arch::H3>;

}  // namespace icl
