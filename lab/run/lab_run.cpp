#include "lab/run/lab_run.hpp"

#include "netns/interrupt.hpp"
#include "netns/lab_state.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <numeric>
#include <sstream>
#include <unistd.h>
#include <mutex>
#include <thread>

namespace ikelab::harness {

std::vector<CaseResult> run_cases(const std::vector<CaseRequest>& cases, const LabRunOptions& options,
                                  const std::function<void(const LabProgress&)>& on_progress) {
  std::vector<std::optional<CaseResult>> results(cases.size());
  std::atomic<size_t> next{0};
  std::mutex mutex;
  LabProgress progress;
  progress.total = cases.size();

  std::vector<size_t> order(cases.size());
  std::iota(order.begin(), order.end(), 0);
  if (options.expected_seconds.size() == cases.size())
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return options.expected_seconds[a] > options.expected_seconds[b];
    });

  auto label = [](const CaseRequest& c) { return fmt::format("{} ike{}", c.scenario, c.ike_version); };
  auto worker = [&] {
    for (;;) {
      if (netns::interrupted()) return;
      size_t position = next.fetch_add(1);
      if (position >= cases.size()) return;
      size_t index = order[position];
      const CaseRequest& request = cases[index];
      {
        std::lock_guard lock(mutex);
        progress.running.push_back(label(request));
        progress.just_finished = nullptr;
        if (on_progress) on_progress(progress);
      }
      CaseOptions case_options;
      case_options.keep = options.keep;
      case_options.keep_secrets = options.keep_secrets;
      if (options.out_dir)
        case_options.artefacts_dir = *options.out_dir / (request.artefacts_subdir.empty()
                                                              ? std::filesystem::path(request.scenario) /
                                                                    fmt::format("ike{}", request.ike_version)
                                                              : request.artefacts_subdir);
      CaseResult result = run_case(request, case_options);
      std::lock_guard lock(mutex);
      results[index] = std::move(result);
      auto& running = progress.running;
      running.erase(std::find(running.begin(), running.end(), label(request)));
      ++progress.finished;
      progress.just_finished = &*results[index];
      if (on_progress) on_progress(progress);
    }
  };

  int jobs = std::clamp<int>(options.jobs, 1, static_cast<int>(std::max<size_t>(cases.size(), 1)));
  std::vector<std::thread> threads;
  for (int i = 0; i < jobs; ++i) threads.emplace_back(worker);
  for (auto& t : threads) t.join();

  std::vector<CaseResult> done;
  for (auto& r : results)
    if (r) done.push_back(std::move(*r));
  return done;
}

CaseDurations CaseDurations::load() {
  CaseDurations durations;
  std::optional<std::string> text;
  try {
    text = netns::state_root_dir().read_file("durations.txt");
  } catch (const base::PrivateDirError&) {
    return durations;  // only a scheduling hint; the run itself reports an unusable state root
  }
  std::istringstream in(text.value_or(""));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string scenario;
    int version = 0;
    double seconds = 0;
    if (fields >> scenario >> version >> seconds && seconds >= 0) durations.seconds_[{scenario, version}] = seconds;
  }
  return durations;
}

double CaseDurations::expected(const std::string& scenario, int ike_version, double unknown) const {
  auto it = seconds_.find({scenario, ike_version});
  return it == seconds_.end() ? unknown : it->second;
}

void CaseDurations::record(const std::vector<CaseResult>& results) {
  for (const auto& r : results) seconds_[{r.scenario, r.ike_version}] = r.seconds;
}

void CaseDurations::save() const {
  std::ostringstream out;
  for (const auto& [key, seconds] : seconds_) out << key.first << ' ' << key.second << ' ' << seconds << '\n';
  try {
    netns::state_root_dir().replace_file("durations.txt", out.str(), 0644);
  } catch (const base::PrivateDirError&) {
    // only a scheduling hint: never fail a run over it
  }
}

int default_lab_jobs(unsigned cores) {
  const int n = std::max(1, static_cast<int>(cores));
  return std::max(n, std::min(4 * n, 8));
}

namespace {

std::string paint(const std::string& text, const char* colour, bool on) {
  return on ? fmt::format("\x1b[{}m{}\x1b[0m", colour, text) : text;
}

std::string status_line(const LabProgress& progress) {
  std::string running;
  for (const auto& r : progress.running) running += (running.empty() ? "" : ", ") + r;
  std::string line = fmt::format("[{}/{}] running: {}", progress.finished, progress.total, running);
  if (line.size() > 100) line = line.substr(0, 97) + "...";
  return line;
}

}  // namespace

std::string ProgressPrinter::case_line(const CaseResult& r, size_t position, size_t total, bool pass,
                                       const std::string& reason, const ProgressStyle& style) {
  std::string line = fmt::format("{} {} IKEv{} ({} of {})", paint(pass ? "PASS:" : "FAIL:", pass ? "32" : "31", style.color),
                                 r.scenario, r.ike_version, position, total);
  if (style.verbosity == Verbosity::verbose) {
    line += fmt::format(" {} {:.2f} s", to_string(r.outcome), r.seconds);
    if (!pass && !reason.empty()) line += ": " + reason;
  }
  return line;
}

void ProgressPrinter::running(const LabProgress& progress) {
  if (!style_.terminal || style_.verbosity == Verbosity::quiet) return;
  emit("\r\x1b[2K" + status_line(progress));
  line_open_ = true;
}

void ProgressPrinter::print_line(const std::string& line, const LabProgress& progress) {
  emit((line_open_ ? "\r\x1b[2K" : "") + line + "\n");
  line_open_ = false;
  running(progress);
}

void ProgressPrinter::finished(const LabProgress& progress, bool pass, const std::string& reason) {
  if (!progress.just_finished) return;
  if (pass && style_.verbosity == Verbosity::quiet) return;
  print_line(case_line(*progress.just_finished, progress.finished, progress.total, pass, reason, style_), progress);
}

void ProgressPrinter::interrupted(const LabProgress& progress) {
  if (!progress.just_finished) return;
  const CaseResult& r = *progress.just_finished;
  emit(fmt::format("{}{} {} IKEv{}\n", line_open_ ? "\r\x1b[2K" : "", paint("INTERRUPTED:", "33", style_.color),
                   r.scenario, r.ike_version));
  line_open_ = false;
}

void ProgressPrinter::finish() {
  if (line_open_) emit("\r\x1b[2K");
  line_open_ = false;
}

// A stream that failed once (e.g. EPIPE: the run is then interrupted) is not written again.
void ProgressPrinter::emit(const std::string& text) {
  if (!lost_) lost_ = !netns::write_console(stream_, text);
}

}  // namespace ikelab::harness
