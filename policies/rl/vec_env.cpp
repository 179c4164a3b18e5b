#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "policies/rl/env.hpp"
#include "sim/error.hpp"
#include "workloads/random.hpp"

namespace clustersim::rl {

// A fixed pool: run(n, f) calls f(i) for i in [0, n) split into contiguous blocks, one per
// thread (the caller's thread takes the first block), and returns when all are done.
struct VecEnv::Pool {
  explicit Pool(int32_t threads) {
    for (int32_t t = 1; t < threads; ++t) workers.emplace_back([this, t] { work(t); });
    size = threads;
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
      ++generation;
    }
    cv.notify_all();
    for (auto& w : workers) w.join();
  }
  template <class F>
  void run(int32_t n, F&& f) {
    {
      std::lock_guard<std::mutex> lock(mu);
      task = [&f](int32_t i) { f(i); };
      count = n;
      pending = size - 1;
      error = nullptr;
      ++generation;
    }
    cv.notify_all();
    std::exception_ptr mine;
    try {
      block(0);
    } catch (...) {
      mine = std::current_exception();
    }
    std::unique_lock<std::mutex> lock(mu);
    done_cv.wait(lock, [this] { return pending == 0; });
    task = nullptr;
    if (mine) std::rethrow_exception(mine);
    if (error) std::rethrow_exception(error);
  }
  void block(int32_t t) {
    const int32_t lo = count * t / size, hi = count * (t + 1) / size;
    for (int32_t i = lo; i < hi; ++i) task(i);
  }
  void work(int32_t t) {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return generation != seen; });
        seen = generation;
        if (stop) return;
      }
      std::exception_ptr e;
      try {
        block(t);
      } catch (...) {
        e = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> lock(mu);
        if (e && !error) error = e;
        if (--pending == 0) done_cv.notify_one();
      }
    }
  }
  std::vector<std::thread> workers;
  std::mutex mu;
  std::condition_variable cv, done_cv;
  std::function<void(int32_t)> task;
  std::exception_ptr error;
  uint64_t generation = 0;
  int32_t count = 0, pending = 0, size = 1;
  bool stop = false;
};

namespace {
// An episode in which no agent ever acts (every job rejected, say) is skipped; a source with
// nothing but such windows is an input error, not a hang.
void skip_empty(SchedulingEnv& e, uint64_t& seed) {
  for (int tries = 0; e.done(); ++tries) {
    if (tries == 1000)
      throw InputError("vec env: 1000 episodes of '" + e.source().workload.name +
                       "' in a row gave no decision to make (do its jobs fit the cluster?)");
    e.reset(seed = splitmix64(seed));
  }
}
}  // namespace

VecEnv::VecEnv(std::shared_ptr<const EpisodeSource> source, EnvConfig config, int32_t num_envs, int32_t threads) {
  if (num_envs < 1) throw InputError("vec env: num_envs must be >= 1 (got " + std::to_string(num_envs) + ")");
  if (threads < 1) throw InputError("vec env: threads must be >= 1 (got " + std::to_string(threads) + ")");
  for (int32_t i = 0; i < num_envs; ++i) envs_.push_back(std::make_unique<SchedulingEnv>(source, config));
  obs_dim_ = envs_[0]->obs_dim();
  k_ = envs_[0]->num_actions();
  const size_t m = static_cast<size_t>(num_envs);
  obs_.assign(m * static_cast<size_t>(obs_dim_), 0.0f);
  mask_.assign(m * static_cast<size_t>(k_), 0);
  rewards_.assign(m, 0.0f);
  dones_.assign(m, 0);
  agents_.assign(m, 0);
  seeds_.assign(m, 0);
  finished_.resize(m);
  threads = std::min(threads, num_envs);
  if (threads > 1) pool_ = std::make_unique<Pool>(threads);
}

VecEnv::~VecEnv() = default;

