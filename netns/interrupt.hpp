#pragma once

// Ctrl-C / SIGTERM: the handler only sets a flag; every wait loop of the lab
// polls it, tears its case down, and the program re-raises the signal at the end.

namespace ikelab::netns {

void install_interrupt_handler();  // SIGINT, SIGTERM, SIGHUP
bool interrupted();
int interrupt_signal();  // 0 when none arrived
// Restores the default action and raises the signal that arrived (no-op if none).
void reraise_interrupt();

}  // namespace ikelab::netns
