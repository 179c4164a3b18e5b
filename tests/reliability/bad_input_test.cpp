// The bad-input catalogue (docs/bad-input.md): the checks of that table that no other test
// covered. Each test asserts the error's type and that its message names the place (file and
// line, column, key or field) and says what was wrong.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "experiments/commands.hpp"
#include "experiments/experiment_file.hpp"
#include "sim/engine.hpp"
#include "sim/error.hpp"
#include "support/builders.hpp"
#include "support/error_of.hpp"
#include "support/fn_policy.hpp"
#include "support/temp_dir.hpp"
#include "traces/alibaba2018.hpp"
#include "traces/cluster_spec.hpp"
#include "traces/helios.hpp"
#include "traces/openb.hpp"
#include "traces/pai.hpp"
#include "traces/philly.hpp"
#include "traces/throughputs.hpp"
#include "workloads/failures.hpp"

namespace clustersim {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::error_of;
using testing::FnPolicy;
using testing::job;
using testing::pool;
using testing::sorted;

// The message of the DecisionError a call raises ("no error" when it raises none).
template <class F>
std::string decision_error_of(F&& f) {
  try {
    f();
  } catch (const DecisionError& e) {
    return e.what();
  }
  return "no error";
}

// ---------------------------------------------------------------------------------------------
// openb node and pod lists

TEST(BadInputOpenb, AColumnNamedTwiceAndANodeWithoutWholeCoresAreRefused) {
  EXPECT_EQ(error_of([] { parse_openb_nodes("sn,cpu_milli,memory_mib,gpu,model,sn\nn0,1000,10,0,,n1\n", "nodes.csv"); }),
            "nodes.csv:1: header: column 'sn' appears twice");
  // With --cpu-unit cores a node of half a core and nothing else offers nothing.
  OpenbOptions cores;
  cores.cpu = OpenbCpuUnit::Cores;
  const std::string msg = error_of([&] {
    parse_openb_cluster("sn,cpu_milli,memory_mib,gpu,model\nn0,500,0,0,\n", "nodes.csv", cores);
  });
  EXPECT_THAT(msg, StartsWith("nodes.csv: node n0: "));
  EXPECT_THAT(msg, HasSubstr("no resources left with whole cores (cpu_milli 500"));
}

// ---------------------------------------------------------------------------------------------
// Philly job logs

std::string philly_error(const std::string& text) {
  return error_of([&] { parse_philly_log(text, "log.json"); });
}

TEST(BadInputPhilly, StringSyntaxErrorsNameLineAndColumn) {
  EXPECT_EQ(philly_error("[\n\"a\x01\"]"), "log.json:2:3: JSON: a control character inside a string");
  EXPECT_THAT(philly_error("[\"\\u12G4\"]"), StartsWith("log.json:1:"));
  EXPECT_THAT(philly_error("[\"\\u12G4\"]"), HasSubstr(": JSON: expected 4 hex digits after \\u, found "));
  EXPECT_THAT(philly_error("[\"\\ud800x\"]"), HasSubstr(": JSON: a lone UTF-16 surrogate in a string"));
  EXPECT_THAT(philly_error("[{\"status\" 1}]"), HasSubstr("log.json:1:12: JSON: expected ':' after a key, found '1'"));
}

const std::string kJobHead =
    R"({"status": "Pass", "vc": "v", "jobid": "j", "user": "u", "submitted_time": "2017-10-07 01:00:00", "attempts": )";

TEST(BadInputPhilly, AttemptsAreObjectsAndTheLastEndsAfterTheFirstStarts) {
  EXPECT_THAT(philly_error("[" + kJobHead + "[1]}]"), HasSubstr(": [0].attempts[0]: expected an attempt (an object), found a number"));
  EXPECT_THAT(philly_error("[" + kJobHead + R"([{"detail": ["m1"]}]}])"),
              HasSubstr(": [0].attempts[0].detail[0]: expected a server (an object), found 'm1'"));
  // The last attempt may not end before the first one starts.
  const std::string attempts =
      R"([{"start_time": "2017-10-07 02:00:00", "end_time": null, "detail": []},)"
      R"( {"start_time": null, "end_time": "2017-10-07 01:30:00", "detail": []}])";
  const std::string msg = philly_error("[" + kJobHead + attempts + "}]");
  EXPECT_THAT(msg, StartsWith("log.json:1:"));
  EXPECT_THAT(msg, HasSubstr(": [0].attempts[1].end_time: expected a time >= the first attempt's start_time, found "
                             "'2017-10-07 01:30:00'"));
}

// ---------------------------------------------------------------------------------------------
// PAI 2020, Helios, Alibaba 2018

const std::string kHeliosHeader =
    "job_id,user,vc,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,duration,queue\n";

TEST(BadInputCsvTraces, EmptyRequiredFieldsAreNamed) {
  EXPECT_EQ(error_of([] { parse_pai_tasks("j,w,,Terminated,1,2,100,1,50,V100\n", "tasks.csv"); }),
            "tasks.csv:1: column 3 (inst_num): expected a number of instances, found nothing");
  EXPECT_EQ(error_of([] { parse_pai_jobs("a,i,,Terminated,1.0,2.0\n", "jobs.csv"); }),
            "jobs.csv:1: column 3 (user): expected a user, found nothing");
  EXPECT_EQ(error_of([] { parse_helios_log(kHeliosHeader + ",u,vc,1,1,1,COMPLETED,2020-06-09 18:41:01,,,0,0\n", "log.csv"); }),
            "log.csv:2: column 1 (job_id): expected a job id, found nothing");
  EXPECT_EQ(error_of([] { parse_helios_log(kHeliosHeader + "1,u,vc,1,1,1,COMPLETED,,,,0,0\n", "log.csv"); }),
            "log.csv:2: column 8 (submit_time): expected a time 'YYYY-MM-DD HH:MM:SS', found nothing");
  EXPECT_EQ(error_of([] { parse_alibaba2018_tasks("M1,,j_1,1,Terminated,5,6,100,1\n", "batch.csv"); }),
            "batch.csv:1: column 2 (instance_num): expected a number of instances, found nothing");
}

// ---------------------------------------------------------------------------------------------
// Throughput tables

TEST(BadInputThroughputs, ShapesThatAreNotATableNameTheColumnOrKeyPath) {
  EXPECT_EQ(error_of([] { parse_throughputs_csv("job_type,gpu_type,throughput,gpu_type\n", "t.csv"); }),
            "t.csv:1: column 4 (gpu_type): duplicate column");
  EXPECT_EQ(error_of([] { parse_throughputs_csv("job_type,gpu_type,throughput\nLM,,2\n", "t.csv"); }),
            "t.csv:2: column 2 (gpu_type): expected a GPU type name, found nothing");
  // Gavel JSON: an empty GPU type name, a job type without entries, an object for a number.
  EXPECT_EQ(error_of([] { parse_gavel_throughputs("{\"_unconsolidated\": {\"('A3C', 1)\": {\"null\": 1}}}", "t.json"); }),
            "t.json:1: /_unconsolidated: expected a GPU type name, e.g. v100 or v100_unconsolidated");
  EXPECT_EQ(error_of([] { parse_gavel_throughputs("{\"v100\": {\n\"('A3C', 1)\": 5}}", "t.json"); }),
            "t.json:2: /v100/('A3C', 1): expected an object with \"null\" and co-located job types");
  EXPECT_EQ(error_of([] { parse_gavel_throughputs("{\"v100\": {\"('A3C', 1)\": {\n\"null\": [1, 2]}}}", "t.json"); }),
            "t.json:2: /v100/('A3C', 1)/null: expected a number, found an object or array");
}

// ---------------------------------------------------------------------------------------------
// Node events

TEST(BadInputNodeEvents, AMissingFileIsNamed) {
  testing::TempDir dir;
  EXPECT_EQ(error_of([&] { read_node_events(dir.file("none.csv")); }),
            dir.file("none.csv") + ": cannot open the node events file");
}

// ---------------------------------------------------------------------------------------------
// Cluster specs

std::string spec_error(const std::string& text) {
  return error_of([&] { parse_cluster_spec(text, "spec.toml"); });
}

TEST(BadInputClusterSpec, EmptyTablesAndTooManyNodesAreRefused) {
  EXPECT_EQ(spec_error("[node_types]\n"), "spec.toml:1: node_types: expected at least one node type");
  EXPECT_EQ(spec_error("[node_types.a]\ncores = 1\nmemory_mib = 1\n[racks]\n"),
            "spec.toml:4: racks: expected at least one rack");
  // At most 2^24 nodes in all, checked before the nodes are made.
  const std::string msg = spec_error("[node_types.a]\ncores = 1\nmemory_mib = 1\n[racks.r1]\nnodes = { a = 1 }\n"
                                     "[racks.r2]\nnodes = { a = 16777216 }\n");
  EXPECT_THAT(msg, StartsWith("spec.toml:6: "));
  EXPECT_THAT(msg, HasSubstr("racks.r2: more than 16777216 nodes in all"));
}

// ---------------------------------------------------------------------------------------------
// Engine settings and the workload the engine is given

std::string engine_error(const EngineConfig& c) {
  return error_of([&] { Engine(pool(1), sorted({job(1, 0, 10, 1)}), c); });
}

TEST(BadInputEngine, EachNegativeSettingIsNamed) {
  const Time minus = Time::from_seconds(-1);
  EXPECT_THAT(engine_error({.round_interval = minus}), StartsWith("engine.round_interval: must be >= 0, got -1"));
  EXPECT_THAT(engine_error({.sample_interval = minus}), StartsWith("engine.sample_interval: must be >= 0, got -1"));
  EXPECT_THAT(engine_error({.restore_delay = minus}), StartsWith("engine.restore_delay: must be >= 0, got -1"));
  EXPECT_THAT(engine_error({.checkpoint_interval = minus}), StartsWith("engine.checkpoint_interval: must be >= 0, got -1"));
  EXPECT_EQ(engine_error({.max_idle_decision_points = 0}), "engine.max_idle_decision_points: must be >= 1");
  EXPECT_EQ(engine_error({.initial_nodes_on = -2}), "engine.initial_nodes_on: must be >= 0 (or -1: all on), got -2");
  EXPECT_EQ(engine_error({.initial_nodes_on = 3}), "engine.initial_nodes_on: 3 nodes, but the cluster has 1");
}

TEST(BadInputEngine, AnImpossibleWorkloadNamesTheJob) {
  auto error = [](std::vector<JobSpec> jobs) { return error_of([&] { Engine(pool(4), std::move(jobs)); }); };
  EXPECT_EQ(error({job(2, 5, 10, 1), job(1, 0, 10, 1)}), "workload: jobs are not sorted by arrival (job 1 comes after job 2)");
  JobSpec negative = job(3, 0, 10, 1);
  negative.runtime = Time::from_seconds(-1);
  EXPECT_EQ(error({negative}), "workload: job 3 has a negative runtime");
  JobSpec no_estimate = job(4, 0, 10, 1);
  no_estimate.walltime = Time::zero();
  EXPECT_EQ(error({no_estimate}), "workload: job 4 has no positive walltime (estimate)");
  EXPECT_EQ(error({job(5, -1, 10, 1)}), "workload: job 5 is submitted before time 0");
}

// ---------------------------------------------------------------------------------------------
// Policy decisions (DecisionError)

TEST(BadInputDecisions, MigratingAQueuedJobIsRefusedNamingTheJob) {
  Engine e(pool(2), sorted({job(7, 0, 10, 1)}));
  ASSERT_TRUE(e.advance());
  EXPECT_EQ(decision_error_of([&] { e.decisions().migrate(JobId(0), std::vector<Slot>{{NodeId(0), 1}}); }),
            "migrate job 7 (index 0) at t=0.000000 s refused: it is queued, not running");
  EXPECT_EQ(decision_error_of([&] { e.decisions().preempt(JobId(5)); }), "preempt job #5 at t=0.000000 s refused: no such job");
}

TEST(BadInputDecisions, AnExplicitPlacementIsCheckedBeforeAnythingChanges) {
  Engine e(Cluster::homogeneous(2, Resources{2, 0, 0}), sorted({job(7, 0, 10, 2), job(8, 0, 10, 1)}));
  ASSERT_TRUE(e.advance());
  Decisions& d = e.decisions();
  const std::string twice = decision_error_of([&] { d.start(JobId(0), std::vector<Slot>{{NodeId(1), 1}, {NodeId(1), 1}}); });
  EXPECT_THAT(twice, StartsWith("start job 7 (index 0) at t=0.000000 s refused: "));
  EXPECT_THAT(twice, HasSubstr("node 1 appears twice"));
  const std::string short_of_tasks = decision_error_of([&] { d.start(JobId(0), std::vector<Slot>{{NodeId(0), 1}}); });
  EXPECT_THAT(short_of_tasks, StartsWith("start job 7 (index 0) at t=0.000000 s refused: "));
  EXPECT_THAT(short_of_tasks, HasSubstr("1 tasks"));
  d.start(JobId(0), std::vector<Slot>{{NodeId(0), 1}, {NodeId(1), 1}});
  const std::string missing_node = decision_error_of([&] { d.migrate(JobId(0), std::vector<Slot>{{NodeId(9), 2}}); });
  EXPECT_THAT(missing_node, StartsWith("migrate job 7 (index 0) at t=0.000000 s refused: "));
  EXPECT_THAT(missing_node, HasSubstr("node 9 does not exist"));
  EXPECT_EQ(e.record(JobId(0)).state, JobState::Running);  // the refused migration left it where it was
}

TEST(BadInputDecisions, AStuckPolicySaysHowLongAndWhen) {
  Engine e(pool(1), sorted({job(1, 0, 5, 1)}), {.max_idle_decision_points = 10});
  FnPolicy p([](Decisions& d) { d.wake_at(d.view().now() + Time::from_seconds(1)); });
  const std::string msg = decision_error_of([&] { e.run(p); });
  EXPECT_THAT(msg, StartsWith("the policy is stuck: 10 decision points in a row without any job starting, finishing or "
                              "arriving (t="));
  EXPECT_THAT(msg, HasSubstr("1 queued)"));
}

// ---------------------------------------------------------------------------------------------
// Command-line flags, run in this process: the subcommand throws the InputError that the
// program prints as `clustersim CMD: error: MESSAGE` (tests/cli/bad_input_test.sh checks that
// line, the exit status and the rejections end to end).

const std::string kData = CLUSTERSIM_TEST_DATA_DIR;
const std::string kLublin = kData + "/lublin_256.swf";
const std::string kPods = kData + "/alibaba-gpu-v2023/openb_pod_list_default.csv";
const std::string kGavel = std::string(CLUSTERSIM_SOURCE_DIR) + "/data/clusters/gavel-heterogeneous.toml";

// The message of the InputError `cmd` raises on `args` (args[0]: the subcommand's name).
std::string cli_error(int (*cmd)(int, char**), std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return error_of([&] { cmd(static_cast<int>(args.size()), argv.data()); });
}

// `clustersim run` on 20 generated jobs on 16 processors, with `more` options.
std::string run_error(std::vector<std::string> more) {
  std::vector<std::string> args = {"run", "--quiet", "--synthetic", "lublin", "--jobs", "20", "--machine-procs", "16"};
  args.insert(args.end(), more.begin(), more.end());
  return cli_error(cli::cmd_run, args);
}

std::string write(const testing::TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.file(name);
  std::ofstream(path) << text;
  return path;
}

TEST(BadInputCli, WorkloadFlagsNameTheFlag) {
  EXPECT_EQ(cli_error(cli::cmd_run, {"run", "--trace", kLublin, "--synthetic", "lublin"}),
            "--trace and --synthetic: give one workload, not both");
  EXPECT_EQ(cli_error(cli::cmd_run, {"run", "--synthetic", "lublinn"}), "--synthetic: expected lublin, poisson or dl, got 'lublinn'");
  EXPECT_EQ(run_error({"--random-start"}), "--random-start: needs --take N");
  EXPECT_EQ(run_error({"--offset=-1"}), "--offset: must be >= 0, got -1");
  EXPECT_EQ(run_error({"--take=-5"}), "--take: must be >= 0, got -5");
  EXPECT_EQ(run_error({"--take", "10", "--offset", "30"}), "take: jobs [30, 40) out of range: the workload has 20 jobs");
  EXPECT_EQ(run_error({"--load-scale", "0"}), "--load-scale: must be > 0, got 0.000000");
  auto reader_error = [](std::vector<std::string> flag) {
    std::vector<std::string> args = {"run", "--trace", kLublin};
    args.insert(args.end(), flag.begin(), flag.end());
    return cli_error(cli::cmd_run, args);
  };
  EXPECT_EQ(reader_error({"--swf-procs", "most"}),
            "--swf-procs: swf procs source: expected one of allocated, requested, max; found 'most'");
  EXPECT_EQ(reader_error({"--swf-estimate", "guess"}),
            "--swf-estimate: swf estimate source: expected one of requested, runtime; found 'guess'");
  EXPECT_EQ(reader_error({"--cpu-unit", "kilo"}), "--cpu-unit: openb CPU unit: expected milli or cores, found 'kilo'");
  EXPECT_EQ(reader_error({"--philly-runtime", "sum"}), "--philly-runtime: Philly runtime: expected span or attempts, found 'sum'");
  EXPECT_EQ(reader_error({"--alibaba2018-memory-mib=-1"}),
            "--alibaba2018-memory-mib: expected 0 (not modelled) or a positive size up to 2^32 MiB, found -1");
  EXPECT_EQ(reader_error({"--trace-cache", "always"}), "--trace-cache: trace cache: expected off or auto, found 'always'");
}

TEST(BadInputCli, GeneratorAndDlSettingsNameTheField) {
  EXPECT_EQ(cli_error(cli::cmd_run, {"run", "--synthetic", "lublin", "--jobs=-1"}), "lublin.jobs: must be >= 0, got -1");
  EXPECT_EQ(cli_error(cli::cmd_run, {"run", "--synthetic", "poisson", "--machine-procs", "0"}),
            "poisson.machine_procs: must be in [1, 2147483647], got 0");
  EXPECT_EQ(cli_error(cli::cmd_run, {"run", "--synthetic", "dl", "--jobs-per-hour=-1", "--cluster-spec", kGavel}),
            "dl.jobs_per_hour: must be >= 0 (0: all at time 0), got -1.000000");
  EXPECT_EQ(cli_error(cli::cmd_run, {"run", "--synthetic", "dl", "--reference-gpu", "a100", "--cluster-spec", kGavel}),
            "dl.reference_gpu: the throughput table has no GPU type 'a100'");
  EXPECT_EQ(run_error({"--cross-rack-penalty", "1.5"}), "--cross-rack-penalty: must be in [0, 1), got 1.500000");
  EXPECT_EQ(run_error({"--dl-keep-shares"}),
            "--dl-keep-shares: only with --dl-job-types (it says how a trace's GPU shares become DL jobs)");
}

TEST(BadInputCli, ClusterFlagsNameTheFlagOrTheFile) {
  testing::TempDir dir;
  EXPECT_EQ(run_error({"--nodes", "0"}), "--nodes: must be >= 1, got 0");
  EXPECT_EQ(run_error({"--nodes", "2", "--cores-per-node", "0"}), "--cores-per-node: must be >= 1, got 0");
  EXPECT_EQ(run_error({"--procs", "4", "--nodes", "2"}), "--procs and --nodes: give one machine size, not both");
  const std::string no_header = write(dir, "no-header.swf", "1 0 -1 10 2 -1 -1 2 10 -1 1 1 1 1 1 1 -1 -1\n");
  EXPECT_EQ(cli_error(cli::cmd_run, {"run", "--trace", no_header}),
            "no-header.swf: the trace gives no machine size (no MaxProcs or MaxNodes header): use --procs N");
  EXPECT_EQ(run_error({"--cluster-spec", dir.file("none.toml")}), dir.file("none.toml") + ": cannot open: No such file or directory");
  const std::string spec = write(dir, "misspelt.toml", "[node_types.a]\ncoers = 4\nmemory_gib = 8\ncount = 2\n");
  EXPECT_EQ(run_error({"--cluster-spec", spec}), spec + ":2: node_types.a.coers: unknown key (did you mean 'cores'?)");
}

TEST(BadInputCli, EngineFailureAndPowerFlagsNameTheFlag) {
  testing::TempDir dir;
  EXPECT_EQ(run_error({"--round-interval=-1"}), "--round-interval: must be >= 0");
  EXPECT_EQ(run_error({"--restore-delay", "1e300"}), "--restore-delay: must be at most 1e12 s, got 1e+300");
  EXPECT_EQ(run_error({"--checkpoint-interval=-5"}), "--checkpoint-interval: must be >= 0");
  EXPECT_EQ(run_error({"--sample-interval=-5"}),
            "--sample-interval: expected -1 (about 1,000 samples), 0 (off) or a period of at most 1e12 s, got -5");
  EXPECT_THAT(run_error({"--sample-interval", "1e300"}), StartsWith("--sample-interval: expected -1 "));
  EXPECT_EQ(run_error({"--nodes", "4", "--mtbf-hours=-1"}), "--mtbf-hours: must be in [0, 1e8] (0: no failures), got -1.000000");
  EXPECT_EQ(run_error({"--nodes", "4", "--mtbf-hours", "1e300"}),
            "--mtbf-hours: must be in [0, 1e8] (0: no failures), got " + std::to_string(1e300));
  EXPECT_EQ(run_error({"--nodes", "4", "--mtbf-hours", "10", "--mttr-hours", "0"}), "--mttr-hours: must be in (0, 1e8], got 0.000000");
  const std::string events = write(dir, "events.csv", "10,0,fail\n");
  EXPECT_EQ(run_error({"--nodes", "4", "--mtbf-hours", "10", "--node-events", events}),
            "--node-events: give it or --mtbf-hours, not both");
  EXPECT_EQ(run_error({"--nodes", "4", "--node-events", dir.file("none.csv")}),
            dir.file("none.csv") + ": cannot open the node events file");
  const std::string bad_events = write(dir, "bad-events.csv", "time_s,node,event\n10,0,explode\n");
  EXPECT_EQ(run_error({"--nodes", "4", "--node-events", bad_events}),
            bad_events + ":2: column event: expected fail or repair, found 'explode'");
  EXPECT_EQ(run_error({"--nodes", "4", "--autoscale-param", "forecaster=last"}), "--autoscale-param: needs --autoscale");
  EXPECT_EQ(run_error({"--nodes", "4", "--autoscale", "--autoscale-param", "scale_in"}),
            "--autoscale-param: expected key=value, got 'scale_in'");
  EXPECT_EQ(run_error({"--nodes", "4", "--node-power", "idle=5"}), "--node-power: unknown key 'idle' (did you mean 'idle_w'?)");
  EXPECT_EQ(run_error({"--nodes", "4", "--node-power", "idle_w=lots"}), "--node-power: key 'idle_w': expected a number, got 'lots'");
  EXPECT_EQ(run_error({"--nodes", "4", "--node-power", "boot_s=-1"}), "--node-power: key 'boot_s': must be >= 0, got '-1'");
}

TEST(BadInputCli, PolicyAndOutputErrorsComeBeforeTheRun) {
  testing::TempDir dir;
  EXPECT_EQ(run_error({"--param", "order"}), "--param: expected key=value, got 'order'");
  EXPECT_THAT(cli_error(cli::cmd_compare, {"compare", "--quiet", "--synthetic", "lublin", "--jobs", "20", "--policies", "fcfs,eazy"}),
              StartsWith("unknown policy 'eazy' (did you mean 'easy'?)"));
  write(dir, "a-file", "");
  EXPECT_EQ(cli_error(cli::cmd_compare, {"compare", "--quiet", "--synthetic", "lublin", "--jobs", "20", "--policies", "fcfs",
                                         "--out-dir", dir.file("a-file/sub")}),
            dir.file("a-file/sub") + ": cannot create the output folder: Not a directory");
  std::filesystem::create_directories(dir.file("a-dir"));
  EXPECT_THAT(run_error({"--out", dir.file("a-dir")}), StartsWith(dir.file("a-dir") + ": HDF5: cannot"));
  EXPECT_EQ(cli_error(cli::cmd_convert, {"convert", "--quiet", kLublin, dir.file("no-dir/x.cache")}),
            dir.file("no-dir/x.cache") + ": cannot write: No such file or directory");
  EXPECT_EQ(cli_error(cli::cmd_convert, {"convert", "--quiet", kLublin, kLublin}), kLublin + ": the output would overwrite the trace");
}

TEST(BadInputCli, ARunThatRejectsEveryJobIsAnErrorNamingTheFirstReason) {
  testing::TempDir dir;
  // Jobs of 2 and 4 processors on a 1-processor machine: no CPU unit involved, no hint.
  const std::string wide = write(dir, "too-wide.swf",
                                 "; MaxProcs: 1\n1 0 -1 10 2 -1 -1 2 10 -1 1 1 1 1 1 1 -1 -1\n"
                                 "2 5 -1 10 4 -1 -1 4 10 -1 1 1 1 1 1 1 -1 -1\n");
  EXPECT_EQ(cli_error(cli::cmd_run, {"run", "--quiet", "--trace", wide}),
            "all 2 jobs were rejected: none can ever run on this cluster (first: job 1: it needs 2 tasks of "
            "{cores=1, gpu_milli=0, mem_mib=0} but the whole cluster holds at most 1)");
  // openb pods in milli-CPUs on a TOML cluster of whole cores: compare stops at the first policy.
  const std::string pods = cli_error(cli::cmd_compare, {"compare", "--quiet", "--trace", kPods, "--cluster-spec", kGavel,
                                                        "--policies", "fcfs,sjf", "--sample-interval", "0"});
  EXPECT_THAT(pods, StartsWith("all 8152 jobs were rejected: none can ever run on this cluster (first: job "));
  EXPECT_THAT(pods, EndsWith("; the trace's CPU requests are read in milli-CPUs (--cpu-unit milli, the default) and this "
                             "cluster counts whole cores: give --cpu-unit cores"));
}

// ---------------------------------------------------------------------------------------------
// Experiment files: the keys the other tests leave out

std::string experiment_error(const std::string& text) {
  return error_of([&] { parse_experiment(text, "e.toml"); });
}

const std::string kWorkload = "[workloads.w]\nsynthetic = \"lublin\"\n";
const std::string kPolicy = "[policies.fcfs]\n";

TEST(BadInputExperimentFile, FileSyntaxContradictionsRangesAndShapesNameTheKey) {
  testing::TempDir dir;
  EXPECT_EQ(error_of([&] { read_experiment(dir.file("none.toml")); }), dir.file("none.toml") + ": cannot open the experiment file");
  EXPECT_THAT(experiment_error("[workloads.w\n"), StartsWith("e.toml:1: "));
  EXPECT_EQ(experiment_error(kWorkload), "e.toml: policies: the experiment needs at least one [policies.NAME] table");
  EXPECT_EQ(experiment_error("[clusters.c]\ncluster_spec = \"x.toml\"\nprocs = 4\n" + kWorkload + kPolicy),
            "e.toml:1: clusters.c: give cluster_spec or procs / nodes, not both");
  EXPECT_EQ(experiment_error("[clusters.c]\nprocs = 4\nnodes = 2\n" + kWorkload + kPolicy),
            "e.toml:1: clusters.c: give procs or nodes, not both");
  EXPECT_EQ(experiment_error("[experiment]\nseeds = [1, 1]\n" + kWorkload + kPolicy),
            "e.toml:2: experiment.seeds: seed 1 is listed twice");
  EXPECT_EQ(experiment_error("[experiment]\nmetrics = []\n" + kWorkload + kPolicy),
            "e.toml:2: experiment.metrics: give at least one metric");
  EXPECT_EQ(experiment_error("[experiment]\nname = 3\n" + kWorkload + kPolicy), "e.toml:2: experiment.name: expected a string");
  EXPECT_EQ(experiment_error(kWorkload + "[policies.easy]\nparams = 3\n"),
            "e.toml:4: policies.easy.params: expected a table of key = value");
  EXPECT_EQ(experiment_error(kWorkload + "[policies.easy]\nparams = { order = [1] }\n"),
            "e.toml:4: policies.easy.params.order: expected a string, number or boolean");
  EXPECT_EQ(experiment_error("[engine]\nfailure_seed = -1\n" + kWorkload + kPolicy), "e.toml:2: engine.failure_seed: out of range: -1");
  EXPECT_EQ(experiment_error(kWorkload + "users = 3000000000\n" + kPolicy), "e.toml:3: workloads.w.users: out of range: 3000000000");
  EXPECT_EQ(experiment_error("[workloads]\nw = 3\n" + kPolicy), "e.toml:2: workloads.w: expected a table");
  EXPECT_EQ(experiment_error(kWorkload + "clusters = \"big\"\n" + kPolicy), "e.toml:3: workloads.w.clusters: expected a list of strings");
  EXPECT_EQ(experiment_error("engine = 3\n" + kWorkload + kPolicy), "e.toml:1: engine: expected a table");
}

}  // namespace
}  // namespace clustersim
