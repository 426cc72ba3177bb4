// The theory curves of a config carry their role: the config's own model first (scored), references
// beside it, approximations drawn but never scored.
#include "icl/theory_curves.hpp"

#include <string>

#include <gtest/gtest.h>

#include "test_config.hpp"

namespace icl {
namespace {

TEST(TheoryCurves, EachCurveSaysWhetherItIsTheModelsAReferenceOrAnApproximation) {
  for (const char* data : {R"({"kind": "iid"})", R"({"kind": "rag", "alpha": 0.2})",
                           R"({"kind": "alignment", "alpha": 0.2})", R"({"kind": "drift"})"}) {
    for (const char* model : {R"({"kind": "attention"})", R"({"kind": "h3"})", R"({"kind": "attention", "rank": 2})"}) {
      if (std::string(model).find("rank") != std::string::npos && std::string(data).find("iid") == std::string::npos)
        continue;
      const Config config =
          config_from(std::string(R"({"d": 4, "n": [2, 8], "data": )") + data + R"(, "model": )" + model + "}");
      const auto curves = theory_curves(config, config.n);
      ASSERT_TRUE(curves.ok()) << curves.error();
      const auto& list = curves.value();
      EXPECT_EQ(list.front().role, CurveRole::Model) << data << model;
      int approximations = 0;
      for (std::size_t i = 1; i < list.size(); ++i) {
        const bool asymptotic = list[i].name.find("_asymptotic") != std::string::npos;
        EXPECT_EQ(list[i].role, asymptotic ? CurveRole::Approximation : CurveRole::Reference) << list[i].name;
        approximations += asymptotic;
      }
      // RAG's normalised form and alignment with an isotropic query have the asymptotic κ form.
      const bool has_asymptotic = std::string(data).find("rag") != std::string::npos ||
                                  std::string(data).find("alignment") != std::string::npos;
      EXPECT_EQ(approximations, has_asymptotic ? 1 : 0) << data << model;
    }
  }
  EXPECT_STREQ(curve_role_name(CurveRole::Model), "model");
  EXPECT_STREQ(curve_role_name(CurveRole::Reference), "reference");
  EXPECT_STREQ(curve_role_name(CurveRole::Approximation), "approximation");
}

}  // namespace
}  // namespace icl
