#pragma once
// Deterministic event queues. Events are ordered by (time, kind, sequence number): ties are
// broken by a defined order, never by pointer values or hash order. Two interchangeable
// implementations share one interface: a binary heap (what the engine uses) and an ordered
// set (the simple reference a test and a benchmark compare it with).
#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "sim/time.hpp"

namespace clustersim {

// Kinds in their order of processing within one instant. Job arrivals (Submit) come from the
// workload's sorted job list rather than the queue, but take their place in this order:
// finishes before arrivals, as the literature's replays do. A node that finishes booting
// (autoscaling) is usable by the wakeups, rounds and samples of the same instant.
enum class EventKind : uint8_t { Finish = 0, Submit = 1, Boot = 2, Wakeup = 3, Round = 4, Sample = 5 };

struct Event {
  Time time;
  uint64_t order = 0;     // (kind << 56) | sequence number
  uint32_t subject = 0;   // the job index for Finish, the node index for Boot; unused otherwise
  uint32_t version = 0;   // Finish: the job's version when scheduled; stale events are skipped

  static Event make(Time t, EventKind k, uint64_t seq, uint32_t subject = 0, uint32_t version = 0) {
    return Event{t, (uint64_t{static_cast<uint8_t>(k)} << 56) | seq, subject, version};
  }
  EventKind kind() const { return static_cast<EventKind>(order >> 56); }
  friend bool operator<(const Event& a, const Event& b) {
    return a.time != b.time ? a.time < b.time : a.order < b.order;
  }
};

// Binary min-heap over a vector; no allocation once the vector has grown.
class HeapEventQueue {
 public:
  void push(const Event& e) {
    heap_.push_back(e);
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }
  const Event& top() const { return heap_.front(); }
  void pop() {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
  }
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  void clear() { heap_.clear(); }
  void reserve(size_t n) { heap_.reserve(n); }
  // The heap as stored, and its replacement by such a vector (checkpoints: the order of equal
  // keys cannot differ, but the bytes are kept exactly as they were).
  const std::vector<Event>& items() const { return heap_; }
  void assign(std::vector<Event> heap) { heap_ = std::move(heap); }

 private:
  struct Later {
    bool operator()(const Event& a, const Event& b) const { return b < a; }
  };
  std::vector<Event> heap_;
};

// The reference implementation: a balanced tree (allocates per event).
class OrderedSetEventQueue {
 public:
  void push(const Event& e) { set_.insert(e); }
  const Event& top() const { return *set_.begin(); }
  void pop() { set_.erase(set_.begin()); }
  bool empty() const { return set_.empty(); }
  size_t size() const { return set_.size(); }
  void clear() { set_.clear(); }
  void reserve(size_t) {}

 private:
  std::set<Event> set_;  // (time, order) is unique because sequence numbers are
};

}  // namespace clustersim
