#pragma once
// Per-job and per-run metrics with the definitions used in the scheduling literature.
//
// wait        = first start - submit
// turnaround  = end - submit (response time)
// run         = the job's runtime at nominal speed (the trace's run time)
// bounded slowdown = max(1, turnaround / max(run, tau)), tau = 10 s
//   (Feitelson, Rudolph, Schwiegelshohn, Sevcik, Wong, "Theory and practice in parallel job
//   scheduling", JSSPP 1997; for a job that is never preempted turnaround = wait + run).
// makespan    = last end - first submit
// utilisation = (integral over time of the cores in use) / (cores x makespan); the same for
//   GPUs, overall and per GPU model
// finish-time fairness (Mahajan et al., Themis, NSDI 2020) of a finished job:
//   rho = turnaround / T_id, T_id = run x max(1, g x n / G): the time it would take on an
//   equal 1/n share of the cluster, n = mean number of jobs in the system (queued or running)
//   over its lifetime, g its GPUs (cores when the cluster has no GPUs), G the cluster's
// Jain's index over users = (sum x_u)^2 / (U sum x_u^2), x_u = user u's mean rho (1: equal)
// Percentiles interpolate linearly between order statistics (numpy's default).
//
// Power, energy and cost (docs/autoscaling.md), over the billing window: from the first
// arrival to the instant the last job left the system (the makespan when every job finishes):
// node_hours = time nodes are on or booting (a booting node is billed and draws idle power;
//   an off node neither); a node that is on but failed is billed too
// cost       = sum over node types of node_hours x NodePower::cost_per_hour
// energy     = sum over nodes of the integral of P(t) dt, P = 0 when off, else
//   P = idle_w + (busy_w - idle_w) x u(t), u = the node's busy share: the share of its GPUs in
//   use for a node type with GPUs, else of its cores (the linear model of server power in
//   utilisation of Fan, Weber, Barroso, "Power provisioning for a warehouse-sized computer",
//   ISCA 2007). Summed per type: idle_w x node_time + (busy_w - idle_w) x busy share integral.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/view.hpp"

namespace clustersim {

constexpr double kBoundedSlowdownTau = 10.0;  // seconds

inline double bounded_slowdown(double turnaround_s, double run_s, double tau = kBoundedSlowdownTau) {
  double s = turnaround_s / (run_s > tau ? run_s : tau);
  return s > 1.0 ? s : 1.0;
}

// Metrics of one finished job, in seconds.
struct JobMetrics {
  double wait = 0, run = 0, turnaround = 0, bounded_slowdown = 0;
};
JobMetrics job_metrics(const JobSpec& spec, const JobRecord& record);

struct Distribution {
  double mean = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, max = 0;
};
// Summary of a sample (it is sorted in place). All zero for an empty sample.
Distribution describe_distribution(std::vector<double>& values);
// The q-quantile (0..1) of sorted values, interpolating linearly.
double quantile_sorted(const std::vector<double>& sorted, double q);

struct RunSummary {
  int64_t jobs = 0, finished = 0, rejected = 0, failed = 0, unfinished = 0;
  Distribution wait, turnaround, bounded_slowdown;  // over finished jobs, seconds
  double makespan = 0;          // seconds
  double utilisation = 0;       // fraction (0..1) of the cores over the makespan
  double gpu_utilisation = 0;   // fraction (0..1) of the GPUs (0 when the cluster has none)
  int64_t preemptions = 0, migrations = 0;
  int64_t kills = 0;         // jobs killed by node failures (a job may count several times)
  Distribution finish_time_fairness;  // rho over finished jobs
  double jain_users = 0;              // Jain's index of users' mean rho; 0 when nothing finished
  // GPU utilisation per GPU model (node types with the same model together), in the order
  // the models first appear among the node types.
  std::vector<std::pair<std::string, double>> gpu_utilisation_by_model;
  double lost_work_s = 0;    // work lost to node failures, seconds at nominal speed
  // Power and cost (above): totals and per node type, in the cluster's type order.
  double node_hours = 0, cost = 0, energy_kwh = 0;
  struct NodeTypeCost {
    std::string type;
    double node_hours = 0, cost = 0, energy_kwh = 0;
  };
  std::vector<NodeTypeCost> by_node_type;
};
RunSummary summarize(const EngineView& view);

}  // namespace clustersim
