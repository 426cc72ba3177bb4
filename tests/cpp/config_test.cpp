// Config parsing: defaults, the normalised round trip, and one error per rule, each naming its field.
#include <random>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "arch/architecture.hpp"
#include "icl/config.hpp"
#include "icl/text.hpp"

namespace icl {
namespace {

std::string error_of(const std::string& json) {
  const auto result = parse_config(json);
  EXPECT_FALSE(result.ok()) << json;
  return result.ok() ? std::string() : result.error();
}

TEST(Config, EmptyObjectGivesTheDefaults) {
  const auto result = parse_config("{}");
  ASSERT_TRUE(result.ok()) << result.error();
  const Config& c = result.value();
  EXPECT_EQ(c.d, 20);
  EXPECT_EQ(c.n, (std::vector<int>{5, 10, 20, 40}));
  EXPECT_EQ(c.training.steps, 4000);
  EXPECT_EQ(c.training.batch_size, 1024);
  EXPECT_DOUBLE_EQ(c.training.learning_rate, 3e-3);
  EXPECT_EQ(c.evaluation.prompts, 100000);
  ASSERT_TRUE(c.data.is<data::Iid>());
  EXPECT_EQ(c.data.as<data::Iid>()->x_spectrum.kind, SpectrumSpec::Kind::Isotropic);
}

TEST(Config, NormalisedJsonReadsBackUnchanged) {
  const auto first = parse_config(R"({"seed": 4294967295, "d": 3, "n": 7,
      "data": {"noise_variance": 0.5, "x_spectrum": [1, 2, 3], "task_spectrum": "power_law"},
      "training": {"steps": 10, "lr_decay_at": 0.5}})");
  ASSERT_TRUE(first.ok()) << first.error();
  const std::string json = config_to_json(first.value());
  const auto second = parse_config(json);
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ(config_to_json(second.value()), json);
  EXPECT_EQ(second.value().seed, 4294967295u);
  EXPECT_EQ(second.value().n, std::vector<int>{7});
  EXPECT_EQ(second.value().data.as<data::Iid>()->x_spectrum.values, (std::vector<double>{1, 2, 3}));
}

TEST(Config, PowerLawSpectrumHasTraceD) {
  const SpectrumSpec spectrum{SpectrumSpec::Kind::PowerLaw, {}};
  const auto values = spectrum.eigenvalues(20);
  double trace = 0.0;
  for (double v : values) trace += v;
  EXPECT_NEAR(trace, 20.0, 1e-12);
  EXPECT_NEAR(values[0] / values[1], 2.0, 1e-12);
}

TEST(Config, LearningRateIsCutOnceAtTheDecayStep) {
  TrainingConfig training;  // 4000 steps, cut x0.1 at 75%
  EXPECT_DOUBLE_EQ(training.learning_rate_at(0), 3e-3);
  EXPECT_DOUBLE_EQ(training.learning_rate_at(2999), 3e-3);
  EXPECT_DOUBLE_EQ(training.learning_rate_at(3000), 3e-4);
}

TEST(ConfigErrors, NameTheFieldAndTheRange) {
  EXPECT_EQ(error_of(R"({"d": 0})"), "d must be an integer in [1, 64] (got 0)");
  EXPECT_EQ(error_of(R"({"d": 2.5})"), "d must be an integer in [1, 64] (got 2.5)");
  EXPECT_EQ(error_of(R"({"seed": -1})"), "seed must be an integer in [0, 4294967295] (got -1)");
  EXPECT_EQ(error_of(R"({"training": {"steps": "many"}})"),
            "training.steps must be an integer in [1, 1000000] (got \"many\")");
  EXPECT_EQ(error_of(R"({"training": {"learning_rate": 0}})"),
            "training.learning_rate must be a number in [1e-10, 1] (got 0)");
  EXPECT_EQ(error_of(R"({"training": {"adam_beta2": 1}})"),
            "training.adam_beta2 must be a number in [0, 0.99999994] (got 1): training computes in float, which has "
            "no value between 0.99999994 and 1");
  EXPECT_EQ(error_of(R"({"data": {"noise_variance": -0.1}})"),
            "data.noise_variance must be a number in [0, 100] (got -0.1)");
  EXPECT_EQ(error_of(R"({"evaluation": {"prompts": 0}})"),
            "evaluation.prompts must be an integer in [1, 10000000] (got 0)");
}

TEST(ConfigErrors, ContextLengths) {
  EXPECT_NE(error_of(R"({"n": [5, 5]})").find("n must be"), std::string::npos);
  EXPECT_NE(error_of(R"({"n": [10, 5]})").find("entry 2 is 5, not above 10"), std::string::npos);
  EXPECT_NE(error_of(R"({"n": []})").find("got 0 entries"), std::string::npos);
  EXPECT_NE(error_of(R"({"n": [1, 513]})").find("entry 2 is 513"), std::string::npos);
  EXPECT_NE(error_of(R"({"n": 0})").find("n must be an integer in [1, 512]"), std::string::npos);
}

TEST(ConfigErrors, Spectra) {
  EXPECT_NE(error_of(R"({"d": 2, "data": {"x_spectrum": [1, 2, 3]}})")
                .find("data.x_spectrum must be \"isotropic\", \"power_law\" or a list of d = 2 numbers"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"d": 2, "data": {"task_spectrum": [1, -2]}})").find("entry 2 is -2"), std::string::npos);
  EXPECT_NE(error_of(R"({"data": {"task_spectrum": "flat"}})").find("data.task_spectrum"), std::string::npos);
}

TEST(ConfigErrors, StructureAndKinds) {
  EXPECT_NE(error_of("[1, 2]").find("must be a JSON object"), std::string::npos);
  EXPECT_NE(error_of("{\"d\": ").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("").find("not valid JSON"), std::string::npos);
  EXPECT_EQ(error_of(R"({"version": 2})"), "version must be 1 (got 2)");
  EXPECT_EQ(error_of(R"({"training": 5})"), "training must be an object (got 5)");
  EXPECT_EQ(error_of(R"({"data": {"kind": "ar"}})"),
            "data.kind must be \"iid\" or \"rag\" or \"alignment\" or \"drift\" or \"label_flip\" (got \"ar\")");
  EXPECT_EQ(error_of(R"({"model": {"kind": "mamba"}})"), "model.kind must be \"attention\" or \"h3\" (got \"mamba\")");
  EXPECT_NE(error_of(R"({"trainig": {}})").find("unknown field trainig"), std::string::npos);
  EXPECT_NE(error_of(R"({"training": {"step": 5}})").find("unknown field training.step (allowed here:"),
            std::string::npos);
}

TEST(ConfigErrors, FieldsThatDoNotApplyToTheKind) {
  EXPECT_EQ(error_of(R"({"data": {"kind": "rag", "task_spectrum": "power_law"}})"),
            "data.task_spectrum applies only to data.kind \"iid\" and \"label_flip\"");
  EXPECT_EQ(error_of(R"({"data": {"gamma": 0.5}})"), "data.gamma applies only to data.kind \"drift\"");
  EXPECT_EQ(error_of(R"({"data": {"kind": "drift", "alpha": 0.5}})"),
            "data.alpha applies only to data.kind \"rag\" and \"alignment\"");
  EXPECT_EQ(error_of(R"({"data": {"kind": "alignment", "form": "general"}})"),
            "data.form applies only to data.kind \"rag\"");
  EXPECT_EQ(error_of(R"({"data": {"kind": "rag", "form": "general", "a": 1}})"),
            "data.a and data.b are required with data.form \"general\"");
  EXPECT_EQ(error_of(R"({"model": {"kind": "h3", "rank": 3}})"), "model.rank applies only to model.kind \"attention\"");
  EXPECT_EQ(error_of(R"({"model": {"filter": "ssm"}})"), "model.filter applies only to model.kind \"h3\"");
  EXPECT_EQ(error_of(R"({"model": {"kind": "h3", "ssm_states": 2}})"),
            "model.ssm_states applies only with model.filter \"ssm\"");
}

TEST(ConfigErrors, RangesOfTheNewDataAndModelFields) {
  EXPECT_EQ(error_of(R"({"data": {"kind": "rag", "alpha": 1.5}})"), "data.alpha must be a number in [0, 1] (got 1.5)");
  EXPECT_EQ(error_of(R"({"data": {"kind": "drift", "gamma": 1}})"),
            "data.gamma must be a number in [0, 0.99999994] (got 1): training computes in float, which has no value "
            "between 0.99999994 and 1");
  EXPECT_EQ(error_of(R"({"data": {"kind": "alignment", "query": "up"}})"),
            "data.query must be \"isotropic\" or \"aligned\" (got \"up\")");
  EXPECT_EQ(error_of(R"({"d": 4, "model": {"rank": 6}})"), "model.rank must be an integer in [1, 5] (got 6)");
  EXPECT_EQ(error_of(R"({"model": {"kind": "h3", "filter": "ssm", "ssm_states": 0}})"),
            "model.ssm_states must be an integer in [1, 16] (got 0)");
  EXPECT_EQ(error_of(R"({"d": 4, "model": {"lora": {"rank": 0}}})"),
            "model.lora.rank must be an integer in [1, 5] (got 0)");
  EXPECT_EQ(error_of(R"({"d": 4, "model": {"rank": 2, "lora": {"rank": 1}}})"),
            "model.lora needs a full-rank model (model.rank = d + 1 = 5)");
}

TEST(ConfigErrors, CombinationsWithoutATheoryCurve) {
  EXPECT_EQ(error_of(R"({"data": {"kind": "rag"}, "model": {"rank": 2}})"),
            "model.rank below d + 1 needs data.kind \"iid\" (low-rank theory is for IID data)");
  EXPECT_EQ(error_of(R"({"data": {"kind": "drift"}, "model": {"lora": {}}})"),
            "model.lora needs data.kind \"iid\" (LoRA adapts between task covariances)");
}

TEST(ConfigErrors, TheOnlineObjectiveNeedsItsTheory) {
  EXPECT_EQ(error_of(R"({"objective": "every"})"), "objective must be \"query\" or \"all_positions\" (got \"every\")");
  EXPECT_EQ(error_of(R"({"objective": "all_positions", "data": {"kind": "drift"}})"),
            "objective \"all_positions\" needs data.kind \"iid\"");
  EXPECT_EQ(error_of(R"({"objective": "all_positions", "data": {"task_spectrum": "power_law"}})"),
            "objective \"all_positions\" needs data.kind \"iid\" with isotropic spectra");
  EXPECT_EQ(error_of(R"({"d": 4, "objective": "all_positions", "model": {"rank": 2}})"),
            "objective \"all_positions\" needs full-rank attention without LoRA");
  EXPECT_EQ(error_of(R"({"objective": "all_positions", "model": {"kind": "h3", "filter": "ssm"}})"),
            "objective \"all_positions\" needs model.filter \"free\"");
  EXPECT_TRUE(parse_config(R"({"objective": "all_positions", "model": {"kind": "h3"}})").ok());
}

TEST(Config, DataAndModelKindsRoundTrip) {
  for (const char* json : {
           R"({"data": {"kind": "rag", "alpha": 0.3, "noise_variance": 0.5}})",
           R"({"data": {"kind": "rag", "form": "unnormalized", "alpha": 0.3}})",
           R"({"data": {"kind": "rag", "form": "general", "a": 1, "b": 0.5}})",
           R"({"data": {"kind": "alignment", "alpha": 0.3, "query": "aligned"}})",
           R"({"data": {"kind": "drift", "gamma": 0.8}, "model": {"kind": "h3", "filter": "ssm", "ssm_states": 2}})",
           R"({"d": 6, "model": {"rank": 2}})",
           R"({"d": 6, "model": {"lora": {"rank": 2, "adapt": "key_query", "pretrain_task_spectrum": "power_law"}}})",
           R"({"objective": "all_positions", "model": {"kind": "h3"}})",
       }) {
    const auto first = parse_config(json);
    ASSERT_TRUE(first.ok()) << json << ": " << first.error();
    const std::string normalised = config_to_json(first.value());
    const auto second = parse_config(normalised);
    ASSERT_TRUE(second.ok()) << normalised << ": " << second.error();
    EXPECT_EQ(config_to_json(second.value()), normalised);
  }
}

TEST(Config, LabelFlipSectionReadsBackAndIsChecked) {
  const auto config =
      parse_config(R"({"d": 2, "data": {"kind": "label_flip", "flip_probability": 0.3, "task_spectrum": [1, 2]}})");
  ASSERT_TRUE(config.ok()) << config.error();
  const data::LabelFlip* section = config.value().data.as<data::LabelFlip>();
  ASSERT_NE(section, nullptr);
  EXPECT_DOUBLE_EQ(section->flip_probability, 0.3);
  EXPECT_EQ(section->task_spectrum.values, (std::vector<double>{1, 2}));
  EXPECT_STREQ(config.value().data.kind_name(), "label_flip");
  const std::string json = config_to_json(config.value());
  EXPECT_EQ(config_to_json(parse_config(json).value()), json);
  EXPECT_EQ(error_of(R"({"data": {"kind": "label_flip", "flip_probability": 1.5}})"),
            "data.flip_probability must be a number in [0, 1] (got 1.5)");
  EXPECT_EQ(error_of(R"({"data": {"flip_probability": 0.1}})"),
            "data.flip_probability applies only to data.kind \"label_flip\"");
  EXPECT_EQ(error_of(R"({"data": {"kind": "drift", "x_spectrum": "power_law"}})"),
            "data.x_spectrum applies only to data.kind \"iid\" and \"label_flip\"");
  EXPECT_EQ(error_of(R"({"data": {"kind": "label_flip"}, "model": {"rank": 2}})"),
            "model.rank below d + 1 needs data.kind \"iid\" (low-rank theory is for IID data)");
}

TEST(Config, ContextScalesOfEachForm) {
  data::Rag rag;
  rag.alpha = 0.6;
  EXPECT_DOUBLE_EQ(rag.scale_a(), 0.6);
  EXPECT_DOUBLE_EQ(rag.scale_b(), 0.8);
  rag.form = data::Rag::Form::Unnormalized;
  EXPECT_DOUBLE_EQ(rag.scale_b(), 1.0);
  rag.form = data::Rag::Form::General;
  rag.a = 1.0;
  rag.b = 0.25;
  EXPECT_DOUBLE_EQ(rag.scale_a(), 1.0);
  EXPECT_DOUBLE_EQ(rag.scale_b(), 0.25);
  data::Alignment alignment;
  alignment.alpha = 0.6;
  EXPECT_DOUBLE_EQ(alignment.scale_a(), 0.6);
  EXPECT_DOUBLE_EQ(alignment.scale_b(), 0.8);
}

TEST(Config, NormalisedDefaultsStayValidWhenDChanges) {
  const std::string normalised = config_to_json(parse_config("{}").value());
  EXPECT_EQ(normalised.find("\"rank\""), std::string::npos);
  auto json = nlohmann::json::parse(normalised);
  json["d"] = 3;
  EXPECT_TRUE(parse_config(json.dump()).ok());
}

TEST(Config, LowRankAttentionDefaultsToTheSymmetricInitialisation) {
  const auto init_of = [](const char* json) { return parse_config(json).value().model.as<arch::Attention>()->init; };
  EXPECT_EQ(init_of(R"({"d": 6, "model": {"rank": 2}})"), InitKind::Symmetric);
  EXPECT_EQ(init_of(R"({"d": 6, "model": {"rank": 7}})"), InitKind::Gaussian);
  EXPECT_EQ(init_of(R"({"d": 6, "model": {"rank": 2, "init": "gaussian"}})"), InitKind::Gaussian);
  EXPECT_EQ(parse_config(R"({"d": 6})").value().attention_rank(), 7);
  EXPECT_EQ(parse_config(R"({"d": 6, "model": {"kind": "h3"}})").value().attention_rank(), 7);
}

// The two lists of the architecture registry (ModelSection and architectures()) in the same order: each
// architecture's section is the alternative at its row, and its name reads back to it.
TEST(Config, EveryArchitectureOwnsTheSectionAtItsRow) {
  ASSERT_EQ(architectures().size(), std::variant_size_v<ModelSection>);
  for (std::size_t i = 0; i < architectures().size(); ++i) {
    const Architecture& architecture = *architectures()[i];
    EXPECT_EQ(architecture.section().index(), i) << architecture.name();
    const auto config = parse_config(std::string(R"({"model": {"kind": ")") + architecture.name() + "\"}}");
    ASSERT_TRUE(config.ok()) << config.error();
    EXPECT_EQ(config.value().model.section.index(), i);
    EXPECT_STREQ(config.value().model.kind_name(), architecture.name());
    EXPECT_EQ(&architecture_for(config.value().model), &architecture);
  }
  const auto h3 = parse_config(R"({"model": {"kind": "h3", "filter": "ssm", "ssm_states": 3}})");
  ASSERT_TRUE(h3.ok()) << h3.error();
  ASSERT_NE(h3.value().model.as<arch::H3>(), nullptr);
  EXPECT_EQ(h3.value().model.as<arch::H3>()->ssm_states, 3);
  EXPECT_EQ(architecture_for(h3.value().model).pretrain_steps(h3.value()), 0);
  const auto lora = parse_config(R"({"model": {"lora": {"pretrain_steps": 30}}})");
  ASSERT_TRUE(lora.ok()) << lora.error();
  EXPECT_EQ(architecture_for(lora.value().model).pretrain_steps(lora.value()), 30);
}

// What the bindings need of every message: valid UTF-8 on one line, short, and serialisable by nlohmann's
// strict dump() (which throws on invalid UTF-8: that throw used to cross into JavaScript as a number).
void expect_safe_message(const std::string& message, const std::string& input) {
  EXPECT_FALSE(message.empty()) << input;
  EXPECT_TRUE(is_valid_utf8(message)) << message;
  EXPECT_LE(message.size(), 1000u) << input;
  for (char c : message) EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7F) << message;
  EXPECT_NO_THROW((void)nlohmann::json({{"error", message}}).dump()) << message;
}