void VecEnv::reset(uint64_t seed, int64_t first_index) {
  for (size_t i = 0; i < envs_.size(); ++i) {
    // Each environment draws its episodes from its own stream of seeds.
    seeds_[i] = splitmix64(seed + 0x632be59bd9b4e019ULL * (static_cast<uint64_t>(first_index) + i + 1));
    envs_[i]->reset(seeds_[i]);
    skip_empty(*envs_[i], seeds_[i]);
    envs_[i]->write(&obs_[i * static_cast<size_t>(obs_dim_)], &mask_[i * static_cast<size_t>(k_)]);
    agents_[i] = envs_[i]->agent();
    rewards_[i] = 0;
    dones_[i] = 0;
    finished_[i].clear();
  }
}

void VecEnv::step_one(int32_t i, int32_t action) {
  const size_t u = static_cast<size_t>(i);
  SchedulingEnv& e = *envs_[u];
  const StepResult r = e.step(action);
  rewards_[u] = r.reward;
  dones_[u] = r.done ? 1 : 0;
  if (r.done) {
    finished_[u].push_back(e.stats());
    e.reset(seeds_[u] = splitmix64(seeds_[u]));
    skip_empty(e, seeds_[u]);
  }
  e.write(&obs_[u * static_cast<size_t>(obs_dim_)], &mask_[u * static_cast<size_t>(k_)]);
  agents_[u] = e.agent();
}

void VecEnv::step(std::span<const int32_t> actions) {
  if (actions.size() != envs_.size())
    throw InputError("vec env: " + std::to_string(actions.size()) + " actions for " + std::to_string(envs_.size()) +
                     " environments");
  if (pool_) {
    pool_->run(num_envs(), [this, actions](int32_t i) { step_one(i, actions[static_cast<size_t>(i)]); });
  } else {
    for (int32_t i = 0; i < num_envs(); ++i) step_one(i, actions[static_cast<size_t>(i)]);
  }
}

namespace {
// The workload episodes are cut from, and its splits: a checkpoint of environments over
// another workload is refused (each engine's fingerprint covers only its own window).
uint64_t source_fingerprint(const EpisodeSource& s) {
  uint64_t h = hash_bytes("episode source");
  auto mix = [&h](const auto& v) {
    h = hash_bytes(std::string_view(reinterpret_cast<const char*>(&v), sizeof v), h);
  };
  mix(s.workload.jobs.size());
  for (const JobSpec& j : s.workload.jobs) {
    mix(j.submit);
    mix(j.runtime);
    mix(j.walltime);
    mix(j.tasks);
    mix(j.per_task);
    mix(j.user);
    mix(j.job_type);
    h = hash_bytes(j.gpu_model, h);
  }
  mix(s.train_fraction);
  mix(s.validation_fraction);
  return h;
}
}  // namespace

void VecEnv::save(StateWriter& w) const {
  w.section("vec env");
  w.put(static_cast<uint64_t>(envs_.size()));
  w.put(source_fingerprint(envs_[0]->source()));
  for (const auto& e : envs_) e->save(w);  // first: their settings are checked first
  w.put(seeds_);
  w.put(finished_);
  w.put(obs_);
  w.put(mask_);
  w.put(rewards_);
  w.put(dones_);
  w.put(agents_);
  w.section("vec env end");
}

void VecEnv::restore(StateReader& r) {
  r.section("vec env");
  r.expect_same(r.get<uint64_t>(), static_cast<uint64_t>(envs_.size()), "the number of environments (num_envs)");
  r.expect_same(r.get<uint64_t>(), source_fingerprint(envs_[0]->source()),
                "the workload (its jobs or the split fractions)");
  for (auto& e : envs_) e->restore(r);
  const size_t m = envs_.size();
  r.get(seeds_);
  r.get(finished_);
  r.get(obs_);
  r.get(mask_);
  r.get(rewards_);
  r.get(dones_);
  r.get(agents_);
  if (seeds_.size() != m || finished_.size() != m || obs_.size() != m * static_cast<size_t>(obs_dim_) ||
      mask_.size() != m * static_cast<size_t>(k_) || rewards_.size() != m || dones_.size() != m || agents_.size() != m)
    r.corrupt("the environments' batches");
  r.section("vec env end");
}

std::vector<EpisodeStats> VecEnv::take_finished() {
  std::vector<EpisodeStats> out;
  for (auto& f : finished_) {
    out.insert(out.end(), f.begin(), f.end());
    f.clear();
  }
  return out;
}

}  // namespace clustersim::rl
