#include "icl/theory_curves.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>

#include "icl/theory.hpp"
#include "icl/theory_alignment.hpp"
#include "icl/theory_bayes.hpp"
#include "icl/theory_low_rank.hpp"
#include "icl/theory_weighting.hpp"

namespace icl {
namespace {

using Curves = std::vector<TheoryCurve>;

// Evaluates risk_at(n) at every n; the first failure is the result.
Result<TheoryCurve> curve(std::string name, std::string label, const std::vector<int>& n,
                          const std::function<Result<double>(int)>& risk_at) {
  TheoryCurve result{std::move(name), std::move(label), {}, {}, CurveRole::Reference};
  for (int length : n) {
    auto risk = risk_at(length);
    if (!risk.ok()) return Result<TheoryCurve>::failure(result.label + ": " + risk.error());
    result.risk.push_back(risk.value());
  }
  return Result<TheoryCurve>::success(std::move(result));
}

// An approximation: drawn beside the exact curves, never scored.
Result<TheoryCurve> approximation(Result<TheoryCurve> c) {
  if (c.ok()) c.value().role = CurveRole::Approximation;
  return c;
}

Eigen::MatrixXd diagonal(const std::vector<double>& values) {
  return Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size())).asDiagonal();
}

// Sigma = Sigma_x^{1/2} Sigma_beta Sigma_x^{1/2} has the products of the (diagonal) spectra as eigenvalues.
std::vector<double> signal_spectrum(const Config& config, const SpectrumSpec& task) {
  const std::vector<double> x = config.data.x_spectrum.eigenvalues(config.d);
  std::vector<double> signal = task.eigenvalues(config.d);
  for (std::size_t i = 0; i < signal.size(); ++i) signal[i] *= x[i];
  return signal;
}

template <class T>
Result<double> risk_of(const Result<T>& optimum) {
  return optimum.ok() ? Result<double>::success(optimum.value().risk) : Result<double>::failure(optimum.error());
}

Result<double> risk_of_online(const Result<theory::OnlineOptimum>& optimum) {
  return optimum.ok() ? Result<double>::success(optimum.value().average_risk)
                      : Result<double>::failure(optimum.error());
}

struct CurveList {
  Curves curves;
  std::string error;
  void add(Result<TheoryCurve> c) {
    if (!error.empty()) return;
    if (c.ok()) {
      curves.push_back(std::move(c.value()));
    } else {
      error = c.error();
    }
  }
};

void add_iid_curves(const Config& config, const std::vector<int>& n, CurveList& list) {
  const double noise = config.data.noise_variance;
  const std::vector<double> signal = signal_spectrum(config, config.data.task_spectrum);
  const auto full_rank = [&](int length) { return theory::optimal_pgd_risk_from_spectrum(signal, noise, length); };
  const ModelConfig& model = config.model;
  const int d = config.d;
  if (model.kind == ModelKind::Attention && model.lora.enabled) {
    const LoraConfig& lora = model.lora;
    // Adapting W_q too doubles the rank of the update (paper-spec §2).
    const int rank = std::min(d, lora.adapt == LoraTarget::KeyAndQuery ? 2 * lora.rank : lora.rank);
    const Eigen::MatrixXd sigma_x = diagonal(config.data.x_spectrum.eigenvalues(d));
    const Eigen::MatrixXd old_task = diagonal(lora.pretrain_task_spectrum.eigenvalues(d));
    const Eigen::MatrixXd new_task = diagonal(config.data.task_spectrum.eigenvalues(d));
    const auto lora_at = [&](int r) {
      return [&, r](int length) { return theory::lora_risk(sigma_x, old_task, new_task, noise, length, r); };
    };
    list.add(curve("lora", "LoRA rank " + std::to_string(rank) + " optimum L_LoRA(r)", n, lora_at(rank)));
    list.add(curve("pgd_optimum", "full retraining L*(n)", n, full_rank));
    list.add(curve("frozen", "pretrained model, not adapted", n, lora_at(0)));
  } else if (model.kind == ModelKind::Attention && config.attention_rank() < d + 1) {
    // A rank above d constrains nothing (W_eff is d x d), so the attention rank r caps at d.
    const int rank = std::min(config.attention_rank(), d);
    list.add(curve("low_rank_optimum", "rank-" + std::to_string(rank) + " optimum L*_r(n)", n, [&](int length) {
      return theory::optimal_low_rank_risk_from_spectrum(signal, noise, length, rank);
    }));
    list.add(curve("pgd_optimum", "full-rank optimum L*(n)", n, full_rank));
  } else {
    list.add(curve("pgd_optimum", "optimal preconditioned GD L*(n)", n, full_rank));
  }
}

