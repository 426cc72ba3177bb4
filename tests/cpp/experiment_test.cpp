// The experiment bank: determinism (same seed, same numbers; the golden file shared with the wasm
// tests), SIMD against the scalar twin, no allocation in a training step, and training landing on
// LoRA's two phases. Training against theory is in training_test.cpp.
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <new>
#include <string>

#include <gtest/gtest.h>

#include "test_config.hpp"
#include <nlohmann/json.hpp>

#include "icl/experiment.hpp"

// Counts heap allocations of the whole test binary, so a test can assert that a stretch of code makes none.
namespace {
std::atomic<long> allocation_count{0};
}
void* operator new(std::size_t size) {
  ++allocation_count;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace icl {
namespace {

const char* kSmallConfig = R"({"seed": 7, "d": 4, "n": [3, 6], "training": {"steps": 20, "batch_size": 66},
                               "evaluation": {"prompts": 2002}})";

TEST(Experiment, SameSeedGivesIdenticalNumbers) {
  const Config config = config_from(kSmallConfig);
  auto a = Experiment::create(config), b = Experiment::create(config);
  a->step(20);
  b->step(7);
  b->step(13);  // chunking must not matter
  EXPECT_EQ(a->parameters(1), b->parameters(1));
  EXPECT_EQ(a->last_train_loss(), b->last_train_loss());
  EXPECT_EQ(a->evaluate(), b->evaluate());
  EXPECT_EQ(a->evaluate(), a->evaluate());  // the evaluation set is fixed
}

TEST(Experiment, DifferentSeedsGiveDifferentNumbers) {
  Config config = config_from(kSmallConfig);
  auto a = Experiment::create(config);
  config.seed = 8;
  auto b = Experiment::create(config);
  a->step(5);
  b->step(5);
  EXPECT_NE(a->parameters(0), b->parameters(0));
  EXPECT_NE(a->evaluate(), b->evaluate());
}

TEST(Experiment, SimdMatchesScalarTwin) {
  const Config config = config_from(kSmallConfig);
  auto simd = Experiment::create(config, Backend::Simd), scalar = Experiment::create(config, Backend::Scalar);
  simd->step(20);
  scalar->step(20);
  // Same prompts and formulas; only the order of the batch sums differs, so agreement is to float rounding.
  for (int m = 0; m < 2; ++m) {
    const auto& p = simd->parameters(m);
    const auto& q = scalar->parameters(m);
    for (std::size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(p[i], q[i], 1e-4f * std::max(1.0f, std::abs(q[i])));
  }
  const auto simd_risk = simd->evaluate(), scalar_risk = scalar->evaluate();
  for (int m = 0; m < 2; ++m) EXPECT_NEAR(simd_risk[m], scalar_risk[m], 1e-4 * scalar_risk[m]);
}

TEST(Experiment, TrainingStepsDoNotAllocate) {
  // Attention at rank 2 of d = 4 runs the product form, at rank 1 the factored form (attention.hpp).
  for (const char* model :
       {R"({})", R"({"kind": "h3"})", R"({"kind": "h3", "filter": "ssm"})", R"({"rank": 2})", R"({"rank": 1})"}) {
    for (const char* objective : {"query", "all_positions"}) {
      if (std::string(objective) == "all_positions" && std::string(model).find("ssm") != std::string::npos) continue;
      if (std::string(objective) == "all_positions" && std::string(model).find("rank") != std::string::npos) continue;
      auto experiment = Experiment::create(
          config_from(std::string(R"({"d": 4, "n": [3, 6], "training": {"steps": 20, "batch_size": 66}, "model": )") +
                      model + R"(, "objective": ")" + objective + R"("})"));
      experiment->step(1);  // anything lazily allocated happens here
      const long before = allocation_count.load();
      experiment->step(10);
      EXPECT_EQ(allocation_count.load() - before, 0) << model << " " << objective;
    }
  }
  // d = 10, rank 3: the product form's buffers outgrow the factors' at the first step, and only then.
  auto grown = Experiment::create(config_from(R"({"d": 10, "n": [3, 6], "training": {"steps": 20, "batch_size": 66},
      "model": {"rank": 3}})"));
  grown->step(1);
  const long before_grown = allocation_count.load();
  grown->step(10);
  EXPECT_EQ(allocation_count.load() - before_grown, 0) << "rank 3 of d = 10";
  // The recipe: a growing batch, a cosine schedule and an averaged evaluation (checkpoints included).
  auto recipe = Experiment::create(config_from(R"({"d": 4, "n": [3, 6], "training": {"steps": 20, "batch_size": 66,
      "batch_ramp": 0.5, "batch_size_start": 4, "lr_schedule": "cosine", "warmup": 0.1, "average": "ema",
      "average_from": 0.2}})"));
  recipe->step(1);
  const long before_recipe = allocation_count.load();
  recipe->step(19);
  EXPECT_EQ(allocation_count.load() - before_recipe, 0) << "recipe";
  // LoRA: after the switch to the adapter (which allocates once), its steps do not allocate.
  auto lora = Experiment::create(config_from(R"({"d": 3, "n": [4], "training": {"steps": 20, "batch_size": 16},
      "model": {"lora": {"rank": 1, "pretrain_steps": 3}}})"));
  lora->step(5);
  const long before = allocation_count.load();
  lora->step(10);
  EXPECT_EQ(allocation_count.load() - before, 0) << "lora";
}

TEST(Experiment, NeverStepsPastTheEnd) {
  auto experiment = Experiment::create(config_from(kSmallConfig));
  EXPECT_EQ(experiment->step(15), 15);
  EXPECT_EQ(experiment->step(100), 20);
  EXPECT_EQ(experiment->step(1), 20);
  EXPECT_EQ(experiment->steps_done(), 20);
}

TEST(Experiment, LoraPretrainsThenAdaptsOnlyTheAdapter) {
  auto experiment = Experiment::create(config_from(R"({"d": 3, "n": [4], "training": {"steps": 5, "batch_size": 16},
      "model": {"lora": {"rank": 1, "pretrain_steps": 6, "pretrain_task_spectrum": "power_law"}}})"));
  EXPECT_EQ(experiment->total_steps(), 11);
  experiment->step(6);
  const std::vector<float> pretrained = experiment->weights(0);
  EXPECT_EQ(experiment->parameters(0).size(), pretrained.size());  // full attention while pretraining
  experiment->step(1);
  EXPECT_EQ(experiment->parameters(0).size(), 2u * 4u * 1u);  // then the adapter A, B (D x r each)
  experiment->step(4);
  const std::vector<float> adapted = experiment->weights(0);
  // Only W_k (the block after W_q) moved, and by a rank-one matrix.
  const int width = 4, block = width * width;
  for (int i = 0; i < block; ++i)
    EXPECT_EQ(adapted[static_cast<std::size_t>(i)], pretrained[static_cast<std::size_t>(i)]);
  for (std::size_t i = 2 * block; i < adapted.size(); ++i) EXPECT_EQ(adapted[i], pretrained[i]);
  bool moved = false;
  for (int i = block; i < 2 * block; ++i)
    moved |= adapted[static_cast<std::size_t>(i)] != pretrained[static_cast<std::size_t>(i)];
  EXPECT_TRUE(moved);
}

TEST(Experiment, LossIsNotANumberBeforeTheFirstStep) {
  auto experiment = Experiment::create(config_from(kSmallConfig));
  EXPECT_TRUE(std::isnan(experiment->last_train_loss()[0]));
  experiment->step(1);
  EXPECT_TRUE(std::isfinite(experiment->last_train_loss()[0]));
}

// The numbers of kSmallConfig with the default recipe, and with every part of the recipe switched on,
// shared with tests/js (the wasm build must give the same ones). Regenerate after an intended change of
// the random streams or the training loop with ICL_UPDATE_GOLDEN=1 ctest -R Golden.
void expect_golden_numbers(const std::string& file, const std::string& config_text) {
  const std::string path = std::string(ICL_SOURCE_DIR) + "/tests/golden/" + file;
  auto experiment = Experiment::create(config_from(config_text));
  experiment->step(20);
  const std::vector<double> risk = experiment->evaluate();
  const std::vector<double> loss = experiment->last_train_loss();
  if (std::getenv("ICL_UPDATE_GOLDEN") != nullptr) {
    nlohmann::ordered_json golden = {
        {"config", nlohmann::json::parse(config_text)}, {"steps", 20}, {"last_train_loss", loss}, {"evaluate", risk}};
    std::ofstream(path) << golden.dump(2) << "\n";
  }
  std::ifstream stream(path);
  ASSERT_TRUE(stream.good()) << path;
  const nlohmann::json golden = nlohmann::json::parse(stream);
  for (std::size_t m = 0; m < risk.size(); ++m) {
    EXPECT_NEAR(risk[m], golden["evaluate"][m].get<double>(), 1e-5 * risk[m]) << file;
    EXPECT_NEAR(loss[m], golden["last_train_loss"][m].get<double>(), 1e-5 * loss[m]) << file;
  }
}

TEST(Experiment, MatchesTheGoldenNumbersSharedWithWasm) {
  expect_golden_numbers("determinism.json", kSmallConfig);
  expect_golden_numbers("recipe.json", R"({"seed": 7, "d": 4, "n": [3, 6], "model": {"kind": "h3"},
      "training": {"steps": 20, "batch_size": 66, "learning_rate": 0.01, "lr_schedule": "cosine", "warmup": 0.1,
      "lr_decay_factor": 0.01, "batch_ramp": 0.3, "batch_size_start": 10, "average": "tail", "average_from": 0.5},
      "evaluation": {"prompts": 2002, "live_prompts": 500}})");
}

}  // namespace
}  // namespace icl
