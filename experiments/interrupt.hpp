#pragma once
// SIGINT and SIGTERM stop a command-line run cleanly: the handlers only set a flag; an
// observer checks it at every job event and sample and throws Interrupted, the output file is
// then flushed and closed by its writer (run_complete stays 0), and the program exits with
// 128 + the signal number after saying what it kept. A SIGKILL cannot be caught: the file
// then holds every record flushed before (--flush-seconds sets how often).
#include <stdexcept>
#include <string>

#include "sim/observer.hpp"

namespace clustersim::cli {

class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(int signal);
  int signal() const { return signal_; }

 private:
  int signal_;
};

// Installs the SIGINT and SIGTERM handlers (idempotent).
void install_stop_signals();

// Throws Interrupted if a stop signal came (for loops outside the engine, e.g. training).
void throw_if_stopped();

// Throws Interrupted at the first event after a stop signal.
class StopOnSignal : public Observer {
 public:
  void on_job_submit(const EngineView&, JobId) override { check(); }
  void on_job_start(const EngineView&, JobId) override { check(); }
  void on_job_finish(const EngineView&, JobId) override { check(); }
  void on_sample(const EngineView&) override { check(); }

 private:
  static void check() { throw_if_stopped(); }
};

}  // namespace clustersim::cli