void add_bayes_curve(const Config& config, const std::vector<int>& n, const TheoryOptions& options, CurveList& list) {
  TheoryCurve bayes{"bayes_optimal", "Bayes-optimal estimator (posterior mean), Monte Carlo", {}, {}};
  const std::vector<double> signal = signal_spectrum(config, config.data.task_spectrum);
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

// The limits of a request, checked before any curve is computed.
std::string check_request(const Config& config, const std::vector<int>& n, const TheoryOptions& options) {
  if (n.size() > kMaxTheoryLengths) {
    return "a theory request takes at most " + std::to_string(kMaxTheoryLengths) + " context lengths (got " +
           std::to_string(n.size()) + ")";
  }
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (n[i] < 0 || n[i] > kMaxTheoryContext) {
      return "n[" + std::to_string(i) + "] must be an integer in [0, " + std::to_string(kMaxTheoryContext) + "] (got " +
             std::to_string(n[i]) + ")";
    }
  }
  const bool bayes = options.bayes_optimal && config.data.kind == DataKind::Iid && config.objective == Objective::Query;
  if (!bayes) return {};
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

}  // namespace

double bayes_work(int d, const std::vector<int>& n, int samples) {
  double per_sample = 0.0;
  for (int length : n) {
    const double m = std::min(length, d);
    per_sample += (static_cast<double>(length) * d + 2.0 * m * m + 0.5 * d * d) * m;
  }
  return per_sample * samples;
}

