#include "workloads/stats.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "workloads/text.hpp"

namespace clustersim {

namespace {

// Type-7 quantile of sorted values.
double quantile(const std::vector<double>& sorted, double q) {
  const double h = static_cast<double>(sorted.size() - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

Summary summarize(std::vector<double> v) {
  Summary s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  s.min = v.front();
  s.max = v.back();
  s.mean = sum / static_cast<double>(v.size());
  s.median = quantile(v, 0.5);
  s.p90 = quantile(v, 0.9);
  s.p99 = quantile(v, 0.99);
  return s;
}

bool is_pow2_above_1(int64_t n) { return n > 1 && (n & (n - 1)) == 0; }

// Integers without decimals, everything else with two.
std::string num(double v) {
  if (std::fabs(v) < 1e15 && v == std::floor(v)) return text::fixed(v, 0);
  return text::fixed(v, 2);
}

std::string percent(double frac) { return text::fixed(100.0 * frac, 1) + " %"; }

constexpr std::size_t kLabel = 20;
constexpr std::size_t kColumn = 12;

std::string line(const std::string& label, const std::string& value) {
  return text::pad_right(label, kLabel) + value + "\n";
}

std::string summary_row(const std::string& label, const Summary& s) {
  std::string out = text::pad_right(label, kLabel);
  for (double v : {s.min, s.mean, s.median, s.p90, s.p99, s.max}) {
    out += text::pad_left(num(v), kColumn);
  }
  return out + "\n";
}

}  // namespace

WorkloadStats compute_stats(const Workload& w, int64_t machine_procs) {
  WorkloadStats s;
  s.jobs = static_cast<int64_t>(w.jobs.size());
  s.machine_procs = machine_procs > 0 ? machine_procs : w.machine.processors();
  if (w.jobs.empty()) return s;

  std::set<int32_t> users;
  std::vector<double> sizes;
  std::vector<double> runtimes;
  sizes.reserve(w.jobs.size());
  runtimes.reserve(w.jobs.size());
  double work = 0;  // processor-seconds
  int64_t serial = 0;
  int64_t pow2 = 0;
  double accuracy_sum = 0;
  int64_t accuracy_n = 0;
  for (const JobSpec& j : w.jobs) {
    if (j.user >= 0) {
      users.insert(j.user);
    } else {
      ++s.jobs_without_user;
    }
    sizes.push_back(j.tasks);
    runtimes.push_back(j.runtime.seconds());
    work += j.runtime.seconds() * j.tasks;
    if (j.tasks == 1) ++serial;
    if (is_pow2_above_1(j.tasks)) ++pow2;
    if (j.walltime != j.runtime) s.estimates_differ = true;
    if (j.walltime > Time::zero()) {
      accuracy_sum += j.runtime.seconds() / j.walltime.seconds();
      ++accuracy_n;
    }
    ++s.jobs_per_status[j.status];
  }
  s.users = static_cast<int64_t>(users.size());
  s.first_submit = w.jobs.front().submit;
  s.last_submit = w.jobs.back().submit;
  s.span = s.last_submit - s.first_submit;
  const double n = static_cast<double>(s.jobs);
  if (s.span > Time::zero() && s.machine_procs > 0) {
    s.offered_load = work / (s.span.seconds() * static_cast<double>(s.machine_procs));
  }
  s.size = summarize(std::move(sizes));
  s.size_frac_serial = static_cast<double>(serial) / n;
  s.size_frac_pow2 = static_cast<double>(pow2) / n;
  s.runtime_s = summarize(std::move(runtimes));
  if (s.estimates_differ && accuracy_n > 0) {
    s.estimate_accuracy = accuracy_sum / static_cast<double>(accuracy_n);
  }

  if (w.jobs.size() >= 2) {
    const double gaps = n - 1;
    double sum = 0;
    for (std::size_t i = 1; i < w.jobs.size(); ++i) {
      sum += (w.jobs[i].submit - w.jobs[i - 1].submit).seconds();
    }
    const double mean = sum / gaps;
    double sq = 0;
    for (std::size_t i = 1; i < w.jobs.size(); ++i) {
      const double d = (w.jobs[i].submit - w.jobs[i - 1].submit).seconds() - mean;
      sq += d * d;
    }
    s.interarrival_mean_s = mean;
    s.interarrival_cv = mean > 0 ? std::sqrt(sq / gaps) / mean : 0.0;
  }
  return s;
}

std::string format_stats(const WorkloadStats& s) {
  std::string out;
  out += line("jobs", std::to_string(s.jobs));
  std::string users = std::to_string(s.users);
  if (s.jobs_without_user > 0) {
    users += " (" + std::to_string(s.jobs_without_user) + " jobs without a user)";
  }
  out += line("users", users);
  out += line("first submit", num(s.first_submit.seconds()) + " s");
  out += line("span", num(s.span.seconds()) + " s (" + text::fixed(s.span.seconds() / 86400.0, 2) +
                          " days)");
  out += line("machine procs", s.machine_procs > 0 ? std::to_string(s.machine_procs) : "unknown");
  std::string load;
  if (s.machine_procs <= 0) {
    load = "n/a (machine size unknown)";
  } else if (s.span <= Time::zero()) {
    load = "n/a (span is 0)";
  } else {
    load = text::fixed(s.offered_load, 3);
  }
  out += line("offered load", load);
  if (s.jobs == 0) return out;

  out += text::pad_right("", kLabel);
  for (const char* h : {"min", "mean", "median", "p90", "p99", "max"}) {
    out += text::pad_left(h, kColumn);
  }
  out += "\n";
  out += summary_row("size (tasks)", s.size);
  out += summary_row("runtime (s)", s.runtime_s);
  out += line("serial jobs", percent(s.size_frac_serial));
  out += line("power-of-two jobs", percent(s.size_frac_pow2) + " (sizes 2, 4, 8, ...)");
  out += line("inter-arrival (s)", "mean " + text::fixed(s.interarrival_mean_s, 2) + ", cv " +
                                       text::fixed(s.interarrival_cv, 3));
  out += line("estimate accuracy", s.estimates_differ ? text::fixed(s.estimate_accuracy, 3) +
                                                            " (mean runtime / walltime)"
                                                      : "n/a (walltime = runtime for every job)");
  std::string status;
  for (const auto& [code, count] : s.jobs_per_status) {
    if (!status.empty()) status += ", ";
    status += std::to_string(code) + ": " + std::to_string(count);
  }
  out += line("jobs per status", status);
  return out;
}

}  // namespace clustersim