std::string failure_of(const std::string& text) {
  std::string error;
  EXPECT_NO_THROW({
    const auto result = parse_config(text);
    EXPECT_FALSE(result.ok()) << text;
    if (!result.ok()) error = result.error();
  });
  return error;
}

TEST(ConfigText, InvalidUtf8AtEveryPositionIsRefusedWithAValidMessage) {
  const std::string valid =
      R"({"d": 3, "n": [2, 5], "data": {"kind": "drift", "gamma": 0.5}, "model": {"kind": "h3"}})";
  ASSERT_TRUE(parse_config(valid).ok());
  // A stray continuation byte, a truncated lead byte, bytes never valid, a surrogate, overlong forms,
  // a code point above U+10FFFF.
  const std::string invalid[] = {"\x80",         "\xC3",     "\xFF",         "\xFE",
                                 "\xED\xA0\x80", "\xC0\xAF", "\xE0\x80\xAF", "\xF4\x90\x80\x80"};
  int cases = 0;
  for (std::size_t position = 0; position <= valid.size(); ++position) {
    for (const std::string& bytes : invalid) {
      const std::string text = valid.substr(0, position) + bytes + valid.substr(position);
      expect_safe_message(failure_of(text), text);
      ++cases;
    }
  }
  EXPECT_EQ(cases, 8 * static_cast<int>(valid.size() + 1));
  EXPECT_TRUE(parse_config(valid).ok());  // nothing was left behind
}

