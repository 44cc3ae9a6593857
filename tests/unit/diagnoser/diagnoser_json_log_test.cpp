// strongSwan 6's JSON file log (`json = yes`): the lab's charon 6.0.1 writes
// it beside its text log (tests/data/logs/strongswan-6.0.1/json/<scenario>/ike<N>/,
// both from the same run, see the README there). Read as charon-filelog-json,
// each view gives the same diagnoses, rules and evidence lines' messages as
// the same daemon's text log.
#include "test_support.hpp"

namespace ikelab::diag::test {
namespace {

const std::filesystem::path kJson = kData / "logs" / "strongswan-6.0.1" / "json";

std::vector<std::filesystem::path> json_cases() {
  std::vector<std::filesystem::path> out;
  if (!std::filesystem::is_directory(kJson)) return out;
  for (const auto& s : std::filesystem::directory_iterator(kJson))
    for (const auto& v : std::filesystem::directory_iterator(s.path()))
      if (std::filesystem::exists(v.path() / "initiator.json")) out.push_back(v.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(JsonLog, TheCapturesAreThere) { EXPECT_GE(json_cases().size(), 4u); }

TEST(JsonLog, SameDiagnosesAsTheTextLog) {
  for (const auto& dir : json_cases()) {
    const auto where = std::filesystem::relative(dir, kData).string();
    const std::vector<std::vector<std::string>> views = {{"initiator", "responder"}, {"initiator"}, {"responder"}};
    for (const auto& sides : views) {
      std::vector<std::filesystem::path> text, json;
      for (const auto& side : sides) {
        text.push_back(dir / (side + ".log"));
        json.push_back(dir / (side + ".json"));
      }
      const auto from_text = diagnose_files(text, catalogue());
      const auto from_json = diagnose_files(json, catalogue());
      ASSERT_EQ(from_json.size(), from_text.size()) << where << " " << sides.size() << " log(s): " << describe(from_json);
      for (size_t i = 0; i < from_text.size(); ++i) {
        EXPECT_EQ(from_json[i].format, "charon-filelog-json") << where;
        EXPECT_EQ(from_json[i].fault, from_text[i].fault) << where;
        EXPECT_EQ(from_json[i].rule, from_text[i].rule) << where;
        EXPECT_EQ(from_json[i].role, from_text[i].role) << where;
        EXPECT_EQ(from_json[i].connection, from_text[i].connection) << where;
        ASSERT_EQ(from_json[i].evidence.size(), from_text[i].evidence.size()) << where;
        for (size_t e = 0; e < from_text[i].evidence.size(); ++e) {
          // The text line carries the prefix; its message is the JSON line's msg.
          const auto& message = from_text[i].evidence[e].text;
          const auto& line = from_json[i].evidence[e].text;
          const size_t msg = line.find("\"msg\":\"");
          ASSERT_NE(msg, std::string::npos) << where << ": " << line;
          EXPECT_NE(message.find(line.substr(msg + 7, 20)), std::string::npos) << where << ": " << line;
        }
      }
    }
  }
}

}  // namespace
}  // namespace ikelab::diag::test
