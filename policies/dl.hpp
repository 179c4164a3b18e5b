#pragma once
// Baselines for deep-learning GPU clusters (docs/dl-policies.md):
//
// hetero-greedy  Jobs in arrival order; each starts on the fastest GPU type that can hold it
//                now (the speed model's rate on one node of each type), its workers on one
//                node if possible, else on as few racks as possible. Work-conserving: a job
//                that does not fit is skipped, not waited for (blocking=true waits). With
//                elastic=true an elastic job that does not fit starts on fewer workers, and
//                when the queue is empty elastic jobs grow into free GPUs.
// las            Least attained service, discretised as in Tiresias (Gu et al., NSDI 2019):
//                jobs sit in priority queues by attained service (GPUs x nominal seconds of
//                work done) against thresholds; every `quantum` seconds and at arrivals and
//                finishes the highest-priority jobs (queue, then arrival) that fit in the GPUs
//                run, the others are preempted (they keep their progress and pay the engine's
//                restore delay).
// drf            Dominant resource fairness (Ghodsi et al., NSDI 2011): repeatedly start the
//                next fitting job of the user with the smallest dominant share (the largest of
//                its shares of cores, GPUs and memory in use), non-preemptive.
//
// All place workers through place_fastest(): heterogeneity-aware when the engine has a speed
// model (workloads/dl.hpp), plain first-fit by consolidation otherwise.
#include <span>
#include <vector>

#include "sim/policy.hpp"

namespace clustersim {

class PolicyRegistry;

// A placement for `job` on the node type where it runs fastest and that can hold it now;
// consolidated on one node (the fullest that fits) if possible, else over the nodes of that
// type, racks with the most room first. Returns false when no node type can hold it now.
// `tasks` > 0: place that many tasks (an elastic job's other size) instead of JobSpec::tasks.
bool place_fastest(const EngineView& view, JobId job, std::vector<Slot>& out, int64_t tasks = 0);
// The same on one node type only (consolidated if possible, else spread); false when that
// type cannot hold the job now or the job cannot run there (rate 0).
bool place_on_type(const EngineView& view, JobId job, uint32_t type, std::vector<Slot>& out);

// A placement for the running (elastic) job with `tasks` tasks that keeps its current slots and
// adds tasks on free room of its node type: its own nodes first, then the nodes with the most
// room. False when the room is not there (or the job's tasks share GPUs).
bool grow_in_place(const EngineView& view, JobId job, int64_t tasks, std::vector<Slot>& out);
// Adds hetero-greedy, las and drf.
void register_dl_policies(PolicyRegistry& registry);

}  // namespace clustersim