TEST(ConfigText, QuotedValuesAreCutOnACharacterBoundary) {
  // '"x' and 17 two-byte characters fill 36 bytes: the old cut at 37 bytes split the 18th in half.
  std::string kind = "\"x";
  for (int i = 0; i < 30; ++i) kind += "\xC3\xA9";  // é
  kind += "\"";
  const std::string message = failure_of(R"({"data": {"kind": )" + kind + "}}");
  expect_safe_message(message, kind);
  EXPECT_NE(message.find("data.kind must be"), std::string::npos);
  std::string seventeen;
  for (int i = 0; i < 17; ++i) seventeen += "\xC3\xA9";
  EXPECT_NE(message.find("(got \"x" + seventeen + "...)"), std::string::npos) << message;
}

TEST(ConfigText, BinaryGarbageIsRefusedWithAValidMessage) {
  std::mt19937 random(12);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string text(1 + random() % 64, '\0');
    for (char& c : text) c = static_cast<char>(random());
    if (trial % 2 == 1) text = "{\"d\": " + text;  // garbage after a good start
    expect_safe_message(failure_of(text), text);
  }
}

TEST(ConfigText, ControlCharactersInKeysAndValuesAreEscaped) {
  const std::string message = failure_of("{\"a\\nb\\u0001\": 1}");
  EXPECT_EQ(message.rfind("unknown field a\\x0Ab\\x01 (allowed here:", 0), 0u) << message;
}

