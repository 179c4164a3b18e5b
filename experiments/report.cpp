// clustersim report DIR: a sweep's report, written by the Python package's report module
// (python/clustersim/report.py): the table needs confidence intervals and the figures need
// matplotlib, which the Python side already has (clustersim.analysis, clustersim.plots); one
// implementation, reached from both `clustersim report` and `python3 -m clustersim.report`.
// This command only starts that Python with the build tree's package on PYTHONPATH.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "experiments/commands.hpp"
#include "sim/error.hpp"

namespace clustersim::cli {

int cmd_report(int argc, char** argv) {
#if CLUSTERSIM_REPORT_WITH_PYTHON
  const std::string python = CLUSTERSIM_REPORT_PYTHON;
  std::string path = CLUSTERSIM_REPORT_PYTHONPATH;
  if (const char* old = std::getenv("PYTHONPATH"); old && *old) path += std::string(":") + old;
  setenv("PYTHONPATH", path.c_str(), 1);
  setenv("MPLBACKEND", "Agg", 0);
  std::vector<std::string> args = {python, "-m", "clustersim.report"};
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  std::vector<char*> cargs;
  for (auto& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  execv(python.c_str(), cargs.data());
  throw InputError(python + ": cannot start it for the report (" + std::strerror(errno) +
                   "); run `python3 -m clustersim.report DIR` with the clustersim package on PYTHONPATH");
#else
  (void)argc;
  (void)argv;
  throw InputError("this build has no Python package (-DCLUSTERSIM_BUILD_PYTHON=OFF), which writes the report; "
                   "run `python3 -m clustersim.report DIR` with an installed clustersim package");
#endif
}

}  // namespace clustersim::cli
