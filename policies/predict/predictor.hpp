#pragma once
// Runtime predictors (docs/predictors.md): models that guess a job's runtime from what is
// known when it is submitted, and learn online, inside the simulation, from the jobs that
// have finished so far.
//
// No peeking, by construction: a predictor never sees a JobSpec. predict() receives a
// SubmitInfo, which holds only submit-time fields (no runtime, no exit status), and learn()
// is the only way a real runtime reaches it; RuntimeEstimates (estimates.hpp) calls learn()
// for a job only once the job has finished, and predicts each job with exactly the history
// of the jobs that had finished by its submit time (tests/policies/predict_no_peeking_test).
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/ids.hpp"
#include "sim/job.hpp"
#include "sim/state_io.hpp"

namespace clustersim {

// What the scheduler knows about a job when it is submitted. `requested` is the user's
// requested time (the SWF field 9, else the runtime when a trace has none).
struct SubmitInfo {
  JobId job;  // for bookkeeping (caches, tests); a predictor has no way to look it up
  Time submit;
  Time requested;
  int32_t tasks = 1;
  Resources per_task;
  int32_t user = -1, group = -1, queue = -1, partition = -1, job_type = -1;

  Resources total() const { return per_task * tasks; }
};

// The submit-time part of a job's spec (drops runtime and status).
SubmitInfo submit_info(JobId job, const JobSpec& spec);

class RuntimePredictor {
 public:
  virtual ~RuntimePredictor() = default;
  virtual std::string name() const = 0;
  // Predicted runtimes in seconds at nominal speed, one per job, from the jobs' submit-time
  // information and what learn() was given so far. Raw values: the caller caps them to
  // [1 s, requested]. A batch holds jobs submitted at the same instant (no learn() between).
  virtual void predict(std::span<const SubmitInfo> jobs, std::span<double> seconds) = 0;
  // A finished job's real runtime in seconds at nominal speed. Called once per finished job,
  // in finish order, never before the job's end.
  virtual void learn(const SubmitInfo& job, double runtime_s) = 0;
  // Checkpoints: whether save/restore keep everything learned so far (a predictor that cannot
  // keeps false; a run that asks for checkpoints then refuses it up front).
  virtual bool checkpointable() const { return false; }
  virtual void save(StateWriter& w) const { (void)w; }
  virtual void restore(StateReader& r) { (void)r; }
};

// The last few runtimes of each user (a ring per user), for predictors' features.
class UserHistory {
 public:
  static constexpr int kKeep = 4;
  void add(int32_t user, double runtime_s);
  // The user's last `n` (<= kKeep) runtimes, newest first; fewer if the user has fewer.
  int last(int32_t user, int n, double* out) const;
  void save(StateWriter& w) const;  // users in increasing order: the bytes are deterministic
  void restore(StateReader& r);

 private:
  struct Ring {
    double v[kKeep] = {};
    int count = 0, next = 0;
  };
  std::unordered_map<int32_t, Ring> users_;
};

// user-mean2 (Tsafrir, Etsion & Feitelson, "Backfilling using system-generated predictions
// rather than user runtime estimates", IEEE TPDS 18(6), 2007): the mean of the user's last
// two runtimes (the last one if the user has one); the requested time when the user has no
// history or is unknown (-1).
class UserMean2Predictor : public RuntimePredictor {
 public:
  std::string name() const override { return "user-mean2"; }
  void predict(std::span<const SubmitInfo> jobs, std::span<double> seconds) override;
  void learn(const SubmitInfo& job, double runtime_s) override;
  bool checkpointable() const override { return true; }
  void save(StateWriter& w) const override { history_.save(w); }
  void restore(StateReader& r) override { history_.restore(r); }

 private:
  UserHistory history_;
};

struct PredictorInfo {
  std::string name;
  std::string description;
  std::function<std::unique_ptr<RuntimePredictor>()> make;
};

// Predictors by name, like PolicyRegistry: built-in ones (user-mean2) and those a higher
// library adds at start-up through extend_builtin (the libtorch MLP, rl::register_policies).
class PredictorRegistry {
 public:
  static const PredictorRegistry& builtin();
  // Called once at start-up, before predictors are made from several threads.
  static void extend_builtin(const std::function<void(PredictorRegistry&)>& add);

  void add(PredictorInfo info);
  const PredictorInfo* find(const std::string& name) const;
  const std::vector<PredictorInfo>& all() const { return entries_; }
  std::vector<std::string> names() const;

 private:
  std::vector<PredictorInfo> entries_;
};

}  // namespace clustersim
