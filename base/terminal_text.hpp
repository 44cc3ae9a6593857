#pragma once

// Text from outside (a connection name or a line of a log, a daemon's output,
// a file name) on its way to a terminal: every byte that a terminal could
// take as a control (C0 controls but tab, DEL, the C1 controls U+0080..U+009F
// in UTF-8, and bytes that are no valid UTF-8, e.g. a raw 0x9b CSI) is shown
// as a visible escape "\x1b", so no escape sequence from a log or a scenario
// reaches the terminal raw. Printable text, tabs and valid UTF-8 stay as they are.
// JSON output needs none of this: its writer escapes controls itself.

#include <string>
#include <string_view>

namespace ikelab::base {

// `text` with controls shown as \xNN; newlines too unless keep_newlines.
std::string visible_text(std::string_view text, bool keep_newlines = false);

}  // namespace ikelab::base
