#pragma once
// Node failures for the engine (sim/node_events.hpp): a seeded MTBF/MTTR model, and failure
// events read from a file.
//
// Model: every node independently alternates exponential up times (mean MTBF) and
// exponential repair times (mean MTTR), starting up at `start`. Each node draws from its own
// stream (seed mixed with the node index), so a node's failures do not depend on how many
// nodes the cluster has; the run is bit-for-bit the same for a seed on any machine (the
// samplers are the project's own, workloads/random.hpp).
//
// File format (CSV, '#' comments, header line optional): time_s,node,event with event
// `fail` or `repair`, e.g. `3600,12,fail`. Errors name the file, the line and the column.
#include <cstdint>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "sim/node_events.hpp"
#include "workloads/random.hpp"

namespace clustersim {

struct FailureModel {
  double mtbf_hours = 0;  // mean time between failures of one node; 0: no failures
  double mttr_hours = 1;  // mean time to repair
  uint64_t seed = 1;
  void validate() const;  // throws InputError naming the field
  bool enabled() const { return mtbf_hours > 0; }
};

class MtbfFailureSource : public NodeEventSource {
 public:
  MtbfFailureSource(int64_t nodes, Time start, const FailureModel& model);
  std::optional<NodeEvent> next() override;
  void save(StateWriter& w) const override;
  void restore(StateReader& r) override;

 private:
  struct Pending {
    Time time;
    uint32_t node;
    bool up;
    bool operator>(const Pending& o) const { return time != o.time ? time > o.time : node > o.node; }
  };
  Time draw(uint32_t node, double mean_hours);
  FailureModel model_;
  std::vector<Rng> rngs_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> pending_;
};

std::vector<NodeEvent> read_node_events(const std::string& path);
std::vector<NodeEvent> parse_node_events(const std::string& text, const std::string& name);

}  // namespace clustersim
