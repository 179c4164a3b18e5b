// libFuzzer target: the RLScheduler profile's loader and replay on arbitrary SWF text. Bad
// input may only raise InputError; every loaded window must replay to a feasible schedule
// (each job starts at or after its submit time, the clock ends at the last start).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "compat/rlscheduler.hpp"
#include "sim/error.hpp"

using namespace clustersim;
namespace rl = clustersim::compat::rlscheduler;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  rl::Trace trace;
  try {
    trace = rl::parse(text, "fuzz.swf");
  } catch (const InputError&) {
    return 0;
  }
  const auto n = static_cast<int64_t>(std::min<size_t>(trace.jobs.size(), 256));
  if (n == 0) return 0;
  for (rl::Score score : rl::kAllScores) {
    for (bool backfill : {false, true}) {
      const rl::WindowResult w = rl::replay_window(trace, 0, n, score, backfill);
      Time last = Time::zero();
      for (int64_t i = 0; i < n; ++i) {
        const Time s = w.starts[static_cast<size_t>(i)];
        if (s < trace.jobs[static_cast<size_t>(i)].submit) std::abort();
        last = i == 0 ? s : std::max(last, s);
      }
      if (w.end != last) std::abort();
    }
  }
  return 0;
}
