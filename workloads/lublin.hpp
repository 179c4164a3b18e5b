#pragma once
// The Lublin-Feitelson model of rigid parallel jobs:
//   U. Lublin and D. G. Feitelson, "The workload on parallel supercomputers: modeling the
//   characteristics of rigid jobs", J. Parallel Distrib. Comput. 63(11):1105-1122, 2003,
// as implemented by the authors' reference program m_lublin99.c (Parallel Workloads Archive,
// https://www.cs.huji.ac.il/labs/parallel/workload/m_lublin99/). The parameter values below
// are that program's; docs/workloads.md describes the model, the few places where this
// implementation differs from the C program, and why.
#include <cstdint>
#include <string>

#include "sim/workload.hpp"

namespace clustersim {

// The parameters of one job class (batch or interactive). Defaults: the batch class.
struct LublinClassParams {
  // Job size. A job is serial (1 processor) with probability serial_prob; otherwise
  // log2(size) is drawn from a two-stage uniform: [ulow, umed) with probability uprob, else
  // [umed, uhi). With probability pow2_prob (of all jobs) that value is rounded to an integer,
  // giving a power-of-two size. The published uhi, umed are for a 128-processor machine; here
  // they follow the machine: uhi = log2(machine_procs) + uhi_offset, umed = log2(machine_procs)
  // + umed_offset (128 processors gives back the published values exactly).
  double serial_prob = 0.2927;
  double pow2_prob = 0.6686;
  double ulow = 1.2;
  double umed_offset = -2.0;  // published umed 5 = 7 - 2
  double uhi_offset = 0.0;    // published uhi 7 = log2(128)
  double uprob = 0.875;
  // Runtime. ln(runtime in seconds) follows a hyper-gamma: Gamma(a1, b1) (shape, scale) with
  // probability p, else Gamma(a2, b2), where p = pa * size + pb clamped to [0, 1] (larger jobs
  // run longer). Draws above ln_runtime_cap are redrawn.
  double a1 = 6.57;
  double b1 = 0.823;
  double a2 = 639.1;
  double b2 = 0.0156;
  double pa = -0.003;
  double pb = 0.6986;
  // Arrivals. ln(inter-arrival time in seconds) at rush hours follows Gamma(aarr * arar, barr)
  // (arar converts the rush-hour fit to all hours); the daily cycle weighs the day's 48
  // half-hour buckets by the mass of Gamma(anum, bnum) on each. Draws above
  // ln_interarrival_cap are redrawn.
  double aarr = 6.0415;
  double barr = 0.8531;
  double anum = 6.1271;
  double bnum = 5.2740;
  double arar = 1.0519;

  static LublinClassParams batch() { return {}; }
  static LublinClassParams interactive();
  // The "whole sample" parameters of m_lublin99.c, fitted without the batch/interactive split
  // (its INCLUDE_JOBS_TYPE = 0). Assign to LublinConfig::batch to generate a typeless workload.
  static LublinClassParams whole_sample();

  // Throws InputError naming `prefix` + field (e.g. "lublin.batch.serial_prob: ...").
  void validate(const std::string& prefix) const;
};

struct LublinConfig {
  int64_t jobs = 10000;
  int64_t machine_procs = 256;  // the machine size P; no job asks for more
  uint64_t seed = 1;
  // false: batch jobs only (SWF queue 1). true: the batch and interactive classes each run
  // their own arrival process and are merged by arrival time (interactive jobs: SWF queue 0).
  bool interactive = false;
  // User estimates. 1: walltime = runtime (the model has no estimates). f > 1: walltime =
  // ceil(runtime * U), U uniform on [1, f), drawn from a separate stream so the jobs themselves
  // do not change with f.
  double estimate_factor = 1.0;
  int32_t start_hour = 0;        // hour of the day at time 0 (the reference program starts at 0)
  double ln_runtime_cap = 12.0;  // exp(12) s ~ 1.9 days (TOO_MUCH_TIME)
  double ln_interarrival_cap = 13.0;  // exp(13) s ~ 5.1 days (TOO_MUCH_ARRIVE_TIME)
  LublinClassParams batch = LublinClassParams::batch();
  LublinClassParams interactive_params = LublinClassParams::interactive();

  // Throws InputError naming the field ("lublin.machine_procs: must be >= 1, got 0").
  void validate() const;
};

// Generates cfg.jobs jobs: trace_id 1..n in arrival order, submit and runtime in whole seconds
// (runtime >= 1 s), tasks = size with 1 core each, status 1 (completed), queue = class.
// The workload's machine hint is max_procs = max_nodes = machine_procs. Same config -> the
// same bits on every platform.
Workload generate_lublin(const LublinConfig& cfg);

}  // namespace clustersim