TEST(ConfigText, SizeIsLimitedBeforeParsing) {
  std::string padded = "{}";
  padded.resize(kMaxConfigBytes, ' ');
  EXPECT_TRUE(parse_config(padded).ok());
  padded += ' ';
  EXPECT_EQ(failure_of(padded), "the config is 1048577 bytes long, above the limit of 1048576 bytes (1 MiB)");
}

TEST(ConfigText, DeepNestingIsRefusedNotRecursedInto) {
  const int depth = 100000;
  const std::string arrays = std::string(depth, '[') + std::string(depth, ']');
  EXPECT_EQ(failure_of(arrays),
            "the config is nested more than 64 levels deep (at "
            "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]["
            "0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0])");
  std::string objects;
  for (int i = 0; i < depth; ++i) objects += "{\"a\":";
  objects += "1" + std::string(depth, '}');
  EXPECT_EQ(failure_of(objects).rfind("the config is nested more than 64 levels deep (at a.a.a.", 0), 0u);
  // 64 levels parse (and are then refused as an unknown field); 65 do not.
  const auto nested = [](int levels) {
    return "{\"x\": " + std::string(levels - 1, '[') + std::string(levels - 1, ']') + "}";
  };
  EXPECT_EQ(failure_of(nested(64)).rfind("unknown field x", 0), 0u);
  EXPECT_EQ(failure_of(nested(65)).rfind("the config is nested more than 64 levels deep (at x[0]", 0), 0u);
}

