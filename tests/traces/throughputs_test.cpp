#include "traces/throughputs.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>

#include "sim/error.hpp"
#include "support/temp_dir.hpp"
#include "support/error_of.hpp"

using namespace clustersim;

using clustersim::testing::error_of;

namespace {

const std::string kGavel =
    std::string(CLUSTERSIM_TEST_DATA_DIR) + "/../../data/gavel-throughputs/simulation_throughputs.json";

std::string csv_error(std::string_view text) {
  return error_of([&] { parse_throughputs_csv(text, "t.csv"); });
}

std::string json_error(std::string_view text) {
  return error_of([&] { parse_gavel_throughputs(text, "t.json"); });
}

}  // namespace

// Expected numbers below are copied from the JSON text (line numbers of
// data/gavel-throughputs/simulation_throughputs.json given for each).
TEST(GavelThroughputs, ShippedTableHas83JobTypesOnThreeGpuTypes) {
  const ThroughputTable t = read_gavel_throughputs(kGavel);
  EXPECT_EQ(t.num_job_types(), 83u);
  ASSERT_EQ(t.num_gpu_types(), 3u);
  // GPU types in file order: k80 (line 2), p100 (7289), v100 (14576).
  EXPECT_EQ(t.gpu_type(0), "k80");
  EXPECT_EQ(t.gpu_type(1), "p100");
  EXPECT_EQ(t.gpu_type(2), "v100");
  // 83 job types x 5 GPU sections + 77 in k80_unconsolidated (6 ResNet-50 multi-GPU types are
  // missing there); 10,338 co-located pairs in all.
  EXPECT_EQ(t.num_isolated(), 83u * 5 + 77);
  EXPECT_EQ(t.num_colocated(), 10'338u);
  EXPECT_EQ(t.job_type(0), (DlJobType{"ResNet-18 (batch size 16)", 1}));
  EXPECT_EQ(t.job_type(0).to_string(), "('ResNet-18 (batch size 16)', 1)");
}

TEST(GavelThroughputs, IsolatedLookupsMatchTheFile) {
  const ThroughputTable t = read_gavel_throughputs(kGavel);
  const int32_t k80 = *t.find_gpu_type("k80"), v100 = *t.find_gpu_type("V100");
  const int32_t resnet18 = *t.find_job_type("ResNet-18 (batch size 16)", 1);
  const int32_t resnet18x8 = *t.find_job_type("ResNet-18 (batch size 16)", 8);
  const int32_t a3c = *t.find_job_type("A3C");
  // line 4: k80 / ('ResNet-18 (batch size 16)', 1) / null
  EXPECT_EQ(t.isolated(resnet18, k80, GpuPlacement::Consolidated), 4.795294551566172);
  // line 16076: v100 / ('A3C', 1) / null
  EXPECT_EQ(t.isolated(a3c, v100, GpuPlacement::Consolidated), 7.175767179667988);
  // lines 20362 and 27649: 8 workers on one server vs spread
  EXPECT_EQ(t.isolated(resnet18x8, v100, GpuPlacement::Consolidated), 382.5974422686407);
  EXPECT_EQ(t.isolated(resnet18x8, v100, GpuPlacement::Spread), 64.40995361172301);
  // line 3418: a measured zero (the job type does not run there) is an entry, not a gap.
  const int32_t resnet50x2 = *t.find_job_type("ResNet-50 (batch size 128)", 2);
  EXPECT_EQ(t.isolated(resnet50x2, k80, GpuPlacement::Consolidated), 0.0);
  // k80_unconsolidated has no ('ResNet-50 (batch size 64)', 2).
  const int32_t resnet50_64x2 = *t.find_job_type("ResNet-50 (batch size 64)", 2);
  EXPECT_EQ(t.isolated(resnet50_64x2, k80, GpuPlacement::Spread), std::nullopt);
  EXPECT_EQ(t.find_job_type("ResNet-18 (batch size 16)", 3), std::nullopt);
  EXPECT_EQ(t.find_gpu_type("a100"), std::nullopt);
}

TEST(GavelThroughputs, CoLocatedPairsMatchTheFile) {
  const ThroughputTable t = read_gavel_throughputs(kGavel);
  const int32_t k80 = *t.find_gpu_type("k80"), v100 = *t.find_gpu_type("v100");
  const int32_t r16 = *t.find_job_type("ResNet-18 (batch size 16)");
  const int32_t r32 = *t.find_job_type("ResNet-18 (batch size 32)");
  const int32_t a3c = *t.find_job_type("A3C");
  // lines 5-8: k80 / ('ResNet-18 (batch size 16)', 1) / ('ResNet-18 (batch size 32)', 1)
  EXPECT_EQ(t.colocated(r16, r32, k80, GpuPlacement::Consolidated),
            (ThroughputPair{2.539979567443098, 3.1201925448827033}));
  // lines 16077-16080: v100 / ('A3C', 1) / ('ResNet-18 (batch size 16)', 1)
  EXPECT_EQ(t.colocated(a3c, r16, v100, GpuPlacement::Consolidated),
            (ThroughputPair{5.573234466541688, 32.353384328946916}));
  // A one-GPU job type never runs with an eight-GPU one.
  const int32_t r16x8 = *t.find_job_type("ResNet-18 (batch size 16)", 8);
  EXPECT_EQ(t.colocated(r16, r16x8, v100, GpuPlacement::Consolidated), std::nullopt);
}

TEST(GavelThroughputs, MalformedFilesNameTheKeyPathAndLine) {
  EXPECT_EQ(json_error("{\n  \"v100\": {\n    \"('A3C', 1)\": {\n      \"null\": \"fast\"\n    }\n  }\n}\n"),
            "t.json:4: /v100/('A3C', 1)/null: expected a number, found 'fast'");
  EXPECT_EQ(json_error("{\n  \"v100\": {\n    \"('A3C', 1)\": {\n      \"null\": -1.5\n    }\n  }\n}\n"),
            "t.json:4: /v100/('A3C', 1)/null: expected a throughput >= 0, found -1.5");
  EXPECT_EQ(json_error("{\"v100\": {\n\"A3C\": {\"null\": 1}}}"),
            "t.json:2: /v100/A3C: expected a job type key ('<model>', <scale factor >= 1>)");
  EXPECT_EQ(json_error("{\"v100\": {\n\"('A3C', 0)\": {\"null\": 1}}}"),
            "t.json:2: /v100/('A3C', 0): expected a job type key ('<model>', <scale factor >= 1>)");
  EXPECT_EQ(json_error("{\"v100\": {\n\"('A3C', 1)\": {\"('LM', 1)\": [3, 4]}}}"),
            "t.json:2: /v100/('A3C', 1): missing \"null\" (the throughput of the job alone)");
  EXPECT_EQ(json_error("{\"v100\": {\"('A3C', 1)\": {\"null\": 1,\n\"('LM', 1)\": [1, 2, 3]}}}"),
            "t.json:2: /v100/('A3C', 1)/('LM', 1): expected a pair [this job, other job] of throughputs");
  EXPECT_EQ(json_error("{\"v100\": 3}"), "t.json:1: /v100: expected an object of job types");
  EXPECT_EQ(json_error("[1, 2]"), "t.json:1: expected an object of GPU types, found an array");
  const std::string syntax = json_error("{\n\"v100\": {\n\"x\" 1}}");
  EXPECT_EQ(syntax.rfind("t.json:3: JSON syntax error: ", 0), 0u) << syntax;
}

TEST(CsvThroughputs, RowsBecomeIsolatedEntries) {
  const ThroughputTable t = parse_throughputs_csv(
      "# measured on our cluster\n"
      "job_type,gpu_type,throughput,placement\n"
      "\n"
      "ResNet-50 (batch size 32),V100,7.5,consolidated\n"
      "ResNet-50 (batch size 32),v100,3.25,spread\n"
      "\"LM, small\",A100,120,\n"
      "ResNet-50 (batch size 32) , K80 , 1e-1 , unconsolidated\r\n",
      "t.csv");
  ASSERT_EQ(t.num_job_types(), 2u);
  ASSERT_EQ(t.num_gpu_types(), 3u);  // V100 and v100 are one type
  EXPECT_EQ(t.gpu_type(0), "V100");
  const int32_t resnet = *t.find_job_type("ResNet-50 (batch size 32)");
  const int32_t lm = *t.find_job_type("LM, small");
  EXPECT_EQ(t.isolated(resnet, *t.find_gpu_type("v100"), GpuPlacement::Consolidated), 7.5);
  EXPECT_EQ(t.isolated(resnet, *t.find_gpu_type("V100"), GpuPlacement::Spread), 3.25);
  EXPECT_EQ(t.isolated(lm, *t.find_gpu_type("a100"), GpuPlacement::Consolidated), 120.0);
  EXPECT_EQ(t.isolated(resnet, *t.find_gpu_type("k80"), GpuPlacement::Spread), 0.1);
  EXPECT_EQ(t.isolated(lm, *t.find_gpu_type("k80"), GpuPlacement::Consolidated), std::nullopt);
  EXPECT_EQ(t.num_isolated(), 4u);
}

TEST(CsvThroughputs, ScaleFactorColumnAndAnyColumnOrder) {
  const ThroughputTable t = parse_throughputs_csv(
      "gpu_type,scale_factor,throughput,job_type\n"
      "v100,1,10,LM\n"
      "v100,4,35,LM\n",
      "t.csv");
  EXPECT_EQ(t.isolated(*t.find_job_type("LM", 4), 0, GpuPlacement::Consolidated), 35.0);
  EXPECT_EQ(t.isolated(*t.find_job_type("LM", 1), 0, GpuPlacement::Consolidated), 10.0);
}

TEST(CsvThroughputs, MalformedRowsNameLineAndColumn) {
  const std::string head = "job_type,gpu_type,throughput,placement\n";
  EXPECT_EQ(csv_error(head + "LM,v100,fast,\n"),
            "t.csv:2: column 3 (throughput): expected a number >= 0, found 'fast'");
  EXPECT_EQ(csv_error(head + "LM,v100,-2,\n"),
            "t.csv:2: column 3 (throughput): expected a number >= 0, found '-2'");
  EXPECT_EQ(csv_error(head + "LM,v100,2,sideways\n"),
            "t.csv:2: column 4 (placement): expected consolidated or spread, found 'sideways'");
  EXPECT_EQ(csv_error(head + ",v100,2,\n"), "t.csv:2: column 1 (job_type): expected a job type name, found nothing");
  EXPECT_EQ(csv_error(head + "LM,v100,2\n"), "t.csv:2: expected 4 columns as in the header, found 3");
  EXPECT_EQ(csv_error(head + "LM,v100,2,\n\nLM,V100,3,consolidated\n"),
            "t.csv:4: duplicate entry for ('LM', 1) on v100 (consolidated), first given on line 2");
  EXPECT_EQ(csv_error(head + "\"LM,v100,2,\n"), "t.csv:2: unterminated quoted field");
  EXPECT_EQ(csv_error("job_type,gpu,throughput\n"),
            "t.csv:1: column 2 (gpu): unknown column (did you mean 'gpu_type'?)");
  EXPECT_EQ(csv_error("job_type,gpu_type,throughput,colour\n"),
            "t.csv:1: column 4 (colour): unknown column (expected one of: job_type, gpu_type, throughput, "
            "placement, scale_factor)");
  EXPECT_EQ(csv_error("job_type,gpu_type,throughput,placment\n"),
            "t.csv:1: column 4 (placment): unknown column (did you mean 'placement'?)");
  EXPECT_EQ(csv_error("job_type,gpu_type\n"),
            "t.csv:1: header: missing column 'throughput' (required: job_type, gpu_type, throughput)");
  EXPECT_EQ(csv_error("gpu_type,scale_factor,throughput,job_type\nv100,0,1,LM\n"),
            "t.csv:2: column 2 (scale_factor): expected an integer >= 1, found '0'");
  EXPECT_EQ(csv_error("# nothing\n"), "t.csv: no header line (job_type,gpu_type,throughput[,placement][,scale_factor])");
}

TEST(Throughputs, ReadThroughputsChoosesTheFormatByExtension) {
  clustersim::testing::TempDir dir;
  const std::string csv = dir.file("mine.CSV");
  std::ofstream(csv) << "job_type,gpu_type,throughput\nLM,t4,2.5\n";
  EXPECT_EQ(read_throughputs(csv).isolated(0, 0, GpuPlacement::Consolidated), 2.5);
  EXPECT_EQ(read_throughputs(kGavel).num_job_types(), 83u);
  EXPECT_EQ(error_of([&] { read_throughputs(dir.file("table.txt")); }),
            dir.file("table.txt") + ": unknown throughput table format (expected a .json or .csv file)");
}

TEST(Throughputs, TableSettersCheckIdsAndValues) {
  ThroughputTable t;
  const int32_t job = t.add_job_type({"LM", 1});
  EXPECT_EQ(t.add_job_type({"LM", 1}), job);
  const int32_t gpu = t.add_gpu_type("v100");
  t.set_isolated(job, gpu, GpuPlacement::Spread, 2.0);
  // Adding a GPU type re-lays the table; the entry stays where it was.
  const int32_t k80 = t.add_gpu_type("k80");
  const int32_t other = t.add_job_type({"A3C", 1});
  EXPECT_EQ(t.isolated(job, gpu, GpuPlacement::Spread), 2.0);
  EXPECT_EQ(t.isolated(job, gpu, GpuPlacement::Consolidated), std::nullopt);
  EXPECT_EQ(t.isolated(other, k80, GpuPlacement::Spread), std::nullopt);
  t.set_colocated(job, other, k80, GpuPlacement::Consolidated, {1.0, 0.5});
  EXPECT_EQ(t.colocated(job, other, k80, GpuPlacement::Consolidated), (ThroughputPair{1.0, 0.5}));
  EXPECT_EQ(t.colocated(other, job, k80, GpuPlacement::Consolidated), std::nullopt);
  EXPECT_THROW(t.isolated(5, gpu, GpuPlacement::Spread), std::out_of_range);
  EXPECT_THROW(t.set_isolated(job, gpu, GpuPlacement::Spread, -1.0), std::invalid_argument);
  EXPECT_THROW(t.set_isolated(job, gpu, GpuPlacement::Spread, std::nan("")), std::invalid_argument);
}
