#pragma once

// Ctrl-C / SIGTERM: the handler only sets a flag; every wait loop of the lab
// polls it, tears its case down, and the program re-raises the signal at the end.
// A reader that went away (`ikelab run | head`) is the same: SIGPIPE is
// ignored, and a write that fails with EPIPE calls output_lost(), which
// interrupts the run as a SIGPIPE would, after the teardown.

#include <cstdio>
#include <string_view>

namespace ikelab::netns {

void install_interrupt_handler();  // SIGINT, SIGTERM, SIGHUP; SIGPIPE ignored
bool interrupted();
int interrupt_signal();  // 0 when none arrived
// The console's reader is gone (a write failed with EPIPE): interrupt as SIGPIPE.
void output_lost();
// Writes `text` to a console stream and flushes it. False when it failed;
// a failure with EPIPE (the reader is gone) also calls output_lost().
bool write_console(std::FILE* stream, std::string_view text);
// Restores the default action and raises the signal that arrived (no-op if none).
void reraise_interrupt();

}  // namespace ikelab::netns
