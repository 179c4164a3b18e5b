// Inputs the fuzz targets (fuzz/) found to crash or misbehave a reader, each reduced to the
// part that matters and checked to raise a clean InputError naming the file. Before each fix
// the reader accepted the input and overflowed (undefined behaviour that UBSan reported) or
// raised an exception other than InputError. fuzz/README.md lists the findings.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "sim/error.hpp"
#include "support/error_of.hpp"
#include "traces/alibaba2018.hpp"
#include "traces/cache.hpp"
#include "traces/cluster_spec.hpp"
#include "traces/openb.hpp"
#include "traces/pai.hpp"

using namespace clustersim;

using clustersim::testing::error_of;

namespace {

const std::string kPodHeader =
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n";

}  // namespace

// fuzz_openb: a time of 106501090002321 s became microseconds by an overflowing multiplication
// (Time::from_seconds). Times are now at most 10^12 s, as in the SWF reader.
TEST(FuzzRegressions, OpenbTimeBeyondTenToTheTwelveSecondsIsRejected) {
  EXPECT_EQ(error_of([] {
              parse_openb_workload(kPodHeader + "openb-pod-0000,12000,16384,1,1000,,LS,Running,106501090002321,,\n",
                                   "pods.csv");
            }),
            "pods.csv:2: column 9 (creation_time): expected at most 1000000000000, found 106501090002321");
  EXPECT_EQ(error_of([] {
              parse_openb_workload(kPodHeader + "openb-pod-0000,12000,16384,1,1000,,LS,Running,0,10000000000000,0\n",
                                   "pods.csv");
            }),
            "pods.csv:2: column 10 (deletion_time): expected at most 1000000000000, found 10000000000000");
  // The largest time allowed still maps to a job.
  const Workload w = parse_openb_workload(
      kPodHeader + "openb-pod-0000,12000,16384,1,1000,,LS,Running,0,1000000000000,1000000000000\n", "pods.csv");
  ASSERT_EQ(w.jobs.size(), 1u);
  EXPECT_EQ(w.jobs[0].runtime, Time::zero());
  // Lenient reads skip and count the row.
  OpenbOptions lenient;
  lenient.strict = false;
  const Workload skipped = parse_openb_workload(
      kPodHeader + "openb-pod-0000,12000,16384,1,1000,,LS,Running,106501090002321,,\n", "pods.csv", lenient);
  EXPECT_TRUE(skipped.jobs.empty());
  EXPECT_EQ(skipped.skipped.at(openb_skip::kMalformed), 1);
}

// fuzz_alibaba2018: an end time of 11111111102451 s overflowed the same way.
TEST(FuzzRegressions, Alibaba2018TimeBeyondTenToTheTwelveSecondsIsRejected) {
  EXPECT_EQ(error_of([] { parse_alibaba2018("M4,1,j_1005,2,Cancelled,8660,11111111102451,100,0.1\n", "batch.csv"); }),
            "batch.csv:1: column 7 (end_time): expected at most 1000000000000, found 11111111102451");
  EXPECT_EQ(error_of([] { parse_alibaba2018("M4,1,j_1005,2,Cancelled,11111111102451,0,100,0.1\n", "batch.csv"); }),
            "batch.csv:1: column 6 (start_time): expected at most 1000000000000, found 11111111102451");
}

// fuzz_pai: seconds with a fraction ("64444444444400") became microseconds by an overflowing
// multiplication in the CSV layer (traces/csv_rows.cpp), for every PAI time column.
TEST(FuzzRegressions, PaiTimeBeyondTenToTheTwelveSecondsIsRejected) {
  EXPECT_EQ(error_of([] { parse_pai_jobs("a0000,wer,2.0,Terminated,1590.0,64444444444400\n", "jobs.csv"); }),
            "jobs.csv:1: column 6 (end_time): value out of range: expected at most 1000000000000 s, found "
            "64444444444400");
  EXPECT_EQ(error_of([] {
              parse_pai_tasks("j1,worker,1,Terminated,64444444444400.5,,600,29.3,50,V100\n", "tasks.csv");
            }),
            "tasks.csv:1: column 5 (start_time): value out of range: expected at most 1000000000000 s, found "
            "64444444444400.5");
  const auto jobs = parse_pai_jobs("j1,i1,u1,Terminated,1000000000000.999999,\n", "jobs.csv");
  ASSERT_EQ(jobs.rows.size(), 1u);
  EXPECT_EQ(jobs.rows[0].start_time, Time::from_us(1'000'000'000'000'999'999));
}

