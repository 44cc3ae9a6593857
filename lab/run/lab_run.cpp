#include "lab/run/lab_run.hpp"

#include "netns/interrupt.hpp"
#include "netns/lab_state.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <fstream>
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
      if (options.out_dir)
        case_options.artefacts_dir = *options.out_dir / request.scenario / fmt::format("ike{}", request.ike_version);
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
  std::ifstream in(netns::state_root() / "durations.txt");
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
  std::error_code ec;
  std::filesystem::create_directories(netns::state_root(), ec);
  auto target = netns::state_root() / "durations.txt";
  auto temporary = netns::state_root() / fmt::format("durations.txt.{}", getpid());
  {
    std::ofstream out(temporary);
    for (const auto& [key, seconds] : seconds_) out << key.first << ' ' << key.second << ' ' << seconds << '\n';
    if (!out) return;  // only a scheduling hint: never fail a run over it
  }
  std::filesystem::rename(temporary, target, ec);
  if (ec) std::filesystem::remove(temporary, ec);
}

void ProgressPrinter::operator()(const LabProgress& progress) {
  if (terminal_) {
    std::string running;
    for (const auto& r : progress.running) running += (running.empty() ? "" : ", ") + r;
    std::string line = fmt::format("[{}/{}] running: {}", progress.finished, progress.total, running);
    if (line.size() > 100) line = line.substr(0, 97) + "...";
    fmt::print(stream_, "\r\x1b[2K{}", line);
    line_open_ = true;
  } else if (progress.just_finished) {
    const CaseResult& r = *progress.just_finished;
    fmt::print(stream_, "[{}/{}] {} IKEv{}: {} ({:.2f} s)\n", progress.finished, progress.total, r.scenario,
               r.ike_version, to_string(r.outcome), r.seconds);
  }
  std::fflush(stream_);
}

void ProgressPrinter::finish() {
  if (terminal_ && line_open_) fmt::print(stream_, "\r\x1b[2K");
  line_open_ = false;
  std::fflush(stream_);
}

}  // namespace ikelab::harness
