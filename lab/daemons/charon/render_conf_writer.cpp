#include "lab/daemons/charon/render_conf_writer.hpp"

#include <stdexcept>

#include "lab/scenario/scenario_values.hpp"

namespace ikelab::harness {
namespace {

void require_key(std::string_view key) {
  if (!values::check_section_name(key).empty()) {
    throw std::logic_error("settings key '" + std::string(key) + "' is not a plain word");
  }
}

}  // namespace

std::string quote_setting(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  out += '"';
  return out;
}

void ConfWriter::comment(std::string_view text) {
  if (text.find_first_of("\r\n") != std::string_view::npos) return;
  line("# " + std::string(text));
}

void ConfWriter::open(std::string_view name) {
  require_key(name);
  line(std::string(name) + " {");
  ++depth_;
}

void ConfWriter::close() {
  if (depth_ == 0) throw std::logic_error("ConfWriter: close() without open()");
  --depth_;
  line("}");
}

void ConfWriter::plain(std::string_view key, std::string_view value) {
  require_key(key);
  for (char c : value) {
    // A plain value is a token list: only characters with no meaning to the lexer.
    if (c == '#' || c == '{' || c == '}' || c == '"' || c == '=' || c == '\\' ||
        static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      throw std::logic_error("ConfWriter: plain value for '" + std::string(key) + "' needs quoting");
    }
  }
  line(std::string(key) + " = " + std::string(value));
}

void ConfWriter::quoted(std::string_view key, std::string_view value) {
  require_key(key);
  line(std::string(key) + " = " + quote_setting(value));
}

std::string ConfWriter::str() const {
  if (depth_ != 0) throw std::logic_error("ConfWriter: a section is still open");
  return text_;
}

void ConfWriter::line(std::string_view text) {
  text_.append(static_cast<std::size_t>(depth_) * 2, ' ');
  text_ += text;
  text_ += '\n';
}

}  // namespace ikelab::harness