TEST(ConfigText, DuplicateKeysAreRefusedWithTheField) {
  EXPECT_EQ(failure_of(R"({"d": 500, "d": 5})"), "d is given twice (each field may appear once)");
  EXPECT_EQ(failure_of(R"({"data": {"kind": "iid", "noise_variance": 1, "kind": "rag"}})"),
            "data.kind is given twice (each field may appear once)");
  EXPECT_TRUE(parse_config(R"({"data": {"kind": "iid"}, "model": {"kind": "h3"}})").ok());  // same key, other objects
}

TEST(ConfigText, TrailingBytesAreRefused) {
  EXPECT_EQ(failure_of(std::string("{\"d\": 5}\0", 9)),
            "the config is not valid JSON: it holds a NUL byte (byte 9 of 9)");
  EXPECT_EQ(failure_of(std::string("{\"d\": \0 5}", 10)),
            "the config is not valid JSON: it holds a NUL byte (byte 7 of 10)");
  EXPECT_NE(failure_of(R"({"d": 5} x)").find("not valid JSON at line 1, column 10"), std::string::npos);
  EXPECT_NE(failure_of(R"({"d": 5}{})").find("expected end of input"), std::string::npos);
  EXPECT_TRUE(parse_config("  {\"d\": 5}\n\t ").ok());  // whitespace is not trailing bytes
}

