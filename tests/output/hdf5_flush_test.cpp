// What a run file holds before the run ends: the empty layout right after creation, every
// flushed row while the writer is still open, and every flushed row after the process is
// killed. A copy of the file taken mid-run is exactly what a kill would leave on disk.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>

#include "output/hdf5_reader.hpp"
#include "output/hdf5_writer.hpp"
#include "policies/registry.hpp"
#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "support/builders.hpp"
#include "support/temp_dir.hpp"

using namespace clustersim;
using namespace clustersim::testing;
namespace fs = std::filesystem;

namespace {

// Rows end in this order: J9 rejected at t3, then J1, J2, J3, J4 finish at 10, 15, 18, 35.
std::vector<JobSpec> small_case() {
  return sorted({job(1, 0, 10, 2), job(2, 0, 5, 4), job(3, 1, 3, 2), job(4, 2, 20, 1), job(9, 3, 5, 8)});
}

// Calls `at(n)` after the n-th job finish (n from 1), after the writer (added first) saw it.
struct OnFinish : Observer {
  std::function<void(int)> at;
  int n = 0;
  void on_job_finish(const EngineView&, JobId) override { at(++n); }
};

std::string snapshot(const std::string& live, const std::string& copy) {
  fs::copy_file(live, copy, fs::copy_options::overwrite_existing);
  return copy;
}

// Runs a shell command; its standard output, or nullopt if it could not be run.
std::optional<std::string> output_of(const std::string& command) {
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return std::nullopt;
  std::string out;
  char buf[256];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  if (::pclose(p) != 0) return std::nullopt;
  return out;
}

bool h5py_available() { return output_of("/usr/bin/python3 -c 'import h5py' 2>/dev/null").has_value(); }

}  // namespace

TEST(Hdf5RunWriter, NewFileHoldsTheWholeLayoutWithEmptyColumns) {
  TempDir tmp;
  Hdf5RunWriter writer(tmp.file("run.h5"), {});
  std::string f = snapshot(writer.path(), tmp.file("copy.h5"));
  // /tail holds the committed rows past the last whole chunk while the file is written.
  EXPECT_EQ(list_group(f, "/"),
            (std::vector<std::string>{"jobs", "jobs_rejected", "meta", "summary", "tail", "timeseries"}));
  EXPECT_EQ(list_group(f, "/tail"), (std::vector<std::string>{"jobs", "jobs_rejected", "timeseries"}));
  EXPECT_EQ(list_group(f, "/jobs").size(), 21u);  // the columns of docs/hdf5-format.md
  EXPECT_EQ(list_group(f, "/tail/jobs"), list_group(f, "/jobs"));
  EXPECT_EQ(committed_rows(f, "/jobs"), 0);
  EXPECT_EQ(committed_rows(f, "/timeseries"), 0);
  EXPECT_EQ(column_info(f, "/jobs/id").rows, 0);
  EXPECT_EQ(column_info(f, "/timeseries/time").rows, 0);
  EXPECT_EQ(column_info(f, "/jobs_rejected/reason").rows, 0);
  EXPECT_EQ(read_attribute_i64(f, "/meta", "run_complete"), 0);
  EXPECT_EQ(read_attribute_str(f, "/meta", "created_by"), "clustersim");
}

TEST(Hdf5RunWriter, FlushedRowsAreOnDiskWhileTheWriterIsStillOpen) {
  TempDir tmp;
  std::string live = tmp.file("run.h5");
  Engine e(pool(4), small_case());
  Hdf5RunWriter writer(live, {}, {.flush_rows = 2});
  OnFinish probe;
  std::vector<std::vector<int64_t>> on_disk, in_process;
  probe.at = [&](int n) {
    std::string copy = snapshot(live, tmp.file("copy" + std::to_string(n) + ".h5"));
    on_disk.push_back(read_column_i64(copy, "/jobs/id"));
    in_process.push_back(read_column_i64(live, "/jobs/id"));  // the open file itself, read-only
    EXPECT_EQ(read_column_i64(copy, "/jobs_rejected/id"), (std::vector<int64_t>{9}));
  };
  e.add_observer(&writer);
  e.add_observer(&probe);
  e.run(*PolicyRegistry::builtin().make("fcfs"));
  // flush_rows = 2: rows 1-2 are flushed at J1's finish, rows 3-4 at J3's; row 5 at the end.
  using V = std::vector<int64_t>;
  EXPECT_EQ(on_disk, (std::vector<V>{{9, 1}, {9, 1}, {9, 1, 2, 3}, {9, 1, 2, 3}}));
  EXPECT_EQ(in_process, on_disk);
  EXPECT_EQ(read_column_i64(live, "/jobs/id"), (V{9, 1, 2, 3, 4}));
}

TEST(Hdf5RunWriter, WallClockFlushesRowsLongBeforeTheRowLimit) {
  // flush_seconds tiny, flush_rows huge: the clock is read every 64 rows, and then it flushes.
  TempDir tmp;
  std::string live = tmp.file("run.h5");
  std::vector<JobSpec> jobs;
  for (int64_t i = 0; i < 100; ++i) jobs.push_back(job(i + 1, i, 1, 1));
  Engine e(pool(1), sorted(jobs));
  Hdf5RunWriter writer(live, {}, {.flush_rows = 1'000'000, .flush_seconds = 1e-9});
  OnFinish probe;
  std::vector<int64_t> rows_on_disk;
  probe.at = [&](int n) {
    if (n == 63 || n == 64 || n == 100)
      rows_on_disk.push_back(committed_rows(snapshot(live, tmp.file("copy.h5")), "/jobs"));
  };
  e.add_observer(&writer);
  e.add_observer(&probe);
  e.run(*PolicyRegistry::builtin().make("fcfs"));
  EXPECT_EQ(rows_on_disk, (std::vector<int64_t>{0, 64, 64}));
}

