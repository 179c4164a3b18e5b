#include "compat/rlscheduler.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <utility>

#include "compat/mt19937ar.hpp"
#include "sim/error.hpp"
#include "traces/swf.hpp"

namespace clustersim::compat::rlscheduler {

namespace {

constexpr const char* kDropRuntimeZero = "runtime 0 (a rule of the protocol)";
constexpr const char* kDropNoProcs = "processors missing (deviation: the reference cannot run it)";
constexpr const char* kDropTooBig = "more nodes than the machine (deviation: the reference cannot run it)";

Trace from_records(const SwfTrace& raw, const std::string& name, const LoadOptions& options) {
  Trace t;
  t.name = name;
  t.records = static_cast<int64_t>(raw.records.size());
  t.max_nodes = options.max_nodes > 0 ? options.max_nodes : raw.header.max_nodes;
  t.max_procs = options.max_procs > 0 ? options.max_procs : raw.header.max_procs;
  if (t.max_nodes <= 0) {
    throw InputError::at(name, 0, "header MaxNodes",
                         "missing; the RLScheduler profile builds its machine from MaxNodes "
                         "(give it with --max-nodes N)");
  }
  if (t.max_procs <= 0) t.max_procs = t.max_nodes;  // "node/proc are the same"
  t.procs_per_node = static_cast<double>(t.max_procs) / static_cast<double>(t.max_nodes);

  const Time ten = Time::from_seconds(10);
  t.jobs.reserve(raw.records.size());
  for (const SwfRecord& r : raw.records) {
    Job j;
    j.job_number = r.job_number;
    j.submit = r.submit;
    j.procs = std::max(r.allocated_procs, r.requested_procs);
    // The estimate falls back on the runtime as read, before the runtime < 0 rule.
    j.estimate = r.requested_time == kSwfMissingTime ? r.run : r.requested_time;
    j.runtime = r.run < Time::zero() ? ten : r.run;
    if (j.runtime == Time::zero()) {
      ++t.dropped[kDropRuntimeZero];
      continue;
    }
    if (j.procs < 0) {
      ++t.dropped[kDropNoProcs];
      continue;
    }
    const double nodes = std::ceil(static_cast<double>(j.procs) / t.procs_per_node);
    if (nodes > static_cast<double>(t.max_nodes)) {  // compared before the cast can overflow
      ++t.dropped[kDropTooBig];
      continue;
    }
    j.nodes = static_cast<int64_t>(nodes);
    t.jobs.push_back(j);
  }
  std::stable_sort(t.jobs.begin(), t.jobs.end(),
                   [](const Job& a, const Job& b) { return a.job_number < b.job_number; });
  if (options.max_jobs > 0 && static_cast<int64_t>(t.jobs.size()) > options.max_jobs) {
    t.jobs.resize(static_cast<size_t>(options.max_jobs));
  }
  for (const auto& [reason, n] : t.dropped) {
    if (reason == kDropRuntimeZero) continue;
    t.warnings.push_back(name + ": " + std::to_string(n) + " job(s) dropped: " + reason);
  }
  return t;
}

// The order key of a queued job at time `now`; smaller first, compared lexicographically.
using Key = std::pair<double, double>;

Key score_key(Score score, const Job& j, Time now) {
  const double s = j.submit.seconds();
  const double r = j.estimate.seconds();
  const double n = static_cast<double>(j.procs);
  switch (score) {
    case Score::Fcfs:
      return {s, 0.0};
    case Score::Sjf:
      return {r, s};
    case Score::F1:
      return {std::log10(r > 0 ? r : 0.1) * n + 870 * std::log10(s > 0 ? s : 0.1), 0.0};
    case Score::Wfp3: {
      const double w = (now - j.submit).seconds();
      const double rr = r > 0 ? r : 0.1;
      return {-std::pow(w / rr, 3) * n, 0.0};
    }
    case Score::Unicep: {
      const double w = (now - j.submit).seconds();
      const double denominator = std::log2(n) * (r > 0 ? r : 0.1);
      if (denominator == 0) {  // one processor: the limit of the formula
        return {w > 0 ? -std::numeric_limits<double>::infinity() : 0.0, 0.0};
      }
      return {-w / denominator, 0.0};
    }
  }
  return {0.0, 0.0};
}

// The reference simulator's state, kept in the same shapes (a queue list and a running list
// that are re-sorted stably, so that ties resolve exactly as they do there).
class WindowReplay {
 public:
  WindowReplay(const Trace& trace, int64_t first, int64_t count)
      : t_(trace), first_(first), last_(first + count), free_nodes_(trace.max_nodes) {
    starts_.assign(static_cast<size_t>(count), Time::from_us(-1));
    now_ = t_.jobs[static_cast<size_t>(first)].submit;
    queue_.push_back(first);
    next_ = first + 1;
  }

