// A stand-in for `ikelab run` in the lifecycle tests: runs PSK cases with the
// real runtime (run_cases, interrupt handling) until told to stop, so a test
// can kill it at any moment. Usage: lab_case_loop CASES JOBS
// Prints "case running" to stdout once the first daemons are up.

#include "tests/lab/psk_case.hpp"

#include "harness/lab_run.hpp"
#include "netns/interrupt.hpp"
#include "netns/lab_state.hpp"

#include <cstdio>
#include <cstdlib>

using namespace ikelab;

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  netns::install_interrupt_handler();
  int cases = std::atoi(argv[1]);
  harness::LabRunOptions options;
  options.jobs = std::atoi(argv[2]);
  std::vector<harness::CaseRequest> requests;
  for (int i = 0; i < cases; ++i) {
    labtest::PskCase c;
    c.version = 1 + i % 2;
    requests.push_back(labtest::psk_request(fmt::format("loop-{}", i), c));
  }
  bool announced = false;
  auto results = harness::run_cases(requests, options, [&](const harness::LabProgress& p) {
    if (!announced && !p.running.empty()) {
      std::printf("case running\n");
      std::fflush(stdout);
      announced = true;
    }
  });
  if (netns::interrupted()) {
    netns::remove_own_state_dir();
    netns::reraise_interrupt();
  }
  int failed = 0;
  for (const auto& r : results)
    if (r.outcome != harness::Outcome::established) {
      std::fprintf(stderr, "%s: %s\n%s\n", r.scenario.c_str(), std::string(to_string(r.outcome)).c_str(), r.detail.c_str());
      ++failed;
    }
  std::printf("%zu cases, %d failed\n", results.size(), failed);
  return failed == 0 && static_cast<int>(results.size()) == cases ? 0 : 1;
}
