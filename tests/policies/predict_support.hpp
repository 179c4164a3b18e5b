#pragma once
// Test predictors and helpers for the runtime predictor tests (policies/predict/).
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "policies/batch.hpp"
#include "policies/predict/estimates.hpp"
#include "sim/engine.hpp"
#include "traces/swf.hpp"
#include "workloads/transforms.hpp"

namespace clustersim::testing {

// Predicts whatever a function of the submit info says (a test may make it cheat on purpose,
// e.g. from a table of real runtimes by JobId).
class FnPredictor : public RuntimePredictor {
 public:
  explicit FnPredictor(std::function<double(const SubmitInfo&)> f) : f_(std::move(f)) {}
  std::string name() const override { return "fn"; }
  void predict(std::span<const SubmitInfo> jobs, std::span<double> out) override {
    for (size_t i = 0; i < jobs.size(); ++i) out[i] = f_(jobs[i]);
  }
  void learn(const SubmitInfo&, double) override {}

 private:
  std::function<double(const SubmitInfo&)> f_;
};

// Wraps a predictor and checks the no-peeking rules against the engine: learn() only for a
// finished job, at or after its end; predict() only with a history of jobs that ended by the
// predicted job's submit time. Records every prediction (capped later by the caller: these
// are raw) by JobId.
class SpyPredictor : public RuntimePredictor {
 public:
  struct Log {
    const EngineView* view = nullptr;
    std::map<uint32_t, double> predictions;
    int64_t learned = 0, violations = 0;
    Time latest_learned_end;
  };
  SpyPredictor(std::unique_ptr<RuntimePredictor> inner, std::shared_ptr<Log> log)
      : inner_(std::move(inner)), log_(std::move(log)) {}
  std::string name() const override { return inner_->name(); }
  void predict(std::span<const SubmitInfo> jobs, std::span<double> out) override {
    inner_->predict(jobs, out);
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (log_->latest_learned_end > jobs[i].submit) ++log_->violations;
      log_->predictions[jobs[i].job.value()] = out[i];
    }
  }
  void learn(const SubmitInfo& job, double runtime_s) override {
    const EngineView& v = *log_->view;
    if (v.state(job.job) != JobState::Finished || v.now() < v.record(job.job).end) ++log_->violations;
    log_->latest_learned_end = std::max(log_->latest_learned_end, v.record(job.job).end);
    ++log_->learned;
    inner_->learn(job, runtime_s);
  }

 private:
  std::unique_ptr<RuntimePredictor> inner_;
  std::shared_ptr<Log> log_;
};

// The first n jobs of a trace in tests/data.
inline Workload trace_window(const std::string& file, int64_t n) {
  return take(read_swf(std::string(CLUSTERSIM_TEST_DATA_DIR) + "/" + file), n);
}

// EASY (FCFS order) over the jobs with the given estimates on a pool; the engine after the run.
inline std::unique_ptr<Engine> run_easy(int64_t procs, std::vector<JobSpec> jobs, RuntimeEstimates estimates,
                                        Reservation reservation = Reservation::Estimate,
                                        QueueOrder order = QueueOrder::Fcfs) {
  auto e = std::make_unique<Engine>(Cluster::homogeneous(1, Resources{procs, 0, 0}), std::move(jobs),
                                    EngineConfig{.check_invariants = true});
  BatchPolicy p("easy", {.order = order, .backfill = Backfill::Easy, .reservation = reservation}, std::move(estimates));
  e->run(p);
  return e;
}

}  // namespace clustersim::testing
