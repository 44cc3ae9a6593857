#pragma once

// Where ikelab's data is, decided at run time, one rule for every kind:
//   1. the command-line flag (--rules, --scenarios, --expected, --variants-file);
//   2. $IKELAB_DATA_DIR, a folder laid out like the installed share folder
//      (rules/, scenarios/, expected/, corpus/variants.yaml, replay/fixes.yaml);
//   3. the share folder of the prefix the running program is installed in
//      (<prefix>/bin/ikelab -> <prefix>/share/ikelab/...);
//   4. in a developer build (the program inside this build tree) the source
//      tree (diagnoser/rules, scenarios, expected, corpus/variants.yaml,
//      lab/replay/fixes.yaml).
// So an installed, packaged or moved program never reads the source tree,
// and a build-tree program needs no flags.

#include <filesystem>
#include <stdexcept>
#include <string>

namespace ikelab::base {

enum class DataKind { rules, scenarios, expected, variants, replay_fixes };

// None of the places holds the data; the message says what and where it looked.
class DataDirError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DataLocation {
  std::filesystem::path path;
  std::string origin;  // "--rules", "IKELAB_DATA_DIR", "installed", "source tree"
};

// `flag`: what the user gave on the command line (empty: not given). A flag
// is taken as given (its reader reports a missing file); the other places
// must hold the folder (the file, for variants) or the next one is tried.
// Throws DataDirError when none does, or when IKELAB_DATA_DIR lacks it.
DataLocation locate_data(DataKind kind, const std::string& flag = {});
inline std::filesystem::path data_path(DataKind kind, const std::string& flag = {}) {
  return locate_data(kind, flag).path;
}

// A helper file the program loads (the pluto XFRM stand-in): in the
// installed <prefix>/libexec/ikelab/, else in a developer build the build
// tree's top folder. Throws DataDirError when neither has it.
std::filesystem::path helper_path(const std::string& name);

// "rules", "scenarios", "expected", "corpus/variants.yaml", "replay/fixes.yaml": the relative path
// under a share folder or IKELAB_DATA_DIR.
std::filesystem::path data_subpath(DataKind kind);
// The flag that overrides `kind` (for messages and --help); "" when none does.
const char* data_flag(DataKind kind);

}  // namespace ikelab::base
