#pragma once

// A reader of strongSwan's settings syntax for the tests, written from
// libstrongswan/settings/settings_lexer.l (5.9.x): '#' comments, NAME tokens
// of [^#{}="\r\n\t ]+, sections `name { ... }`, `key = value` where a value
// runs to the end of the line, '#' or '}', and "quoted strings" in which
// '\\' escapes the next byte (\n \r \t are control characters) and a raw CR
// is dropped. It lets the tests see a rendered file the way charon's parser
// splits it, so an escaped value that broke out would show as extra keys.

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace ikelab::testing {

struct SettingsTree {
  std::map<std::string, std::string> values;  // "a.b.key" -> value
  std::vector<std::string> sections;          // "a.b" in order of appearance
};

inline SettingsTree parse_settings(const std::string& text) {
  SettingsTree tree;
  std::vector<std::string> path;
  auto joined = [&](const std::string& last) {
    std::string p;
    for (const auto& part : path) p += part + ".";
    return p + last;
  };
  auto is_name_char = [](char c) {
    return c != '#' && c != '{' && c != '}' && c != '=' && c != '"' && c != '\r' && c != '\n' && c != '\t' && c != ' ';
  };
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto skip_comment = [&] { while (i < n && text[i] != '\n') ++i; };
  while (i < n) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') { ++i; continue; }
    if (c == '#') { skip_comment(); continue; }
    if (c == '}') {
      if (path.empty()) throw std::runtime_error("unbalanced }");
      path.pop_back();
      ++i;
      continue;
    }
    if (!is_name_char(c)) throw std::runtime_error(std::string("unexpected '") + c + "'");
    std::string name;
    while (i < n && is_name_char(text[i])) name += text[i++];
    while (i < n && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i < n && text[i] == '{') {
      path.push_back(name);
      tree.sections.push_back(joined("").substr(0, joined("").size() - 1));
      ++i;
      continue;
    }
    if (i >= n || text[i] != '=') throw std::runtime_error("expected = or { after " + name);
    ++i;
    // value state
    std::string value;
    bool first = true;
    while (i < n) {
      const char v = text[i];
      if (v == '\r' || v == ' ' || v == '\t') { ++i; continue; }
      if (v == '\n' || v == '#' || v == '}') break;
      std::string part;
      if (v == '"') {
        ++i;
        bool closed = false;
        while (i < n) {
          const char s = text[i];
          if (s == '"') { ++i; closed = true; break; }
          if (s == '\r') { ++i; continue; }
          if (s == '\\') {
            if (i + 1 >= n) throw std::runtime_error("unterminated string");
            const char e = text[i + 1];
            if (e == 'n') part += '\n';
            else if (e == 'r') part += '\r';
            else if (e == 't') part += '\t';
            else if (e == '\n') {}
            else part += e;
            i += 2;
            continue;
          }
          part += s;
          ++i;
        }
        if (!closed) throw std::runtime_error("unterminated string");
      } else {
        while (i < n && text[i] != '#' && text[i] != '}' && text[i] != '"' && text[i] != '\r' &&
               text[i] != '\n' && text[i] != '\t' && text[i] != ' ') {
          part += text[i++];
        }
      }
      value += (first ? "" : " ") + part;
      first = false;
    }
    tree.values[joined(name)] = value;
  }
  if (!path.empty()) throw std::runtime_error("unclosed section");
  return tree;
}

}  // namespace ikelab::testing
