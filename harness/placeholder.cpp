// Replaced as soon as the folder has real sources.
namespace ikelab { [[maybe_unused]] static int harness_placeholder; }
