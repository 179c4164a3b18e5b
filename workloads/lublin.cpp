#include "workloads/lublin.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "sim/error.hpp"
#include "workloads/detmath.hpp"
#include "workloads/random.hpp"
#include "workloads/text.hpp"

namespace clustersim {

LublinClassParams LublinClassParams::interactive() {
  LublinClassParams p;
  p.serial_prob = 0.1541;
  p.pow2_prob = 0.625;
  p.ulow = 1.0;
  p.umed_offset = -4.0;  // published umed 3 = 7 - 4
  p.uhi_offset = -1.5;   // published uhi 5.5 = 7 - 1.5 (interactive jobs stay below 45 of 128)
  p.uprob = 0.705;
  p.a1 = 3.8351;
  p.b1 = 0.6605;
  p.a2 = 7.073;
  p.b2 = 0.6856;
  p.pa = -0.0118;
  p.pb = 0.9156;
  p.aarr = 6.5510;
  p.barr = 0.6621;
  p.anum = 8.9186;
  p.bnum = 3.6680;
  p.arar = 0.9797;
  return p;
}

LublinClassParams LublinClassParams::whole_sample() {
  LublinClassParams p;
  p.serial_prob = 0.244;
  p.pow2_prob = 0.576;
  p.ulow = 0.8;
  p.umed_offset = -2.5;  // published umed 4.5 = 7 - 2.5
  p.uhi_offset = 0.0;
  p.uprob = 0.86;
  p.a1 = 4.2;
  p.b1 = 0.94;
  p.a2 = 312;
  p.b2 = 0.03;
  p.pa = -0.0054;
  p.pb = 0.78;
  p.aarr = 10.2303;
  p.barr = 0.4871;
  p.anum = 8.1737;
  p.bnum = 3.9631;
  p.arar = 1.0225;
  return p;
}

namespace {

[[noreturn]] void fail(const std::string& field, const std::string& what, double got) {
  throw InputError(field + ": " + what + ", got " + text::shortest(got));
}

void require_probability(const std::string& field, double v) {
  if (!(v >= 0.0 && v <= 1.0)) fail(field, "must be in [0, 1]", v);
}

void require_positive(const std::string& field, double v) {
  if (!(v > 0.0) || std::isinf(v)) fail(field, "must be > 0 and finite", v);
}

void require_finite(const std::string& field, double v) {
  if (!std::isfinite(v)) fail(field, "must be finite", v);
}

constexpr int kBuckets = 48;                 // half-hour buckets in a day
constexpr double kSecondsInBucket = 1800.0;  // 86400 / 48
constexpr int kCyclicDayStart = 11;          // CYCLIC_DAY_START of m_lublin99.c
constexpr int kMaxRedraws = 100000;          // a redraw loop that long means bad parameters

int64_t largest_pow2_at_most(int64_t n) {
  int64_t p = 1;
  while (p <= n / 2) p *= 2;
  return p;
}

// The size model of one class, with its bounds fitted to the machine.
class SizeModel {
 public:
  SizeModel(const LublinClassParams& p, int64_t machine_procs)
      : serial_(p.serial_prob), pow2_(p.pow2_prob), uprob_(p.uprob), procs_(machine_procs) {
    const double log_p = detmath::log2(static_cast<double>(machine_procs));
    // For machines much smaller than the published 128 processors the stages are clamped so
    // that low <= med <= hi <= log2(P): m_lublin99.c's comment suggests the same adjustment
    // by hand ("if the system size is 8 ... set Umed to be 1.5").
    hi_ = std::clamp(log_p + p.uhi_offset, 0.0, log_p);
    low_ = std::min(p.ulow, hi_);
    med_ = log_p + p.umed_offset;
    if (med_ < low_ || med_ > hi_) med_ = 0.5 * (low_ + hi_);
  }

  int64_t sample(Rng& rng) const {
    const double u = rng.uniform01();
    if (u < serial_) return 1;
    double par = rng.two_stage_uniform(low_, med_, hi_, uprob_);
    const bool pow2 = u < serial_ + pow2_;
    if (pow2) par = std::floor(par + 0.5);
    auto size = static_cast<int64_t>(std::floor(detmath::exp2(par) + 0.5));
    if (size > procs_) size = pow2 ? largest_pow2_at_most(procs_) : procs_;
    return std::max<int64_t>(size, 1);
  }

