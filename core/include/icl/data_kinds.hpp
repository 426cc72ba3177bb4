// The data models: one config section per kind, each in icl/data/, with its generator, reader, writer,
// schema entries, theory curves and optimum in core/src/data/<kind>/. This list and the one in
// core/src/data/registry.hpp (in the same order) are the registry; nothing else names the kinds.
#pragma once

#include <variant>

#include "icl/data/alignment.hpp"
#include "icl/data/drift.hpp"
#include "icl/data/iid.hpp"
#include "icl/data/label_flip.hpp"
#include "icl/data/rag.hpp"

namespace icl {

/** The chosen data kind's own fields; the first alternative is the default kind. */
using DataSection = std::variant<data::Iid, data::Rag, data::Alignment, data::Drift, data::LabelFlip>;

}  // namespace icl
