#include "sim/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace clustersim {

JobMetrics job_metrics(const JobSpec& spec, const JobRecord& r) {
  JobMetrics m;
  m.wait = (r.first_start - spec.submit).seconds();
  m.run = spec.runtime.seconds();
  m.turnaround = (r.end - spec.submit).seconds();
  m.bounded_slowdown = bounded_slowdown(m.turnaround, m.run);
  return m;
}

double quantile_sorted(const std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  double pos = q * static_cast<double>(v.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(lo + 1, v.size() - 1);
  double frac = pos - static_cast<double>(lo);
  return v[lo] + (v[hi] - v[lo]) * frac;
}

Distribution describe_distribution(std::vector<double>& v) {
  Distribution d;
  if (v.empty()) return d;
  double sum = 0;
  for (double x : v) sum += x;  // in the given order: deterministic
  d.mean = sum / static_cast<double>(v.size());
  std::sort(v.begin(), v.end());
  d.p50 = quantile_sorted(v, 0.50);
  d.p90 = quantile_sorted(v, 0.90);
  d.p95 = quantile_sorted(v, 0.95);
  d.p99 = quantile_sorted(v, 0.99);
  d.max = v.back();
  return d;
}

RunSummary summarize(const EngineView& view) {
  RunSummary s;
  s.jobs = static_cast<int64_t>(view.num_jobs());
  s.finished = view.finished_count();
  s.rejected = view.rejected_count();
  s.failed = view.failed_count();
  s.unfinished = s.jobs - s.finished - s.rejected - s.failed;
  std::vector<double> wait, turnaround, bsld, ftf;
  std::map<int32_t, std::pair<double, int64_t>> by_user;  // user -> (sum of rho, jobs)
  const Resources cap = view.cluster().total_capacity();
  const bool gpus = cap.gpu_milli > 0;
  wait.reserve(static_cast<size_t>(s.finished));
  turnaround.reserve(static_cast<size_t>(s.finished));
  bsld.reserve(static_cast<size_t>(s.finished));
  Time first = Time::max(), last = Time::zero();
  for (size_t i = 0; i < view.num_jobs(); ++i) {
    const JobSpec& spec = view.specs()[i];
    const JobRecord& r = view.records()[i];
    s.preemptions += r.preemptions;
    s.kills += r.kills;
    s.lost_work_s += r.lost_us / 1e6;
    s.migrations += r.migrations;
    if (r.state != JobState::Finished) continue;
    JobMetrics m = job_metrics(spec, r);
    wait.push_back(m.wait);
    turnaround.push_back(m.turnaround);
    bsld.push_back(m.bounded_slowdown);
    const double g = static_cast<double>(gpus ? spec.total().gpu_milli : spec.total().cores);
    const double G = static_cast<double>(gpus ? cap.gpu_milli : cap.cores);
    const double t_id = m.run * std::max(1.0, G > 0 ? g * std::max(r.contention, 1.0) / G : 1.0);
    const double rho = t_id > 0 ? m.turnaround / t_id : 1.0;
    ftf.push_back(rho);
    auto& u = by_user[spec.user];
    u.first += rho;
    ++u.second;
    first = std::min(first, spec.submit);
    last = std::max(last, r.end);
  }
  s.wait = describe_distribution(wait);
  s.turnaround = describe_distribution(turnaround);
  s.bounded_slowdown = describe_distribution(bsld);
  s.finish_time_fairness = describe_distribution(ftf);
  if (!by_user.empty()) {
    double sum = 0, sum_sq = 0;
    for (const auto& [user, v] : by_user) {
      const double x = v.first / static_cast<double>(v.second);
      sum += x;
      sum_sq += x * x;
    }
    s.jain_users = sum_sq > 0 ? sum * sum / (static_cast<double>(by_user.size()) * sum_sq) : 0;
  }
  const Cluster& cluster = view.cluster();
  for (uint32_t t = 0; t < cluster.node_types().size(); ++t) {
    const NodePower& p = cluster.power(t);
    RunSummary::NodeTypeCost c;
    c.type = cluster.node_types()[t].name;
    const double billed_us = view.billed_node_us(t);
    c.node_hours = billed_us / 3.6e9;
    c.cost = c.node_hours * p.cost_per_hour;
    // W x us -> kWh: / 1e6 (J) / 3.6e6 (kWh).
    c.energy_kwh = (p.idle_w * billed_us + (p.busy_w - p.idle_w) * view.busy_node_us(t)) / 3.6e12;
    s.node_hours += c.node_hours;
    s.cost += c.cost;
    s.energy_kwh += c.energy_kwh;
    s.by_node_type.push_back(std::move(c));
  }
  if (s.finished > 0) {
    s.makespan = (last - first).seconds();
    double span_us = static_cast<double>((last - first).us());
    if (span_us > 0 && cap.cores > 0) s.utilisation = view.used_core_us() / (static_cast<double>(cap.cores) * span_us);
    if (span_us > 0 && cap.gpu_milli > 0)
      s.gpu_utilisation = view.used_gpu_milli_us() / (static_cast<double>(cap.gpu_milli) * span_us);
    const Cluster& c = view.cluster();
    const auto used = view.used_gpu_milli_us_by_type();
    for (uint32_t t = 0; t < c.node_types().size(); ++t) {
      const NodeType& nt = c.node_types()[t];
      if (nt.capacity.gpu_milli == 0 || t >= used.size()) continue;
      const std::string model = nt.gpu_model.empty() ? nt.name : nt.gpu_model;
      auto it = std::find_if(s.gpu_utilisation_by_model.begin(), s.gpu_utilisation_by_model.end(),
                             [&](const auto& e) { return e.first == model; });
      if (it == s.gpu_utilisation_by_model.end()) {
        s.gpu_utilisation_by_model.emplace_back(model, 0.0);
        it = s.gpu_utilisation_by_model.end() - 1;
      }
      it->second += used[t];  // summed here, divided by capacity below
    }
    for (auto& [model, value] : s.gpu_utilisation_by_model) {
      double capacity = 0;
      for (uint32_t t = 0; t < c.node_types().size(); ++t) {
        const NodeType& nt = c.node_types()[t];
        if ((nt.gpu_model.empty() ? nt.name : nt.gpu_model) == model)
          capacity += static_cast<double>(nt.capacity.gpu_milli) * static_cast<double>(c.nodes_of_type(t));
      }
      value = span_us > 0 && capacity > 0 ? value / (capacity * span_us) : 0.0;
    }
  }
  return s;
}

}  // namespace clustersim