 private:
  double serial_, pow2_, uprob_;
  int64_t procs_;
  double low_ = 0, med_ = 0, hi_ = 0;
};

// The arrival process of one class: gamma-distributed ln(inter-arrival) "points" spent on a
// day of 48 half-hour buckets whose prices follow the daily cycle (m_lublin99.c, arrive_init
// and calc_next_arrive). A bucket with weight w takes w points to cross, so busy buckets are
// crossed quickly (many arrivals) and quiet ones slowly. The weights average 1, so over whole
// days the mean inter-arrival time is E[exp(G) | G <= cap], G ~ Gamma(aarr * arar, barr).
class ArrivalProcess {
 public:
  ArrivalProcess(const LublinClassParams& p, int start_hour, double ln_cap,
                 const std::string& prefix)
      : shape_(p.aarr * p.arar), scale_(p.barr), ln_cap_(ln_cap), prefix_(prefix) {
    double mean = 0;
    for (int i = kCyclicDayStart; i < kBuckets + kCyclicDayStart; ++i) {
      const int idx = (i - 1) % kBuckets;
      weights_[idx] =
          detmath::gamma_cdf(i + 0.5, p.anum, p.bnum) - detmath::gamma_cdf(i - 0.5, p.anum, p.bnum);
      mean += weights_[idx];
    }
    mean /= kBuckets;
    if (!(mean > 0.0) || !std::isfinite(mean)) {
      throw InputError(prefix + ".anum/bnum: the daily-cycle gamma puts no mass on the day (anum=" +
                       text::shortest(p.anum) + ", bnum=" + text::shortest(p.bnum) + ")");
    }
    for (double& w : weights_) w /= mean;
    bucket_ = start_hour * kBuckets / 24;
  }

  // Time (s since the origin) of this class's next job.
  double next() const { return next_; }

  // Moves next() on by one inter-arrival time.
  void advance(Rng& rng) {
    double gam = 0;
    int draws = 0;
    do {
      if (++draws > kMaxRedraws) {
        throw InputError(prefix_ + ".aarr/barr: ln(inter-arrival) draws keep exceeding " +
                         text::shortest(ln_cap_) + "; the arrival parameters are out of range");
      }
      gam = rng.gamma(shape_, scale_);
    } while (gam > ln_cap_);
    points_ += detmath::exp(gam) / kSecondsInBucket;
    double elapsed = 0;
    while (points_ > weights_[bucket_]) {
      points_ -= weights_[bucket_];
      bucket_ = (bucket_ + 1) % kBuckets;
      elapsed += kSecondsInBucket;
    }
    const double fraction = points_ / weights_[bucket_];
    elapsed += kSecondsInBucket * (fraction - fraction_);
    fraction_ = fraction;
    next_ += elapsed;
  }