  WindowResult run(Score score, bool backfill) {
    for (;;) {
      sort_queue([&](int64_t j) { return score_key(score, job(j), now_); });
      const int64_t head = queue_.front();
      if (!fits(head)) {
        if (backfill) {
          const Time shadow = reservation(head);
          while (!fits(head)) {
            backfill_pass(head, shadow);
            advance_one_event();
          }
        } else {
          while (!fits(head)) advance_one_event();
        }
      }
      start(head);
      if (queue_.empty()) {
        if (next_ >= last_) break;
        while (queue_.empty()) advance_one_event();
      }
    }
    return result();
  }

 private:
  const Job& job(int64_t j) const { return t_.jobs[static_cast<size_t>(j)]; }
  bool fits(int64_t j) const { return job(j).nodes <= free_nodes_; }
  Time actual_end(const std::pair<int64_t, Time>& r) const { return r.second + job(r.first).runtime; }
  Time estimated_end(const std::pair<int64_t, Time>& r) const {
    return r.second + job(r.first).estimate;
  }

  template <class KeyFn>
  void sort_queue(KeyFn key) {
    keyed_.clear();
    for (int64_t j : queue_) keyed_.emplace_back(key(j), j);
    std::stable_sort(keyed_.begin(), keyed_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < keyed_.size(); ++i) queue_[i] = keyed_[i].second;
  }

  void start(int64_t j) {
    starts_[static_cast<size_t>(j - first_)] = now_;
    order_.push_back(j);
    free_nodes_ -= job(j).nodes;
    running_.emplace_back(j, now_);
    queue_.erase(std::find(queue_.begin(), queue_.end(), j));
  }

  // The head's reserved start: running jobs by estimated end, their nodes added to the free
  // ones until the head's processors are covered (computed once, when the head is committed).
  Time reservation(int64_t head) {
    std::stable_sort(running_.begin(), running_.end(), [&](const auto& a, const auto& b) {
      return estimated_end(a) < estimated_end(b);
    });
    double free_procs = static_cast<double>(free_nodes_) * t_.procs_per_node;
    Time shadow = now_;
    for (const auto& r : running_) {
      free_procs += static_cast<double>(job(r.first).nodes) * t_.procs_per_node;
      shadow = estimated_end(r);
      if (free_procs >= static_cast<double>(job(head).procs)) break;
    }
    return shadow;
  }

  // Queued jobs in submit order; each that fits now and whose estimate ends strictly before
  // the head's reservation starts.
  void backfill_pass(int64_t head, Time shadow) {
    sort_queue([&](int64_t j) { return Key{job(j).submit.seconds(), 0.0}; });
    candidates_.assign(queue_.begin(), queue_.end());
    for (int64_t j : candidates_) {
      if (j == head) continue;  // never fits here: the pass runs only while the head does not
      if (now_ + job(j).estimate < shadow && fits(j)) {
        start(j);
        ++backfilled_;
      }
    }
  }

  // One event: the next arrival of the window if it comes at or before the earliest
  // release, else that release.
  void advance_one_event() {
    std::stable_sort(running_.begin(), running_.end(), [&](const auto& a, const auto& b) {
      return actual_end(a) < actual_end(b);
    });
    const Time release = running_.empty() ? Time::max() : actual_end(running_.front());
    if (next_ < last_ && job(next_).submit <= release) {
      now_ = std::max(now_, job(next_).submit);
      queue_.push_back(next_++);
      return;
    }
    if (running_.empty()) {
      // Unreachable for loaded jobs (each fits the empty machine); never loop forever.
      throw InvariantError("rlscheduler replay: nothing runs, nothing arrives, and job " +
                           std::to_string(job(queue_.front()).job_number) + " does not fit");
    }
    now_ = std::max(now_, release);
    free_nodes_ += job(running_.front().first).nodes;
    running_.erase(running_.begin());
  }

