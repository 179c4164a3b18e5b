// Engine::apply: a round's leases (sim/policy.hpp, docs/lp.md), validated as a whole, then
// applied as preemptions, moves and starts.
#include <algorithm>

#include "sim/engine.hpp"
#include "sim/error.hpp"

namespace clustersim {

namespace {

// Whether a running job's placement `have` (as allocated) is what `want` asks for: the same
// tasks on each node, and the same GPU wherever `want` names one.
bool same_placement(std::span<const Slot> have, std::span<const Slot> want, std::vector<Slot>& a, std::vector<Slot>& b) {
  auto normalise = [](std::span<const Slot> in, std::vector<Slot>& out, bool keep_gpu) {
    out.assign(in.begin(), in.end());
    if (!keep_gpu)
      for (Slot& s : out) s.gpu = Slot::kAnyGpu;
    std::sort(out.begin(), out.end(), [](const Slot& x, const Slot& y) {
      return x.node != y.node ? x.node < y.node : x.gpu < y.gpu;
    });
    // Merge slots on the same node (and GPU).
    size_t w = 0;
    for (size_t i = 0; i < out.size(); ++i) {
      if (w > 0 && out[w - 1].node == out[i].node && out[w - 1].gpu == out[i].gpu) out[w - 1].tasks += out[i].tasks;
      else out[w++] = out[i];
    }
    out.resize(w);
  };
  const bool names_gpu = std::any_of(want.begin(), want.end(), [](const Slot& s) { return s.gpu != Slot::kAnyGpu; });
  normalise(have, a, names_gpu);
  normalise(want, b, names_gpu);
  return a == b;
}

}  // namespace

AllocationChanges Engine::apply(const Allocation& alloc) {
  AllocationChanges changes;
  // 1. Validate everything before changing anything: each job once, queued or running, a
  //    placement with its tasks on nodes that are up and hold it (node by node) once the jobs
  //    that leave or move have released theirs, and a positive rate there.
  ++apply_stamp_;
  if (apply_mark_.size() < specs_.size()) apply_mark_.resize(specs_.size(), 0);
  std::vector<uint8_t> action(alloc.size(), 0);  // 0 start, 1 keep, 2 move
  for (size_t i = 0; i < alloc.size(); ++i) {
    const JobId j = alloc.job(i);
    if (j.value() >= specs_.size()) refuse("allocate", j, "no such job");
    if (apply_mark_[j.value()] == apply_stamp_) refuse("allocate", j, "it is in the allocation twice");
    apply_mark_[j.value()] = apply_stamp_;
    const JobRecord& r = records_[j.value()];
    if (r.state == JobState::Running) {
      action[i] = same_placement(placement(j), alloc.placement(i), scratch_, scratch2_) ? 1 : 2;
    } else if (r.state != JobState::Queued) {
      refuse("allocate", j, "it is " + std::string(to_string(r.state)) + ", neither queued nor running");
    }
  }
  std::vector<Resources> delta(cluster_.num_nodes(), Resources{});  // free after the round - free now
  std::vector<JobId> leaving;
  for (JobId j : running_)
    if (apply_mark_[j.value()] != apply_stamp_) leaving.push_back(j);
  auto give_back = [&](JobId j) {
    for (const Slot& sl : placement(j)) delta[sl.node.value()] += specs_[j.value()].per_task * sl.tasks;
  };
  for (JobId j : leaving) give_back(j);
  for (size_t i = 0; i < alloc.size(); ++i)
    if (action[i] == 2) give_back(alloc.job(i));
  for (size_t i = 0; i < alloc.size(); ++i) {
    if (action[i] == 1) continue;
    const JobId j = alloc.job(i);
    const JobSpec& s = specs_[j.value()];
    int64_t tasks = 0;
    for (const Slot& sl : alloc.placement(i)) {
      if (sl.node.value() >= cluster_.num_nodes())
        refuse("allocate", j, "node " + std::to_string(sl.node.value()) + " does not exist");
      if (!cluster_.is_up(sl.node)) refuse("allocate", j, "node " + std::to_string(sl.node.value()) + " is down");
      if (sl.tasks <= 0) refuse("allocate", j, "a slot on node " + std::to_string(sl.node.value()) + " has no tasks");
      tasks += sl.tasks;
      delta[sl.node.value()] -= s.per_task * sl.tasks;
    }
    check_size("allocate", j, tasks);
    rate_on("allocate", j, alloc.placement(i));
  }
  for (size_t i = 0; i < alloc.size(); ++i) {
    if (action[i] == 1) continue;
    for (const Slot& sl : alloc.placement(i)) {
      const Resources after = cluster_.free(sl.node) + delta[sl.node.value()];
      if (!Resources{}.fits_in(after))
        refuse("allocate", alloc.job(i), "node " + std::to_string(sl.node.value()) +
                                             " is over-committed by the allocation (it would have " + after.to_string() +
                                             " free of " + cluster_.capacity(sl.node).to_string() + ")");
    }
  }
  // 2. Leases not renewed: preempted.
  for (JobId j : leaving) {
    preempt(j);
    ++changes.preempted;
  }
  // 3. Jobs that move release their old placement first (so moves may swap places), then
  //    take their new one; they checkpoint and pay the restore delay as a migration does.
  for (size_t i = 0; i < alloc.size(); ++i) {
    if (action[i] != 2) continue;
    move_out(alloc.job(i));
  }
  for (size_t i = 0; i < alloc.size(); ++i) {
    const JobId j = alloc.job(i);
    if (action[i] == 1) {
      ++changes.kept;
    } else if (action[i] == 2) {
      const JobSpec& s = specs_[j.value()];
      std::string bad = cluster_.check_placement(tasks_in(alloc.placement(i)), s.per_task, alloc.placement(i));
      if (!bad.empty()) refuse("allocate", j, bad);  // a GPU-share conflict the node check cannot see
      move_in(j, alloc.placement(i), rate_on("allocate", j, alloc.placement(i)));
      ++changes.migrated;
    } else {
      start(j, alloc.placement(i));
      ++changes.started;
    }
  }
  return changes;
}

}  // namespace clustersim
