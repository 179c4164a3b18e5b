#include "policies/predict/estimates.hpp"

#include <algorithm>
#include <cmath>

#include "sim/error.hpp"
#include "sim/suggest.hpp"

namespace clustersim {

void PredictionStats::add(double p, double r) {
  ++jobs;
  sum_abs_error_s += std::abs(p - r);
  const double hi = std::max(p, r);
  sum_accuracy += hi > 0 ? std::min(p, r) / hi : 1.0;
  under += p < r ? 1 : 0;
}

RuntimeEstimates::RuntimeEstimates() = default;
RuntimeEstimates::RuntimeEstimates(RuntimeEstimates&&) noexcept = default;
RuntimeEstimates& RuntimeEstimates::operator=(RuntimeEstimates&&) noexcept = default;
RuntimeEstimates::~RuntimeEstimates() = default;

RuntimeEstimates RuntimeEstimates::oracle() {
  RuntimeEstimates e;
  e.kind_ = EstimateKind::Runtime;
  return e;
}

RuntimeEstimates RuntimeEstimates::predicted(std::unique_ptr<RuntimePredictor> predictor) {
  RuntimeEstimates e;
  e.kind_ = EstimateKind::Predicted;
  e.predictor_ = std::move(predictor);
  return e;
}

std::vector<std::string> RuntimeEstimates::names() {
  std::vector<std::string> n{"requested", "runtime"};
  for (const auto& p : PredictorRegistry::builtin().all()) n.push_back(p.name);
  return n;
}

const char* RuntimeEstimates::param_description() {
  return "runtime estimates: requested (requested time), runtime (oracle, for upper bounds), user-mean2 or mlp "
         "(predictors trained online from finished jobs; docs/predictors.md)";
}

RuntimeEstimates RuntimeEstimates::by_name(const std::string& name, const std::string& where) {
  if (name == "requested") return RuntimeEstimates();
  if (name == "runtime") return oracle();
  if (const PredictorInfo* p = PredictorRegistry::builtin().find(name)) return predicted(p->make());
  std::string msg = where + ": unknown estimate source '" + name + "'" + did_you_mean(name, names());
  if (name == "mlp") msg += " (mlp needs the libtorch RL library: this program did not register it)";
  throw InputError(msg);
}

std::string RuntimeEstimates::name() const {
  switch (kind_) {
    case EstimateKind::Requested: return "requested";
    case EstimateKind::Runtime: return "runtime";
    case EstimateKind::Predicted: return predictor_->name();
  }
  return "?";
}

void RuntimeEstimates::reset(const EngineView& v) {
  seen_arrived_ = 0;
  seen_finished_ = 0;
  stats_ = PredictionStats{};
  predicted_.clear();
  if (kind_ != EstimateKind::Predicted) return;
  predicted_.resize(v.num_jobs());
  for (size_t i = 0; i < v.num_jobs(); ++i) predicted_[i] = v.specs()[i].walltime;
}

bool RuntimeEstimates::checkpointable() const {
  return kind_ != EstimateKind::Predicted || predictor_->checkpointable();
}

void RuntimeEstimates::save(StateWriter& w) const {
  w.section("estimates " + name());
  w.put(predicted_);
  w.put(seen_arrived_);
  w.put(static_cast<uint64_t>(seen_finished_));
  w.put(stats_);
  if (kind_ == EstimateKind::Predicted) predictor_->save(w);
}

void RuntimeEstimates::restore(StateReader& r) {
  r.section("estimates " + name());
  r.get(predicted_);
  r.get(seen_arrived_);
  seen_finished_ = static_cast<size_t>(r.get<uint64_t>());
  r.get(stats_);
  if (kind_ == EstimateKind::Predicted) predictor_->restore(r);
}

void RuntimeEstimates::learn(const EngineView& v, JobId j) {
  const JobSpec& s = v.spec(j);
  stats_.add(predicted_[j.value()].seconds(), s.runtime.seconds());
  predictor_->learn(submit_info(j, s), s.runtime.seconds());
}

void RuntimeEstimates::sync(const EngineView& v) {
  if (kind_ != EstimateKind::Predicted) return;
  const auto finished = v.finished_log();
  const uint32_t arrived = v.arrived();
  while (seen_arrived_ < arrived) {
    const Time t = v.spec(JobId(seen_arrived_)).submit;
    // The history as of time t: every job that had finished by then (finished_log is in
    // finish order), and nothing that finished later, even if the call comes later.
    while (seen_finished_ < finished.size() && v.record(finished[seen_finished_]).end <= t)
      learn(v, finished[seen_finished_++]);
    batch_.clear();
    for (; seen_arrived_ < arrived && v.spec(JobId(seen_arrived_)).submit == t; ++seen_arrived_) {
      const JobId j(seen_arrived_);
      if (v.state(j) != JobState::Rejected) batch_.push_back(submit_info(j, v.spec(j)));
    }
    batch_out_.assign(batch_.size(), 0.0);
    predictor_->predict(batch_, batch_out_);
    for (size_t i = 0; i < batch_.size(); ++i) {
      const Time req = batch_[i].requested;
      const double p = std::isfinite(batch_out_[i]) ? batch_out_[i] : req.seconds();
      const Time floor = std::min(req, Time::from_seconds(1));
      predicted_[batch_[i].job.value()] =
          std::clamp(Time::from_us(static_cast<int64_t>(std::min(p, 1e12) * 1e6)), floor, req);
    }
  }
  while (seen_finished_ < finished.size()) learn(v, finished[seen_finished_++]);
}

Time RuntimeEstimates::total(const EngineView& v, JobId j) const {
  switch (kind_) {
    case EstimateKind::Requested: return v.spec(j).walltime;
    case EstimateKind::Runtime: return v.spec(j).runtime;
    case EstimateKind::Predicted: return predicted_[j.value()];
  }
  return v.spec(j).walltime;
}

Time RuntimeEstimates::corrected(const EngineView& v, JobId j, Time done) const {
  Time e = total(v, j);
  if (kind_ != EstimateKind::Predicted) return e;
  const Time req = v.spec(j).walltime;
  while (e <= done && e < req) e = std::min(req, Time::from_us(e.us() * 2));
  return e;
}

Time RuntimeEstimates::remaining(const EngineView& v, JobId j) const {
  const JobSpec& s = v.spec(j);
  const double done = static_cast<double>(s.runtime.us()) - v.record(j).remaining_us;
  const int64_t done_us = static_cast<int64_t>(done);
  return Time::from_us(std::max<int64_t>(1, corrected(v, j, Time::from_us(done_us)).us() - done_us));
}

RuntimeEstimates::RunningEnd RuntimeEstimates::running_end(const EngineView& v, JobId j) const {
  const JobRecord& r = v.record(j);
  if (kind_ == EstimateKind::Requested) return {r.expected_end};
  // The engine's expected_end is last_start + (walltime - work done before this start); an
  // estimate e replaces walltime there.
  const Time req = v.spec(j).walltime;
  auto end_with = [&](Time e) { return std::max(r.last_start, r.expected_end - (req - e)); };
  Time e = total(v, j);
  if (kind_ == EstimateKind::Runtime) return {end_with(e)};
  while (end_with(e) <= v.now() && e < req) e = std::min(req, Time::from_us(e.us() * 2));
  const Time end = end_with(e);
  return {end, e < req && end > v.now() ? end : Time::max()};
}

void RunningEnds::save(StateWriter& w) const {
  w.section("running ends");
  w.put(entries_);
  w.put(listed_);
}

void RunningEnds::restore(StateReader& r) {
  r.section("running ends");
  r.get(entries_);
  r.get(listed_);
}

void RunningEnds::reset(const EngineView& v) {
  entries_.clear();
  listed_.assign(v.num_jobs(), 0);
}

std::span<const RunningEnds::Entry> RunningEnds::update(const EngineView& v, const RuntimeEstimates& estimates) {
  if (listed_.size() != v.num_jobs()) reset(v);
  const Time now = v.now();
  // Keep the entries whose job still runs on the same plan with an estimate not yet expired.
  size_t kept = 0;
  for (const Entry& e : entries_) {
    const JobRecord& r = v.record(e.job);
    if (r.state == JobState::Running && r.version == e.version && e.expires > now) entries_[kept++] = e;
    else listed_[e.job.value()] = 0;
  }
  entries_.resize(kept);
  // (Re)compute the running jobs without one (each entry is a distinct running job: when
  // there are as many entries as running jobs, none is missing).
  if (kept == v.running_by_expected_end().size()) return entries_;
  for (JobId j : v.running_by_expected_end()) {
    if (listed_[j.value()]) continue;
    const RuntimeEstimates::RunningEnd re = estimates.running_end(v, j);
    const Entry e{re.end, j, re.expires, v.spec(j).total(), v.record(j).version};
    auto at = std::lower_bound(entries_.begin(), entries_.end(), e, [](const Entry& a, const Entry& b) {
      return a.end != b.end ? a.end < b.end : a.job < b.job;
    });
    entries_.insert(at, e);
    listed_[j.value()] = 1;
  }
  return entries_;
}

}  // namespace clustersim
