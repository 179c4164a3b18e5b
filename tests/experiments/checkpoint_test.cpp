// Checkpoint and resume (docs/checkpoints.md): a run stopped between two decision points and
// resumed from its checkpoint must give exactly what the uninterrupted run gives: every /jobs
// column, the rejected jobs, the time series and the summary, bit for bit. Checked for every
// checkpointable policy family (batch with and without a learning estimate, packing with its
// random stream, DL baselines, rounds, autoscaling) and with seeded node failures; stops
// early, midway and late. What cannot be checkpointed, or a checkpoint of another run, is
// refused with an error that names it.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "experiments/runner.hpp"
#include "output/hdf5_reader.hpp"
#include "sim/error.hpp"
#include "sim/state_io.hpp"
#include "support/error_of.hpp"
#include "support/temp_dir.hpp"
#include "traces/cluster_spec.hpp"
#include "traces/throughputs.hpp"
#include "workloads/dl.hpp"
#include "workloads/lublin.hpp"

using namespace clustersim;
using clustersim::testing::TempDir;

namespace {

struct Case {
  std::string name;
  std::string policy;
  std::map<std::string, std::string> params;
  bool dl = false;        // GPU workload on the Gavel-style heterogeneous cluster
  bool failures = false;  // seeded MTBF/MTTR node failures
  bool autoscale = false;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::shared_ptr<const ThroughputTable> gavel_table() {
  static auto t = std::make_shared<const ThroughputTable>(
      read_throughputs(std::string(CLUSTERSIM_SOURCE_DIR) + "/data/gavel-throughputs/simulation_throughputs.json"));
  return t;
}

RunSetup make_setup(const Case& c) {
  RunSetup s;
  if (c.dl) {
    DlWorkloadConfig w;
    w.jobs = 300;
    w.jobs_per_hour = 40;
    w.seed = 7;
    s.workload = generate_dl(*gavel_table(), w);
    s.cluster = read_cluster_spec(std::string(CLUSTERSIM_SOURCE_DIR) + "/data/clusters/gavel-heterogeneous.toml").cluster;
    s.throughputs = gavel_table();
  } else {
    LublinConfig w;
    w.jobs = 1500;
    w.machine_procs = 64;
    w.estimate_factor = 3;
    w.seed = 3;
    s.workload = generate_lublin(w);
    s.cluster = c.autoscale ? Cluster::homogeneous(16, Resources{4, 0, 0}) : Cluster::homogeneous(64, Resources{1, 0, 0});
  }
  s.workload.sort_by_arrival();
  s.policy = c.policy;
  s.policy_params = c.params;
  s.engine.check_invariants = true;
  s.engine.restore_delay = Time::from_seconds(30);
  if (c.failures) {
    s.failures.mtbf_hours = 200;
    s.failures.mttr_hours = 2;
    s.failures.seed = 11;
    s.engine.checkpoint_interval = Time::from_seconds(600);
  }
  if (c.autoscale) {
    s.autoscale.enabled = true;
    s.autoscale.initial_nodes = 4;
  }
  return s;
}

// Thrown by check_stop to stop a run after a number of decision points.
struct Stop {};

void expect_same_files(const std::string& a, const std::string& b) {
  for (const char* table : {"jobs", "timeseries"}) {
    for (const std::string& col : list_group(a, table)) {
      const std::string ds = std::string(table) + "/" + col;
      if (column_info(a, ds).kind == ColumnInfo::Kind::Float) {
        const auto x = read_column_f64(a, ds), y = read_column_f64(b, ds);
        ASSERT_EQ(x.size(), y.size()) << ds;
        // Bit for bit (NaN included).
        EXPECT_EQ(0, std::memcmp(x.data(), y.data(), x.size() * sizeof(double))) << ds;
      } else if (column_info(a, ds).kind == ColumnInfo::Kind::Integer) {
        EXPECT_EQ(read_column_i64(a, ds), read_column_i64(b, ds)) << ds;
      }
    }
  }
  EXPECT_EQ(read_column_i64(a, "jobs_rejected/id"), read_column_i64(b, "jobs_rejected/id"));
  EXPECT_EQ(read_column_str(a, "jobs_rejected/reason"), read_column_str(b, "jobs_rejected/reason"));
  for (const std::string& attr : list_attributes(a, "summary")) {
    try {
      EXPECT_EQ(read_attribute_f64(a, "summary", attr), read_attribute_f64(b, "summary", attr)) << attr;
    } catch (const InputError&) {  // a text attribute
      EXPECT_EQ(read_attribute_str(a, "summary", attr), read_attribute_str(b, "summary", attr)) << attr;
    }
  }
  EXPECT_EQ(read_attribute_i64(b, "meta", "run_complete"), 1);
}

class CheckpointResume : public ::testing::TestWithParam<Case> {};

TEST_P(CheckpointResume, ResumedRunEqualsTheUninterruptedOne) {
  const Case& c = GetParam();
  TempDir dir;
  RunSetup whole = make_setup(c);
  whole.out_path = dir.file("whole.h5");
  const RunOutcome reference = run_simulation(std::move(whole));
  ASSERT_GT(reference.decision_points, 20) << "the case is too small to stop in the middle";

  for (const double at : {0.05, 0.5, 0.95}) {
    const int64_t stop_after = std::max<int64_t>(1, static_cast<int64_t>(at * static_cast<double>(reference.decision_points)));
    SCOPED_TRACE("stopped after " + std::to_string(stop_after) + " of " + std::to_string(reference.decision_points) +
                 " decision points");
    const std::string ck = dir.file("run.ck"), out = dir.file("resumed.h5");
    std::filesystem::remove(ck);
    RunSetup first = make_setup(c);
    first.out_path = out;
    first.checkpoint_path = ck;
    first.checkpoint_every_s = 1e9;  // only the first one and the one at the stop
    int64_t calls = 0;
    first.check_stop = [&] {
      if (++calls == stop_after) throw Stop{};
    };
    EXPECT_THROW(run_simulation(std::move(first)), Stop);
    ASSERT_TRUE(std::filesystem::exists(ck));

    RunSetup second = make_setup(c);
    second.out_path = out;  // the file the stopped run left is rewritten from the checkpoint
    second.resume_from = ck;
    const RunOutcome resumed = run_simulation(std::move(second));
    EXPECT_TRUE(resumed.resumed);
    EXPECT_EQ(resumed.events, reference.events);
    EXPECT_EQ(resumed.decision_points, reference.decision_points);
    EXPECT_EQ(resumed.summary.finished, reference.summary.finished);
    EXPECT_EQ(resumed.summary.bounded_slowdown.mean, reference.summary.bounded_slowdown.mean);
    EXPECT_EQ(resumed.summary.makespan, reference.summary.makespan);
    expect_same_files(dir.file("whole.h5"), out);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Policies, CheckpointResume,
    ::testing::Values(Case{"fcfs", "fcfs", {}}, Case{"easy", "easy", {}}, Case{"sjf", "sjf", {}},
                      Case{"rr", "rr", {}},
                      Case{"easy_user_mean2", "easy-sjf", {{"estimate", "user-mean2"}}},
                      Case{"easy_failures", "easy", {}, false, true},
                      Case{"easy_autoscale", "easy", {}, false, false, true},
                      Case{"hetero_greedy", "hetero-greedy", {}, true}, Case{"las", "las", {}, true},
                      Case{"drf", "drf", {}, true}, Case{"random", "random", {{"seed", "5"}}, true},
                      Case{"fgd", "fgd", {}, true}, Case{"rr_timeshare", "rr-timeshare", {}, true, true}),
    [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

TEST(Checkpoint, APolicyThatCannotBeCheckpointedIsRefusedBeforeTheRun) {
  TempDir dir;
  RunSetup s = make_setup(Case{"lp", "lp", {}, true});
  s.checkpoint_path = dir.file("run.ck");
  s.out_path = dir.file("run.h5");
  const std::string msg = clustersim::testing::error_of([&] { run_simulation(std::move(s)); });
  EXPECT_NE(msg.find("policy lp cannot be checkpointed"), std::string::npos) << msg;
  EXPECT_FALSE(std::filesystem::exists(dir.file("run.h5")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("run.ck")));
}

TEST(Checkpoint, ACheckpointOfAnotherRunIsRefusedNamingWhatDiffers) {
  TempDir dir;
  const std::string ck = dir.file("run.ck");
  RunSetup first = make_setup(Case{"easy", "easy", {}});
  first.checkpoint_path = ck;
  int64_t calls = 0;
  first.check_stop = [&] {
    if (++calls == 50) throw Stop{};
  };
  EXPECT_THROW(run_simulation(std::move(first)), Stop);

  RunSetup other_policy = make_setup(Case{"fcfs", "fcfs", {}});
  other_policy.resume_from = ck;
  std::string msg = clustersim::testing::error_of([&] { run_simulation(std::move(other_policy)); });
  EXPECT_NE(msg.find("the policy ('easy') differs"), std::string::npos) << msg;

  RunSetup other_cluster = make_setup(Case{"easy", "easy", {}});
  other_cluster.cluster = Cluster::homogeneous(65, Resources{1, 0, 0});
  other_cluster.resume_from = ck;
  msg = clustersim::testing::error_of([&] { run_simulation(std::move(other_cluster)); });
  EXPECT_NE(msg.find("the cluster"), std::string::npos) << msg;

  RunSetup other_jobs = make_setup(Case{"easy", "easy", {}});
  other_jobs.workload.jobs[10].runtime = other_jobs.workload.jobs[10].runtime + Time::from_seconds(1);
  other_jobs.resume_from = ck;
  msg = clustersim::testing::error_of([&] { run_simulation(std::move(other_jobs)); });
  EXPECT_NE(msg.find("the workload"), std::string::npos) << msg;
}

TEST(Checkpoint, ACorruptOrTruncatedCheckpointIsRefusedAndTheOutputLeftAlone) {
  TempDir dir;
  const std::string ck = dir.file("run.ck"), out = dir.file("run.h5");
  RunSetup first = make_setup(Case{"easy", "easy", {}});
  first.checkpoint_path = ck;
  first.out_path = out;
  int64_t calls = 0;
  first.check_stop = [&] {
    if (++calls == 50) throw Stop{};
  };
  EXPECT_THROW(run_simulation(std::move(first)), Stop);
  const int64_t rows = committed_rows(out, "jobs");

  std::string bytes;
  {
    std::ifstream in(ck, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto resume_with = [&](const std::string& content) {
    std::ofstream(ck, std::ios::binary | std::ios::trunc) << content;
    RunSetup s = make_setup(Case{"easy", "easy", {}});
    s.resume_from = ck;
    s.out_path = out;
    return clustersim::testing::error_of([&] { run_simulation(std::move(s)); });
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x5a);
  EXPECT_NE(resume_with(flipped).find("checksum mismatch"), std::string::npos);
  EXPECT_NE(resume_with(bytes.substr(0, bytes.size() - 7)).find("truncated"), std::string::npos);
  EXPECT_NE(resume_with("not a checkpoint").find("not a clustersim checkpoint"), std::string::npos);
  EXPECT_EQ(committed_rows(out, "jobs"), rows);  // the stopped run's file is untouched
}

TEST(Checkpoint, AnUnwritableCheckpointPathFailsBeforeTheRun) {
  RunSetup s = make_setup(Case{"easy", "easy", {}});
  s.checkpoint_path = "/nonexistent-dir/run.ck";
  const std::string msg = clustersim::testing::error_of([&] { run_simulation(std::move(s)); });
  EXPECT_NE(msg.find("/nonexistent-dir/run.ck: cannot write the checkpoint"), std::string::npos) << msg;
}

}  // namespace
