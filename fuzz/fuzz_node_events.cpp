// libFuzzer target: the node failure/repair events file (workloads/failures.hpp). Bad input
// may only raise InputError naming the file; events that read have a time >= 0 of at most
// 10^12 s and a valid node index, and come out of a NodeEventList in time order.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "workloads/failures.hpp"

using namespace clustersim;
using clustersim::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string name = "fuzz/node-events.csv";
  try {
    std::vector<NodeEvent> events = parse_node_events(text, name);
    for (const NodeEvent& e : events) {
      require(e.time >= Time::zero() && e.time <= Time::from_seconds(1'000'000'000'000), "event time out of range");
      require(e.node.valid(), "event on an invalid node id");
    }
    const size_t n = events.size();
    NodeEventList list(std::move(events));
    Time last = Time::zero();
    size_t seen = 0;
    while (const auto e = list.next()) {
      require(e->time >= last, "events out of time order");
      last = e->time;
      ++seen;
    }
    require(seen == n, "the list lost or added events");
  } catch (const InputError& e) {
    fuzz::check_names_file(e, name);
  }
  return 0;
}
