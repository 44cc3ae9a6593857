#pragma once
// Undoes what pasting a log into a forum, an issue, a mail or a chat does to
// it, before the rules see a line: markdown indentation and `> ` quotes, code
// fences, `**bold**`, HTML entities (&lt;conn|1&gt;), elision lines ([...],
// ..., -snip-), CRLF. One line in gives one line out (an elision or fence
// becomes an empty line), so evidence line numbers stay those of the paste.
// Lines wrapped by a forum or mail are joined later by the scanner (see
// Scanner::set_join_wrapped), which a pasted input turns on.

#include <string>
#include <string_view>

namespace ikelab::diag {

// Does the sample show paste damage worth repairing? (Lab and daemon logs do
// not: they take the unchanged fast path.)
bool looks_pasted(std::string_view sample);

// One line repaired (no newline in or out).
std::string repair_line(std::string_view line);

// Every line of `text` repaired; the result has as many lines as `text`.
std::string repair_paste(std::string_view text);

}  // namespace ikelab::diag
