#include "workloads/transforms.hpp"

#include <cmath>
#include <string>

#include "sim/error.hpp"
#include "workloads/random.hpp"
#include "workloads/text.hpp"

namespace clustersim {

namespace {

// A copy of everything but the jobs, named after the transform.
Workload derived(const Workload& w, const std::string& step) {
  Workload out;
  out.name = w.name.empty() ? step : w.name + " | " + step;
  out.machine = w.machine;
  out.skipped = w.skipped;
  out.warnings = w.warnings;
  return out;
}

std::string us_text(Time t) { return std::to_string(t.us()) + "us"; }

}  // namespace

Workload take(const Workload& w, int64_t n, int64_t offset) {
  const auto size = static_cast<int64_t>(w.jobs.size());
  if (n < 0) throw InputError("take.n: must be >= 0, got " + std::to_string(n));
  if (offset < 0) throw InputError("take.offset: must be >= 0, got " + std::to_string(offset));
  if (offset > size || n > size - offset) {
    throw InputError("take: jobs [" + std::to_string(offset) + ", " + std::to_string(offset + n) +
                     ") out of range: the workload has " + std::to_string(size) + " jobs");
  }
  Workload out = derived(w, "take(" + std::to_string(n) + "," + std::to_string(offset) + ")");
  out.jobs.assign(w.jobs.begin() + offset, w.jobs.begin() + offset + n);
  return out;
}

Workload take_random(const Workload& w, int64_t n, uint64_t seed) {
  const auto size = static_cast<int64_t>(w.jobs.size());
  if (n < 0) throw InputError("take_random.n: must be >= 0, got " + std::to_string(n));
  if (n > size) {
    throw InputError("take_random.n: must be <= the number of jobs (" + std::to_string(size) +
                     "), got " + std::to_string(n));
  }
  Rng rng(seed);
  const int64_t offset = rng.uniform_int(0, size - n);
  Workload out = take(w, n, offset);
  out.name = (w.name.empty() ? std::string() : w.name + " | ") + "take_random(" +
             std::to_string(n) + ",seed=" + std::to_string(seed) + ")=take(" + std::to_string(n) +
             "," + std::to_string(offset) + ")";
  return out;
}

Workload scale_load(const Workload& w, double factor) {
  if (!(factor > 0.0) || std::isinf(factor)) {
    throw InputError("scale_load.factor: must be > 0 and finite, got " + text::shortest(factor));
  }
  Workload out = derived(w, "scale_load(" + text::shortest(factor) + ")");
  out.jobs = w.jobs;
  if (out.jobs.empty()) return out;
  const Time first = w.jobs.front().submit;
  for (JobSpec& j : out.jobs) {
    // Offsets below 2^53 us (285 years) are exact doubles; the division is correctly rounded
    // and std::round is exact, so the result is the same on every IEEE platform. Both are
    // monotone, so the arrival order is kept.
    const double offset = static_cast<double>((j.submit - first).us());
    j.submit = first + Time::from_us(static_cast<int64_t>(std::round(offset / factor)));
  }
  return out;
}

Workload time_window(const Workload& w, Time from, Time to) {
  if (from > to) {
    throw InputError("time_window: from (" + us_text(from) + ") must be <= to (" + us_text(to) +
                     ")");
  }
  Workload out = derived(w, "time_window(" + us_text(from) + "," + us_text(to) + ")");
  for (const JobSpec& j : w.jobs) {
    if (j.submit >= from && j.submit < to) out.jobs.push_back(j);
  }
  return out;
}

Workload filter(const Workload& w, const std::function<bool(const JobSpec&)>& keep) {
  Workload out = derived(w, "filter");
  for (const JobSpec& j : w.jobs) {
    if (keep(j)) out.jobs.push_back(j);
  }
  return out;
}

Workload shift_to_zero(const Workload& w) {
  Workload out = derived(w, "shift_to_zero");
  out.jobs = w.jobs;
  if (out.jobs.empty()) return out;
  const Time first = w.jobs.front().submit;
  for (JobSpec& j : out.jobs) j.submit -= first;
  return out;
}

}  // namespace clustersim
