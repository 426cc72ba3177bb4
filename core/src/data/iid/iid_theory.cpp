#include <algorithm>
#include <cstdio>

#include "arch/attention/attention_config.hpp"
#include "data/iid/iid_kind.hpp"
#include "theory.hpp"
#include "theory_bayes.hpp"
#include "theory_low_rank.hpp"

namespace icl {
namespace {

// Sigma = Sigma_x^{1/2} Sigma_beta Sigma_x^{1/2} has the products of the (diagonal) spectra as eigenvalues.
std::vector<double> signal_spectrum(const data::Iid& section, int d) {
  const std::vector<double> x = section.x_spectrum.eigenvalues(d);
  std::vector<double> signal = section.task_spectrum.eigenvalues(d);
  for (std::size_t i = 0; i < signal.size(); ++i) signal[i] *= x[i];
  return signal;
}

// The rank of LoRA's update: adapting W_q too doubles it (paper-spec §2); it caps at d.
int lora_update_rank(const LoraConfig& lora, int d) {
  return std::min(d, lora.adapt == LoraTarget::KeyAndQuery ? 2 * lora.rank : lora.rank);
}

// "3.9e9": two significant digits and a plain exponent.
std::string format_count(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2g", value);
  std::string out = text;
  for (const char* padded : {"e+0", "e+"}) {
    if (const std::size_t at = out.find(padded); at != std::string::npos) {
      out.replace(at, std::string(padded).size(), "e");
      break;
    }
  }
  return out;
}

// The limits of the Bayes-optimal reference, checked before it is computed.
std::string check_bayes_request(const Config& config, const std::vector<int>& n, const TheoryOptions& options) {
  if (options.bayes_samples < 2 || options.bayes_samples > theory::kMaxBayesSamples) {
    return "the Bayes-optimal reference takes 2 to " + std::to_string(theory::kMaxBayesSamples) +
           " Monte Carlo samples (got " + std::to_string(options.bayes_samples) + ")";
  }
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (n[i] > kMaxBayesContext) {
      return "the Bayes-optimal reference takes n up to " + std::to_string(kMaxBayesContext) + " (n[" +
             std::to_string(i) + "] is " + std::to_string(n[i]) + ")";
    }
  }
  const double work = bayes_work(config.d, n, options.bayes_samples);
  if (work > kMaxBayesWork) {
    return "the Bayes-optimal reference would take about " + format_count(work) + " multiply-adds (" +
           std::to_string(options.bayes_samples) + " Monte Carlo samples at d = " + std::to_string(config.d) +
           "), above the limit of " + format_count(kMaxBayesWork) +
           ": ask for fewer or shorter context lengths, or a smaller d";
  }
  return {};
}

void add_bayes_curve(const data::Iid& section, const Config& config, const std::vector<int>& n,
                     const TheoryOptions& options, CurveList& list) {
  TheoryCurve bayes{"bayes_optimal", "Bayes-optimal estimator (posterior mean), Monte Carlo", {}, {}};
  const std::vector<double> signal = signal_spectrum(section, config.d);
  for (int length : n) {
    const auto estimate = theory::bayes_optimal_risk_from_spectrum(signal, config.data.noise_variance, length,
                                                                   options.bayes_samples, config.seed);
    if (!estimate.ok()) {
      list.error = estimate.error();
      return;
    }
    bayes.risk.push_back(estimate.value().mean);
    bayes.standard_error.push_back(estimate.value().standard_error);
  }
  list.curves.push_back(std::move(bayes));
}

}  // namespace

void IidKind::add_curves(const Section& section, const Config& config, const std::vector<int>& n,
                         const TheoryOptions& options, CurveList& list) {
  if (options.bayes_optimal) {
    if (std::string error = check_bayes_request(config, n, options); !error.empty()) {
      list.error = error;
      return;
    }
  }
  const double noise = config.data.noise_variance;
  const int d = config.d;
  const std::vector<double> signal = signal_spectrum(section, d);
  const auto full_rank = [&](int length) { return theory::optimal_pgd_risk_from_spectrum(signal, noise, length); };
  if (const LoraConfig* lora = lora_of(config.model)) {
    const int rank = lora_update_rank(*lora, d);
    const Eigen::MatrixXd sigma_x = diagonal(section.x_spectrum.eigenvalues(d));
    const Eigen::MatrixXd old_task = diagonal(lora->pretrain_task_spectrum.eigenvalues(d));
    const Eigen::MatrixXd new_task = diagonal(section.task_spectrum.eigenvalues(d));
    const auto lora_at = [&](int r) {
      return [&, r](int length) { return theory::lora_risk(sigma_x, old_task, new_task, noise, length, r); };
    };
    list.add(curve("lora", "LoRA rank " + std::to_string(rank) + " optimum L_LoRA(r)", n, lora_at(rank)));
    list.add(curve("pgd_optimum", "full retraining L*(n)", n, full_rank));
    list.add(curve("frozen", "pretrained model, not adapted", n, lora_at(0)));
  } else if (config.attention_rank() < d + 1) {  // only attention has a rank
    // A rank above d constrains nothing (W_eff is d x d), so the attention rank r caps at d.
    const int rank = std::min(config.attention_rank(), d);
    list.add(curve("low_rank_optimum", "rank-" + std::to_string(rank) + " optimum L*_r(n)", n, [&](int length) {
      return theory::optimal_low_rank_risk_from_spectrum(signal, noise, length, rank);
    }));
    list.add(curve("pgd_optimum", "full-rank optimum L*(n)", n, full_rank));
  } else {
    list.add(curve("pgd_optimum", "optimal preconditioned GD L*(n)", n, full_rank));
  }
  if (options.bayes_optimal && list.error.empty()) add_bayes_curve(section, config, n, options, list);
}

Result<OptimalWeights> IidKind::optimal_weights(const Section& section, const Config& config, int n) {
  using Out = Result<OptimalWeights>;
  const int d = config.d;
  const double noise = config.data.noise_variance;
  const Eigen::MatrixXd sigma_x = diagonal(section.x_spectrum.eigenvalues(d));
  const Eigen::MatrixXd task = diagonal(section.task_spectrum.eigenvalues(d));
  const auto weights = [&](const auto& optimum) {
    return optimum.ok() ? Out::success(preconditioner_only(optimum.value().W, n)) : Out::failure(optimum.error());
  };
  if (const LoraConfig* lora = lora_of(config.model)) {
    return weights(theory::lora_optimum(sigma_x, diagonal(lora->pretrain_task_spectrum.eigenvalues(d)), task, noise, n,
                                        lora_update_rank(*lora, d)));
  }
  if (config.attention_rank() < d + 1) {
    return weights(theory::optimal_low_rank_pgd(sigma_x, task, noise, n, std::min(config.attention_rank(), d)));
  }
  return weights(theory::optimal_pgd(sigma_x, task, noise, n));
}

}  // namespace icl
