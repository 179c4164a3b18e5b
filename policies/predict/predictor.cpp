#include "policies/predict/predictor.hpp"

#include <algorithm>
#include <stdexcept>

namespace clustersim {

SubmitInfo submit_info(JobId job, const JobSpec& s) {
  SubmitInfo i;
  i.job = job;
  i.submit = s.submit;
  i.requested = s.walltime;
  i.tasks = s.tasks;
  i.per_task = s.per_task;
  i.user = s.user;
  i.group = s.group;
  i.queue = s.queue;
  i.partition = s.partition;
  i.job_type = s.job_type;
  return i;
}

void UserHistory::add(int32_t user, double runtime_s) {
  Ring& r = users_[user];
  r.v[r.next] = runtime_s;
  r.next = (r.next + 1) % kKeep;
  r.count = std::min(r.count + 1, kKeep);
}

int UserHistory::last(int32_t user, int n, double* out) const {
  auto it = users_.find(user);
  if (it == users_.end()) return 0;
  const Ring& r = it->second;
  const int k = std::min({n, r.count, kKeep});
  for (int i = 0; i < k; ++i) out[i] = r.v[(r.next - 1 - i + kKeep) % kKeep];
  return k;
}

void UserHistory::save(StateWriter& w) const {
  w.section("user history");
  std::vector<int32_t> users;
  users.reserve(users_.size());
  for (const auto& [u, ring] : users_) users.push_back(u);
  std::sort(users.begin(), users.end());
  w.put(static_cast<uint64_t>(users.size()));
  for (int32_t u : users) {
    const Ring& ring = users_.at(u);
    w.put(u);
    for (double v : ring.v) w.put(v);
    w.put(ring.count);
    w.put(ring.next);
  }
}

void UserHistory::restore(StateReader& r) {
  r.section("user history");
  users_.clear();
  const uint64_t n = r.get<uint64_t>();
  for (uint64_t i = 0; i < n; ++i) {
    const int32_t u = r.get<int32_t>();
    Ring ring;
    for (double& v : ring.v) r.get(v);
    r.get(ring.count);
    r.get(ring.next);
    if (ring.count < 0 || ring.count > kKeep || ring.next < 0 || ring.next >= kKeep) r.corrupt("a user's history");
    users_[u] = ring;
  }
}

void UserMean2Predictor::predict(std::span<const SubmitInfo> jobs, std::span<double> seconds) {
  for (size_t i = 0; i < jobs.size(); ++i) {
    double last[2];
    const int n = jobs[i].user < 0 ? 0 : history_.last(jobs[i].user, 2, last);
    seconds[i] = n == 0 ? jobs[i].requested.seconds() : n == 1 ? last[0] : (last[0] + last[1]) / 2;
  }
}

void UserMean2Predictor::learn(const SubmitInfo& job, double runtime_s) {
  if (job.user >= 0) history_.add(job.user, runtime_s);
}

// ---------------------------------------------------------------------------------------------

namespace {
PredictorRegistry& builtin_registry() {
  static PredictorRegistry registry = [] {
    PredictorRegistry r;
    r.add({"user-mean2",
           "mean of the user's last two runtimes (Tsafrir, Etsion & Feitelson 2007); the requested time without history",
           [] { return std::make_unique<UserMean2Predictor>(); }});
    return r;
  }();
  return registry;
}
}  // namespace

const PredictorRegistry& PredictorRegistry::builtin() { return builtin_registry(); }

void PredictorRegistry::extend_builtin(const std::function<void(PredictorRegistry&)>& add) { add(builtin_registry()); }

void PredictorRegistry::add(PredictorInfo info) {
  if (find(info.name)) throw std::logic_error("predictor '" + info.name + "' registered twice");
  entries_.push_back(std::move(info));
}

const PredictorInfo* PredictorRegistry::find(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

std::vector<std::string> PredictorRegistry::names() const {
  std::vector<std::string> n;
  for (const auto& e : entries_) n.push_back(e.name);
  return n;
}

}  // namespace clustersim
