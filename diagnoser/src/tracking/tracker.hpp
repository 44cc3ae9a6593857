#pragma once
// Groups matched lines into connection attempts and hands each attempt over,
// in the order the attempts started, once it has settled. Only open attempts
// are kept, so memory follows the number of concurrent attempts.

#include "diagnoser/src/tracking/attempt.hpp"
#include "diagnoser/src/catalogue/catalogue.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string_view>
#include <unordered_map>

namespace ikelab::diag {

struct Match {
  int pattern = -1;
  std::vector<std::pair<std::string, std::string>> captures;
};

class Tracker {
 public:
  using Sink = std::function<void(Attempt&&)>;
  Tracker(const Catalogue& catalogue, Sink sink);

  // One log record and the catalogue patterns it matched.
  void on_record(std::uint64_t line, const LineInfo& info, std::string_view text, std::vector<Match>& matches);
  // Settles attempts that went quiet in log terms (lines / log time).
  void settle_by_log(std::uint64_t current_line);
  // Newest-first input replayed oldest first: line numbers fall as the log's
  // time advances, so "quiet" is measured downwards.
  void set_reversed(bool reversed) { reversed_ = reversed; }
  // Settles by wall clock (--follow).
  void set_wall(double now) { wall_ = now; }
  void settle_by_wall(double now, double settle_seconds, double idle_seconds);
  void finish();
  size_t open_attempts() const { return open_.size(); }
  // Bounds on what is held (open attempts, and settled ones waiting for an
  // older one to settle); past them the oldest open attempt settles early.
  static constexpr size_t kMaxOpenAttempts = diag::kMaxOpenAttempts;
  static constexpr size_t kMaxHeldBytes = 24u << 20;  // estimated: the attempts' own bytes, not malloc's
  // Attempts settled early because a bound was reached.
  std::uint64_t forced_settles() const { return forced_settles_; }

 private:
  Attempt* lookup(std::unordered_map<std::string, std::uint64_t>& index, const std::string& key);
  Attempt* create(std::uint64_t line);
  void close(std::uint64_t seq);
  void flush_ready();
  void drop_stale_keys();
  // Removes the attempts that are no longer open from a list of them.
  void drop_closed(std::vector<std::uint64_t>& seqs) const;
  // Records the size of a packet line's message (the first few per attempt).
  void note_packet_size(Attempt& a, std::string_view text);
  void note_peer_restart(const Attempt& fresh, std::uint64_t line, std::string_view text);
  void index_established(const Attempt& attempt);
  void settle_oldest_beyond_bounds();
  static size_t hit_bytes(const Hit& hit);
  static size_t attempt_bytes(const Attempt& attempt);
  void add_hits(Attempt& a, std::uint64_t line, const LineInfo& info, std::string_view text,
                std::vector<Match>& matches, unsigned events);

  // What on_record reads from one line, passed between its steps.
  struct RecordKeys {
    unsigned events = 0;
    bool only_context = true;  // only packet lines no rule reads
    Role role_hint = Role::unknown;
    int version_hint = 0;
    bool keyed_by_prefix = false;
    std::string sa_key, sa_name, pluto_key, remote, local;
  };
  // The steps of on_record, in its order.
  bool summarise(const std::vector<Match>& matches, RecordKeys& keys) const;
  void on_daemon_line(std::uint64_t line, const LineInfo& info, std::string_view text, std::vector<Match>& matches,
                      unsigned events);
  void read_keys(const LineInfo& info, const std::vector<Match>& matches, RecordKeys& keys) const;
  void borrow_packet_peer(const LineInfo& info, RecordKeys& keys) const;
  static bool conflicts(const Attempt* found, const RecordKeys& keys);
  Attempt* refused_by_last_state(const LineInfo& info, const RecordKeys& keys);
  Attempt* find_attempt(const LineInfo& info, const RecordKeys& keys);
  void on_context_line(Attempt* a, const LineInfo& info, std::string_view text, const RecordKeys& keys);
  Attempt* join_or_create(Attempt* a, std::uint64_t line, const LineInfo& info, const RecordKeys& keys);
  void note_line_packets(Attempt& a, const LineInfo& info, std::string_view text, unsigned events);
  void bind_names(Attempt& a, const LineInfo& info, const std::vector<Match>& matches, const RecordKeys& keys);
  void bind_addresses(Attempt& a, const LineInfo& info, RecordKeys& keys);

  const Catalogue& catalogue_;
  Sink sink_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t records_ = 0;
  double wall_ = 0;
  double last_time_ = -1;
  std::map<std::uint64_t, std::unique_ptr<Attempt>> open_;
  std::map<std::uint64_t, Attempt> ready_;
  std::unordered_map<std::string, std::uint64_t> by_sa_, by_pluto_, by_remote_;
  std::unordered_map<int, std::uint64_t> by_thread_;
  // peer -> attempts with an established IKE_SA that a newer one may mark (some closed)
  std::unordered_map<std::string, std::vector<std::uint64_t>> established_by_remote_;
  size_t held_bytes_ = 0;
  std::uint64_t forced_settles_ = 0;
  struct ThreadPeer {
    std::string local, remote;
    std::string sa_key;  // IKE_SA of the packet line, empty if it named none
    std::string pending_text;  // a packet line no attempt took yet (its size goes to the next one)
  };
  std::unordered_map<int, ThreadPeer> thread_pair_;  // thread -> addresses of its last packet
  ThreadPeer unthreaded_packet_;                     // the last packet line without a thread number
  std::uint64_t latest_ = 0;
  int peer_restart_ = -1;  // synthetic pattern x_peer_new_ike_sa, -1 if the catalogue has none
  bool reversed_ = false;
  std::uint64_t daemon_ = 0;  // the open attempt of daemon-wide lines (start-up, config loading), 0 if none
};

}  // namespace ikelab::diag