TEST(ConfigText, ParseErrorsSpeakPlainWords) {
  const std::string message = failure_of(R"({"d": })");
  EXPECT_EQ(message.rfind("the config is not valid JSON at line 1, column 7: syntax error", 0), 0u) << message;
  EXPECT_EQ(message.find("[json.exception"), std::string::npos);
  EXPECT_EQ(failure_of(u8"{\"d\": \u00e9}").rfind("the config is not valid JSON at line 1, column 7:", 0), 0u);
}

TEST(ConfigText, NumbersOutOfTheRangeOfADoubleNameTheField) {
  EXPECT_EQ(failure_of(R"({"d": 1e400})"),
            "d is 1e400, a number out of the range of a double (whose largest magnitude is about 1.8e308)");
  EXPECT_EQ(failure_of(R"({"n": [5, -1e999]})").rfind("n[1] is -1e999, a number out of the range", 0), 0u);
  EXPECT_EQ(failure_of(R"({"data": {"task_spectrum": [1, 2e308]}})").rfind("data.task_spectrum[1] is 2e308,", 0), 0u);
  EXPECT_EQ(failure_of("1e400").rfind("the config is 1e400,", 0), 0u);
  const std::string long_number = "{\"d\": 1" + std::string(400, '0') + "}";
  const std::string message = failure_of(long_number);
  EXPECT_EQ(message.rfind("d is 1000", 0), 0u);
  EXPECT_LT(message.size(), 200u);  // the number is quoted, cut
}

