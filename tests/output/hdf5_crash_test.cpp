// Crash atomicity of the HDF5 run writer (docs/hdf5-format.md, "Commit records and killed
// runs"): once the file is created, a SIGKILL at any moment — during a flush included — leaves
// a file that opens, whose commit records count only rows that read back intact, and whose
// counts never go back as the kill comes later.
//
// How: this test program defines pwrite and ftruncate, so libhdf5 calls these instead of
// libc's (a program's own definitions take precedence over a shared library's). They pass
// through, and on demand
//  - record every change the writer makes to its file, so that the file as it was after each
//    write, and with each write torn after its first page (what a SIGKILL inside a write can
//    leave), is rebuilt and checked: every moment a kill could land, deterministically;
//  - kill the process with SIGKILL at its N-th change, in a forked child: a real killed run.
// hdf5_killed_program_test.cpp kills the clustersim program itself.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "output/hdf5_reader.hpp"
#include "output/hdf5_writer.hpp"
#include "policies/registry.hpp"
#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "support/builders.hpp"
#include "support/temp_dir.hpp"

using namespace clustersim;
using namespace clustersim::testing;

namespace {

constexpr off_t kPage = 4096;

// One change to a file: bytes written at an offset, or its length set (ftruncate).
struct FileOp {
  bool truncate = false;
  off_t offset = 0;  // the new length, for a truncate
  std::string bytes;
};

// What the interposed functions do besides passing the call through.
struct Hook {
  bool record = false;
  std::vector<FileOp> ops;
  int fd = -1;            // the file being written: the first one changed while recording or armed
  int64_t kill_at = -1;   // >= 0: SIGKILL the process at this change (counted from 0) ...
  bool torn = false;      // ... after writing only the part of it in its first page
  int64_t changes = 0;
  int other_fds = 0;      // changes to any other file (there must be none)
};

Hook& hook() {
  static Hook h;
  return h;
}

// Records the change, or kills the process when it is due, before the change is made.
void before_change(int fd, const void* buf, size_t n, off_t offset, bool truncate) {
  Hook& h = hook();
  if (fd <= 2 || (!h.record && h.kill_at < 0)) return;
  if (h.fd < 0) h.fd = fd;
  if (fd != h.fd) {
    ++h.other_fds;
    return;
  }
  if (h.record)
    h.ops.push_back({truncate, offset, truncate ? std::string() : std::string(static_cast<const char*>(buf), n)});
  if (h.changes++ == h.kill_at) {
    if (h.torn && !truncate) {
      auto first = static_cast<size_t>(std::min<off_t>(static_cast<off_t>(n), kPage - offset % kPage));
      if (syscall(SYS_pwrite64, fd, buf, first, offset) < 0) std::_Exit(3);
    }
    std::raise(SIGKILL);
  }
}

}  // namespace

extern "C" ssize_t pwrite(int fd, const void* buf, size_t n, off_t offset) {
  before_change(fd, buf, n, offset, false);
  return syscall(SYS_pwrite64, fd, buf, n, offset);
}

extern "C" int ftruncate(int fd, off_t length) {
  before_change(fd, nullptr, 0, length, true);
  return static_cast<int>(syscall(SYS_ftruncate, fd, length));
}