  WindowResult result() const {
    WindowResult w;
    w.first_index = first_;
    w.jobs = last_ - first_;
    w.first_submit = job(first_).submit;
    w.end = now_;
    w.starts = starts_;
    w.backfilled = backfilled_;
    const double count = static_cast<double>(w.jobs);
    double bsld = 0, work = 0;
    for (int64_t j : order_) {  // in scheduling order, as the reference sums
      const double run = job(j).runtime.seconds();
      const double wait = (starts_[static_cast<size_t>(j - first_)] - job(j).submit).seconds();
      bsld += std::max(1.0, (wait + run) / std::max(run, 10.0)) / count;
      work += run * static_cast<double>(job(j).procs);
    }
    w.mean_bounded_slowdown = bsld;
    const double span = (now_ - w.first_submit).seconds();
    w.utilisation = span > 0 ? work / (span * static_cast<double>(t_.max_procs))
                             : std::numeric_limits<double>::quiet_NaN();
    return w;
  }

  const Trace& t_;
  int64_t first_, last_;
  int64_t free_nodes_;
  Time now_;
  int64_t next_ = 0;
  std::vector<int64_t> queue_;                     // queued job indices
  std::vector<std::pair<int64_t, Time>> running_;  // (job index, start)
  std::vector<Time> starts_;
  std::vector<int64_t> order_;                     // jobs in the order they started
  int64_t backfilled_ = 0;
  std::vector<std::pair<Key, int64_t>> keyed_;     // scratch
  std::vector<int64_t> candidates_;                // scratch
};

}  // namespace

Trace parse(std::string_view text, const std::string& name, const LoadOptions& options) {
  SwfOptions o;
  o.strict = true;
  return from_records(parse_swf_records(text, name, o), name, options);
}

Trace load(const std::string& path, const LoadOptions& options) {
  SwfOptions o;
  o.strict = true;
  return from_records(read_swf_records(path, o), path, options);
}

std::string_view to_string(Score s) {
  switch (s) {
    case Score::Fcfs: return "fcfs";
    case Score::Sjf: return "sjf";
    case Score::F1: return "f1";
    case Score::Wfp3: return "wfp3";
    case Score::Unicep: return "unicep";
  }
  return "?";
}

Score parse_score(std::string_view name) {
  for (Score s : kAllScores) {
    if (to_string(s) == name) return s;
  }
  throw InputError("unknown RLScheduler score '" + std::string(name) +
                   "' (valid: fcfs, sjf, f1, wfp3, unicep)");
}

WindowResult replay_window(const Trace& trace, int64_t first, int64_t count, Score score,
                           bool backfill) {
  if (first < 0 || count <= 0 || first + count > static_cast<int64_t>(trace.jobs.size())) {
    throw std::out_of_range("rlscheduler window [" + std::to_string(first) + ", " +
                            std::to_string(first + count) + ") is outside the " +
                            std::to_string(trace.jobs.size()) + " loaded jobs");
  }
  return WindowReplay(trace, first, count).run(score, backfill);
}

std::vector<int64_t> window_starts(int64_t n_jobs, int windows, int64_t window_jobs,
                                   std::span<const uint32_t> seed_key) {
  const int64_t low = window_jobs;
  const int64_t high = n_jobs - window_jobs - 1;
  if (window_jobs <= 0 || high <= low) {
    throw InputError("the RLScheduler protocol draws windows of " + std::to_string(window_jobs) +
                     " jobs from randint(" + std::to_string(low) + ", " + std::to_string(high) +
                     "), which needs more than " + std::to_string(2 * window_jobs + 1) +
                     " loaded jobs; the trace has " + std::to_string(n_jobs));
  }
  std::mt19937 rng = mt19937_init_by_array(seed_key);
  std::vector<int64_t> starts;
  starts.reserve(static_cast<size_t>(std::max(windows, 0)));
  for (int i = 0; i < windows; ++i) starts.push_back(numpy_legacy_randint(rng, low, high));
  return starts;
}

Table reproduce(const Trace& trace, const Protocol& protocol, std::span<const Score> scores) {
  Table table;
  table.trace = trace.name;
  const auto n_jobs = static_cast<int64_t>(trace.jobs.size());
  table.starts = protocol.starts.empty()
                     ? window_starts(n_jobs, protocol.windows, protocol.window_jobs,
                                     protocol.seed_key)
                     : protocol.starts;
  for (int64_t s : table.starts) {
    if (s < 0 || s + protocol.window_jobs > n_jobs) {
      throw InputError("window start " + std::to_string(s) + " with " +
                       std::to_string(protocol.window_jobs) + " jobs is outside the " +
                       std::to_string(n_jobs) + " loaded jobs of " + trace.name);
    }
  }
  for (Score score : scores) {
    for (bool backfill : {false, true}) {
      Cell cell;
      cell.score = score;
      cell.backfill = backfill;
      double bsld = 0, util = 0;
      for (int64_t s : table.starts) {
        cell.windows.push_back(replay_window(trace, s, protocol.window_jobs, score, backfill));
        bsld += cell.windows.back().mean_bounded_slowdown;
        util += cell.windows.back().utilisation;
      }
      const auto n = static_cast<double>(table.starts.size());
      cell.mean_bounded_slowdown = n > 0 ? bsld / n : 0;
      cell.utilisation = n > 0 ? util / n : 0;
      table.cells.push_back(std::move(cell));
    }
  }
  return table;
}

namespace {

std::string printf_string(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return u;
}

}  // namespace

std::string format_table(const Table& table) {
  std::vector<Score> scores;
  for (const Cell& c : table.cells) {
    if (std::find(scores.begin(), scores.end(), c.score) == scores.end()) scores.push_back(c.score);
  }
  auto find = [&](Score s, bool backfill) -> const Cell* {
    for (const Cell& c : table.cells) {
      if (c.score == s && c.backfill == backfill) return &c;
    }
    return nullptr;
  };
  constexpr int kLabel = 34, kColumn = 10;
  auto pad_left = [](std::string s, size_t width) {
    return s.size() < width ? std::string(width - s.size(), ' ') + s : s;
  };
  auto pad_right = [](std::string s, size_t width) {
    return s.size() < width ? s + std::string(width - s.size(), ' ') : s;
  };
  std::string out = pad_right("", kLabel);
  for (Score s : scores) out += pad_left(upper(to_string(s)), kColumn);
  out += '\n';
  const struct {
    const char* label;
    bool backfill;
    bool util;
  } rows[] = {{"avg bounded slowdown, no backfill", false, false},
              {"avg bounded slowdown, backfill", true, false},
              {"utilisation, no backfill", false, true},
              {"utilisation, backfill", true, true}};
  for (const auto& row : rows) {
    out += pad_right(row.label, kLabel);
    for (Score s : scores) {
      const Cell* c = find(s, row.backfill);
      out += pad_left(c == nullptr ? "-"
                      : row.util   ? printf_string("%.3f", c->utilisation)
                                   : printf_string("%.2f", c->mean_bounded_slowdown),
                      kColumn);
    }
    out += '\n';
  }
  return out;
}

std::string format_windows_csv(const Table& table) {
  std::string out = "score,backfill,window,first_index,jobs,backfilled,bounded_slowdown,utilisation\n";
  for (const Cell& c : table.cells) {
    for (size_t i = 0; i < c.windows.size(); ++i) {
      const WindowResult& w = c.windows[i];
      out += std::string(to_string(c.score)) + ',' + (c.backfill ? "1" : "0") + ',' +
             std::to_string(i) + ',' + std::to_string(w.first_index) + ',' +
             std::to_string(w.jobs) + ',' + std::to_string(w.backfilled) + ',' +
             printf_string("%.17g", w.mean_bounded_slowdown) + ',' +
             printf_string("%.17g", w.utilisation) + '\n';
    }
  }
  return out;
}

}  // namespace clustersim::compat::rlscheduler
