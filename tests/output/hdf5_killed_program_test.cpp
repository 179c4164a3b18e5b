// The clustersim program, writing HDF5 with a flush every 20 ms, killed with SIGKILL while
// another process follows its commit records (docs/hdf5-format.md, "Commit records and killed
// runs"): the counts it sees never go back, and the killed file holds every row they counted.
// The kills land wherever the program is, in a flush or not; hdf5_crash_test.cpp kills runs
// at chosen writes and checks every moment of one.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "output/hdf5_reader.hpp"
#include "support/temp_dir.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

// The committed /jobs rows of a file that another process is writing (HDF5's file lock, which
// the writer holds, not taken), or -1 if the file cannot be read at this moment.
int64_t committed_jobs_of_live_file(const std::string& f) {
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_file_locking(fapl, false, true);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  int64_t value[3] = {-1, 0, 0};
  hid_t file = H5Fopen(f.c_str(), H5F_ACC_RDONLY, fapl);
  if (file >= 0) {
    hid_t a = H5Aopen_by_name(file, "/jobs", "committed", H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0 || H5Aread(a, H5T_NATIVE_INT64, value) < 0) value[0] = -1;
    if (a >= 0) H5Aclose(a);
    H5Fclose(file);
  }
  H5Pclose(fapl);
  return value[0];
}

}  // namespace

TEST(Hdf5Crash, TheProgramKilledWhileItFlushesEvery20MsKeepsEveryCommittedRow) {
  // Two runs, killed once /jobs has been committed 2, then 5 times.
  std::string cli = std::string(CLUSTERSIM_BINARY_DIR) + "/clustersim";
  if (!std::filesystem::exists(cli)) GTEST_SKIP() << cli << " is not built";
  TempDir tmp;
  for (int commits : {2, 5}) {
    std::string f = tmp.file("killed" + std::to_string(commits) + ".h5");
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::execl(cli.c_str(), cli.c_str(), "run", "--synthetic", "lublin", "--jobs", "1500000", "--policy", "fcfs",
              "--flush-seconds", "0.02", "--out", f.c_str(), "--quiet", static_cast<char*>(nullptr));
      std::_Exit(127);
    }
    std::vector<int64_t> seen;  // each new commit count seen
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (static_cast<int>(seen.size()) < commits && std::chrono::steady_clock::now() < deadline) {
      int64_t n = std::filesystem::exists(f) ? committed_jobs_of_live_file(f) : -1;
      if (n > 0 && (seen.empty() || n != seen.back())) {
        EXPECT_GT(n, seen.empty() ? 0 : seen.back()) << "the commit count went back";
        seen.push_back(n);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the run ended first: status " << status;
    ASSERT_EQ(static_cast<int>(seen.size()), commits) << "the run committed too little in 60 s";

    int64_t rows = committed_rows(f, "/jobs");
    EXPECT_GE(rows, seen.back());
    for (const std::string& name : list_group(f, "/jobs")) {
      std::string c = "/jobs/" + name;
      size_t n = column_info(f, c).kind == ColumnInfo::Kind::Float ? read_column_f64(f, c).size()
                                                                    : read_column_i64(f, c).size();
      EXPECT_EQ(n, static_cast<size_t>(rows)) << c;
    }
    std::vector<double> start = read_column_f64(f, "/jobs/start"), end = read_column_f64(f, "/jobs/end");
    for (size_t i = 0; i < start.size(); ++i) ASSERT_GE(end[i], start[i]) << "row " << i;  // FCFS: all finished
    std::vector<int64_t> index = read_column_i64(f, "/jobs/index");
    std::sort(index.begin(), index.end());
    EXPECT_TRUE(std::adjacent_find(index.begin(), index.end()) == index.end()) << "a job twice";
    EXPECT_EQ(read_column_f64(f, "/timeseries/time").size(), static_cast<size_t>(committed_rows(f, "/timeseries")));
    EXPECT_EQ(read_attribute_i64(f, "/meta", "run_complete"), 0);
  }
}
