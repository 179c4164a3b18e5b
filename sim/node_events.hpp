#pragma once
// Node failures and repairs. The engine pulls them one at a time, in time order, from a
// source: a list (events from a trace, or a test) or a seeded MTBF/MTTR model
// (workloads/failures.hpp). A source may be endless: the engine stops pulling once no job
// work remains.
#include <optional>
#include <string>
#include <vector>

#include "sim/ids.hpp"
#include "sim/state_io.hpp"
#include "sim/time.hpp"

namespace clustersim {

struct NodeEvent {
  Time time;
  NodeId node;
  bool up = false;  // false: the node fails; true: it is repaired
  bool operator==(const NodeEvent&) const = default;
};

class NodeEventSource {
 public:
  virtual ~NodeEventSource() = default;
  // The next event (time never before the previous one's), or nullopt when there is none.
  virtual std::optional<NodeEvent> next() = 0;
  // Checkpoints: what next() has still to give (restore onto a source built the same way).
  virtual void save(StateWriter& w) const = 0;
  virtual void restore(StateReader& r) = 0;
};

// A fixed list; sorted by time (stable) on construction.
class NodeEventList : public NodeEventSource {
 public:
  explicit NodeEventList(std::vector<NodeEvent> events);
  std::optional<NodeEvent> next() override;
  void save(StateWriter& w) const override;
  void restore(StateReader& r) override;

 private:
  std::vector<NodeEvent> events_;
  size_t next_ = 0;
};

// What happens to the jobs on a node that fails: they go back to the queue (keeping the
// progress of their last checkpoint) or fail.
enum class OnNodeFailure : uint8_t { Requeue, Fail };
std::string_view to_string(OnNodeFailure f);

}  // namespace clustersim
