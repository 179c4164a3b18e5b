#include "sim/event_queue.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

using namespace clustersim;

TEST(EventQueue, OrdersByTimeThenKindThenSequence) {
  HeapEventQueue q;
  q.push(Event::make(Time::from_seconds(5), EventKind::Round, 0));
  q.push(Event::make(Time::from_seconds(5), EventKind::Finish, 3));
  q.push(Event::make(Time::from_seconds(5), EventKind::Finish, 1));
  q.push(Event::make(Time::from_seconds(4), EventKind::Sample, 2));
  q.push(Event::make(Time::from_seconds(5), EventKind::Wakeup, 4));
  std::vector<std::pair<int64_t, EventKind>> got;
  std::vector<uint64_t> seqs;
  while (!q.empty()) {
    got.emplace_back(q.top().time.us() / 1'000'000, q.top().kind());
    seqs.push_back(q.top().order & ((uint64_t{1} << 56) - 1));
    q.pop();
  }
  std::vector<std::pair<int64_t, EventKind>> want = {{4, EventKind::Sample}, {5, EventKind::Finish},
                                                     {5, EventKind::Finish}, {5, EventKind::Wakeup},
                                                     {5, EventKind::Round}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(seqs, (std::vector<uint64_t>{2, 1, 3, 4, 0}));  // equal (time, kind): by sequence
}

TEST(EventQueue, HeapAndOrderedSetPopTheSameSequence) {
  HeapEventQueue heap;
  OrderedSetEventQueue set;
  std::mt19937_64 rng(7);
  uint64_t seq = 0;
  std::vector<Event> a, b;
  for (int round = 0; round < 2000; ++round) {
    int pushes = static_cast<int>(rng() % 4);
    for (int k = 0; k < pushes; ++k) {
      Event e = Event::make(Time::from_us(static_cast<int64_t>(rng() % 50)),
                            static_cast<EventKind>(rng() % 5), seq++, static_cast<uint32_t>(rng() % 100));
      heap.push(e);
      set.push(e);
    }
    if (!heap.empty() && rng() % 3 != 0) {
      a.push_back(heap.top());
      b.push_back(set.top());
      heap.pop();
      set.pop();
    }
  }
  while (!heap.empty()) { a.push_back(heap.top()); heap.pop(); }
  while (!set.empty()) { b.push_back(set.top()); set.pop(); }
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].time, b[i].time);
    EXPECT_EQ(a[i].order, b[i].order);
  }
}
