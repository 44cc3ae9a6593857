#pragma once

// Writes strongSwan's settings syntax (swanctl.conf, strongswan.conf) so that
// no value can change the file's structure.
//
// The grammar (libstrongswan/settings/settings_lexer.l, 5.9.x): outside a
// quoted string, '#' starts a comment, '{' '}' '=' and newlines are
// structure. Inside "..." only two bytes are special: '"' ends the string
// and '\' escapes the next byte (\n, \r, \t are control characters, any other
// \X is X itself); a raw CR is dropped, a raw newline kept. quote() therefore
// escapes '\' and '"', and writes CR as \r (and newline and tab as \n, \t, so
// each value stays on one line): one quoted token whatever the input holds.
// tests/unit/lab/daemons/charon/render_swanctl_test.cpp and tests/lab/scenario_lab_test.cpp (real charon)
// fail if either escape is dropped.

#include <string>
#include <string_view>

namespace ikelab::harness {

std::string quote_setting(std::string_view value);

class ConfWriter {
 public:
  // A comment line (the text may not contain a newline; it is dropped if it does).
  void comment(std::string_view text);
  // `name {`; name must pass values::check_section_name (throws otherwise).
  void open(std::string_view name);
  void close();
  // `key = value` with a value the renderer itself composed from checked parts.
  void plain(std::string_view key, std::string_view value);
  // `key = "value"`, escaped with quote_setting().
  void quoted(std::string_view key, std::string_view value);

  // The text; throws std::logic_error if a section is still open.
  std::string str() const;

 private:
  void line(std::string_view text);
  std::string text_;
  int depth_ = 0;
};

}  // namespace ikelab::harness
