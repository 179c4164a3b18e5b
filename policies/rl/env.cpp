#include "policies/rl/env.hpp"

#include <algorithm>
#include <cmath>
#include <charconv>

#include "policies/rl/evaluate.hpp"
#include "sim/error.hpp"
#include "sim/metrics.hpp"
#include "workloads/random.hpp"

namespace clustersim::rl {

namespace {
enum RewardKind { kBsld = 0, kJct = 1, kUtil = 2, kMix = 3 };

int reward_kind(const std::string& name) {
  if (name == "bsld") return kBsld;
  if (name == "jct") return kJct;
  if (name == "util") return kUtil;
  if (name == "mix") return kMix;
  throw InputError("env: reward '" + name + "' is not one of bsld, jct, util, mix");
}
}  // namespace

Split parse_split(const std::string& name) {
  if (name == "train") return Split::Train;
  if (name == "validation") return Split::Validation;
  if (name == "test") return Split::Test;
  if (name == "all") return Split::All;
  throw InputError("split '" + name + "' is not one of train, validation, test, all");
}

std::string_view to_string(Split s) {
  switch (s) {
    case Split::Train: return "train";
    case Split::Validation: return "validation";
    case Split::Test: return "test";
    case Split::All: return "all";
  }
  return "?";
}

std::pair<int64_t, int64_t> EpisodeSource::split_range(Split s) const {
  const int64_t n = static_cast<int64_t>(workload.jobs.size());
  const int64_t a = static_cast<int64_t>(std::floor(train_fraction * static_cast<double>(n)));
  const int64_t b = static_cast<int64_t>(std::floor((train_fraction + validation_fraction) * static_cast<double>(n)));
  switch (s) {
    case Split::Train: return {0, a};
    case Split::Validation: return {a, b};
    case Split::Test: return {b, n};
    case Split::All: return {0, n};
  }
  return {0, n};
}

void EpisodeSource::validate() const {
  if (!(train_fraction > 0) || !(validation_fraction >= 0) || train_fraction + validation_fraction > 1)
    throw InputError("env: split fractions: train (" + std::to_string(train_fraction) + ") must be > 0, validation (" +
                     std::to_string(validation_fraction) + ") >= 0, and their sum <= 1");
  if (cluster.num_nodes() == 0) throw InputError("env: the cluster has no nodes");
  engine.validate();
}

void EnvConfig::validate() const {
  if (window < 1 || window > 4096) throw InputError("env: window must be in 1..4096 (got " + std::to_string(window) + ")");
  if (episode_jobs < 1) throw InputError("env: episode_jobs must be >= 1 (got " + std::to_string(episode_jobs) + ")");
  reward_kind(reward);
  if (!std::isfinite(alpha) || !std::isfinite(beta)) throw InputError("env: alpha and beta must be finite");
  if (agents != "single" && agents != "per-type")
    throw InputError("env: agents '" + agents + "' is not one of single, per-type");
  RuntimeEstimates::by_name(estimate, "env: estimate");
}

namespace {
int32_t agents_for(const EpisodeSource& s, const EnvConfig& c) {
  c.validate();
  return c.agents == "per-type" ? static_cast<int32_t>(s.cluster.node_types().size()) : 1;
}
}  // namespace

SchedulingEnv::SchedulingEnv(std::shared_ptr<const EpisodeSource> source, EnvConfig config)
    : source_(std::move(source)),
      config_(std::move(config)),
      features_(source_->cluster, config_.window, agents_for(*source_, config_), config_.estimate) {
  source_->validate();
  reward_kind_ = reward_kind(config_.reward);
  const auto [lo, hi] = source_->split_range(config_.split);
  if (hi - lo < config_.episode_jobs)
    throw InputError("env: the " + std::string(to_string(config_.split)) + " split of '" + source_->workload.name +
                     "' has " + std::to_string(hi - lo) + " jobs, fewer than an episode's " +
                     std::to_string(config_.episode_jobs));
  if (source_->throughputs) speed_model_ = std::make_unique<ThroughputSpeedModel>(*source_->throughputs, source_->speed);
  obs_.assign(static_cast<size_t>(features_.obs_dim()), 0.0f);
  mask_.assign(static_cast<size_t>(config_.window), 0);
  slots_.assign(static_cast<size_t>(config_.window), JobId::invalid());
}

SchedulingEnv::~SchedulingEnv() = default;
SchedulingEnv::SchedulingEnv(SchedulingEnv&&) noexcept = default;
SchedulingEnv& SchedulingEnv::operator=(SchedulingEnv&&) noexcept = default;

const EngineView& SchedulingEnv::view() const { return *engine_; }

void SchedulingEnv::reset(uint64_t seed) {
  const auto [lo, hi] = source_->split_range(config_.split);
  const uint64_t choices = static_cast<uint64_t>(hi - lo - config_.episode_jobs + 1);
  begin_episode(lo + static_cast<int64_t>(splitmix64(seed ^ 0x9e3779b97f4a7c15ULL) % choices));
}

void SchedulingEnv::reset_at(int64_t offset) {
  const int64_t n = static_cast<int64_t>(source_->workload.jobs.size());
  if (offset < 0 || offset + config_.episode_jobs > n)
    throw InputError("env: window at job " + std::to_string(offset) + " of " + std::to_string(config_.episode_jobs) +
                     " jobs runs past the workload's " + std::to_string(n) + " jobs");
  begin_episode(offset);
}

std::vector<int64_t> SchedulingEnv::eval_offsets(int64_t count) const {
  const auto [lo, hi] = source_->split_range(config_.split);
  std::vector<int64_t> out;
  if (count <= 0) return out;
  const int64_t room = hi - lo - config_.episode_jobs;  // >= 0 (checked at construction)
  for (int64_t i = 0; i < count; ++i)
    out.push_back(count == 1 ? lo : lo + room * i / (count - 1));
  return out;
}

void SchedulingEnv::open_window(int64_t offset) {
  offset_ = offset;
  std::vector<JobSpec> jobs = window_jobs(*source_, offset, config_.episode_jobs);
  double runtime_us = 0;
  for (const JobSpec& j : jobs) runtime_us += static_cast<double>(j.runtime.us());
  mean_runtime_us_ = std::max(1.0, runtime_us / static_cast<double>(jobs.size()));
  engine_ = std::make_unique<Engine>(source_->cluster, std::move(jobs), source_->engine);
  if (speed_model_) engine_->set_speed_model(speed_model_.get());
  features_.prepare(*engine_);
}

void SchedulingEnv::begin_episode(int64_t offset) {
  open_window(offset);
  stats_ = EpisodeStats{};
  stats_.jobs = config_.episode_jobs;
  done_ = false;
  next_agent_ = 0;
  last_active_us_ = 0;
  last_used_ = 0;
  last_time_ = Time::zero();
  advance_to_decision();
}

double SchedulingEnv::in_use_fraction() const {
  const Cluster& c = engine_->cluster();
  const Resources cap = c.total_capacity(), used = c.total_used();
  if (cap.gpu_milli > 0) return static_cast<double>(used.gpu_milli) / static_cast<double>(cap.gpu_milli);
  return cap.cores > 0 ? static_cast<double>(used.cores) / static_cast<double>(cap.cores) : 0.0;
}

bool SchedulingEnv::pick_agent() {
  const int32_t n = features_.num_agents();
  for (int32_t i = 0; i < n; ++i) {
    const int32_t a = (next_agent_ + i) % n;
    if (features_.observe(*engine_, a, obs_.data(), mask_.data(), slots_.data()) > 0) {
      agent_ = a;
      next_agent_ = (a + 1) % n;
      return true;
    }
  }
  return false;
}

void SchedulingEnv::advance_to_decision() {
  // The engine has stopped at a decision point (or not started): if some agent can act, stop
  // here; otherwise let time run on.
  if (engine_->decision_points() > 0 || engine_->events_processed() > 0)
    if (pick_agent()) return;
  while (engine_->advance())
    if (pick_agent()) return;
  engine_->finish();
  finish_episode();
}

StepResult SchedulingEnv::step(int32_t action) {
  if (done_) throw DecisionError("env: step() after the episode ended (call reset)");
  if (action < 0 || action >= config_.window || !mask_[static_cast<size_t>(action)])
    throw DecisionError("env: action " + std::to_string(action) + " is not a valid slot (mask 0)");
  features_.start(engine_->decisions(), agent_, slots_[static_cast<size_t>(action)]);
  ++stats_.steps;
  const double util_now = in_use_fraction();
  const Time t0 = engine_->now();
  const double cap_us_gpu = static_cast<double>(engine_->cluster().total_capacity().gpu_milli);
  const double used0 = cap_us_gpu > 0 ? engine_->used_gpu_milli_us() : engine_->used_core_us();
  advance_to_decision();

  double r = 0;
  const double dt = static_cast<double>((engine_->now() - t0).us());
  double util = util_now;
  if (dt > 0) {
    const double cap = cap_us_gpu > 0 ? cap_us_gpu : static_cast<double>(engine_->cluster().total_capacity().cores);
    const double used1 = cap_us_gpu > 0 ? engine_->used_gpu_milli_us() : engine_->used_core_us();
    util = cap > 0 ? (used1 - used0) / (cap * dt) : 0.0;
  }
  const double util_term = util / static_cast<double>(config_.episode_jobs);
  const double active = engine_->active_job_us();
  switch (reward_kind_) {
    case kJct:
      r = -(active - last_active_us_) / (static_cast<double>(config_.episode_jobs) * mean_runtime_us_);
      break;
    case kUtil: r = util_term; break;
    case kMix: r = config_.beta * util_term; break;
    default: break;
  }
  last_active_us_ = active;
  if (done_) {
    if (reward_kind_ == kBsld) r += -stats_.mean_bsld;
    if (reward_kind_ == kMix) r += -config_.alpha * stats_.mean_bsld;
  }
  stats_.ret += r;
  return {static_cast<float>(r), done_};
}

void SchedulingEnv::finish_episode() {
  done_ = true;
  std::fill(mask_.begin(), mask_.end(), 0);
  const EngineView& v = *engine_;
  double bsld = 0, jct = 0, wait = 0;
  Time first = Time::max(), last = Time::zero();
  for (size_t i = 0; i < v.num_jobs(); ++i) {
    const JobId j(static_cast<uint32_t>(i));
    const JobRecord& rec = v.record(j);
    if (rec.state == JobState::Rejected) ++stats_.rejected;
    if (rec.state != JobState::Finished) continue;
    const JobMetrics m = job_metrics(v.spec(j), rec);
    ++stats_.finished;
    bsld += m.bounded_slowdown;
    jct += m.turnaround;
    wait += m.wait;
    first = std::min(first, v.spec(j).submit);
    last = std::max(last, rec.end);
  }
  if (stats_.finished > 0) {
    const double n = static_cast<double>(stats_.finished);
    stats_.mean_bsld = bsld / n;
    stats_.mean_jct_s = jct / n;
    stats_.mean_wait_s = wait / n;
    stats_.makespan_s = (last - first).seconds();
    const Resources cap = v.cluster().total_capacity();
    const double span_us = static_cast<double>((last - first).us());
    if (span_us > 0)
      stats_.utilisation = cap.gpu_milli > 0 ? v.used_gpu_milli_us() / (static_cast<double>(cap.gpu_milli) * span_us)
                                             : v.used_core_us() / (static_cast<double>(cap.cores) * span_us);
  }
}

std::string exact(double v) {
  char buf[32];
  const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;  // the shortest text that reads back
  return std::string(buf, end);
}

void expect_same_settings(StateReader& r, const Settings& now, const std::string& what) {
  Settings saved;
  r.get(saved);
  for (size_t i = 0; i < now.size(); ++i) {
    if (i >= saved.size() || saved[i].first != now[i].first)
      r.mismatch("the list of " + what + "s (a checkpoint of another version)");
    if (saved[i].second != now[i].second)
      r.mismatch("the " + what + " '" + now[i].first + "' (checkpoint: " + saved[i].second + ", now: " +
                 now[i].second + ")");
  }
  if (saved.size() != now.size()) r.mismatch("the list of " + what + "s (a checkpoint of another version)");
}

namespace {
// What an environment's checkpoint must share with the environment it is restored onto.
Settings env_settings(const EnvConfig& c) {
  return {{"window", std::to_string(c.window)},   {"episode_jobs", std::to_string(c.episode_jobs)},
          {"reward", c.reward},                    {"alpha", exact(c.alpha)},
          {"beta", exact(c.beta)},                 {"agents", c.agents},
          {"estimate", c.estimate},                {"split", std::string(to_string(c.split))}};
}
}  // namespace

void SchedulingEnv::save(StateWriter& w) const {
  w.section("scheduling env");
  w.put(env_settings(config_));
  w.put(engine_ != nullptr);
  if (engine_) {
    w.put(offset_);
    engine_->save(w);
    w.put(agent_);
    w.put(next_agent_);
    w.put(done_);
    w.put(last_active_us_);
    w.put(last_used_);
    w.put(last_time_);
    w.put(stats_);
    w.put(obs_);
    w.put(mask_);
    w.put(slots_);
  }
  features_.save(w);
}

void SchedulingEnv::restore(StateReader& r) {
  r.section("scheduling env");
  expect_same_settings(r, env_settings(config_), "environment setting");
  if (r.get<bool>()) {
    const int64_t offset = r.get<int64_t>();
    if (offset < 0 || offset + config_.episode_jobs > static_cast<int64_t>(source_->workload.jobs.size()))
      r.corrupt("an environment's window offset");
    open_window(offset);
    engine_->restore(r);
    r.get(agent_);
    r.get(next_agent_);
    r.get(done_);
    r.get(last_active_us_);
    r.get(last_used_);
    r.get(last_time_);
    r.get(stats_);
    r.get(obs_);
    r.get(mask_);
    r.get(slots_);
    const size_t k = static_cast<size_t>(config_.window);
    if (obs_.size() != static_cast<size_t>(features_.obs_dim()) || mask_.size() != k || slots_.size() != k ||
        agent_ < 0 || agent_ >= features_.num_agents() || next_agent_ < 0 || next_agent_ >= features_.num_agents())
      r.corrupt("an environment's observation");
    for (JobId j : slots_)
      if (j != JobId::invalid() && j.value() >= engine_->num_jobs()) r.corrupt("an environment's window slot");
  } else {
    engine_.reset();
    done_ = true;
  }
  features_.restore(r);
}

void SchedulingEnv::write(float* obs, uint8_t* mask) const {
  std::copy(obs_.begin(), obs_.end(), obs);
  std::copy(mask_.begin(), mask_.end(), mask);
}

}  // namespace clustersim::rl
