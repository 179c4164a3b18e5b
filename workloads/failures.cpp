#include "workloads/failures.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "sim/error.hpp"

namespace clustersim {

void FailureModel::validate() const {
  // At most 1e8 hours (11,000 years): beyond, a time in microseconds could overflow.
  if (!(mtbf_hours >= 0) || !(mtbf_hours <= 1e8))
    throw InputError("failures.mtbf_hours: must be in [0, 1e8] (0: no failures), got " + std::to_string(mtbf_hours));
  if (!(mttr_hours > 0) || !(mttr_hours <= 1e8))
    throw InputError("failures.mttr_hours: must be in (0, 1e8], got " + std::to_string(mttr_hours));
}

MtbfFailureSource::MtbfFailureSource(int64_t nodes, Time start, const FailureModel& model) : model_(model) {
  model_.validate();
  if (!model_.enabled()) return;
  rngs_.reserve(static_cast<size_t>(nodes));
  for (int64_t n = 0; n < nodes; ++n) {
    rngs_.emplace_back(splitmix64(model_.seed ^ splitmix64(static_cast<uint64_t>(n) + 0x9E3779B97F4A7C15ull)));
    const auto node = static_cast<uint32_t>(n);
    pending_.push({start + draw(node, model_.mtbf_hours), node, false});
  }
}

Time MtbfFailureSource::draw(uint32_t node, double mean_hours) {
  // Capped at 1e15 us (31 years past the draw, far beyond any trace) so the sum stays in range.
  const double us = std::min(rngs_[node].exponential(mean_hours * 3600e6), 1e15);
  return Time::from_us(std::max<int64_t>(1, static_cast<int64_t>(std::ceil(us))));
}

std::optional<NodeEvent> MtbfFailureSource::next() {
  if (pending_.empty()) return std::nullopt;
  const Pending p = pending_.top();
  pending_.pop();
  pending_.push({p.time + draw(p.node, p.up ? model_.mtbf_hours : model_.mttr_hours), p.node, !p.up});
  return NodeEvent{p.time, NodeId(p.node), p.up};
}

void MtbfFailureSource::save(StateWriter& w) const {
  w.section("mtbf failures");
  w.put(static_cast<uint64_t>(rngs_.size()));
  for (const Rng& g : rngs_) w.put(g.state());
  // The pending events in the order they come out (the order is total: time, then node).
  auto copy = pending_;
  w.put(static_cast<uint64_t>(copy.size()));
  for (; !copy.empty(); copy.pop()) {
    w.put(copy.top().time);
    w.put(copy.top().node);
    w.put(copy.top().up);
  }
}

void MtbfFailureSource::restore(StateReader& r) {
  r.section("mtbf failures");
  r.expect_same(r.get<uint64_t>(), static_cast<uint64_t>(rngs_.size()), "the number of nodes with failures");
  for (Rng& g : rngs_) {
    try {
      g.set_state(r.get<std::string>());
    } catch (const std::invalid_argument&) {
      r.corrupt("a failure stream's state");
    }
  }
  const uint64_t n = r.get<uint64_t>();
  if (n > rngs_.size()) r.corrupt("more pending failures than nodes");
  pending_ = {};
  for (uint64_t i = 0; i < n; ++i) {
    Pending p{};
    r.get(p.time);
    r.get(p.node);
    r.get(p.up);
    if (p.node >= rngs_.size()) r.corrupt("a pending failure's node");
    pending_.push(p);
  }
}

std::vector<NodeEvent> parse_node_events(const std::string& text, const std::string& name) {
  std::vector<NodeEvent> events;
  std::istringstream in(text);
  std::string line;
  long number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) {
      const size_t a = c.find_first_not_of(" \t"), b = c.find_last_not_of(" \t");
      cols.push_back(a == std::string::npos ? "" : c.substr(a, b - a + 1));
    }
    if (cols.size() != 3)
      throw InputError::at(name, number, "", "expected 3 columns time_s,node,event, found " + std::to_string(cols.size()));
    if (events.empty() && cols[0] == "time_s") continue;  // the header
    double t = 0;
    auto r1 = std::from_chars(cols[0].data(), cols[0].data() + cols[0].size(), t);
    if (r1.ec != std::errc() || r1.ptr != cols[0].data() + cols[0].size() || !(t >= 0) || !std::isfinite(t) || t > 1e12)
      throw InputError::at(name, number, "column time_s", "expected seconds >= 0, found '" + cols[0] + "'");
    int64_t node = 0;
    auto r2 = std::from_chars(cols[1].data(), cols[1].data() + cols[1].size(), node);
    if (r2.ec != std::errc() || r2.ptr != cols[1].data() + cols[1].size() || node < 0 || node > UINT32_MAX - 1)
      throw InputError::at(name, number, "column node", "expected a node index >= 0, found '" + cols[1] + "'");
    if (cols[2] != "fail" && cols[2] != "repair")
      throw InputError::at(name, number, "column event", "expected fail or repair, found '" + cols[2] + "'");
    events.push_back({Time::from_us(static_cast<int64_t>(std::llround(t * 1e6))), NodeId(static_cast<uint32_t>(node)),
                      cols[2] == "repair"});
  }
  return events;
}

std::vector<NodeEvent> read_node_events(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the node events file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_node_events(text.str(), path);
}

}  // namespace clustersim
