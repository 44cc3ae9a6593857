#include "diagnoser/src/tracking/tracker.hpp"

#include <algorithm>

namespace ikelab::diag {

namespace {

constexpr size_t kMaxHitsPerAttempt = 256;
constexpr int kMaxHitsPerPattern = 3;
constexpr std::uint64_t kSettledQuietLines = 5000;
constexpr std::uint64_t kIdleLines = 200000;
constexpr double kSettledQuietSeconds = 60;
constexpr double kIdleSeconds = 180;
constexpr size_t kMaxTextBytes = 512;

const std::string* capture(const std::vector<Match>& matches, std::string_view name) {
  for (const auto& m : matches)
    for (const auto& [k, v] : m.captures)
      if (k == name && !v.empty()) return &v;
  return nullptr;
}

}  // namespace

Tracker::Tracker(const Catalogue& catalogue, Sink sink)
    : catalogue_(catalogue), sink_(std::move(sink)), peer_restart_(catalogue.find_pattern("x_peer_new_ike_sa")) {
  if (peer_restart_ >= 0 && !catalogue.patterns[static_cast<size_t>(peer_restart_)].synthetic) peer_restart_ = -1;
}

void Tracker::drop_closed(std::vector<std::uint64_t>& seqs) const {
  seqs.erase(std::remove_if(seqs.begin(), seqs.end(), [this](std::uint64_t s) { return !open_.count(s); }), seqs.end());
}

size_t Tracker::hit_bytes(const Hit& hit) {
  size_t bytes = sizeof(Hit) + hit.text.capacity();
  for (const auto& [k, v] : hit.captures) bytes += sizeof(k) + sizeof(v) + k.capacity() + v.capacity();
  return bytes;
}

size_t Tracker::attempt_bytes(const Attempt& attempt) {
  size_t bytes = sizeof(Attempt) + attempt.pattern_counts.size() * sizeof(attempt.pattern_counts[0]);
  for (const auto& hit : attempt.hits) bytes += hit_bytes(hit);
  return bytes;
}

// `fresh` just established its IKE_SA. An older attempt of the same
// connection with the same peer, in the same role, still open, established
// and neither failed nor superseded, was dropped by the peer without a word:
// it gets a hit of the synthetic pattern x_peer_new_ike_sa (this line).
// Only the established attempts with this peer are walked (an index, not a
// walk over every open attempt: a burst holds thousands open), and those
// that can never qualify again (closed, failed, superseded, already marked)
// leave the index as they are met: each entry is walked past a bounded
// number of times.
void Tracker::note_peer_restart(const Attempt& fresh, std::uint64_t line, std::string_view text) {
  if (peer_restart_ < 0 || fresh.remote.empty() || fresh.connection.empty()) return;
  auto peer = established_by_remote_.find(fresh.remote);
  if (peer == established_by_remote_.end()) return;
  auto& seqs = peer->second;
  auto keep = seqs.begin();
  for (std::uint64_t seq : seqs) {
    auto found = open_.find(seq);
    if (found == open_.end()) continue;
    Attempt* old = found->second.get();
    if (old->failed || old->superseded || old->count(peer_restart_) > 0) continue;
    *keep++ = seq;
    if (seq >= fresh.seq || !old->ike_up || old->role != fresh.role || old->remote != fresh.remote ||
        old->connection != fresh.connection)
      continue;
    --keep;  // marked now: never again
    old->pattern_counts.emplace_back(peer_restart_, 1);
    held_bytes_ += sizeof(old->pattern_counts[0]);
    if (old->hits.size() >= kMaxHitsPerAttempt) continue;
    Hit hit;
    hit.pattern = peer_restart_;
    hit.line = line;
    hit.text = std::string(text.substr(0, kMaxTextBytes));
    held_bytes_ += hit_bytes(hit);
    old->hits.push_back(std::move(hit));
  }
  seqs.erase(keep, seqs.end());
}

// An attempt with an established IKE_SA and a peer joins that peer's index.
void Tracker::index_established(const Attempt& attempt) {
  if (!attempt.ike_up || attempt.remote.empty()) return;
  auto& seqs = established_by_remote_[attempt.remote];
  if (seqs.empty() || seqs.back() != attempt.seq) seqs.push_back(attempt.seq);
}

Attempt* Tracker::lookup(std::unordered_map<std::string, std::uint64_t>& index, const std::string& key) {
  auto it = index.find(key);
  if (it == index.end()) return nullptr;
  auto open = open_.find(it->second);
  if (open == open_.end()) {
    index.erase(it);
    return nullptr;
  }
  return open->second.get();
}

Attempt* Tracker::create(std::uint64_t line) {
  settle_oldest_beyond_bounds();
  auto attempt = std::make_unique<Attempt>();
  attempt->seq = next_seq_++;
  attempt->first_line = line;
  Attempt* raw = attempt.get();
  open_.emplace(raw->seq, std::move(attempt));
  held_bytes_ += sizeof(Attempt);
  return raw;
}

// Memory stays bounded whatever the input (a burst of attempts, a log whose
// attempts never end): past kMaxOpenAttempts open attempts, or kMaxHeldBytes
// held by open and settled-but-waiting attempts, the oldest open attempt is
// settled now (and counted: the output says so).
void Tracker::settle_oldest_beyond_bounds() {
  while (!open_.empty() && (open_.size() >= kMaxOpenAttempts || held_bytes_ > kMaxHeldBytes)) {
    close(open_.begin()->first);
    ++forced_settles_;
    flush_ready();
  }
}

// The events and hints of a line's matches; false for known noise, which
// never counts.
bool Tracker::summarise(const std::vector<Match>& matches, RecordKeys& keys) const {
  for (const auto& m : matches) {
    const Pattern& p = catalogue_.patterns[static_cast<size_t>(m.pattern)];
    if (p.events & kNoise) return false;  // known noise never counts
    keys.events |= p.events;
    if (!(p.events & kContext) || p.in_rule) keys.only_context = false;
    if (keys.role_hint == Role::unknown) keys.role_hint = p.role_hint;
    if (!keys.version_hint) keys.version_hint = p.version_hint;
  }
  return true;
}

// Daemon-wide lines (start-up, configuration loading) name no connection:
// they never join a connection attempt, and form the daemon's own one.
void Tracker::on_daemon_line(std::uint64_t line, const LineInfo& info, std::string_view text,
                             std::vector<Match>& matches, unsigned events) {
  auto it = open_.find(daemon_);
  Attempt* d = it != open_.end() ? it->second.get() : nullptr;
  if (!d) {
    d = create(line);
    d->daemon = true;
    daemon_ = d->seq;
  }
  if (d->dialect == Dialect::unknown) d->dialect = info.dialect;
  add_hits(*d, line, info, text, matches, events);
}

// The keys a line names: IKE_SA, pluto connection, peer and local address.
void Tracker::read_keys(const LineInfo& info, const std::vector<Match>& matches, RecordKeys& keys) const {
  // The IKE_SA unique id identifies an SA within one daemon run; its name
  // appears only once a config is selected. The <conn|N> prefix names the
  // IKE_SA whose job logs the line: a start line naming another IKE_SA in
  // its message ("initiating Main Mode IKE_SA site1[2]" under <site1|1>,
  // charon re-establishing after giving up) starts the one it names.
  // A key read from the message only (no prefix, as in a syslog or console
  // copy) may name an attempt whose earlier lines had no key: `keyed_by_prefix`.
  const std::string* id = capture(matches, "sa_id");
  keys.keyed_by_prefix = info.ike_id >= 0 && !(id && (keys.events & kStart));
  if (keys.keyed_by_prefix) {
    keys.sa_name = std::string(info.ike_name);
    keys.sa_key = std::to_string(info.ike_id);
  } else if (id) {
    keys.sa_key = *id;
  }
  if (keys.sa_name.empty())
    if (auto* name = capture(matches, "sa_name")) keys.sa_name = *name;
  keys.pluto_key = std::string(info.pluto_conn);
  if (auto* r = capture(matches, "remote")) keys.remote = *r;
  if (auto* l = capture(matches, "local")) keys.local = *l;
  if (keys.remote.empty() && !info.pluto_peer.empty()) keys.remote = std::string(info.pluto_peer);
}

// Addresses a line without keys takes from the packet line before it.
void Tracker::borrow_packet_peer(const LineInfo& info, RecordKeys& keys) const {
  // A line without keys on a thread that just received a packet from a peer
  // belongs to that peer's attempt.
  const bool only_context_line = keys.only_context;
  if (!only_context_line && keys.sa_key.empty() && keys.pluto_key.empty() && keys.remote.empty() && info.thread >= 0) {
    auto it = thread_pair_.find(info.thread);
    if (it != thread_pair_.end() && !it->second.remote.empty() && !by_thread_.count(info.thread)) {
      keys.remote = it->second.remote;
      keys.local = it->second.local;
    }
  }
  // Without thread numbers (a console copy) a peer's first request is the
  // message of the packet line just before it.
  if ((keys.events & kNewSa) && info.thread < 0 && keys.remote.empty() && keys.sa_key.empty() &&
      keys.pluto_key.empty()) {
    keys.remote = unthreaded_packet_.remote;
    if (keys.local.empty()) keys.local = unthreaded_packet_.local;
  }
}

// A line naming another IKE_SA or peer than the attempt found by address or
// thread belongs to a new attempt (busy gateways reuse threads).
bool Tracker::conflicts(const Attempt* found, const RecordKeys& keys) {
  return found && ((!keys.sa_key.empty() && !found->sa_key.empty() && found->sa_key != keys.sa_key) ||
                   (!keys.remote.empty() && !found->remote.empty() && found->remote != keys.remote));
}

// pluto answers a first message it refuses without a state: "packet from
// PEER:PORT: sending notification NO_PROPOSAL_CHOSEN ..." right after the
// state's own lines, which need not name the peer ("site1" #1: no
// acceptable Oakley Transform). Such a line belongs to that state, if the
// state has just failed (a busy log's other states go on).
Attempt* Tracker::refused_by_last_state(const LineInfo& info, const RecordKeys& keys) {
  if (keys.only_context || keys.remote.empty() || !keys.sa_key.empty() || !keys.pluto_key.empty() || info.thread >= 0)
    return nullptr;
  auto it = open_.find(latest_);
  Attempt* last = it != open_.end() ? it->second.get() : nullptr;
  // the next record or two after the state's last line (not a line later
  // in a busy log, whose state would name its peer anyway)
  const bool close_by = last && records_ <= last->last_hit_counter + 2;
  if (last && close_by && last->failed && last->terminal && last->remote.empty() && last->pluto_state > 0 &&
      last->dialect == Dialect::pluto)
    return last;
  return nullptr;
}

// The open attempt a line's keys, peer or thread name, if any.
Attempt* Tracker::find_attempt(const LineInfo& info, const RecordKeys& keys) {
  Attempt* a = nullptr;
  if (!keys.sa_key.empty()) a = lookup(by_sa_, keys.sa_key);
  if (!a && !keys.pluto_key.empty()) a = lookup(by_pluto_, keys.pluto_key);
  if (!a && !keys.remote.empty()) {
    a = lookup(by_remote_, keys.remote);
    if (conflicts(a, keys)) a = nullptr;
  }
  if (!a) a = refused_by_last_state(info, keys);
  if (!a && info.thread >= 0 && (keys.sa_key.empty() || !keys.keyed_by_prefix)) {
    auto it = by_thread_.find(info.thread);
    if (it != by_thread_.end()) {
      auto open = open_.find(it->second);
      if (open != open_.end() && !conflicts(open->second.get(), keys)) a = open->second.get();
    }
  }
  return a;
}

// A packet line that no rule reads: its addresses and size for what follows.
void Tracker::on_context_line(Attempt* a, const LineInfo& info, std::string_view text, const RecordKeys& keys) {
  ThreadPeer peer{keys.local, keys.remote, keys.sa_key, {}};
  if (a && (a->sent_sizes.size() < Attempt::kMaxPacketSizes || a->received_sizes.size() < Attempt::kMaxPacketSizes))
    note_packet_size(*a, text);
  else if (!a)
    peer.pending_text.assign(text.substr(0, 160));  // a packet before its attempt is known: the next line's
  if (info.thread < 0) unthreaded_packet_ = peer;
  if (info.thread >= 0) {
    thread_pair_[info.thread] = std::move(peer);
    if (a)
      by_thread_[info.thread] = a->seq;
    else
      by_thread_.erase(info.thread);
  }
}

// The attempt a line that rules read joins: the one found, the latest, or a
// new one.
Attempt* Tracker::join_or_create(Attempt* a, std::uint64_t line, const LineInfo& info, const RecordKeys& keys) {
  if (!a && (keys.sa_key.empty() || (!keys.keyed_by_prefix && info.thread < 0)) && keys.pluto_key.empty() &&
      keys.remote.empty()) {
    auto it = open_.find(latest_);
    if (it != open_.end() && !conflicts(it->second.get(), keys)) a = it->second.get();
  }
  if (a && (keys.events & kStart)) {
    bool same_sa_retry = !keys.sa_key.empty() && a->sa_key == keys.sa_key && !a->terminal;
    // A log cut after an attempt's start: pluto starting a new state number
    // is the next attempt all the same.
    const bool new_pluto_state = info.pluto_state > a->pluto_state && a->pluto_state > 0;
    if ((a->started || new_pluto_state) && !same_sa_retry) a = nullptr;
  }
  // A peer's first request of a new IKE_SA, with no IKE_SA named, never joins
  // an attempt that is over or given up (the peer's next try).
  if (a && (keys.events & kNewSa) && keys.sa_key.empty() && (a->terminal || a->superseded)) a = nullptr;
  if (!a) a = create(line);
  return a;
}

// Packet sizes for the attempt: a pending packet line of this thread, and
// this line if it is a packet line some rule also reads.
void Tracker::note_line_packets(Attempt& a, const LineInfo& info, std::string_view text, unsigned events) {
  if (info.thread >= 0) {  // a packet line on this thread just before: this attempt's
    auto it = thread_pair_.find(info.thread);
    if (it != thread_pair_.end() && !it->second.pending_text.empty()) {
      note_packet_size(a, it->second.pending_text);
      it->second.pending_text.clear();
    }
  }
  if ((events & kContext) &&
      (a.sent_sizes.size() < Attempt::kMaxPacketSizes || a.received_sizes.size() < Attempt::kMaxPacketSizes))
    note_packet_size(a, text);  // a packet line some rule also reads
}

// The attempt takes the line's IKE_SA, pluto connection and name, and the
// indexes point to it.
void Tracker::bind_names(Attempt& a, const LineInfo& info, const std::vector<Match>& matches, const RecordKeys& keys) {
  if (!keys.sa_key.empty()) {
    if (a.sa_key.empty()) a.sa_key = keys.sa_key;
    by_sa_[keys.sa_key] = a.seq;
    if (a.connection.empty() && !keys.sa_name.empty()) a.connection = keys.sa_name;
  }
  if (info.pluto_state > a.pluto_state) a.pluto_state = info.pluto_state;
  if (!keys.pluto_key.empty()) {
    by_pluto_[keys.pluto_key] = a.seq;
    if (a.connection.empty()) {
      std::string name = keys.pluto_key;
      if (!name.empty() && name.front() == '"') name.erase(0, 1);
      if (auto q = name.find('"'); q != std::string::npos) name.erase(q);
      a.connection = name;
    }
  }
  if (a.connection.empty())
    if (auto* conn = capture(matches, "conn")) a.connection = *conn;
}

// The attempt takes the line's addresses (or its thread's last packet's),
// and the indexes point to it.
void Tracker::bind_addresses(Attempt& a, const LineInfo& info, RecordKeys& keys) {
  std::string& remote = keys.remote;
  std::string& local = keys.local;
  // The thread's last packet tells the peer, unless that packet was of
  // another IKE_SA than this line's (a busy gateway's thread moves on).
  if (info.thread >= 0 && (remote.empty() || local.empty())) {
    auto it = thread_pair_.find(info.thread);
    if (it != thread_pair_.end() &&
        (keys.sa_key.empty() || it->second.sa_key.empty() || it->second.sa_key == keys.sa_key)) {
      if (local.empty() && (remote.empty() || remote == it->second.remote)) local = it->second.local;
      if (remote.empty()) remote = it->second.remote;
    }
  }
  if (a.remote.empty() && !remote.empty()) {
    a.remote = remote;
    index_established(a);
  }
  if (a.local.empty() && !local.empty()) a.local = local;
  if (!a.remote.empty()) by_remote_[a.remote] = a.seq;
  if (info.thread >= 0) by_thread_[info.thread] = a.seq;
  latest_ = a.seq;
}

void Tracker::on_record(std::uint64_t line, const LineInfo& info, std::string_view text, std::vector<Match>& matches) {
  ++records_;
  RecordKeys keys;
  if (!summarise(matches, keys)) return;
  if (info.time >= 0) last_time_ = info.time;

  if (keys.events & kDaemon) {
    on_daemon_line(line, info, text, matches, keys.events);
    return;
  }

  read_keys(info, matches, keys);
  borrow_packet_peer(info, keys);
  Attempt* a = find_attempt(info, keys);

  if (keys.only_context) {
    on_context_line(a, info, text, keys);
    return;
  }

  a = join_or_create(a, line, info, keys);
  note_line_packets(*a, info, text, keys.events);
  bind_names(*a, info, matches, keys);
  bind_addresses(*a, info, keys);

  if (a->role == Role::unknown) a->role = keys.role_hint;
  if (!a->ike_version) a->ike_version = keys.version_hint;
  if (a->dialect == Dialect::unknown) a->dialect = info.dialect;
  add_hits(*a, line, info, text, matches, keys.events);
}

void Tracker::add_hits(Attempt& attempt, std::uint64_t line, const LineInfo& info, std::string_view text,
                       std::vector<Match>& matches, unsigned events) {
  Attempt* a = &attempt;
  if (events & kStart) a->started = true;
  if (events & kTerminal) a->terminal = true;
  if (events & kFailure) a->failed = true;
  if (events & kIkeUp) a->ike_up = true;
  if (events & kChildUp) a->child_up = true;
  if (events & kRetry) a->superseded = true;
  a->last_line = line;
  a->last_wall = wall_;
  a->last_hit_counter = records_;
  if (info.time >= 0) {
    if (a->first_time < 0) a->first_time = info.time;
    a->last_time = info.time;
  }

  for (auto& m : matches) {
    const Pattern& p = catalogue_.patterns[static_cast<size_t>(m.pattern)];
    if ((p.events & kContext) && !p.in_rule) continue;
    if (p.in_rule || (p.events & (kStart | kFailure | kIkeUp | kChildUp))) a->significant = true;
    int seen = 0;
    for (auto& [pat, n] : a->pattern_counts)
      if (pat == m.pattern) seen = n++;
    if (seen == 0) {
      a->pattern_counts.emplace_back(m.pattern, 1);
      held_bytes_ += sizeof(a->pattern_counts[0]);
    }
    if (seen >= kMaxHitsPerPattern || a->hits.size() >= kMaxHitsPerAttempt) continue;
    Hit hit;
    hit.pattern = m.pattern;
    hit.line = line;
    hit.text = std::string(text.substr(0, kMaxTextBytes));
    hit.captures = std::move(m.captures);
    held_bytes_ += hit_bytes(hit);
    a->hits.push_back(std::move(hit));
  }
  if (events & kIkeUp) {
    note_peer_restart(*a, line, text);
    index_established(*a);
  }
}

void Tracker::note_packet_size(Attempt& a, std::string_view text) {
  const bool out = text.find("sending packet: ") != std::string_view::npos;
  if (!out && text.find("received packet: ") == std::string_view::npos) return;
  const size_t end = text.rfind(" bytes)");
  if (end == std::string_view::npos) return;
  const size_t open = text.rfind('(', end);
  if (open == std::string_view::npos || open + 1 >= end || end - open > 8) return;
  std::uint32_t n = 0;
  for (char c : text.substr(open + 1, end - open - 1)) {
    if (c < '0' || c > '9') return;
    n = n * 10 + static_cast<std::uint32_t>(c - '0');
  }
  auto& sizes = out ? a.sent_sizes : a.received_sizes;
  if (sizes.size() >= Attempt::kMaxPacketSizes || (!sizes.empty() && sizes.back() == n)) return;
  sizes.push_back(n);
  held_bytes_ += sizeof n;
}

void Tracker::close(std::uint64_t seq) {
  auto it = open_.find(seq);
  if (it == open_.end()) return;
  Attempt attempt = std::move(*it->second);
  open_.erase(it);
  bool replaced = attempt.superseded && !attempt.failed && !attempt.ike_up;
  if (attempt.significant && !replaced) ready_.emplace(attempt.seq, std::move(attempt));
  else held_bytes_ -= std::min(held_bytes_, attempt_bytes(attempt));
}

void Tracker::flush_ready() {
  while (!ready_.empty() && (open_.empty() || ready_.begin()->first < open_.begin()->first)) {
    Attempt attempt = std::move(ready_.begin()->second);
    ready_.erase(ready_.begin());
    held_bytes_ -= std::min(held_bytes_, attempt_bytes(attempt));
    sink_(std::move(attempt));
  }
}

void Tracker::settle_by_log(std::uint64_t current_line) {
  std::vector<std::uint64_t> done;
  for (const auto& [seq, a] : open_) {
    std::uint64_t quiet = reversed_ ? (a->last_line > current_line ? a->last_line - current_line : 0)
                                    : (current_line > a->last_line ? current_line - a->last_line : 0);
    // With timestamps, an attempt settles by log time only: on a busy
    // gateway thousands of other attempts' lines can pass between two lines
    // of one attempt (a DPD or a retransmission seconds later). Lines count
    // only where the log has no clock, and as the idle bound on memory.
    // Newest-first input runs backwards in time as well as in lines.
    const bool timed = last_time_ >= 0 && a->last_time >= 0;
    double quiet_time = !timed ? -1 : reversed_ ? a->last_time - last_time_ : last_time_ - a->last_time;
    bool settled = a->terminal && (timed ? quiet_time > kSettledQuietSeconds : quiet > kSettledQuietLines);
    if (settled || quiet > kIdleLines || quiet_time > kIdleSeconds) done.push_back(seq);
  }
  for (auto seq : done) close(seq);
  flush_ready();
  drop_stale_keys();
}

// Index entries of settled attempts are dropped once they outnumber the open
// attempts, so the indexes follow the open attempts, not the file's size.
void Tracker::drop_stale_keys() {
  const size_t limit = 2 * open_.size() + 1024;
  auto sweep = [this, limit](auto& index) {
    if (index.size() <= limit) return;
    for (auto it = index.begin(); it != index.end();) it = open_.count(it->second) ? std::next(it) : index.erase(it);
  };
  sweep(by_sa_);
  sweep(by_pluto_);
  sweep(by_remote_);
  sweep(by_thread_);
  if (established_by_remote_.size() > limit)
    for (auto it = established_by_remote_.begin(); it != established_by_remote_.end();) {
      drop_closed(it->second);
      it = it->second.empty() ? established_by_remote_.erase(it) : std::next(it);
    }
}

void Tracker::settle_by_wall(double now, double settle_seconds, double idle_seconds) {
  std::vector<std::uint64_t> done;
  for (const auto& [seq, a] : open_) {
    double quiet = now - a->last_wall;
    if ((a->terminal && quiet >= settle_seconds) || quiet >= idle_seconds) done.push_back(seq);
  }
  for (auto seq : done) close(seq);
  flush_ready();
  drop_stale_keys();
}

void Tracker::finish() {
  while (!open_.empty()) close(open_.begin()->first);
  flush_ready();
}

}  // namespace ikelab::diag