Result<std::vector<TheoryCurve>> theory_curves(const Config& config, const std::vector<int>& n,
                                               const TheoryOptions& options) {
  if (std::string error = check_request(config, n, options); !error.empty()) {
    return Result<std::vector<TheoryCurve>>::failure(error);
  }
  const DataConfig& data = config.data;
  const int d = config.d;
  const double noise = data.noise_variance;
  const double a = data.scale_a(), b = data.scale_b();
  const bool normalised = data.kind == DataKind::Alignment || data.rag_form == RagForm::Normalized;
  const auto isotropic_iid = [&](int length) {
    return theory::optimal_pgd_risk_from_spectrum(std::vector<double>(static_cast<std::size_t>(d), 1.0), noise, length);
  };
  CurveList list;
  if (config.objective == Objective::AllPositions) {
    // Online (§3.4): the mean risk over the n + 1 positions of a prompt with context n.
    const auto uniform = [&](int length) {
      return risk_of_online(theory::online_uniform_optimum(d, noise, length + 1));
    };
    const auto weighted = [&](int length) {
      return risk_of_online(theory::online_weighted_optimum(d, noise, length + 1));
    };
    const char* uniform_label = "mean over positions, best shared W = cI (what attention can reach)";
    const char* weighted_label = "mean over positions, best W = cI and lag filter (what H3 can reach)";
    if (config.model.kind == ModelKind::H3) {
      list.add(curve("online_weighted_optimum", weighted_label, n, weighted));
      list.add(curve("online_uniform_optimum", uniform_label, n, uniform));
    } else {
      list.add(curve("online_uniform_optimum", uniform_label, n, uniform));
      list.add(curve("online_weighted_optimum", weighted_label, n, weighted));
    }
    if (!list.error.empty()) return Result<std::vector<TheoryCurve>>::failure(list.error);
    if (!list.curves.empty()) list.curves.front().role = CurveRole::Model;
    return Result<std::vector<TheoryCurve>>::success(std::move(list.curves));
  }
  switch (data.kind) {
    case DataKind::Iid:
      add_iid_curves(config, n, list);
      if (options.bayes_optimal) add_bayes_curve(config, n, options, list);
      break;
    case DataKind::Rag:
      list.add(curve("rag_exact", "optimal PGD on RAG data (exact)", n,
                     [&](int length) { return risk_of(theory::rag_optimum(d, length, a, b, noise)); }));
      if (normalised) {
        list.add(approximation(
            curve("rag_asymptotic", "asymptotic form, n -> kappa n with kappa = alpha^2 d + 1 (approximation)", n,
                  [&](int length) { return theory::rag_asymptotic_risk(d, length, data.alpha, noise); })));
      }
      list.add(curve("iid_reference", "IID context (alpha = 0)", n, isotropic_iid));
      break;
    case DataKind::Alignment: {
      const auto query =
          data.query == AlignmentQuery::Aligned ? theory::AlignmentQuery::Aligned : theory::AlignmentQuery::Isotropic;
      list.add(curve("alignment_exact", "optimal PGD on aligned data (exact)", n,
                     [&](int length) { return risk_of(theory::alignment_optimum(d, length, a, b, noise, query)); }));
      // The spec gives no asymptotic form for the aligned query with noisy labels.
      if (!(query == theory::AlignmentQuery::Aligned && noise > 0)) {
        list.add(approximation(
            curve("alignment_asymptotic", "asymptotic form with kappa = alpha^2 d + 1 (approximation)", n,
                  [&](int length) { return theory::alignment_asymptotic_risk(d, length, data.alpha, noise, query); })));
      }
      if (query == theory::AlignmentQuery::Isotropic)
        list.add(curve("iid_reference", "IID context (alpha = 0)", n, isotropic_iid));
      break;
    }
    case DataKind::Drift: {
      auto weighted = curve("wpgd_optimum", "optimal sample weights WPGD* (H3 can reach it)", n, [&](int length) {
        return risk_of(theory::drift_optimal_weights(d, length, data.gamma, noise));
      });
      auto uniform = curve("uniform_weights", "uniform sample weights (the attention optimum)", n,
                           [&](int length) { return theory::drift_uniform_risk(d, length, data.gamma, noise); });
      if (config.model.kind == ModelKind::H3) {
        list.add(std::move(weighted));
        list.add(std::move(uniform));
      } else {
        list.add(std::move(uniform));
        list.add(std::move(weighted));
      }
      break;
    }
  }
  if (!list.error.empty()) return Result<std::vector<TheoryCurve>>::failure(list.error);
  if (!list.curves.empty()) list.curves.front().role = CurveRole::Model;
  return Result<std::vector<TheoryCurve>>::success(std::move(list.curves));
}

const char* curve_role_name(CurveRole role) {
  switch (role) {
    case CurveRole::Model: return "model";
    case CurveRole::Reference: return "reference";
    case CurveRole::Approximation: return "approximation";
  }
  return "reference";
}

