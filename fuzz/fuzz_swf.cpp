// libFuzzer target: the SWF reader (strict and lenient), the mapping to a Workload, and the
// writer. Bad input may only raise InputError; a log that reads must survive a round trip
// through the writer unchanged.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sim/error.hpp"
#include "traces/swf.hpp"

using namespace clustersim;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (bool strict : {true, false}) {
    SwfOptions o;
    o.strict = strict;
    try {
      const SwfTrace trace = parse_swf_records(text, "fuzz.swf", o);
      const SwfTrace again = parse_swf_records(to_swf_text(trace), "again.swf", o);
      if (again.records != trace.records) std::abort();  // the writer lost or changed a field
    } catch (const InputError&) {
    }
    try {
      const Workload w = parse_swf(text, "fuzz.swf", o);
      for (size_t i = 1; i < w.jobs.size(); ++i) {
        if (w.jobs[i].submit < w.jobs[i - 1].submit) std::abort();  // must be in arrival order
      }
      (void)to_swf_text(w);
    } catch (const InputError&) {
    }
  }
  return 0;
}
