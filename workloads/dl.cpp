#include "workloads/dl.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
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
  if (!(elastic_fraction >= 0 && elastic_fraction <= 1))
    throw InputError("dl.elastic_fraction: must be in [0, 1], got " + std::to_string(elastic_fraction));
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

std::vector<int32_t> dl_eligible_job_types(const ThroughputTable& table, int32_t scale_factor) {
  std::vector<std::string> models;  // in order of first appearance
  for (int32_t j = 0; j < static_cast<int32_t>(table.num_job_types()); ++j) {
    const std::string& m = table.job_type(j).model;
    if (std::find(models.begin(), models.end(), m) == models.end()) models.push_back(m);
  }
  std::vector<int32_t> ids;
  for (const std::string& m : models) {
    if (auto id = table.find_job_type(m, scale_factor); id && runs_everywhere(table, *id)) ids.push_back(*id);
  }
  return ids;
}

Workload generate_dl(const ThroughputTable& table, const DlWorkloadConfig& cfg) {
  cfg.validate();
  if (!table.find_gpu_type(cfg.reference_gpu))
    throw InputError("dl.reference_gpu: the throughput table has no GPU type '" + cfg.reference_gpu + "'");
  // For each scale factor the job types that can run on every GPU type.
  const int32_t factors[] = {1, 2, 4, 8};
  std::vector<std::vector<int32_t>> by_factor;
  for (int32_t sf : factors) by_factor.push_back(dl_eligible_job_types(table, sf));
  if (by_factor[0].empty()) throw InputError("dl: no one-GPU job type runs on every GPU type of the throughput table");

  Workload w;
  std::ostringstream name;
  name << "dl(" << cfg.jobs << " jobs, " << cfg.jobs_per_hour << "/h, seed " << cfg.seed << ")";
  w.name = name.str();
  Rng arrivals(splitmix64(cfg.seed ^ 0xA11));
  Rng kinds(splitmix64(cfg.seed ^ 0xB22));
  Rng durations(splitmix64(cfg.seed ^ 0xC33));
  Rng owners(splitmix64(cfg.seed ^ 0xD44));
  Rng elastic(splitmix64(cfg.seed ^ 0xE55));  // its own stream: the jobs do not change with the fraction
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
    if (elastic.uniform01() < cfg.elastic_fraction) {
      j.min_tasks = std::max(1, sf / 2);
      j.max_tasks = 2 * sf;
    }
    w.jobs.push_back(std::move(j));
  }
  w.sort_by_arrival();
  return w;
}

void DlJobTypesConfig::validate() const {
  if (reference_gpu.empty()) throw InputError("dl_job_types.reference_gpu: must name a GPU type of the throughput table");
}

namespace {

int64_t ceil_div(int64_t a, int64_t b) { return a / b + (a % b != 0 ? 1 : 0); }  // a >= 0, b > 0

// The scale factors that have eligible job types, each with its list; and the rule that maps a
// GPU count onto one of them (the count itself, else the smallest above, else the largest below).
class EligibleTypes {
 public:
  explicit EligibleTypes(const ThroughputTable& t) {
    std::set<int32_t> factors;
    for (int32_t j = 0; j < static_cast<int32_t>(t.num_job_types()); ++j) factors.insert(t.job_type(j).scale_factor);
    for (int32_t sf : factors) {
      if (auto ids = dl_eligible_job_types(t, sf); !ids.empty()) by_factor_.emplace(sf, std::move(ids));
    }
  }
  bool empty() const { return by_factor_.empty(); }
  // The scale factor for a job of `gpus` GPUs (>= 1) and its eligible types.
  const std::pair<const int32_t, std::vector<int32_t>>& for_gpus(int64_t gpus) const {
    auto it = by_factor_.lower_bound(static_cast<int32_t>(std::min<int64_t>(gpus, std::numeric_limits<int32_t>::max())));
    if (it == by_factor_.end()) --it;  // none at or above: the largest below
    return *it;
  }

 private:
  std::map<int32_t, std::vector<int32_t>> by_factor_;
};

}  // namespace