// Found while writing fuzz_cluster_spec (its runs did not reach them): every per-node limit
// held, but the totals did not. 4,096 nodes of 2^20 GPUs made the cluster allocate per-GPU
// state for 2^32 GPUs (34 GB, out of memory before its own check); 2^24 nodes of 2^40 cores
// overflowed the cluster's total capacity (undefined behaviour).
TEST(FuzzRegressions, ClusterSpecTotalsAreBounded) {
  EXPECT_EQ(error_of([] {
              parse_cluster_spec("[node_types.a]\ncores = 1\nmemory_mib = 1\ngpus = 1048576\ngpu_model = \"x\"\n"
                                 "count = 4096\n",
                                 "spec.toml");
            }),
            "spec.toml:1: node_types: more than 16777216 GPUs in all");
  EXPECT_EQ(error_of([] {
              parse_cluster_spec("[node_types.a]\ncores = 1099511627776\nmemory_mib = 1\ncount = 16777216\n",
                                 "spec.toml");
            }),
            "spec.toml:1: node_types: more than 4611686018427387904 cores in all");
  EXPECT_EQ(error_of([] {
              parse_cluster_spec("[node_types.a]\ncores = 1\nmemory_mib = 1099511627776\n"
                                 "[racks.r1]\nnodes = { a = 4194305 }\n",
                                 "spec.toml");
            }),
            "spec.toml:4: racks.r1: more than 4611686018427387904 MiB of memory in all");
}

// Found by fuzz_cluster_spec (session 18, a 14 s "timeout"): a valid spec of 14,444,406 + 3
// nodes. Not a parser fault (up to 2^24 nodes are allowed and parsing is linear in them), but
// under the sanitizers building that many nodes and names takes seconds, so the target caps
// the nodes with parse_cluster_spec's max_nodes; the cap is an error naming the node types.
TEST(FuzzRegressions, ClusterSpecNodeCapIsAnErrorBeforeTheNodesAreBuilt) {
  const std::string spec =
      "# A soall CPU-onncp\n[node_types.compute]\ncores = 32\nmemory_gib = 128\ncount = 14444406\n\n"
      "[node_types.bigmnodets_pyem]\ncores = 64\nmemory_gib = 1024\ncount = 3\n";
  EXPECT_EQ(error_of([&] { parse_cluster_spec(spec, "spec.toml", int64_t{1} << 16); }),
            "spec.toml:2: node_types: more than 65536 nodes in all");
  // Within the cap the same spec shape parses: 65,533 + 3 nodes.
  const std::string fits =
      "[node_types.compute]\ncores = 32\nmemory_gib = 128\ncount = 65533\n"
      "[node_types.big]\ncores = 64\nmemory_gib = 1024\ncount = 3\n";
  EXPECT_EQ(parse_cluster_spec(fits, "spec.toml", int64_t{1} << 16).cluster.num_nodes(), 65'536u);
}

// Found while writing fuzz_cache: jobs whose columns all hold one value take no bytes, so a
// header (with valid checksums) could claim any number of them and the reader reserved that
// many JobSpecs: std::length_error or std::bad_alloc instead of CacheError.
TEST(FuzzRegressions, CacheClaimingTooManyJobsIsRejected) {
  Workload w;
  w.name = "empty";
  std::string bytes = cache_bytes(w, CacheSource{});
  // Header: magic, version, header size, metadata bytes, data bytes, jobs (at 32), metadata
  // checksum, data checksum, header checksum (at 56, of the 56 bytes before it).
  auto put64 = [&](size_t at, uint64_t v) {
    for (size_t i = 0; i < 8; ++i) bytes[at + i] = static_cast<char>(v >> (8 * i));
  };
  auto with_jobs = [&](uint64_t jobs) {
    put64(32, jobs);
    put64(56, xxh64(std::string_view(bytes).substr(0, 56)));
    return bytes;
  };
  // A few identical jobs are a valid cache of no job bytes at all...
  const CacheFile three = parse_cache(with_jobs(3), "w.cache");
  EXPECT_EQ(three.workload.jobs.size(), 3u);
  // ...but not more than a workload can hold.
  for (uint64_t jobs : {uint64_t{1} << 32, uint64_t{1} << 60, UINT64_MAX}) {
    const std::string error = error_of([&] { parse_cache(with_jobs(jobs), "w.cache"); });
    EXPECT_EQ(error, "w.cache: corrupt workload cache: header: the header claims " + std::to_string(jobs) +
                         " jobs, more than a workload holds (4294967294)");
  }
}