TEST(ConfigText, NumbersTooSmallForFloatTrainingAreRefused) {
  EXPECT_EQ(failure_of(R"({"data": {"kind": "drift", "gamma": 5e-324}, "model": {"kind": "h3"}})"),
            "data.gamma is 5e-324, too small: a nonzero number must be at least 1e-30 in magnitude (training runs in "
            "float, where smaller ones underflow); write 0 for zero");
  EXPECT_EQ(failure_of(R"({"d": 2, "data": {"x_spectrum": [1, 5e-324]}})")
                .rfind("data.x_spectrum[1] is 5e-324, too small", 0),
            0u);
  EXPECT_EQ(failure_of(R"({"data": {"noise_variance": 1e-400}})").rfind("data.noise_variance is 1e-400, too small", 0),
            0u);
  EXPECT_EQ(failure_of(R"({"training": {"learning_rate": -2.5e-31}})")
                .rfind("training.learning_rate is -2.5e-31, too small", 0),
            0u);
  EXPECT_TRUE(parse_config(R"({"data": {"kind": "drift", "gamma": 0}})").ok());
  EXPECT_TRUE(parse_config(R"({"data": {"kind": "drift", "gamma": 0e-500, "noise_variance": -0.0}})").ok());
  EXPECT_TRUE(parse_config(R"({"data": {"kind": "drift", "gamma": 1e-30}})").ok());
}

TEST(ConfigRanges, FitFloatTraining) {
  // Betas and gamma: below 1 in float.
  EXPECT_EQ(error_of(R"({"training": {"adam_beta2": 0.99999999}})"),
            "training.adam_beta2 must be a number in [0, 0.99999994] (got 0.99999999): training computes in float, "
            "which has no value between 0.99999994 and 1");
  EXPECT_NE(error_of(R"({"training": {"adam_beta1": 0.99999997}})")
                .find("training.adam_beta1 must be a number in [0, 0.99999994]"),
            std::string::npos);
  const auto betas = parse_config(R"({"training": {"adam_beta1": 0.99999994, "adam_beta2": 0.99999994}})");
  ASSERT_TRUE(betas.ok()) << betas.error();
  EXPECT_LT(static_cast<float>(betas.value().training.adam_beta2), 1.0f);
  EXPECT_NE(error_of(R"({"data": {"kind": "drift", "gamma": 0.99999999}})")
                .find("data.gamma must be a number in [0, 0.99999994]"),
            std::string::npos);
  // Values that are 0 in float, or whose products under- or overflow in float training.
  EXPECT_EQ(error_of(R"({"training": {"learning_rate": 1e-20}})"),
            "training.learning_rate must be a number in [1e-10, 1] (got 1e-20)");
  EXPECT_EQ(error_of(R"({"training": {"lr_decay_factor": 1e-11}})"),
            "training.lr_decay_factor must be a number in [1e-10, 1] (got 1e-11)");
  EXPECT_EQ(error_of(R"({"training": {"adam_epsilon": 1e-13}})"),
            "training.adam_epsilon must be a number in [1e-12, 1] (got 1e-13)");
  EXPECT_EQ(error_of(R"({"model": {"init_std": 1e-7}})"), "model.init_std must be a number in [1e-6, 1] (got 1e-07)");
  EXPECT_EQ(error_of(R"({"model": {"init_std": 10}})"), "model.init_std must be a number in [1e-6, 1] (got 10)");
  EXPECT_EQ(error_of(R"({"d": 2, "data": {"task_spectrum": [1, 1e5]}})"),
            "data.task_spectrum must be \"isotropic\", \"power_law\" or a list of d = 2 numbers in [1e-6, 10000] "
            "(entry 2 is 100000.0)");
  EXPECT_NE(error_of(R"({"d": 2, "data": {"x_spectrum": [1e-7, 1]}})").find("(entry 1 is 1e-07)"), std::string::npos);
  EXPECT_TRUE(parse_config(R"({"d": 2, "data": {"x_spectrum": [1e-6, 1e4], "task_spectrum": [1e4, 1e-6]},
                               "model": {"init_std": 1}, "training": {"learning_rate": 1e-10, "lr_decay_factor": 1e-10,
                               "adam_epsilon": 1e-12}})")
                  .ok());
}

}  // namespace
}  // namespace icl