TEST(Hdf5RunWriter, AKilledRunLeavesAReadableFileWithEveryFlushedRow) {
  TempDir tmp;
  std::string f = tmp.file("run.h5");
  // The child runs until J3 finishes (four rows flushed), then is killed mid-run.
  EXPECT_EXIT(
      {
        Engine e(pool(4), small_case());
        Hdf5RunWriter writer(f, {}, {.flush_rows = 2});
        OnFinish probe;
        probe.at = [](int n) {
          if (n == 3) std::raise(SIGKILL);
        };
        e.add_observer(&writer);
        e.add_observer(&probe);
        e.run(*PolicyRegistry::builtin().make("fcfs"));
        std::_Exit(0);
      },
      ::testing::KilledBySignal(SIGKILL), "");
  EXPECT_EQ(read_column_i64(f, "/jobs/id"), (std::vector<int64_t>{9, 1, 2, 3}));
  std::vector<double> start = read_column_f64(f, "/jobs/start");
  ASSERT_EQ(start.size(), 4u);
  EXPECT_TRUE(std::isnan(start[0]));  // J9, rejected
  EXPECT_EQ((std::vector<double>(start.begin() + 1, start.end())), (std::vector<double>{0, 10, 15}));
  EXPECT_EQ(read_column_i64(f, "/jobs/cores").size(), 4u);
  EXPECT_EQ(read_column_i64(f, "/jobs_rejected/id"), (std::vector<int64_t>{9}));
  EXPECT_EQ(read_attribute_i64(f, "/meta", "run_complete"), 0);
  EXPECT_EQ(list_attributes(f, "/summary"), (std::vector<std::string>{"description"}));  // written at run end only
}

TEST(Hdf5RunWriter, ARunThatThrowsLeavesAClosedFileWithEveryRowSoFar) {
  // The policy starts J1 and J3 at t0; at the next decision point (t3, J3 finished) it asks
  // to start J1 again, which is running: DecisionError. The writer's destructor, run while
  // the error unwinds, appends the buffered row and closes the file.
  TempDir tmp;
  std::string f = tmp.file("run.h5");
  struct Refused : Policy {
    std::string name() const override { return "refused"; }
    void schedule(Decisions& d) override {
      if (d.view().now() == Time::zero()) {
        d.start(JobId(0));
        d.start(JobId(2));
      } else {
        d.start(JobId(0));  // throws DecisionError
      }
    }
  } policy;
  EXPECT_THROW(
      {
        Hdf5RunWriter writer(f, {});
        Engine e(pool(4), sorted({job(1, 0, 10, 2), job(2, 0, 5, 4), job(3, 0, 3, 2)}));
        e.add_observer(&writer);
        e.run(policy);
      },
      DecisionError);
  EXPECT_EQ(read_column_i64(f, "/jobs/id"), (std::vector<int64_t>{3}));  // J3 finished at t3
  EXPECT_EQ(read_attribute_i64(f, "/meta", "run_complete"), 0);
  EXPECT_TRUE(std::isnan(read_attribute_f64(f, "/meta", "wall_time_s")));
}

TEST(Hdf5RunWriter, H5pyReadsTheFileWhileTheRunGoesOnAndAfterIt) {
  if (!h5py_available()) GTEST_SKIP() << "/usr/bin/python3 with h5py is not installed";
  TempDir tmp;
  std::string live = tmp.file("run.h5");
  // A reader in another process must not take HDF5's file lock (the writer holds it). While
  // the run goes on, the committed rows past the last whole chunk are in /tail
  // (docs/hdf5-format.md shows this reader).
  std::string script = tmp.file("ids.py");
  {
    std::ofstream py(script);
    py << "import sys, h5py, numpy as np\n"
          "def committed(ds):\n"
          "    rows, in_tail, slot = (int(v) for v in ds.parent.attrs['committed'])\n"
          "    part = ds[: rows - in_tail]\n"
          "    if in_tail:\n"
          "        tail = ds.file['/tail' + ds.name]\n"
          "        part = np.concatenate([part, tail[slot * tail.chunks[0] :][:in_tail]])\n"
          "    return part\n"
          "f = h5py.File(sys.argv[1], 'r')\n"
          "print(','.join(str(i) for i in committed(f['jobs/id'])), f['meta'].attrs['created_by'],\n"
          "      f['jobs/start'].attrs['units'])\n";
  }
  auto ids_via_h5py = [&] { return output_of("HDF5_USE_FILE_LOCKING=FALSE /usr/bin/python3 " + script + " " + live); };
  Engine e(pool(4), small_case());
  Hdf5RunWriter writer(live, {}, {.flush_rows = 2});
  OnFinish probe;
  std::optional<std::string> mid;
  probe.at = [&](int n) {
    if (n == 3) mid = ids_via_h5py();
  };
  e.add_observer(&writer);
  e.add_observer(&probe);
  e.run(*PolicyRegistry::builtin().make("fcfs"));
  EXPECT_EQ(mid, "9,1,2,3 clustersim s\n");
  EXPECT_EQ(ids_via_h5py(), "9,1,2,3,4 clustersim s\n");
}
