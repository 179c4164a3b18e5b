#pragma once
// The RLScheduler compatibility profile (Zhang et al., "RLScheduler: An Automated HPC Batch
// Job Scheduler Using Reinforcement Learning", SC'20; code: DIR-LAB/deep-batch-scheduler).
//
// That paper's baseline tables come from a small Python simulator whose rules differ from
// clustersim's defaults (and from the textbook EASY of the engine) in small ways: how an SWF
// line becomes a job, a machine of whole nodes, a committed queue head that is never
// overtaken, one event at a time with arrivals before releases, a reservation computed once,
// and the jobs of random windows. This file re-implements that protocol exactly, so that its
// published numbers are reproduced to the printed digit from the same trace, and so that the
// same protocol can be run on any other SWF trace. docs/rlscheduler.md describes every rule.
//
// The engine (sim/) is not used: the profile is a different simulation protocol, not a policy.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time.hpp"

namespace clustersim::compat::rlscheduler {

// One job as that simulator loads it.
struct Job {
  int64_t job_number = 0;
  Time submit;
  Time runtime;   // > 0 (runtime < 0 became 10 s, runtime 0 was dropped)
  Time estimate;  // the requested time, or the original runtime when it is -1
  int64_t procs = 0;   // max(allocated, requested)
  int64_t nodes = 0;   // ceil(procs / processors per node)
};

struct LoadOptions {
  // Override the header's MaxNodes / MaxProcs (0: take the header's; MaxProcs defaults to
  // MaxNodes, as in the reference).
  int64_t max_nodes = 0;
  int64_t max_procs = 0;
  // Stop after this many loaded jobs (0: all). For quick looks; the windows depend on it.
  int64_t max_jobs = 0;
};

struct Trace {
  std::string name;
  std::vector<Job> jobs;  // sorted by job number (stable)
  int64_t max_nodes = 0;
  int64_t max_procs = 0;
  double procs_per_node = 1;  // max_procs / max_nodes (a real number, as in the reference)
  int64_t records = 0;        // record lines read
  // Jobs not loaded, by reason, e.g. "runtime 0" (a rule of the protocol) or
  // "processors missing" (a deviation: the reference cannot run such jobs; see the docs).
  std::map<std::string, int64_t> dropped;
  std::vector<std::string> warnings;  // one line per deviation kind, for the user
};

// Reads an SWF file (strict: a malformed line is an InputError naming file, line and field).
// Throws InputError when MaxNodes is neither in the header nor given.
Trace load(const std::string& path, const LoadOptions& options = {});
Trace parse(std::string_view text, const std::string& name, const LoadOptions& options = {});

// Queue orders (the job with the smallest score is committed next).
enum class Score : uint8_t {
  Fcfs,    // submit time
  Sjf,     // (requested time, submit time)
  F1,      // log10(r) * n + 870 * log10(s), r and s replaced by 0.1 when not positive
  Wfp3,    // -(w / r)^3 * n, as written in the paper (w: waiting time so far)
  Unicep,  // -w / (log2(n) * r), as written in the paper
};
std::string_view to_string(Score s);
// Throws InputError listing the valid names.
Score parse_score(std::string_view name);
inline constexpr Score kAllScores[] = {Score::Fcfs, Score::Sjf, Score::F1, Score::Wfp3,
                                       Score::Unicep};

// One window replayed.
struct WindowResult {
  int64_t first_index = 0;     // 0-based index of the window's first job in Trace::jobs
  int64_t jobs = 0;
  double mean_bounded_slowdown = 0;  // max(1, (wait + run) / max(run, 10 s)), averaged
  double utilisation = 0;      // sum(run * procs) / ((end - first submit) * MaxProcs)
  Time first_submit;           // the clock at the start
  Time end;                    // the clock when the window's last job started
  std::vector<Time> starts;    // start time of each job of the window, in window order
  int64_t backfilled = 0;      // jobs started by the backfilling pass
};

// Replays jobs [first, first + count) of the trace on an empty machine.
// Throws std::out_of_range when the window does not fit in the trace.
WindowResult replay_window(const Trace& trace, int64_t first, int64_t count, Score score,
                           bool backfill);

// The protocol's window starts: an MT19937 seeded by init_by_array(seed_key), then `windows`
// draws of numpy's legacy randint(window_jobs, n_jobs - window_jobs - 1).
// Throws InputError when the trace is too short for that range (n_jobs <= 2 * window_jobs + 1).
std::vector<int64_t> window_starts(int64_t n_jobs, int windows, int64_t window_jobs,
                                   std::span<const uint32_t> seed_key);

struct Protocol {
  int windows = 10;
  int64_t window_jobs = 1024;
  // What the reference's seed 1 becomes (gym's seeding.np_random(1) -> init_by_array).
  std::vector<uint32_t> seed_key = {2739863373u, 598274112u};
  // Replay windows at these indices instead of drawing them (empty: draw).
  std::vector<int64_t> starts;
};

// One cell of the table: a score with or without backfilling, averaged over the windows.
struct Cell {
  Score score = Score::Fcfs;
  bool backfill = false;
  double mean_bounded_slowdown = 0;  // mean over windows of each window's mean
  double utilisation = 0;            // mean over windows
  std::vector<WindowResult> windows;
};

struct Table {
  std::string trace;
  std::vector<int64_t> starts;
  std::vector<Cell> cells;  // for each score: without, then with backfilling
};

Table reproduce(const Trace& trace, const Protocol& protocol, std::span<const Score> scores);

// The table as the paper prints it: bounded slowdown with two decimals, utilisation with
// three, one column per score, rows without / with backfilling.
std::string format_table(const Table& table);
// One line per cell and window: score,backfill,window,first_index,bsld,utilisation.
std::string format_windows_csv(const Table& table);

}  // namespace clustersim::compat::rlscheduler