DlJobTypesResult assign_dl_job_types(const Workload& w, const ThroughputTable& table, const DlJobTypesConfig& cfg) {
  cfg.validate();
  if (!table.find_gpu_type(cfg.reference_gpu))
    throw InputError("dl_job_types.reference_gpu: the throughput table has no GPU type '" + cfg.reference_gpu + "'");
  const EligibleTypes eligible(table);
  if (eligible.empty())
    throw InputError("dl_job_types: no job type of the throughput table runs on every GPU type of the table");

  DlJobTypesResult r;
  r.workload = w;
  r.workload.name = (w.name.empty() ? std::string() : w.name + " | ") + "dl_job_types(seed " + std::to_string(cfg.seed) + ")";
  Rng kinds(splitmix64(cfg.seed ^ 0xE55));
  for (JobSpec& j : r.workload.jobs) {
    const Resources total = j.total();
    if (total.gpu_milli <= 0) {
      ++r.without_gpus;
      continue;
    }
    const int64_t gpus = ceil_div(total.gpu_milli, kMilliPerGpu);
    const auto& [scale, ids] = eligible.for_gpus(gpus);
    ++r.converted;
    const bool share = cfg.keep_shares && j.tasks == 1 && total.gpu_milli < kMilliPerGpu && scale == 1;
    if (share) {
      ++r.kept_shares;
      j.job_type = ids[static_cast<size_t>(kinds.uniform_int(0, static_cast<int64_t>(ids.size()) - 1))];
      j.gpu_model.clear();
      continue;
    }
    r.rounded_up += total.gpu_milli % kMilliPerGpu != 0;
    r.remapped_scale += scale != gpus;
    j.job_type = ids[static_cast<size_t>(kinds.uniform_int(0, static_cast<int64_t>(ids.size()) - 1))];
    j.tasks = scale;
    j.per_task = Resources{ceil_div(total.cores, scale), kMilliPerGpu, ceil_div(total.mem_mib, scale)};
    j.gpu_model.clear();
  }
  return r;
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
    double speed = *v;
    if (config_.colocation && sl.gpu != Slot::kAnyGpu) speed *= sharing_factor(view, job, sl, gpu_of(c, t), p, *v);
    if (speed == 0) return 0.0;  // it cannot share that GPU with a job there
    slowest = std::min(slowest, speed);
    multi_rack = multi_rack || c.rack(sl.node) != c.rack(placement.front().node);
  }
  double rate = slowest / *ref;
  if (multi_rack) rate *= 1 - config_.cross_rack_penalty;
  return rate;
}

double ThroughputSpeedModel::pair_factor(int32_t job_type, int32_t other_type, int32_t gpu, GpuPlacement p,
                                         double isolated) const {
  if (other_type < 0) return 1.0;  // not a DL job: no measurement
  // The table keys a pair by either job first; read it from this job's side.
  std::optional<double> self;
  bool together = true;
  auto look = [&](GpuPlacement q) {
    if (auto pair = table_.colocated(job_type, other_type, gpu, q)) {
      self = pair->self;
      together = pair->self > 0 && pair->other > 0;
    } else if (auto back = table_.colocated(other_type, job_type, gpu, q)) {
      self = back->other;
      together = back->self > 0 && back->other > 0;
    }
  };
  look(p);
  // As for isolated throughputs, the consolidated measurement stands for a missing spread one.
  if (!self && p == GpuPlacement::Spread) look(GpuPlacement::Consolidated);
  // A pair the table does not measure, or measured as unable to run together (a zero: Gavel
  // could not co-locate them), gives no factor: whether two workers fit on one GPU is their
  // shares' business (the cluster holds them to 1000 milli-GPUs).
  if (!self || !together) return 1.0;
  return *self / isolated;
}

double ThroughputSpeedModel::sharing_factor(const EngineView& view, JobId job, const Slot& sl, int32_t gpu,
                                            GpuPlacement p, double isolated) const {
  const int32_t type = view.spec(job).job_type;
  double factor = 1.0;
  for (JobId other : view.running_by_expected_end()) {
    if (other == job) continue;
    for (const Slot& o : view.placement(other)) {
      if (o.node != sl.node || o.gpu != sl.gpu) continue;
      factor *= pair_factor(type, view.spec(other).job_type, gpu, p, isolated);
      break;  // one factor per job
    }
  }
  return factor;
}

}  // namespace clustersim
