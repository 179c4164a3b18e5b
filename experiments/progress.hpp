#pragma once
// A progress line on stderr for long runs: "[easy] 42% of jobs done, t = 1234567 s", redrawn
// at most a few times a second. The CLI adds it only when stderr is a terminal.
#include <chrono>
#include <cstdio>
#include <string>

#include "sim/observer.hpp"

namespace clustersim {

class ProgressLine : public Observer {
 public:
  explicit ProgressLine(std::string label) : label_(std::move(label)) {}
  void on_job_finish(const EngineView& v, JobId) override { tick(v); }
  void on_job_reject(const EngineView& v, JobId, std::string_view) override { tick(v); }
  void on_run_end(const EngineView&) override {
    if (drawn_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  void tick(const EngineView& v) {
    if (++count_ % 1024 != 0) return;
    auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    drawn_ = true;
    double done = static_cast<double>(v.finished_count() + v.rejected_count() + v.failed_count());
    std::fprintf(stderr, "\r\033[K[%s] %5.1f%% of %zu jobs done, t = %.0f s", label_.c_str(),
                 100.0 * done / static_cast<double>(v.num_jobs()), v.num_jobs(), v.now().seconds());
    std::fflush(stderr);
  }

  std::string label_;
  uint64_t count_ = 0;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace clustersim