Result<OptimalWeights> optimal_weights(const Config& config, int n) {
  using Out = Result<OptimalWeights>;
  const DataConfig& data = config.data;
  const int d = config.d;
  const double noise = data.noise_variance;
  OptimalWeights out{{}, std::vector<double>(static_cast<std::size_t>(n), 1.0)};
  const auto set_matrix = [&](const Eigen::MatrixXd& w) {
    for (int i = 0; i < d; ++i) {
      for (int j = 0; j < d; ++j) out.preconditioner.push_back(w(i, j));
    }
  };
  const auto set_scaled_identity = [&](double c) { set_matrix(c * Eigen::MatrixXd::Identity(d, d)); };
  if (config.objective == Objective::AllPositions) {
    const bool h3 = config.model.kind == ModelKind::H3;
    const auto optimum =
        h3 ? theory::online_weighted_optimum(d, noise, n + 1) : theory::online_uniform_optimum(d, noise, n + 1);
    if (!optimum.ok()) return Out::failure(optimum.error());
    set_scaled_identity(optimum.value().c);
    // f_1..f_n: the weight of the token at lag t + 1, so token order here.
    if (h3) {
      for (int t = 0; t < n; ++t) out.sample_weights[static_cast<std::size_t>(t)] = optimum.value().lag_filter(t);
    }
    return Out::success(std::move(out));
  }
  switch (data.kind) {
    case DataKind::Iid: {
      const Eigen::MatrixXd sigma_x = diagonal(data.x_spectrum.eigenvalues(d));
      const Eigen::MatrixXd task = diagonal(data.task_spectrum.eigenvalues(d));
      const ModelConfig& model = config.model;
      if (model.kind == ModelKind::Attention && model.lora.enabled) {
        const int rank =
            std::min(d, model.lora.adapt == LoraTarget::KeyAndQuery ? 2 * model.lora.rank : model.lora.rank);
        const auto lora = theory::lora_optimum(sigma_x, diagonal(model.lora.pretrain_task_spectrum.eigenvalues(d)),
                                               task, noise, n, rank);
        if (!lora.ok()) return Out::failure(lora.error());
        set_matrix(lora.value().W);
      } else if (model.kind == ModelKind::Attention && config.attention_rank() < d + 1) {
        const auto low_rank =
            theory::optimal_low_rank_pgd(sigma_x, task, noise, n, std::min(config.attention_rank(), d));
        if (!low_rank.ok()) return Out::failure(low_rank.error());
        set_matrix(low_rank.value().W);
      } else {
        const auto optimum = theory::optimal_pgd(sigma_x, task, noise, n);
        if (!optimum.ok()) return Out::failure(optimum.error());
        set_matrix(optimum.value().W);
      }
      break;
    }
    case DataKind::Rag: {
      const auto optimum = theory::rag_optimum(d, n, data.scale_a(), data.scale_b(), noise);
      if (!optimum.ok()) return Out::failure(optimum.error());
      set_scaled_identity(optimum.value().c);
      break;
    }
    case DataKind::Alignment: {
      const auto query =
          data.query == AlignmentQuery::Aligned ? theory::AlignmentQuery::Aligned : theory::AlignmentQuery::Isotropic;
      const auto optimum = theory::alignment_optimum(d, n, data.scale_a(), data.scale_b(), noise, query);
      if (!optimum.ok()) return Out::failure(optimum.error());
      set_scaled_identity(optimum.value().c);
      break;
    }
    case DataKind::Drift:
      if (config.model.kind == ModelKind::H3) {
        const auto optimum = theory::drift_optimal_weights(d, n, data.gamma, noise);
        if (!optimum.ok()) return Out::failure(optimum.error());
        set_scaled_identity(optimum.value().c);
        // The theory lists omega oldest first (token i at lag n + 1 - i); tokens here are nearest first.
        for (int t = 0; t < n; ++t) out.sample_weights[static_cast<std::size_t>(t)] = optimum.value().omega(n - 1 - t);
      } else {
        const auto optimum = theory::drift_uniform_optimum(d, n, data.gamma, noise);
        if (!optimum.ok()) return Out::failure(optimum.error());
        set_scaled_identity(optimum.value().c);
      }
      break;
  }
  return Out::success(std::move(out));
}

Result<std::vector<double>> optimal_risk_curve(const Config& config, const std::vector<int>& n) {
  auto curves = theory_curves(config, n);
  if (!curves.ok()) return Result<std::vector<double>>::failure(curves.error());
  return Result<std::vector<double>>::success(std::move(curves.value().front().risk));
}

}  // namespace icl
