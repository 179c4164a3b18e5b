#pragma once
// Where a policy's runtime estimates come from (docs/predictors.md), chosen by name with the
// policy parameter `estimate`:
//   requested   the user's requested time (SWF field 9): the default everywhere, exactly the
//               engine's estimate (EngineView::running_by_expected_end)
//   runtime     the real runtime: an oracle, for upper bounds; the only source that peeks
//   <predictor> a RuntimePredictor of PredictorRegistry::builtin() (user-mean2, and mlp once
//               the RL library is registered), trained online from finished jobs
//
// A predictor's estimate of a job is made once, as of its submit time (sync() predicts each
// arrival with the history of exactly the jobs that had finished by then), and capped to
// [min(1 s, requested), requested]: the requested time is the user's upper bound.
//
// Correction (Tsafrir, Etsion & Feitelson, IEEE TPDS 2007, "prediction correction"): jobs
// are never killed, so a running job may outlive its estimate. Its estimate is then doubled,
// again and again (capped at the requested time), until it lies in the future: a job that
// outlived k corrections is expected to run 2^k x its prediction. The correction is a pure
// function of the prediction and the time the job has run, so every decision point sees the
// same corrected ends without state; `expires` tells a reservation policy when the current
// correction runs out (it asks to be woken then, to recompute its reservation).
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "policies/predict/predictor.hpp"
#include "sim/view.hpp"

namespace clustersim {

enum class EstimateKind : uint8_t { Requested, Runtime, Predicted };

// Accuracy of the estimates of finished jobs (p = estimate at submission, r = real runtime).
struct PredictionStats {
  int64_t jobs = 0;
  double sum_abs_error_s = 0;  // sum |p - r|
  double sum_accuracy = 0;     // sum min(p, r) / max(p, r): 1 = exact (Tsafrir et al.'s accuracy)
  int64_t under = 0;           // jobs with p < r
  void add(double p, double r);
  double mean_abs_error_s() const { return jobs ? sum_abs_error_s / static_cast<double>(jobs) : 0; }
  double mean_accuracy() const { return jobs ? sum_accuracy / static_cast<double>(jobs) : 0; }
};

class RuntimeEstimates {
 public:
  RuntimeEstimates();  // requested
  static RuntimeEstimates oracle();
  static RuntimeEstimates predicted(std::unique_ptr<RuntimePredictor> predictor);
  // requested | runtime | a predictor's name. Throws InputError naming `where` (e.g.
  // "policy easy: parameter 'estimate'") with a "did you mean" for an unknown name.
  static RuntimeEstimates by_name(const std::string& name, const std::string& where);
  // Every name by_name accepts now.
  static std::vector<std::string> names();
  // One line for a policy's parameter list.
  static const char* param_description();

  RuntimeEstimates(RuntimeEstimates&&) noexcept;
  RuntimeEstimates& operator=(RuntimeEstimates&&) noexcept;
  ~RuntimeEstimates();

  EstimateKind kind() const { return kind_; }
  bool is_requested() const { return kind_ == EstimateKind::Requested; }
  std::string name() const;

  void reset(const EngineView& view);
  // Predicted kind: learns from the jobs that finished and predicts the jobs that arrived
  // since the last call, each arrival with the history of the jobs that had finished by its
  // submit time, jobs submitted at one instant in one batch. Other kinds: nothing to do.
  void sync(const EngineView& view);

  // The job's whole runtime as estimated at its submission (nominal speed).
  Time total(const EngineView& view, JobId j) const;
  // The estimate corrected for work already done (see the header comment): the first of
  // total, 2 total, 4 total, ... (capped at requested) that exceeds `done`.
  Time corrected(const EngineView& view, JobId j, Time done) const;
  // What a queued job still has to run: the corrected estimate minus its work done so far
  // (re-queued jobs have some), at least 1 us. Requested: walltime - done, as the engine.
  Time remaining(const EngineView& view, JobId j) const;

  struct RunningEnd {
    Time end;                   // start + corrected estimate (may be <= now past the requested time)
    Time expires = Time::max(); // when this corrected estimate runs out (max: it cannot grow)
  };
  // A running job's estimated end under this source. Requested: the engine's expected_end.
  RunningEnd running_end(const EngineView& view, JobId j) const;

  const PredictionStats& stats() const { return stats_; }

  // Checkpoints: every kind but a predictor that cannot be checkpointed (its name then).
  bool checkpointable() const;
  void save(StateWriter& w) const;
  void restore(StateReader& r);

 private:
  void learn(const EngineView& view, JobId j);

  EstimateKind kind_ = EstimateKind::Requested;
  std::unique_ptr<RuntimePredictor> predictor_;
  std::vector<Time> predicted_;  // by JobId, capped; requested until predicted
  uint32_t seen_arrived_ = 0;
  size_t seen_finished_ = 0;
  std::vector<SubmitInfo> batch_;
  std::vector<double> batch_out_;
  PredictionStats stats_;
};

// The running jobs ordered by their estimated end under a source (RuntimeEstimates::running_end),
// then by JobId, kept across decision points: a reservation policy walks the first few. update()
// brings it up to date with the engine at the cost of one look per entry and per running job,
// recomputing only the ends that changed: jobs that started (or were re-planned: the engine
// bumped JobRecord::version) and corrections that expired (expires <= now); jobs that stopped
// running leave. An end depends only on the job's start, its engine plan and the prediction,
// and stays valid until it expires, so the order is the one sorting every end afresh gives.
class RunningEnds {
 public:
  struct Entry {
    Time end;          // RuntimeEstimates::RunningEnd::end
    JobId job;
    Time expires;      // RuntimeEstimates::RunningEnd::expires: max, or at least end
    Resources need;    // what the job holds (tasks x per_task)
    uint32_t version;  // the engine's plan the end was computed for (JobRecord::version)
  };
  void reset(const EngineView& view);
  // The running jobs now, by (end, job). Valid until the next update.
  std::span<const Entry> update(const EngineView& view, const RuntimeEstimates& estimates);
  void save(StateWriter& w) const;
  void restore(StateReader& r);

 private:
  std::vector<Entry> entries_;
  std::vector<uint8_t> listed_;  // by JobId: 1 while the job has an entry
};

}  // namespace clustersim
