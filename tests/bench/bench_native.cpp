// Native half of `npm run bench`: times training steps and batch draws of the benchmark workload and
// prints one JSON object per workload; tests/bench/bench.mjs measures the wasm build the same way and
// prints both side by side with their ratio.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "icl/experiment.hpp"

namespace {

struct Timing {
  double median_ms;
  double min_ms;
};

template <class Work>
Timing time_each(int warmup, int repeats, Work work) {
  for (int i = 0; i < warmup; ++i) work();
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    work();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.front()};
}

}  // namespace

// The workloads of issues 2 and 4: d = 20, n = 40, batch 1024, one model each; and banks of 12 models
// (one per context length, all on the same prompts), as a preset's job runs them.
struct Workload {
  const char* name;
  const char* config;
};
const Workload kWorkloads[] = {
    {"attention", R"({"d": 20, "n": [40], "training": {"steps": 1000000, "batch_size": 1024}})"},
    {"attention rank 5",
     R"({"d": 20, "n": [40], "model": {"rank": 5}, "training": {"steps": 1000000, "batch_size": 1024}})"},
    {"h3", R"({"d": 20, "n": [40], "model": {"kind": "h3"}, "training": {"steps": 1000000, "batch_size": 1024}})"},
    {"attention bank (12 n)",
     R"({"d": 20, "n": [1, 2, 3, 4, 6, 8, 12, 16, 20, 24, 32, 40], "training": {"steps": 1000000, "batch_size": 1024}})"},
    {"h3 bank (12 n)",
     R"({"d": 20, "n": [1, 2, 3, 4, 6, 8, 12, 16, 20, 24, 32, 40], "model": {"kind": "h3"}, "training": {"steps": 1000000, "batch_size": 1024}})"},
};

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::stoi(argv[1]) : 30;
  for (const Workload& workload : kWorkloads) {
    const auto config = icl::parse_config(workload.config);
    if (!config.ok()) {
      std::fprintf(stderr, "%s\n", config.error().c_str());
      return 1;
    }
    for (const auto backend : {icl::Backend::Simd, icl::Backend::Scalar}) {
      auto experiment = icl::Experiment::create(config.value(), backend);
      const Timing step = time_each(5, repeats, [&] { experiment->step(1); });
      const Timing draw = time_each(2, repeats, [&] { experiment->draw_batch_only(); });
      std::printf(
          "{\"workload\": \"%s\", \"backend\": \"%s\", \"step_median_ms\": %.4f, \"step_min_ms\": %.4f, "
          "\"draw_median_ms\": %.4f, \"draw_min_ms\": %.4f}\n",
          workload.name, backend == icl::Backend::Simd ? "simd" : "scalar", step.median_ms, step.min_ms, draw.median_ms,
          draw.min_ms);
    }
  }
  return 0;
}
