// libFuzzer target: any bytes as a log, read whole (diagnose_text) and
// streamed in two pieces split at the first byte's value (StreamDiagnoser),
// then written as JSON. Must never crash, hang, or trip ASan/UBSan.
// Built with -DIKELAB_FUZZ=ON and clang; scripts/fuzz.sh runs it for a bounded time.

#include <ikelab/diagnoser.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

std::shared_ptr<const ikelab::diag::Catalogue> catalogue;

}  // namespace

// The catalogue (Hyperscan databases) is compiled once, before the first input:
// its time is not an input's.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  catalogue = ikelab::diag::load_catalogue();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto diagnoses = ikelab::diag::diagnose_text(text, "fuzz.log", *catalogue);
    (void)ikelab::diag::dump_json(ikelab::diag::to_json(diagnoses));
    size_t produced = 0;
    ikelab::diag::StreamDiagnoser stream(catalogue, "fuzz.log", [&](const ikelab::diag::Diagnosis& d) {
      (void)ikelab::diag::dump_json(ikelab::diag::to_json(d));
      ++produced;
    });
    const size_t cut = size == 0 ? 0 : data[0] % (size + 1);
    stream.feed(text.substr(0, cut));
    stream.feed(text.substr(cut));
    stream.finish();
  } catch (const ikelab::diag::InputError&) {
    // a clear refusal of bad input is a correct answer
  }
  return 0;
}
