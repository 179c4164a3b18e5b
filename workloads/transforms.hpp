#pragma once
// Transforms of a Workload. Each returns a new Workload (the input is not changed) whose jobs
// keep their arrival order and their trace_id; the machine hint, the skipped counts and the
// warnings are carried over, and the name records the transform ("x | take(100,0)") so that
// an output file says where its workload came from.
#include <cstdint>
#include <functional>

#include "sim/workload.hpp"

namespace clustersim {

// The n consecutive jobs starting at index offset (0-based, in arrival order). Throws
// InputError when n < 0, offset < 0 or offset + n > number of jobs.
Workload take(const Workload& w, int64_t n, int64_t offset = 0);

// n consecutive jobs starting at an index drawn uniformly from [0, size - n] with the given
// seed (the same seed and workload give the same slice everywhere). Throws InputError when
// n < 0 or n > number of jobs.
Workload take_random(const Workload& w, int64_t n, uint64_t seed);

// Compresses time between arrivals by `factor` (> 0, finite): submit' = first + (submit -
// first) / factor, rounded to the nearest microsecond (halves away from zero). Runtimes stay,
// so the offered load is multiplied by (about) factor; factor < 1 stretches the workload.
Workload scale_load(const Workload& w, double factor);

// The jobs whose submit time lies in [from, to). Submit times are not moved (see
// shift_to_zero). Throws InputError when from > to.
Workload time_window(const Workload& w, Time from, Time to);

// The jobs for which keep(job) is true.
Workload filter(const Workload& w, const std::function<bool(const JobSpec&)>& keep);

// Moves every submit time so that the first job arrives at 0 (an empty workload is returned
// as is).
Workload shift_to_zero(const Workload& w);

}  // namespace clustersim
