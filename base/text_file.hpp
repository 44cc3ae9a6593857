#pragma once

#include <filesystem>
#include <string>

namespace ikelab::harness {

// Whole file as text; empty if it does not exist.
std::string read_text_file(const std::filesystem::path& path);
// Creates parent directories; throws std::runtime_error naming the file on failure.
void write_text_file(const std::filesystem::path& path, const std::string& text);
// The last `lines` lines of a text.
std::string last_lines(const std::string& text, int lines);

}  // namespace ikelab::harness
