#include "workloads/dl.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "sim/error.hpp"
#include "workloads/detmath.hpp"
#include "workloads/random.hpp"

namespace clustersim {

void DlWorkloadConfig::validate() const {
  if (jobs < 0) throw InputError("dl.jobs: must be >= 0, got " + std::to_string(jobs));
  if (!(jobs_per_hour >= 0) || !std::isfinite(jobs_per_hour))
    throw InputError("dl.jobs_per_hour: must be >= 0 (0: all at time 0), got " + std::to_string(jobs_per_hour));
  if (users < 1) throw InputError("dl.users: must be >= 1, got " + std::to_string(users));
  if (cores_per_gpu < 0) throw InputError("dl.cores_per_gpu: must be >= 0, got " + std::to_string(cores_per_gpu));
}

void ThroughputModelConfig::validate() const {
  if (!(cross_rack_penalty >= 0 && cross_rack_penalty < 1))
    throw InputError("dl.cross_rack_penalty: must be in [0, 1), got " + std::to_string(cross_rack_penalty));
}

namespace {

int32_t scale_factor(Rng& rng, bool multi_gpu) {
  const double r = rng.uniform01();
  if (!multi_gpu || r < 0.7) return 1;
  if (r < 0.8) return 2;
  if (r < 0.95) return 4;
  return 8;
}

double duration_s(Rng& rng) {
  const bool long_job = rng.uniform01() >= 0.8;
  const double exponent = long_job ? rng.uniform(3, 4) : rng.uniform(1.5, 3);
  return 60 * detmath::exp(exponent * detmath::log(10.0));
}

// Positive throughput on every GPU type, consolidated and spread (a missing spread entry
// falls back on the consolidated one, as in ThroughputSpeedModel).
bool runs_everywhere(const ThroughputTable& t, int32_t job_type) {
  for (int32_t g = 0; g < static_cast<int32_t>(t.num_gpu_types()); ++g) {
    const auto c = t.isolated(job_type, g, GpuPlacement::Consolidated);
    if (!c || !(*c > 0)) return false;
    const auto s = t.isolated(job_type, g, GpuPlacement::Spread);
    if (s && !(*s > 0)) return false;
  }
  return true;
}

}  // namespace

Workload generate_dl(const ThroughputTable& table, const DlWorkloadConfig& cfg) {
  cfg.validate();
  if (!table.find_gpu_type(cfg.reference_gpu))
    throw InputError("dl.reference_gpu: the throughput table has no GPU type '" + cfg.reference_gpu + "'");
  // The models, and for each scale factor the job types that can run on every GPU type.
  std::vector<std::string> models;
  for (int32_t j = 0; j < static_cast<int32_t>(table.num_job_types()); ++j) {
    const std::string& m = table.job_type(j).model;
    if (std::find(models.begin(), models.end(), m) == models.end()) models.push_back(m);
  }
  auto eligible = [&](int32_t sf) {
    std::vector<int32_t> ids;
    for (const std::string& m : models) {
      if (auto id = table.find_job_type(m, sf); id && runs_everywhere(table, *id)) ids.push_back(*id);
    }
    return ids;
  };
  const int32_t factors[] = {1, 2, 4, 8};
  std::vector<std::vector<int32_t>> by_factor;
  for (int32_t sf : factors) by_factor.push_back(eligible(sf));
  if (by_factor[0].empty()) throw InputError("dl: no one-GPU job type runs on every GPU type of the throughput table");

  Workload w;
  std::ostringstream name;
  name << "dl(" << cfg.jobs << " jobs, " << cfg.jobs_per_hour << "/h, seed " << cfg.seed << ")";
  w.name = name.str();
  Rng arrivals(splitmix64(cfg.seed ^ 0xA11));
  Rng kinds(splitmix64(cfg.seed ^ 0xB22));
  Rng durations(splitmix64(cfg.seed ^ 0xC33));
  Rng owners(splitmix64(cfg.seed ^ 0xD44));
  double t_s = 0;
  w.jobs.reserve(static_cast<size_t>(cfg.jobs));
  for (int64_t i = 0; i < cfg.jobs; ++i) {
    if (cfg.jobs_per_hour > 0) t_s += arrivals.exponential(3600.0 / cfg.jobs_per_hour);
    int32_t sf = scale_factor(kinds, cfg.multi_gpu);
    size_t k = sf == 1 ? 0 : sf == 2 ? 1 : sf == 4 ? 2 : 3;
    if (by_factor[k].empty()) {  // the table has no such job type: one GPU instead
      sf = 1;
      k = 0;
    }
    const std::vector<int32_t>& ids = by_factor[k];
    const int32_t type = ids[static_cast<size_t>(kinds.uniform_int(0, static_cast<int64_t>(ids.size()) - 1))];
    JobSpec j;
    j.trace_id = i + 1;
    j.submit = Time::from_us(static_cast<int64_t>(std::llround(t_s * 1e6)));
    j.runtime = Time::from_seconds_ceil(duration_s(durations));
    j.walltime = j.runtime;
    j.tasks = sf;
    j.per_task = Resources{cfg.cores_per_gpu, 1000, 0};
    j.user = static_cast<int32_t>(owners.uniform_int(0, cfg.users - 1));
    j.status = 1;
    j.job_type = type;
    w.jobs.push_back(std::move(j));
  }
  w.sort_by_arrival();
  return w;
}

ThroughputSpeedModel::ThroughputSpeedModel(const ThroughputTable& table, ThroughputModelConfig config)
    : table_(table), config_(std::move(config)) {
  config_.validate();
  auto ref = table_.find_gpu_type(config_.reference_gpu);
  if (!ref) throw InputError("dl.reference_gpu: the throughput table has no GPU type '" + config_.reference_gpu + "'");
  reference_gpu_ = *ref;
}

int32_t ThroughputSpeedModel::gpu_of(const Cluster& cluster, uint32_t node_type) const {
  if (gpu_by_node_type_.size() != cluster.node_types().size()) {
    gpu_by_node_type_.assign(cluster.node_types().size(), -1);
    for (uint32_t t = 0; t < cluster.node_types().size(); ++t) {
      if (auto g = table_.find_gpu_type(cluster.node_types()[t].gpu_model)) gpu_by_node_type_[t] = *g;
    }
  }
  return gpu_by_node_type_[node_type];
}

std::optional<double> ThroughputSpeedModel::throughput(const Cluster& cluster, int32_t job_type, uint32_t node_type,
                                                       GpuPlacement p) const {
  const int32_t g = gpu_of(cluster, node_type);
  if (g < 0 || job_type < 0) return std::nullopt;
  auto v = table_.isolated(job_type, g, p);
  // No separate measurement of spread workers: the consolidated one stands for it.
  if (!v && p == GpuPlacement::Spread) v = table_.isolated(job_type, g, GpuPlacement::Consolidated);
  if (!v || !(*v > 0)) return std::nullopt;
  return v;
}

double ThroughputSpeedModel::rate(const EngineView& view, JobId job, std::span<const Slot> placement) const {
  const JobSpec& s = view.spec(job);
  if (s.job_type < 0) return 1.0;
  const Cluster& c = view.cluster();
  const GpuPlacement p = placement.size() <= 1 ? GpuPlacement::Consolidated : GpuPlacement::Spread;
  auto name = [&] { return table_.job_type(s.job_type).to_string(); };
  const auto ref = table_.isolated(s.job_type, reference_gpu_, GpuPlacement::Consolidated);
  if (!ref || !(*ref > 0))
    throw DecisionError("job " + std::to_string(s.trace_id) + " " + name() + " has no throughput on the reference GPU " +
                        config_.reference_gpu);
  double slowest = std::numeric_limits<double>::infinity();
  bool multi_rack = false;
  for (const Slot& sl : placement) {
    const uint32_t t = c.type_index(sl.node);
    const auto v = throughput(c, s.job_type, t, p);
    if (!v) return 0.0;  // it cannot run there: the engine refuses, policies skip
    slowest = std::min(slowest, *v);
    multi_rack = multi_rack || c.rack(sl.node) != c.rack(placement.front().node);
  }
  double rate = slowest / *ref;
  if (multi_rack) rate *= 1 - config_.cross_rack_penalty;
  return rate;
}

}  // namespace clustersim
