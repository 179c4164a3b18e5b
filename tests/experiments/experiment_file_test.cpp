// Experiment files: the grid they expand to, and errors that name file, line and key.
#include "experiments/experiment_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/error_of.hpp"

namespace clustersim {
namespace {

using testing::error_of;

const char* kSmall = R"(
[experiment]
name = "small"
seeds = [1, 2, 3]

[clusters.big]
procs = 256
[clusters.nodes]
nodes = 16
cores_per_node = 8

[workloads.synth]
synthetic = "lublin"
jobs = 200
[workloads.trace]
trace = "traces/x.swf"
take = 100
load_scale = 1.5
clusters = ["big"]

[policies.sjf]
[policies.easy-sjf]
policy = "easy"
params = { order = "sjf" }
)";

std::vector<std::string> names(const std::vector<SweepPoint>& points) {
  std::vector<std::string> n;
  for (const auto& p : points) n.push_back(p.name);
  return n;
}

TEST(ExperimentFile, GridIsClustersByWorkloadsByPoliciesBySeedsInFileOrder) {
  const Experiment e = parse_experiment(kSmall, "/data/exp/small.toml");
  ASSERT_EQ(e.clusters.size(), 2u);
  EXPECT_EQ(e.clusters[0].name, "big");
  EXPECT_EQ(e.policies[0].name, "sjf");
  EXPECT_EQ(e.policies[1].policy, "easy");
  EXPECT_EQ(e.policies[1].params.at("order"), "sjf");
  const auto points = expand_grid(e);
  // big: synth (2 policies x 3 seeds) + trace (2 policies, seedless); nodes: synth only.
  EXPECT_EQ(points.size(), 6u + 2u + 6u);
  const auto n = names(points);
  EXPECT_EQ(n[0], "synth__sjf__big__s1");
  EXPECT_EQ(n[3], "synth__easy-sjf__big__s1");
  EXPECT_EQ(n[6], "trace__sjf__big");
  EXPECT_EQ(n[8], "synth__sjf__nodes__s1");
  EXPECT_EQ(std::count_if(n.begin(), n.end(), [](const auto& s) { return s.find("trace__") == 0; }), 2);
}

TEST(ExperimentFile, KeysBecomeTheRunOptionsWithPathsRelativeToTheFile) {
  const Experiment e = parse_experiment(kSmall, "/data/exp/small.toml");
  const auto points = expand_grid(e);
  const auto trace = std::find_if(points.begin(), points.end(), [](const auto& p) { return p.name == "trace__sjf__big"; });
  const std::vector<std::string> want = {"--trace", "/data/exp/traces/x.swf", "--take", "100", "--load-scale", "1.5",
                                         "--procs", "256"};
  EXPECT_EQ(point_args(e, *trace), want);
  const std::vector<std::string> seeded = point_args(e, points[1]);
  EXPECT_EQ(seeded, (std::vector<std::string>{"--synthetic", "lublin", "--jobs", "200", "--procs", "256", "--seed", "2",
                                              "--failure-seed", "2"}));
}

TEST(ExperimentFile, ARandomTransformMakesATraceWorkloadSeeded) {
  const Experiment e = parse_experiment(R"(
[workloads.w]
trace = "x.swf"
take = 10
random_start = true
[policies.fcfs]
)", "e.toml");
  EXPECT_EQ(names(expand_grid(e)), (std::vector<std::string>{"w__fcfs__machine__s1"}));
  EXPECT_EQ(e.output, "results/e");
}

TEST(ExperimentFile, MisspeltKeyNamesLineAndSuggests) {
  EXPECT_EQ(error_of([] { parse_experiment("[workloads.w]\ntrace = \"x\"\ntaek = 3\n[policies.fcfs]\n", "e.toml"); }),
            "e.toml:3: workloads.w.taek: unknown key; did you mean 'take'?");
  EXPECT_EQ(error_of([] { parse_experiment("[experiment]\nseed = [1]\n", "e.toml"); }),
            "e.toml:2: experiment.seed: unknown key; did you mean 'seeds'?");
  EXPECT_EQ(error_of([] { parse_experiment("[workload.w]\n", "e.toml"); }),
            "e.toml:1: workload: unknown table; did you mean 'workloads'?");
}

TEST(ExperimentFile, KeyOfAnotherTableSaysWhereItBelongs) {
  EXPECT_EQ(error_of([] { parse_experiment("[workloads.w]\ntrace = \"x\"\nprocs = 3\n[policies.fcfs]\n", "e.toml"); }),
            "e.toml:3: workloads.w.procs: unknown key here: it belongs in [clusters.NAME]");
}

TEST(ExperimentFile, WrongTypeNamesLineAndKey) {
  EXPECT_EQ(error_of([] { parse_experiment("[workloads.w]\ntrace = \"x\"\ntake = \"ten\"\n", "e.toml"); }),
            "e.toml:3: workloads.w.take: expected an integer");
  EXPECT_EQ(error_of([] { parse_experiment("[workloads.w]\nload_scale = \"2\"\n", "e.toml"); }),
            "e.toml:2: workloads.w.load_scale: expected a number");
  EXPECT_EQ(error_of([] { parse_experiment("[workloads.w]\nrandom_start = 1\n", "e.toml"); }),
            "e.toml:2: workloads.w.random_start: expected true or false");
  EXPECT_EQ(error_of([] { parse_experiment("[experiment]\nseeds = [1, -2]\n", "e.toml"); }),
            "e.toml:2: experiment.seeds: expected a non-empty list of integers >= 0");
}

TEST(ExperimentFile, PoliciesAndTheirParametersAreCheckedBeforeAnyRun) {
  const std::string w = "[workloads.w]\nsynthetic = \"lublin\"\n";
  const std::string bad_name = error_of([&] { parse_experiment(w + "[policies.x]\npolicy = \"eazy\"\n", "e.toml"); });
  EXPECT_NE(bad_name.find("e.toml:4: policies.x: "), std::string::npos) << bad_name;
  EXPECT_NE(bad_name.find("did you mean 'easy'"), std::string::npos) << bad_name;
  const std::string bad_param =
      error_of([&] { parse_experiment(w + "[policies.easy]\nparams = { order = \"lifo\" }\n", "e.toml"); });
  EXPECT_NE(bad_param.find("e.toml:4: policies.easy: "), std::string::npos) << bad_param;
  EXPECT_NE(bad_param.find("order"), std::string::npos) << bad_param;
}

TEST(ExperimentFile, ConflictsAndMissingTablesAreNamed) {
  EXPECT_EQ(error_of([] { parse_experiment("[workloads.w]\ntrace = \"x\"\nsynthetic = \"lublin\"\n", "e.toml"); }),
            "e.toml:1: workloads.w: give trace or synthetic, not both");
  EXPECT_EQ(error_of([] { parse_experiment("[workloads.w]\nseed = 3\n", "e.toml"); }),
            "e.toml:2: workloads.w.seed: seeds come from experiment.seeds (each point runs with one of them)");
  EXPECT_EQ(error_of([] { parse_experiment("[policies.fcfs]\n", "e.toml"); }),
            "e.toml: workloads: the experiment needs at least one [workloads.NAME] table");
  EXPECT_EQ(error_of([] { parse_experiment("[workloads.w]\nclusters = [\"bgi\"]\n[clusters.big]\n[policies.fcfs]\n", "e.toml"); }),
            "e.toml:2: workloads.w.clusters: no cluster named 'bgi' (did you mean 'big'?)");
  EXPECT_EQ(error_of([] { parse_experiment("[workloads.a__b]\n", "e.toml"); }),
            "e.toml:1: workloads.a__b: a name is letters, digits, '-', '_' and '.', without '__' (it names result files)");
  EXPECT_EQ(error_of([] { parse_experiment("[experiment]\nmetrics = [\"slowdown\"]\n", "e.toml"); }).substr(0, 46),
            "e.toml:2: experiment.metrics: unknown metric '");
}

TEST(ExperimentFile, FailuresFromAModelFollowThePointSeedUnlessTheFileFixesIt) {
  const std::string rest = "[workloads.w]\ntrace = \"x\"\n[policies.fcfs]\n";
  const Experiment seeded = parse_experiment("[engine]\nmtbf_hours = 100\n" + rest, "e.toml");
  EXPECT_TRUE(seeded.engine_seeded);
  EXPECT_EQ(expand_grid(seeded).front().name, "w__fcfs__machine__s1");
  const Experiment fixed = parse_experiment("[engine]\nmtbf_hours = 100\nfailure_seed = 4\n" + rest, "e.toml");
  EXPECT_EQ(expand_grid(fixed).front().name, "w__fcfs__machine");
}

}  // namespace
}  // namespace clustersim
