#include "picture/sequence.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace ikelab::picture {
namespace {

bool same_message(const LogMessage& sent, const LogMessage& received) {
  if (sent.exchange != received.exchange || sent.kind != received.kind) return false;
  return sent.message_id < 0 || received.message_id < 0 || sent.message_id == received.message_id;
}

struct Event {
  const LogMessage* message;
  bool left;
  int arrow = -1;  // filled in by the pairing
};

}  // namespace

Sequence merge_messages(const std::vector<LogMessage>& left, const std::vector<LogMessage>& right) {
  // Pair each message one side sent with the first later-unpaired message the
  // other side received that names the same exchange, kind and ID, in order.
  std::vector<Event> l, r;
  for (const auto& m : left) l.push_back({&m, true});
  for (const auto& m : right) r.push_back({&m, false});
  Sequence seq;
  auto pair_sends = [&](std::vector<Event>& senders, std::vector<Event>& receivers, bool left_to_right) {
    size_t next = 0;  // receivers before this one are behind us
    for (auto& s : senders) {
      if (!s.message->sent) continue;
      for (size_t j = next; j < receivers.size(); ++j) {
        auto& rcv = receivers[j];
        if (rcv.message->sent || rcv.arrow >= 0 || !same_message(*s.message, *rcv.message)) continue;
        Arrow a;
        a.left_to_right = left_to_right;
        a.at_sender = *s.message;
        a.at_receiver = *rcv.message;
        s.arrow = rcv.arrow = static_cast<int>(seq.arrows.size());
        seq.arrows.push_back(std::move(a));
        next = j + 1;
        break;
      }
    }
  };
  pair_sends(l, r, true);
  pair_sends(r, l, false);
  for (auto* side : {&l, &r}) {
    for (auto& e : *side) {
      if (e.arrow >= 0) continue;
      Arrow a;
      // A sent message goes away from its host; a received one comes to it.
      a.left_to_right = e.left == e.message->sent;
      if (e.message->sent) a.at_sender = *e.message;
      else a.at_receiver = *e.message;
      e.arrow = static_cast<int>(seq.arrows.size());
      seq.arrows.push_back(std::move(a));
    }
  }
  // Order: merge both logs; an event of one log waits while it receives an
  // arrow whose sending (in the other log) has not come yet. Ties by time.
  std::vector<bool> placed(seq.arrows.size(), false);
  std::vector<Arrow> ordered;
  size_t i = 0, j = 0;
  // Requests placed so far, by exchange and direction: a response waits for
  // its request (pluto may log "sent IKE_SA_INIT reply" before the peer logs
  // "sent IKE_SA_INIT request": each writes its line after the fact).
  std::set<std::pair<std::string, bool>> requests;
  auto blocked = [&](const Event& e) {
    const Arrow& a = seq.arrows[static_cast<size_t>(e.arrow)];
    if (!e.message->sent && a.at_sender && !placed[static_cast<size_t>(e.arrow)]) return true;
    return e.message->kind == "response" && !requests.count({e.message->exchange, !a.left_to_right}) &&
           std::any_of(seq.arrows.begin(), seq.arrows.end(), [&](const Arrow& other) {
             return other.any().kind == "request" && other.any().exchange == e.message->exchange &&
                    other.left_to_right != a.left_to_right;
           });
  };
  auto place = [&](const Event& e) {
    auto index = static_cast<size_t>(e.arrow);
    if (!placed[index]) {
      placed[index] = true;
      ordered.push_back(seq.arrows[index]);
      const Arrow& a = seq.arrows[index];
      if (a.any().kind == "request") requests.insert({a.any().exchange, a.left_to_right});
    }
  };
  while (i < l.size() || j < r.size()) {
    const Event* a = i < l.size() ? &l[i] : nullptr;
    const Event* b = j < r.size() ? &r[j] : nullptr;
    bool take_left;
    if (!b) take_left = true;
    else if (!a) take_left = false;
    else if (blocked(*a) != blocked(*b)) take_left = !blocked(*a);
    else {
      double ta = a->message->seconds, tb = b->message->seconds;
      take_left = ta < 0 || tb < 0 || ta <= tb;
    }
    if (take_left) place(l[i++]);
    else place(r[j++]);
  }
  double first = -1;
  for (auto& arrow : ordered) {
    double t = arrow.any().seconds;
    if (t >= 0 && first < 0) first = t;
    if (t >= 0 && first >= 0) arrow.offset = t - first;
  }
  seq.arrows = std::move(ordered);
  return seq;
}

std::optional<size_t> mark_failing_step(Sequence& sequence, bool attempt_failed, ReceiverLogs receivers) {
  if (!attempt_failed) return std::nullopt;  // an INVALID_KE_PAYLOAD retry that then worked is no failing step
  for (size_t k = 0; k < sequence.arrows.size(); ++k) {
    Arrow& a = sequence.arrows[k];
    bool failing = std::any_of(a.any().notifies.begin(), a.any().notifies.end(), [](const auto& n) { return is_error_notify(n); });
    const bool complete = a.left_to_right ? receivers.right_complete : receivers.left_complete;
    if (complete && a.at_sender && !a.at_receiver) failing = true;
    if (failing) {
      a.failing = true;
      return k;
    }
  }
  if (sequence.arrows.empty()) return std::nullopt;
  sequence.arrows.back().failing = true;
  return sequence.arrows.size() - 1;
}

}  // namespace ikelab::picture
