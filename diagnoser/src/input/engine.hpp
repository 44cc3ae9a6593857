#pragma once
// Reading one input (file or stdin) into attempts: format detection on a
// sample, newest-first copies put back in order, then streaming scan.

#include "diagnoser/src/tracking/attempt.hpp"
#include "diagnoser/src/catalogue/catalogue.hpp"
#include "diagnoser/src/input/source.hpp"

#include <filesystem>
#include <vector>

namespace ikelab::diag {

struct SampleFacts {
  Format format = Format::unknown;
  Dialect dialect = Dialect::unknown;
  bool newest_first = false;
  bool join_wrapped = false;
  size_t wrap_width = 0;  // 95th percentile of the sample's line lengths: where a paste was wrapped
  ScanNotes notes;        // filled once the whole input is scanned
  bool pasted = false;    // paste damage seen and undone (paste_repair.hpp)
  std::shared_ptr<const LineMap> lines;  // a rotation set: joined line -> part and line
};

// Block size for reading newest-first files backwards (default 4 MiB); tests
// use tiny blocks so that lines cross block boundaries. 0 restores the default.
void set_backward_block_bytes(size_t bytes);
// Block size for reading oldest-first input forwards (default 4 MiB; the
// scanner gets one block per call); tests use tiny blocks so that lines and
// wrapped messages cross block boundaries. 0 restores the default.
void set_forward_block_bytes(size_t bytes);

// Looks at the first lines of an input.
SampleFacts inspect_sample(std::string_view sample);

struct ScannedLog {
  std::string name;
  SampleFacts facts;
  std::vector<Attempt> attempts;
};

// `sink` gets every attempt as it settles (in order); returns the facts.
// `on_facts` (optional) gets the facts before the first attempt reaches `sink`.
SampleFacts scan_input(const Catalogue& catalogue, const LogInput& input,
                       const std::function<void(Attempt&&)>& sink,
                       const std::function<void(const SampleFacts&)>& on_facts = {},
                       const LiveSettings* live = nullptr);
// Pairs the attempts of two peers' logs and merges each pair's diagnoses;
// `pairing` says what matched and, where nothing did, why.
std::vector<Diagnosis> pair_and_merge(const Catalogue& catalogue, const ScannedLog& first, const ScannedLog& second,
                                      double max_skew_seconds, Pairing& pairing);
SampleFacts scan_text(const Catalogue& catalogue, std::string_view text, const std::function<void(Attempt&&)>& sink);


Diagnosis diagnose_attempt(const Catalogue& catalogue, const Attempt& attempt, const std::string& name,
                           const SampleFacts& facts);

}  // namespace ikelab::diag
