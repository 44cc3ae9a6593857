#include "lab/run/diagnose_logs.hpp"

#include "ikelab/diagnoser.hpp"

namespace ikelab::harness {

DiagnoseLogs catalogue_diagnoser(KnownFaults& known) {
  std::shared_ptr<const diag::Catalogue> catalogue = diag::load_catalogue();
  known = diag::fault_ids(*catalogue);
  return [catalogue](const std::vector<std::filesystem::path>& logs) {
    std::vector<FoundDiagnosis> found;
    for (const auto& d : diag::diagnose_files(logs, *catalogue)) found.push_back({d.fault, d.candidates, d.summary});
    return found;
  };
}

}  // namespace ikelab::harness
