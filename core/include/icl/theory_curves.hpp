// Theory curves for a config: what the charts draw dotted next to the trained models.
#pragma once

#include <vector>

#include "icl/config.hpp"
#include "icl/result.hpp"

namespace icl {

/** Optimal preconditioned-GD risk L*(n) (paper-spec §3.2) of the config's data model at each n >= 0. */
Result<std::vector<double>> optimal_risk_curve(const Config& config, const std::vector<int>& n);

}  // namespace icl