namespace {

// 4,000 jobs on 4 processors, FCFS, one a second: every 3rd asks for 8 processors and is
// rejected (1,333 rows of /jobs_rejected: a whole chunk of 1,024 and a rest), a sample every
// 0.5 s (about 8,000 rows of /timeseries: a whole chunk of 4,096 and a rest), and a flush each
// time /jobs or /timeseries holds 1,000 new rows (11 flushes). So flushes write whole chunks,
// rewrite the tails of every table (the text of the rejections included), and the final flush
// moves the tails into the columns. /jobs gets no whole chunk (16,384 rows): the code is the
// same for every table, and reading it back at each moment is what costs.
constexpr int64_t kJobs = 4000, kFlushRows = 1000;

std::vector<JobSpec> crash_workload() {
  std::vector<JobSpec> jobs;
  for (int64_t i = 0; i < kJobs; ++i)
    jobs.push_back(job(i + 1, i, 1 + i % 5, i % 3 == 2 ? 8 : static_cast<int32_t>(1 + i % 2)));
  return sorted(std::move(jobs));
}

EngineConfig crash_config() { return {.sample_interval = Time::from_us(500000)}; }

// Follows the run after the writer (added first) has seen each event, when every flush it
// made has returned: notes how many file changes were made by then, and how many /jobs rows
// the writer has committed by its flush rule (a flush whenever /jobs or /timeseries holds
// kFlushRows rows not flushed yet; flush_seconds is out of reach).
struct Progress : Observer {
  struct Mark {
    size_t changes;
    int64_t jobs_committed;
  };
  std::vector<Mark> marks;
  int64_t jobs = 0, samples = 0, jobs_flushed = 0, samples_flushed = 0;
  void on_job_reject(const EngineView&, JobId, std::string_view) override { row(jobs, jobs_flushed); }
  void on_job_finish(const EngineView&, JobId) override { row(jobs, jobs_flushed); }
  void on_sample(const EngineView&) override { row(samples, samples_flushed); }
  void row(int64_t& rows, int64_t& flushed) {
    if (++rows - flushed >= kFlushRows) {
      jobs_flushed = jobs;
      samples_flushed = samples;
    }
    marks.push_back({static_cast<size_t>(hook().changes), jobs_flushed});
  }
};

// Runs the crash workload into `path` (kills come from the hook).
void run_crash_workload(const std::string& path, Hdf5Options options, Observer* probe = nullptr) {
  Engine e(pool(4), crash_workload(), crash_config());
  Hdf5RunWriter writer(path, {}, options);
  e.add_observer(&writer);
  if (probe) e.add_observer(probe);
  e.run(*PolicyRegistry::builtin().make("fcfs"));
}

const std::vector<std::string> kTables = {"/jobs", "/jobs_rejected", "/timeseries"};

// Every column of the complete file, as the reader gives it.
struct Reference {
  std::map<std::string, std::vector<int64_t>> ints;
  std::map<std::string, std::vector<double>> floats;
  std::map<std::string, std::vector<std::string>> strings;
  std::map<std::string, int64_t> rows;  // per table
};

Reference read_reference(const std::string& f) {
  Reference r;
  for (const std::string& t : kTables) {
    r.rows[t] = committed_rows(f, t);
    for (const std::string& name : list_group(f, t)) {
      std::string c = t + "/" + name;
      switch (column_info(f, c).kind) {
        case ColumnInfo::Kind::Integer: r.ints[c] = read_column_i64(f, c); break;
        case ColumnInfo::Kind::Float: r.floats[c] = read_column_f64(f, c); break;
        default: r.strings[c] = read_column_str(f, c); break;
      }
    }
  }
  return r;
}

template <class T>
bool is_prefix(const std::vector<T>& part, const std::vector<T>& whole) {
  if (part.size() > whole.size()) return false;
  if constexpr (std::is_same_v<T, double>)  // bit for bit: NaN is a value here
    return part.empty() || std::memcmp(part.data(), whole.data(), part.size() * sizeof(double)) == 0;  // no null to memcmp
  else
    return std::equal(part.begin(), part.end(), whole.begin());
}

using Counts = std::map<std::string, int64_t>;

// Checks a file left at some moment of the run: it opens, and each table's committed rows
// read back, column by column, equal the first rows of the complete file. Returns the
// committed row counts, or a description of what is wrong.
std::string check_file(const std::string& f, const Reference& ref, Counts& counts) {
  try {
    for (const std::string& t : kTables) {
      int64_t n = committed_rows(f, t);
      if (n < 0 || n > ref.rows.at(t)) return t + " commits " + std::to_string(n) + " rows";
      counts[t] = n;
    }
    auto rows_of = [&](const std::string& c) { return static_cast<size_t>(counts.at(c.substr(0, c.rfind('/')))); };
    for (const auto& [c, whole] : ref.ints) {
      std::vector<int64_t> v = read_column_i64(f, c);
      if (v.size() != rows_of(c) || !is_prefix(v, whole)) return c + " differs";
    }
    for (const auto& [c, whole] : ref.floats) {
      std::vector<double> v = read_column_f64(f, c);
      if (v.size() != rows_of(c) || !is_prefix(v, whole)) return c + " differs";
    }
    for (const auto& [c, whole] : ref.strings) {
      std::vector<std::string> v = read_column_str(f, c);
      if (v.size() != rows_of(c) || !is_prefix(v, whole)) return c + " differs";
    }
    // What a job row must satisfy whatever the reference: a job ends no earlier than it
    // started, and appears once.
    std::vector<double> start = read_column_f64(f, "/jobs/start"), end = read_column_f64(f, "/jobs/end");
    for (size_t i = 0; i < start.size(); ++i)
      if (!std::isnan(start[i]) && !std::isnan(end[i]) && end[i] < start[i]) return "/jobs row ends before it starts";
    std::vector<int64_t> index = read_column_i64(f, "/jobs/index");
    std::sort(index.begin(), index.end());
    if (std::adjacent_find(index.begin(), index.end()) != index.end()) return "/jobs holds a job twice";
    // /meta stays readable; once run_complete is 1, every row is committed and /summary is
    // readable (it is written after the last rows, before run_complete).
    for (const std::string& a : list_attributes(f, "/meta")) {
      if (a == "seed" || a == "format_version" || a == "run_complete" || a == "wall_time_s")
        read_attribute_f64(f, "/meta", a);
      else
        read_attribute_str(f, "/meta", a);
    }
    if (read_attribute_i64(f, "/meta", "run_complete") == 1) {
      if (counts != ref.rows) return "run_complete is 1 before every row is committed";
      for (const std::string& a : list_attributes(f, "/summary"))
        if (a != "description" && a != "units") read_attribute_f64(f, "/summary", a);
    }
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

bool no_less(const Counts& later, const Counts& earlier) {
  return std::all_of(kTables.begin(), kTables.end(),
                     [&](const std::string& t) { return later.at(t) >= earlier.at(t); });
}

// Sets a file to the state after `op` (raw system calls: not recorded).
void apply(int fd, const FileOp& op, size_t bytes) {
  long r = op.truncate ? syscall(SYS_ftruncate, fd, op.offset)
                       : syscall(SYS_pwrite64, fd, op.bytes.data(), bytes, op.offset);
  ASSERT_GE(r, 0);
}

struct Recording {
  std::vector<FileOp> ops;
  std::vector<Progress::Mark> marks;
  size_t created = 0;  // changes made by the time the constructor returned
};

Recording record_run(const std::string& path, Hdf5Options options) {
  Hook& h = hook();
  h = Hook{};
  h.record = true;
  Progress progress;
  Recording r;
  struct AtStart : Observer {
    size_t* created;
    void on_run_start(const EngineView&) override { *created = hook().ops.size(); }
  } at_start;
  at_start.created = &r.created;
  {
    Engine e(pool(4), crash_workload(), crash_config());
    Hdf5RunWriter writer(path, {}, options);
    e.add_observer(&at_start);  // the writer makes no change at the run's start
    e.add_observer(&writer);
    e.add_observer(&progress);
    e.run(*PolicyRegistry::builtin().make("fcfs"));
  }
  EXPECT_EQ(h.other_fds, 0);
  r.ops = std::move(h.ops);
  r.marks = std::move(progress.marks);
  h = Hook{};
  return r;
}

// Rebuilds the file after every recorded change (and, for a change of more than one page,
// after its first page only), from the moment the constructor returned, and checks each.
void check_every_moment(const Hdf5Options& options, const std::string& name) {
  TempDir tmp;
  std::string live = tmp.file(name + ".h5"), image = tmp.file(name + "-image.h5");
  Recording rec = record_run(live, options);
  Reference ref = read_reference(live);
  ASSERT_EQ(ref.rows.at("/jobs"), kJobs);
  ASSERT_GT(ref.rows.at("/jobs_rejected"), 1024);  // a whole chunk and a rest
  ASSERT_GT(ref.rows.at("/timeseries"), 4096);  // ... and /jobs only a rest (its chunk is 16,384)

  int fd = ::open(image.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  // /jobs rows committed at each moment when every flush had returned.
  std::map<size_t, int64_t> flushed_jobs;
  for (const Progress::Mark& m : rec.marks) flushed_jobs[m.changes] = m.jobs_committed;
  Counts last = {{"/jobs", 0}, {"/jobs_rejected", 0}, {"/timeseries", 0}};
  int checked = 0, failures = 0;
  for (size_t i = 0; i < rec.ops.size() && failures < 50; ++i) {
    const FileOp& op = rec.ops[i];
    if (i >= rec.created && !op.truncate) {
      auto first = static_cast<size_t>(std::min<off_t>(static_cast<off_t>(op.bytes.size()), kPage - op.offset % kPage));
      if (first < op.bytes.size()) {  // killed inside this write, after its first page
        apply(fd, op, first);
        Counts torn;
        std::string bad = check_file(image, ref, torn);
        ++checked;
        if (!bad.empty() || !no_less(torn, last)) {
          ADD_FAILURE() << name << ": killed inside change " << i << " of " << rec.ops.size() << ": "
                        << (bad.empty() ? "a commit count went back" : bad);
          ++failures;
        }
      }
    }
    apply(fd, op, op.bytes.size());
    if (i + 1 < rec.created) continue;
    Counts now;
    std::string bad = check_file(image, ref, now);
    ++checked;
    if (!bad.empty() || !no_less(now, last)) {
      ADD_FAILURE() << name << ": killed after change " << i << " of " << rec.ops.size() << ": "
                    << (bad.empty() ? "a commit count went back" : bad);
      ++failures;
      continue;
    }
    if (auto m = flushed_jobs.find(i + 1); m != flushed_jobs.end() && now.at("/jobs") != m->second) {
      ADD_FAILURE() << name << ": after change " << i << ", every flush done, /jobs commits " << now.at("/jobs")
                    << " rows, not " << m->second;
      ++failures;
    }
    last = now;
  }
  ::close(fd);
  EXPECT_EQ(last, ref.rows);  // the end: everything
  // Replaying every change gives the file itself: no change was missed.
  auto bytes_of = [](const std::string& f) {
    std::ifstream in(f, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_TRUE(bytes_of(image) == bytes_of(live));
  ::testing::Test::RecordProperty("moments_checked", checked);
}

}  // namespace

TEST(Hdf5Crash, EveryMomentOfARunLeavesEveryCommittedRowReadable) {
  check_every_moment({.flush_rows = kFlushRows, .flush_seconds = 1e9}, "deflate");
}

TEST(Hdf5Crash, EveryMomentOfAnUncompressedRunLeavesEveryCommittedRowReadable) {
  check_every_moment({.flush_rows = kFlushRows, .flush_seconds = 1e9, .deflate_level = 0}, "plain");
}

TEST(Hdf5Crash, RunsKilledAtChosenWritesLeaveEveryCommittedRowReadableAndCountsNeverGoBack) {
  TempDir tmp;
  const Hdf5Options options{.flush_rows = kFlushRows, .flush_seconds = 1e9};
  std::string complete = tmp.file("complete.h5");
  Recording rec = record_run(complete, options);
  Reference ref = read_reference(complete);
  // 16 kills spread over the run's changes (all of them are made by flushes), every other one
  // inside a write, after its first page.
  Counts last = {{"/jobs", 0}, {"/jobs_rejected", 0}, {"/timeseries", 0}};
  for (int k = 0; k < 16; ++k) {
    auto at = static_cast<int64_t>(rec.created + (rec.ops.size() - rec.created) * static_cast<size_t>(2 * k + 1) / 32);
    bool torn = k % 2 == 1;
    std::string f = tmp.file("killed" + std::to_string(k) + ".h5");
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      hook() = Hook{};
      hook().kill_at = at;
      hook().torn = torn;
      try {
        run_crash_workload(f, options);
      } catch (...) {
        std::_Exit(2);
      }
      std::_Exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "kill " << k << ": status " << status;
    Counts now;
    EXPECT_EQ(check_file(f, ref, now), "") << "killed at change " << at << (torn ? ", inside it" : "");
    EXPECT_TRUE(no_less(now, last)) << "killed at change " << at << ": a commit count went back";
    EXPECT_EQ(read_attribute_i64(f, "/meta", "run_complete"), 0);
    last = now;
  }
  EXPECT_GT(last.at("/jobs"), 0);
}
