#pragma once

#include <filesystem>
#include <string>
#include <sys/types.h>

namespace ikelab::harness {

// Files that hold a secret (PSKs, EAP/XAuth passwords, private keys) are
// created with this mode, never widened later.
inline constexpr mode_t private_file_mode = 0600;
inline constexpr mode_t public_file_mode = 0644;

// Whole file as text; empty if it does not exist.
std::string read_text_file(const std::filesystem::path& path);
// Creates parent directories; throws std::runtime_error naming the file on
// failure. The file is opened without following a symlink and created with
// `mode`; an existing file gets `mode` before anything is written to it.
void write_text_file(const std::filesystem::path& path, const std::string& text, mode_t mode = public_file_mode);
// The last `lines` lines of a text.
std::string last_lines(const std::string& text, int lines);

}  // namespace ikelab::harness
