#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "policies/dl.hpp"
#include "policies/rl/env.hpp"

namespace clustersim::rl {

namespace {
constexpr double kHourS = 3600.0;
float squash(double seconds) { return static_cast<float>(seconds / (seconds + kHourS)); }
float fraction(double part, double whole) { return whole > 0 ? static_cast<float>(part / whole) : 0.0f; }
}  // namespace

Featurizer::Featurizer(const Cluster& cluster, int32_t window, int32_t num_agents, const std::string& estimate)
    : window_(window),
      num_agents_(num_agents),
      num_types_(static_cast<int32_t>(cluster.node_types().size())),
      estimates_(RuntimeEstimates::by_name(estimate, "env: estimate")) {
  if (window < 1) throw std::invalid_argument("Featurizer: window must be >= 1");
  cluster_dim_ = 3 * num_types_ + 2;
  job_features_ = 5 + 2 * num_types_;
  state_dim_ = cluster_dim_ + window_ * job_features_;
  nodes_of_type_.resize(static_cast<size_t>(num_types_));
  type_capacity_.resize(static_cast<size_t>(num_types_));
  for (uint32_t n = 0; n < cluster.num_nodes(); ++n) {
    const uint32_t t = cluster.type_index(NodeId(n));
    nodes_of_type_[t].push_back(n);
    type_capacity_[t] += cluster.capacity(NodeId(n));
  }
  total_cores_ = static_cast<double>(cluster.total_capacity().cores);
  total_gpus_ = static_cast<double>(cluster.total_capacity().gpu_milli);
  fits_.resize(static_cast<size_t>(num_types_));
}

void Featurizer::prepare(const EngineView& view) {
  estimates_.reset(view);
  const size_t types = static_cast<size_t>(num_types_);
  speed_.assign(view.num_jobs() * types, 0.0f);
  simple_ = num_types_ == 1;
  for (size_t j = 0; j < view.num_jobs(); ++j) {
    const JobSpec& s = view.spec(JobId(static_cast<uint32_t>(j)));
    float best = 0;
    for (size_t t = 0; t < types; ++t) {
      if (nodes_of_type_[t].empty() || type_capacity_[t].copies_of(s.per_task) < s.tasks) continue;
      const Slot probe[] = {{NodeId(nodes_of_type_[t][0]), s.tasks}};
      const double rate = view.rate_if_placed(JobId(static_cast<uint32_t>(j)), probe);
      speed_[j * types + t] = static_cast<float>(rate);
      best = std::max(best, static_cast<float>(rate));
      if (rate != 1.0) simple_ = false;
    }
    if (best > 0)
      for (size_t t = 0; t < types; ++t) speed_[j * types + t] /= best;
  }
}

bool Featurizer::fits_on_type(const EngineView& view, JobId job, uint32_t type) {
  if (speed_[job.value() * static_cast<size_t>(num_types_) + type] <= 0) return false;
  if (simple_) return view.fits_now(job);
  const Cluster& c = view.cluster();
  const JobSpec& s = view.spec(job);
  int64_t room = 0;
  for (uint32_t n : nodes_of_type_[type]) {
    if (!c.is_up(NodeId(n))) continue;
    room += c.copies_on(NodeId(n), s.per_task);
    if (room >= s.tasks) return true;
  }
  return false;
}

bool Featurizer::can_start(const EngineView& view, int32_t agent, JobId job) {
  if (num_agents_ > 1) return fits_on_type(view, job, static_cast<uint32_t>(agent));
  for (int32_t t = 0; t < num_types_; ++t)
    if (fits_on_type(view, job, static_cast<uint32_t>(t))) return true;
  return false;
}

void Featurizer::start(Decisions& d, int32_t agent, JobId job) {
  const EngineView& view = d.view();
  if (simple_ && num_agents_ == 1) {
    d.start(job);
    return;
  }
  if (num_agents_ > 1) {
    if (!place_on_type(view, job, static_cast<uint32_t>(agent), scratch_))
      throw std::logic_error("rl::Featurizer: job offered to agent " + std::to_string(agent) + " does not fit");
    d.start(job, scratch_);
    return;
  }
  // One agent: the fastest type that holds it now.
  const size_t types = static_cast<size_t>(num_types_);
  int32_t best = -1;
  for (int32_t t = 0; t < num_types_; ++t) {
    if (!fits_on_type(view, job, static_cast<uint32_t>(t))) continue;
    if (best < 0 || speed_[job.value() * types + static_cast<size_t>(t)] > speed_[job.value() * types + static_cast<size_t>(best)])
      best = t;
  }
  if (best < 0 || !place_on_type(view, job, static_cast<uint32_t>(best), scratch_))
    throw std::logic_error("rl::Featurizer: job offered does not fit");
  d.start(job, scratch_);
}

int32_t Featurizer::observe(const EngineView& view, int32_t agent, float* obs, uint8_t* mask, JobId* slots) {
  estimates_.sync(view);
  const Cluster& c = view.cluster();
  float* p = obs;
  // Cluster: per type, free cores, free GPUs, nodes up.
  if (num_types_ == 1) {
    const Resources cap = c.up_capacity(), fr = c.total_free(), all = c.total_capacity();
    *p++ = fraction(static_cast<double>(fr.cores), static_cast<double>(all.cores));
    *p++ = fraction(static_cast<double>(fr.gpu_milli), static_cast<double>(all.gpu_milli));
    *p++ = fraction(static_cast<double>(cap.cores + cap.gpu_milli + cap.mem_mib),
                    static_cast<double>(all.cores + all.gpu_milli + all.mem_mib));
  } else {
    for (int32_t t = 0; t < num_types_; ++t) {
      Resources fr;
      int64_t up = 0;
      for (uint32_t n : nodes_of_type_[static_cast<size_t>(t)]) {
        if (!c.is_up(NodeId(n))) continue;
        ++up;
        fr += c.free(NodeId(n));
      }
      const Resources& cap = type_capacity_[static_cast<size_t>(t)];
      *p++ = fraction(static_cast<double>(fr.cores), static_cast<double>(cap.cores));
      *p++ = fraction(static_cast<double>(fr.gpu_milli), static_cast<double>(cap.gpu_milli));
      *p++ = fraction(static_cast<double>(up), static_cast<double>(nodes_of_type_[static_cast<size_t>(t)].size()));
    }
  }
  const double cap4 = 4.0 * window_;
  *p++ = static_cast<float>(std::min<double>(static_cast<double>(view.queue().size()), cap4) / cap4);
  *p++ = static_cast<float>(std::min<double>(static_cast<double>(view.running_by_expected_end().size()), cap4) / cap4);

  // Window: the first K queued jobs.
  const size_t types = static_cast<size_t>(num_types_);
  const double now_s = view.now().seconds();
  int32_t k = 0, valid = 0;
  for (JobId j : view.queue()) {
    if (k == window_) break;
    const JobSpec& s = view.spec(j);
    const Resources total = s.total();
    *p++ = 1.0f;
    *p++ = squash(now_s - s.submit.seconds());
    *p++ = squash(estimates_.total(view, j).seconds());  // requested: s.walltime
    *p++ = fraction(static_cast<double>(total.cores), total_cores_);
    *p++ = fraction(static_cast<double>(total.gpu_milli), total_gpus_);
    bool any = false;
    for (size_t t = 0; t < types; ++t) {
      fits_[t] = fits_on_type(view, j, static_cast<uint32_t>(t)) ? 1 : 0;
      any = any || fits_[t];
    }
    for (size_t t = 0; t < types; ++t) {
      *p++ = fits_[t];
      *p++ = speed_[j.value() * types + t];
    }
    const bool ok = num_agents_ > 1 ? fits_[static_cast<size_t>(agent)] != 0 : any;
    mask[k] = ok ? 1 : 0;
    valid += ok ? 1 : 0;
    slots[k] = j;
    ++k;
  }
  if (k < window_) {
    std::memset(p, 0, sizeof(float) * static_cast<size_t>(window_ - k) * static_cast<size_t>(job_features_));
    p += static_cast<size_t>(window_ - k) * static_cast<size_t>(job_features_);
    std::memset(mask + k, 0, static_cast<size_t>(window_ - k));
    for (int32_t i = k; i < window_; ++i) slots[i] = JobId::invalid();
  }
  if (num_agents_ > 1)
    for (int32_t a = 0; a < num_agents_; ++a) *p++ = a == agent ? 1.0f : 0.0f;
  return valid;
}

}  // namespace clustersim::rl
