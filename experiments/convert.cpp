// clustersim convert: read a trace once and write its workload cache (traces/cache.hpp).
#include <iostream>

#include "experiments/cli_options.hpp"
#include "experiments/commands.hpp"

namespace clustersim::cli {

int cmd_convert(int argc, char** argv) {
  po::options_description d(
      "clustersim convert: read a trace once and write its workload cache, which loads many times faster "
      "(--trace CACHE; docs/traces.md)");
  d.add_options()("help,h", "show this help")
      ("in", po::value<std::string>()->required(), "the trace (any format clustersim reads)")
      ("out", po::value<std::string>(), "the cache to write (default: IN.cache, where --trace-cache auto looks)")
      ("quiet,q", po::bool_switch(), "print nothing but errors");
  add_trace_reader_options(d);
  po::positional_options_description pos;
  pos.add("in", 1).add("out", 1);
  po::variables_map vm;
  if (!parse(argc, argv, d, vm, "usage: clustersim convert TRACE [OUT.cache] [reader options]", &pos)) return 0;
  const std::string in = vm["in"].as<std::string>();
  const std::string out = vm.count("out") ? vm["out"].as<std::string>() : auto_cache_path(in);
  TraceOptions o = trace_options(vm);
  const TraceFormat f = o.format ? *o.format : detect_trace_format(in);
  o.format = f;
  const Workload w = convert_trace(in, out, o);
  if (!vm["quiet"].as<bool>()) {
    for (const std::string& msg : w.warnings) std::cerr << "warning: " << msg << "\n";
    std::cout << "wrote " << out << ": " << w.jobs.size() << " jobs from " << in << " (" << to_string(f) << ")";
    if (w.skipped_total() > 0) std::cout << ", " << w.skipped_total() << " records skipped";
    std::cout << "\n";
  }
  return 0;
}

}  // namespace clustersim::cli
