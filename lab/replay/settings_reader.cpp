#include "lab/replay/settings_reader.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <glob.h>

#include "base/text_file.hpp"

namespace fs = std::filesystem;

namespace ikelab::replay {

const Setting* SettingsSection::setting(const std::string& key) const {
  for (const auto& [k, v] : settings)
    if (k == key) return &v;
  return nullptr;
}

const SettingsSection* SettingsSection::section(const std::string& wanted) const {
  for (const auto& s : sections)
    if (s->name == wanted) return s.get();
  return nullptr;
}

SettingsSection& SettingsSection::section_for_write(const std::string& wanted, const Origin& at) {
  for (auto& s : sections)
    if (s->name == wanted) return *s;
  auto fresh = std::make_unique<SettingsSection>();
  fresh->name = wanted;
  fresh->origin = at;
  sections.push_back(std::move(fresh));
  return *sections.back();
}

void SettingsSection::set(const std::string& key, Setting value) {
  for (auto& [k, v] : settings)
    if (k == key) {
      v = std::move(value);  // a later definition replaces an earlier one, as charon does
      return;
    }
  settings.emplace_back(key, std::move(value));
}

namespace {

constexpr int max_include_depth = 10;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool is_name_char(char c) {
  return !is_space(c) && c != '\n' && c != '#' && c != '{' && c != '}' && c != '=' && c != '"' && c != ':' && c != ',';
}

class Parser {
 public:
  Parser(std::string text, fs::path file, int depth) : text_(std::move(text)), file_(std::move(file)), depth_(depth) {}

  // Parses statements into `into` until EOF (top) or a '}' (nested).
  void parse(SettingsSection& into, bool nested) {
    for (;;) {
      skip_blank(true);
      if (at_end()) {
        if (nested) fail(fmt::format("section '{}' (opened at line {}) is not closed with '}}'", into.name, into.origin.line));
        return;
      }
      char c = peek();
      if (c == '}') {
        if (!nested) fail("'}' without an open section");
        ++pos_;
        return;
      }
      if (c == '{' || c == '=' || c == '"' || c == ':' || c == ',') fail(fmt::format("unexpected '{}' (expected a name)", c));
      Origin at{file_.string(), line_};
      std::string name = read_name();
      if (name == "include" && next_is_include_argument()) {
        include(into, read_include_pattern(), at);
        continue;
      }
      skip_blank(false);
      if (at_end()) fail(fmt::format("'{}' is followed by neither '=' nor '{{'", name));
      c = peek();
      if (c == '=') {
        ++pos_;
        into.set(name, Setting{read_value(), at});
      } else if (c == '{') {
        ++pos_;
        parse(into.section_for_write(name, at), true);
      } else if (c == ':') {
        fail(fmt::format("section '{}' refers to templates with ':' (not supported by ikelab replay)", name));
      } else if (c == '\n') {
        fail(fmt::format("'{}' is followed by neither '=' nor '{{' on its line", name));
      } else {
        fail(fmt::format("unexpected '{}' after '{}' (expected '=' or '{{')", c, name));
      }
    }
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  [[noreturn]] void fail(const std::string& what) const { throw ReplayError(fmt::format("{}:{}: {}", file_.string(), line_, what)); }

  // Spaces and comments; newlines too when `newlines`.
  void skip_blank(bool newlines) {
    while (!at_end()) {
      char c = peek();
      if (is_space(c)) {
        ++pos_;
      } else if (c == '#') {
        while (!at_end() && peek() != '\n') ++pos_;
      } else if (c == '\n' && newlines) {
        ++pos_;
        ++line_;
      } else {
        return;
      }
    }
  }

  std::string read_name() {
    size_t start = pos_;
    while (!at_end() && is_name_char(peek())) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  bool next_is_include_argument() const {
    size_t p = pos_;
    if (p >= text_.size() || !is_space(text_[p])) return false;
    while (p < text_.size() && is_space(text_[p])) ++p;
    return p < text_.size() && text_[p] != '=' && text_[p] != '{' && text_[p] != '\n';
  }

  // One "..." string with charon's escapes; pos_ is at the opening quote.
  std::string read_string() {
    const int opened = line_;
    ++pos_;
    std::string out;
    for (;;) {
      if (at_end()) throw ReplayError(fmt::format("{}:{}: string not terminated (missing '\"')", file_.string(), opened));
      char c = text_[pos_++];
      if (c == '"') return out;
      if (c == '\r') continue;
      if (c == '\n') ++line_;
      if (c == '\\' && !at_end()) {
        char e = text_[pos_++];
        out += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
        if (e == '\n') ++line_;
        continue;
      }
      out += c;
    }
  }

  // Everything after '=' up to the end of the line, a '#' or a '}': words
  // and strings joined by one space.
  std::string read_value() {
    std::string value;
    bool first = true;
    for (;;) {
      while (!at_end() && is_space(peek())) ++pos_;
      if (at_end()) return value;
      char c = peek();
      if (c == '\n' || c == '#' || c == '}') return value;
      std::string part;
      if (c == '"') {
        part = read_string();
      } else {
        size_t start = pos_;
        while (!at_end() && !is_space(peek()) && peek() != '\n' && peek() != '#' && peek() != '}' && peek() != '"') ++pos_;
        part = text_.substr(start, pos_ - start);
      }
      value += (first ? "" : " ") + part;
      first = false;
    }
  }

  std::string read_include_pattern() {
    while (!at_end() && is_space(peek())) ++pos_;
    if (!at_end() && peek() == '"') return read_string();
    size_t start = pos_;
    while (!at_end() && !is_space(peek()) && peek() != '\n' && peek() != '#' && peek() != '}') ++pos_;
    return text_.substr(start, pos_ - start);
  }

  void include(SettingsSection& into, const std::string& pattern, const Origin& at) {
    if (depth_ >= max_include_depth) fail(fmt::format("include '{}': more than {} levels of includes (a loop?)", pattern, max_include_depth));
    fs::path full = fs::path(pattern).is_absolute() ? fs::path(pattern) : file_.parent_path() / pattern;
    glob_t found{};
    int rc = ::glob(full.c_str(), 0, nullptr, &found);
    std::vector<std::string> files;
    if (rc == 0)
      for (size_t i = 0; i < found.gl_pathc; ++i) files.emplace_back(found.gl_pathv[i]);
    ::globfree(&found);
    // charon: an include pattern matching nothing is fine, a file it cannot read is an error.
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::string content;
      try {
        content = harness::read_text_file(f);
      } catch (const std::exception& e) {
        throw ReplayError(fmt::format("{}: include '{}': {}", at.where(), pattern, e.what()));
      }
      Parser nested(std::move(content), f, depth_ + 1);
      nested.parse(into, false);
    }
  }

  std::string text_;
  fs::path file_;
  int depth_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

SettingsSection read_settings_text(const std::string& text, const fs::path& name) {
  SettingsSection root;
  root.origin = {name.string(), 1};
  Parser parser(text, name, 0);
  parser.parse(root, false);
  return root;
}

SettingsSection read_settings_file(const fs::path& file) {
  std::string text;
  try {
    text = harness::read_text_file(file);
  } catch (const std::exception& e) {
    throw ReplayError(fmt::format("{}: {}", file.string(), e.what()));
  }
  return read_settings_text(text, file);
}

}  // namespace ikelab::replay