 private:
  double shape_, scale_, ln_cap_;
  std::string prefix_;
  std::array<double, kBuckets> weights_{};
  int bucket_ = 0;
  double points_ = 0;    // points paid into the current bucket so far
  double fraction_ = 0;  // how far into the current bucket (points_ / its weight)
  double next_ = 0;
};

// ln(runtime) from the hyper-gamma, redrawn above the cap; runtime in whole seconds >= 1.
int64_t sample_runtime_s(const LublinClassParams& p, int64_t size, double ln_cap, Rng& rng,
                         const std::string& prefix) {
  const double mix = std::clamp(p.pa * static_cast<double>(size) + p.pb, 0.0, 1.0);
  double hg = 0;
  int draws = 0;
  do {
    if (++draws > kMaxRedraws) {
      throw InputError(prefix + ".a1/b1/a2/b2: ln(runtime) draws keep exceeding " +
                       text::shortest(ln_cap) + "; the runtime parameters are out of range");
    }
    hg = rng.hyper_gamma(p.a1, p.b1, p.a2, p.b2, mix);
  } while (hg > ln_cap);
  return std::max<int64_t>(1, static_cast<int64_t>(std::floor(detmath::exp(hg))));
}

struct JobClass {
  const LublinClassParams* params;
  int32_t queue;  // SWF queue number: 1 batch, 0 interactive (as m_lublin99.c writes them)
  std::string prefix;
  SizeModel sizes;
  ArrivalProcess arrivals;
};

}  // namespace

void LublinClassParams::validate(const std::string& prefix) const {
  require_probability(prefix + ".serial_prob", serial_prob);
  require_probability(prefix + ".pow2_prob", pow2_prob);
  if (serial_prob + pow2_prob > 1.0) {
    fail(
        prefix + ".pow2_prob",
        "serial_prob + pow2_prob must be <= 1 (serial_prob is " + text::shortest(serial_prob) + ")",
        pow2_prob);
  }
  require_probability(prefix + ".uprob", uprob);
  if (!(ulow >= 0.0) || std::isinf(ulow)) fail(prefix + ".ulow", "must be >= 0 and finite", ulow);
  if (!(uhi_offset <= 0.0) || std::isinf(uhi_offset)) {
    fail(prefix + ".uhi_offset", "must be <= 0 and finite", uhi_offset);
  }
  require_finite(prefix + ".umed_offset", umed_offset);
  if (umed_offset > uhi_offset) {
    fail(prefix + ".umed_offset", "must be <= uhi_offset (" + text::shortest(uhi_offset) + ")",
         umed_offset);
  }
  require_positive(prefix + ".a1", a1);
  require_positive(prefix + ".b1", b1);
  require_positive(prefix + ".a2", a2);
  require_positive(prefix + ".b2", b2);
  require_finite(prefix + ".pa", pa);
  require_finite(prefix + ".pb", pb);
  require_positive(prefix + ".aarr", aarr);
  require_positive(prefix + ".barr", barr);
  require_positive(prefix + ".anum", anum);
  require_positive(prefix + ".bnum", bnum);
  require_positive(prefix + ".arar", arar);
}

void LublinConfig::validate() const {
  if (jobs < 0) fail("lublin.jobs", "must be >= 0", static_cast<double>(jobs));
  if (machine_procs < 1) {
    throw InputError("lublin.machine_procs: must be >= 1, got " + std::to_string(machine_procs));
  }
  if (machine_procs > std::numeric_limits<int32_t>::max()) {
    throw InputError("lublin.machine_procs: must be <= 2147483647, got " +
                     std::to_string(machine_procs));
  }
  if (!(estimate_factor >= 1.0) || std::isinf(estimate_factor)) {
    fail("lublin.estimate_factor", "must be >= 1 and finite", estimate_factor);
  }
  if (start_hour < 0 || start_hour > 23) {
    throw InputError("lublin.start_hour: must be in [0, 23], got " + std::to_string(start_hour));
  }
  if (!(ln_runtime_cap > 0.0) || ln_runtime_cap > 40.0) {
    fail("lublin.ln_runtime_cap", "must be in (0, 40]", ln_runtime_cap);
  }
  if (!(ln_interarrival_cap > 0.0) || ln_interarrival_cap > 40.0) {
    fail("lublin.ln_interarrival_cap", "must be in (0, 40]", ln_interarrival_cap);
  }
  batch.validate("lublin.batch");
  if (interactive) interactive_params.validate("lublin.interactive_params");
}

Workload generate_lublin(const LublinConfig& cfg) {
  cfg.validate();
  Rng rng(cfg.seed);
  Rng estimates(splitmix64(cfg.seed ^ 0x6573746d61746573ULL));  // "estmates": its own stream

  std::vector<JobClass> classes;
  classes.push_back(
      {&cfg.batch, 1, "lublin.batch", SizeModel(cfg.batch, cfg.machine_procs),
       ArrivalProcess(cfg.batch, cfg.start_hour, cfg.ln_interarrival_cap, "lublin.batch")});
  if (cfg.interactive) {
    classes.push_back({&cfg.interactive_params, 0, "lublin.interactive_params",
                       SizeModel(cfg.interactive_params, cfg.machine_procs),
                       ArrivalProcess(cfg.interactive_params, cfg.start_hour,
                                      cfg.ln_interarrival_cap, "lublin.interactive_params")});
  }
  // As in arrive_init: each class draws its first arrival (batch first).
  for (auto& c : classes) c.arrivals.advance(rng);

  Workload w;
  w.name =
      "lublin(jobs=" + std::to_string(cfg.jobs) + ",procs=" + std::to_string(cfg.machine_procs) +
      ",seed=" + std::to_string(cfg.seed) + (cfg.interactive ? ",interactive" : "") +
      (cfg.estimate_factor > 1.0 ? ",estimate_factor=" + text::shortest(cfg.estimate_factor) : "") +
      ")";
  w.machine.max_procs = cfg.machine_procs;
  w.machine.max_nodes = cfg.machine_procs;
  w.jobs.reserve(static_cast<std::size_t>(cfg.jobs));
  for (int64_t i = 0; i < cfg.jobs; ++i) {
    // The class whose next job comes first; on a tie the interactive one, as in arrive().
    JobClass* c = &classes.front();
    if (classes.size() == 2 && !(classes[0].arrivals.next() < classes[1].arrivals.next())) {
      c = &classes[1];
    }
    const double arrival_s = c->arrivals.next();
    c->arrivals.advance(rng);
    const int64_t size = c->sizes.sample(rng);
    const int64_t runtime_s =
        sample_runtime_s(*c->params, size, cfg.ln_runtime_cap, rng, c->prefix);
    int64_t walltime_s = runtime_s;
    if (cfg.estimate_factor > 1.0) {
      const double f = estimates.uniform(1.0, cfg.estimate_factor);
      walltime_s =
          std::max(runtime_s, static_cast<int64_t>(std::ceil(static_cast<double>(runtime_s) * f)));
    }
    JobSpec job;
    job.trace_id = i + 1;
    job.submit = Time::from_seconds(static_cast<int64_t>(std::floor(arrival_s)));
    job.runtime = Time::from_seconds(runtime_s);
    job.walltime = Time::from_seconds(walltime_s);
    job.tasks = static_cast<int32_t>(size);
    job.per_task = Resources{1, 0, 0};
    job.status = 1;
    job.queue = c->queue;
    w.jobs.push_back(job);
  }
  w.sort_by_arrival();  // already in order; keeps the Workload invariant explicit
  return w;
}

}  // namespace clustersim
