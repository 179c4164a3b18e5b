// The classic "hold" model (ns-3's bench-scheduler): a queue of N events; each operation pops
// the earliest and pushes a new one a random increment later. Heap vs ordered set.
#include <benchmark/benchmark.h>

#include <random>

#include "sim/event_queue.hpp"

namespace {

using namespace clustersim;

template <class Queue>
void BM_EventQueueHold(benchmark::State& st) {
  const auto n = static_cast<size_t>(st.range(0));
  Queue q;
  q.reserve(n);
  std::mt19937_64 rng(1);
  uint64_t seq = 0;
  for (size_t i = 0; i < n; ++i)
    q.push(Event::make(Time::from_us(static_cast<int64_t>(rng() % 1'000'000)), EventKind::Finish, seq++));
  for (auto _ : st) {
    Event e = q.top();
    q.pop();
    q.push(Event::make(e.time + Time::from_us(static_cast<int64_t>(rng() % 1'000'000)), EventKind::Finish, seq++));
  }
  st.counters["push+pop/s"] = benchmark::Counter(static_cast<double>(st.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK_TEMPLATE(BM_EventQueueHold, HeapEventQueue)->Arg(256)->Arg(10'000)->Arg(1'000'000);
BENCHMARK_TEMPLATE(BM_EventQueueHold, OrderedSetEventQueue)->Arg(256)->Arg(10'000)->Arg(1'000'000);

}  // namespace
