// Trace format detection, the shared settings, and loading through the workload cache:
// conversion gives back the parsed workload, and a stale, corrupt or orphaned cache is
// detected and rebuilt or reported (traces/format.hpp).
#include "traces/format.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <random>
#include <string>

#include "sim/error.hpp"
#include "support/temp_dir.hpp"
#include "traces/text_file.hpp"
#include "support/error_of.hpp"

using namespace clustersim;
namespace fs = std::filesystem;

using clustersim::testing::error_of;

namespace {

const std::string kData = CLUSTERSIM_TEST_DATA_DIR;
const std::string kLublin = kData + "/lublin_256.swf";
const std::string kPhilly = kData + "/philly/cluster_job_log";
const std::string kPai = kData + "/pai";
const std::string kHelios = kData + "/helios/cluster_log.csv";
const std::string kAlibaba = kData + "/alibaba2018/batch_task.csv";
const std::string kOpenb = kData + "/alibaba-gpu-v2023/openb_pod_list_default.csv";

void expect_same_jobs(const Workload& a, const Workload& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.skipped, b.skipped);
  EXPECT_EQ(a.machine.processors(), b.machine.processors());
  EXPECT_EQ(a.machine.unix_start_time, b.machine.unix_start_time);
  ASSERT_EQ(a.jobs.size(), b.jobs.size());
  for (size_t i = 0; i < a.jobs.size(); ++i) ASSERT_EQ(a.jobs[i], b.jobs[i]) << "job " << i;
}

// A small SWF trace in `dir`, which tests can change. Runtimes differ, so that the cache has
// job data (columns of one value take no room).
std::string small_swf(const clustersim::testing::TempDir& dir, int jobs) {
  std::string text = "; MaxProcs: 8\n";
  for (int i = 1; i <= jobs; ++i)
    text += std::to_string(i) + " " + std::to_string(10 * i) + " 0 " + std::to_string(100 + 7 * i) +
            " 2 -1 -1 2 200 -1 1 1 -1 -1 -1 -1 -1 -1\n";
  const std::string path = dir.file("small.swf");
  traces_detail::write_text_file(path, text);
  return path;
}

}  // namespace

TEST(TraceFormat, EachSampleIsRecognised) {
  EXPECT_EQ(detect_trace_format(kLublin), TraceFormat::Swf);
  EXPECT_EQ(detect_trace_format(kPhilly), TraceFormat::Philly);
  EXPECT_EQ(detect_trace_format(kPai), TraceFormat::Pai);
  EXPECT_EQ(detect_trace_format(kPai + "/pai_task_table.csv"), TraceFormat::Pai);
  EXPECT_EQ(detect_trace_format(kHelios), TraceFormat::Helios);
  EXPECT_EQ(detect_trace_format(kAlibaba), TraceFormat::Alibaba2018);
  EXPECT_EQ(detect_trace_format(kOpenb), TraceFormat::Openb);
}

TEST(TraceFormat, ContentTellsWhenTheNameDoesNot) {
  const clustersim::testing::TempDir dir;
  auto copy = [&](const std::string& from, const char* name) {
    fs::copy_file(from, dir.file(name));
    return dir.file(name);
  };
  EXPECT_EQ(detect_trace_format(copy(kLublin, "a.txt")), TraceFormat::Swf);
  EXPECT_EQ(detect_trace_format(copy(kPhilly, "b.txt")), TraceFormat::Philly);
  EXPECT_EQ(detect_trace_format(copy(kHelios, "c.txt")), TraceFormat::Helios);
  EXPECT_EQ(detect_trace_format(copy(kAlibaba, "d.txt")), TraceFormat::Alibaba2018);
  EXPECT_EQ(detect_trace_format(copy(kOpenb, "e.txt")), TraceFormat::Openb);
  EXPECT_EQ(detect_trace_format(copy(kPai + "/pai_task_table.csv", "f.txt")), TraceFormat::Pai);
  traces_detail::write_text_file(dir.file("g"), "1 0 0 10 1 -1 -1 1 10 -1 1 -1 -1 -1 -1 -1 -1 -1\n");
  EXPECT_EQ(detect_trace_format(dir.file("g")), TraceFormat::Swf);
  convert_trace(kHelios, dir.file("h.swf"), TraceOptions{});  // the magic bytes win over the name
  EXPECT_EQ(detect_trace_format(dir.file("h.swf")), TraceFormat::Cache);
}

TEST(TraceFormat, WhatCannotBeToldIsExplained) {
  const clustersim::testing::TempDir dir;
  traces_detail::write_text_file(dir.file("notes.txt"), "hello, world\n");
  EXPECT_EQ(error_of([&] { detect_trace_format(dir.file("notes.txt")); }),
            dir.file("notes.txt") +
                ": cannot tell the trace format from its name or content; give it (--trace-format "
                "swf|openb|philly|pai|helios|alibaba2018|cache)");
  EXPECT_EQ(error_of([] { detect_trace_format(kData + "/alibaba-gpu-v2023/openb_node_list_gpu_node.csv"); }),
            kData + "/alibaba-gpu-v2023/openb_node_list_gpu_node.csv: an openb node list (a cluster), not a workload: give "
                    "the pod list as the trace");
  EXPECT_EQ(error_of([] { detect_trace_format(kData); }), kData + ": a folder, and not a PAI trace (no pai_job_table.csv in it)");
  EXPECT_EQ(error_of([] { parse_trace_format("filly"); }), "trace format 'filly': unknown (did you mean 'philly'?)");
  EXPECT_EQ(error_of([&] { load_trace(dir.file("missing.swf"), {}); }), dir.file("missing.swf") + ": cannot open: No such file or directory");
  for (const std::string& name : trace_format_names()) EXPECT_EQ(to_string(parse_trace_format(name)), name);
}

TEST(TraceFormat, SettingsRoundTripAndNameTheOptions) {
  TraceOptions o;
  o.strict = false;
  o.skip_cancelled = true;
  o.cpu = OpenbCpuUnit::Cores;
  o.philly_runtime = PhillyRuntime::Attempts;
  o.alibaba2018_memory_mib = 4096;
  o.swf_procs = ProcsSource::MaxOfBoth;
  EXPECT_EQ(o.settings(TraceFormat::Alibaba2018),
            (std::vector<std::pair<std::string, std::string>>{{"lenient", "true"},
                                                              {"skip-failed", "false"},
                                                              {"skip-cancelled", "true"},
                                                              {"cpu-unit", "cores"},
                                                              {"skip-unfinished", "false"},
                                                              {"alibaba2018-memory-mib", "4096"}}));
  for (TraceFormat f : {TraceFormat::Swf, TraceFormat::Openb, TraceFormat::Philly, TraceFormat::Pai, TraceFormat::Helios,
                        TraceFormat::Alibaba2018}) {
    TraceOptions back;
    back.apply(o.settings(f));
    EXPECT_EQ(back.settings(f), o.settings(f)) << to_string(f);
  }
  EXPECT_EQ(error_of([] { TraceOptions().apply({{"swf-prcs", "max"}}); }), "trace setting 'swf-prcs': unknown");
  EXPECT_EQ(error_of([] { TraceOptions().apply({{"lenient", "yes"}}); }), "lenient: expected true or false, found 'yes'");
}

TEST(TraceFormat, EveryFormatConvertsToACacheThatLoadsTheSameWorkload) {
  const clustersim::testing::TempDir dir;
  for (const std::string& trace : {kLublin, kPhilly, kPai, kHelios, kAlibaba, kOpenb}) {
    SCOPED_TRACE(trace);
    const TraceFormat f = detect_trace_format(trace);
    const Workload parsed = parse_trace_file(trace, f, {});
    const std::string cache = dir.file(std::string(to_string(f)) + ".cache");
    expect_same_jobs(convert_trace(trace, cache, {}), parsed);
    const Workload loaded = load_trace(cache, {});
    expect_same_jobs(loaded, parsed);
    EXPECT_TRUE(loaded.warnings.empty());
    const CacheSource source = read_cache_source(cache);
    EXPECT_EQ(source.format, to_string(f));
    EXPECT_EQ(source.path, fs::absolute(trace).lexically_normal().string());
  }
  EXPECT_EQ(error_of([&] { convert_trace(dir.file("swf.cache"), dir.file("again.cache"), {}); }),
            dir.file("swf.cache") + ": already a workload cache");
  EXPECT_EQ(error_of([&] { convert_trace(kLublin, kLublin, {}); }), kLublin + ": the output would overwrite the trace");
}

TEST(TraceFormat, StatusFiltersApplyToEveryFormat) {
  TraceOptions o;
  o.skip_cancelled = true;
  o.skip_failed = true;
  const Workload w = load_trace(kPhilly, o);
  EXPECT_EQ(w.jobs.size(), 2u);  // Pass jobs only
  EXPECT_EQ(w.skipped.at(trace_skip::kCancelled), 1);
  EXPECT_EQ(w.skipped.at(trace_skip::kFailed), 1);
}

TEST(TraceFormat, AStaleCacheIsRebuiltFromItsSource) {
  const clustersim::testing::TempDir dir;
  const std::string swf = small_swf(dir, 3);
  const std::string cache = dir.file("small.cache");
  TraceOptions o;
  o.swf_procs = ProcsSource::RequestedElseAllocated;  // recorded, and used again for the rebuild
  convert_trace(swf, cache, o);
  small_swf(dir, 5);
  const Workload w = load_trace(cache, {});
  EXPECT_EQ(w.jobs.size(), 5u);
  ASSERT_EQ(w.warnings.size(), 1u);
  EXPECT_EQ(w.warnings[0], cache + ": its source changed since the cache was made: rebuilt from " + fs::absolute(swf).string());
  EXPECT_EQ(read_cache_source(cache).settings, o.settings(TraceFormat::Swf));
  const Workload again = load_trace(cache, {});  // now current: no warning
  EXPECT_EQ(again.jobs.size(), 5u);
  EXPECT_TRUE(again.warnings.empty());
}

TEST(TraceFormat, ACorruptCacheIsRebuiltOrReported) {
  const clustersim::testing::TempDir dir;
  const std::string swf = small_swf(dir, 4);
  const std::string cache = dir.file("small.cache");
  convert_trace(swf, cache, {});
  std::string bytes = traces_detail::read_text_file(cache);
  bytes.back() = static_cast<char>(bytes.back() ^ 1);
  traces_detail::write_text_file(cache, bytes);
  const Workload w = load_trace(cache, {});
  EXPECT_EQ(w.jobs.size(), 4u);
  ASSERT_EQ(w.warnings.size(), 1u);
  EXPECT_EQ(w.warnings[0], cache + ": corrupt workload cache: job data checksum mismatch: rebuilt from " + fs::absolute(swf).string());
  EXPECT_TRUE(load_trace(cache, {}).warnings.empty());
  // Without its source the cache cannot be rebuilt: an error, never a wrong workload.
  traces_detail::write_text_file(cache, bytes);
  fs::remove(swf);
  EXPECT_EQ(error_of([&] { load_trace(cache, {}); }),
            cache + ": corrupt workload cache: job data checksum mismatch, and its source " + fs::absolute(swf).string() +
                " cannot be read to rebuild it");
  // Truncated inside the header: its source cannot even be named.
  traces_detail::write_text_file(cache, bytes.substr(0, 20));
  EXPECT_EQ(error_of([&] { load_trace(cache, {}); }),
            cache + ": truncated workload cache: 20 bytes, less than its header (give the trace itself, or convert it again)");
}

TEST(TraceFormat, ACacheWhoseSourceIsGoneIsUsedWithAWarning) {
  const clustersim::testing::TempDir dir;
  const std::string swf = small_swf(dir, 2);
  const std::string cache = dir.file("small.cache");
  convert_trace(swf, cache, {});
  fs::remove(swf);
  const Workload w = load_trace(cache, {});
  EXPECT_EQ(w.jobs.size(), 2u);
  EXPECT_EQ(w.warnings, (std::vector<std::string>{cache + ": its source " + fs::absolute(swf).string() +
                                                  " cannot be read, so the cache is used without checking that it is current"}));
}

TEST(TraceFormat, TheAutomaticCacheIsWrittenReusedAndRemadeForOtherSettings) {
  const clustersim::testing::TempDir dir;
  const std::string swf = small_swf(dir, 3);
  TraceOptions o;
  o.cache = CacheUse::Auto;
  const Workload first = load_trace(swf, o);
  const std::string cache = auto_cache_path(swf);
  EXPECT_EQ(cache, swf + ".cache");
  ASSERT_TRUE(is_cache_file(cache));
  expect_same_jobs(first, parse_trace_file(swf, TraceFormat::Swf, o));
  // Reused: a cache of the same source and settings is what the loader returns, so a
  // (deliberately different) workload planted under the same stamp comes back.
  CacheSource source = read_cache_source(cache);
  Workload planted = first;
  planted.jobs.pop_back();
  write_cache(cache, planted, source);
  EXPECT_EQ(load_trace(swf, o).jobs.size(), 2u);
  // Other settings: remade.
  o.swf_estimate = EstimateSource::Runtime;
  const Workload other = load_trace(swf, o);
  EXPECT_EQ(other.jobs.size(), 3u);
  EXPECT_EQ(other.jobs[0].walltime, Time::from_seconds(107));
  EXPECT_EQ(read_cache_source(cache).settings, o.settings(TraceFormat::Swf));
  // A damaged automatic cache is remade, with a warning.
  std::string bytes = traces_detail::read_text_file(cache);
  bytes[bytes.size() - 1] = static_cast<char>(bytes.back() ^ 1);
  traces_detail::write_text_file(cache, bytes);
  const Workload remade = load_trace(swf, o);
  EXPECT_EQ(remade.jobs.size(), 3u);
  EXPECT_EQ(remade.warnings, (std::vector<std::string>{cache + ": corrupt workload cache: job data checksum mismatch: rebuilt"}));
}

TEST(TraceFormat, DamagedTracesRaiseInputErrorsAndNothingElse) {
  // Random byte edits of each sample (seeded, so the same every run), read strictly and
  // leniently: a reader may accept the text or raise InputError, never crash or throw anything
  // else. Run under -fsanitize=address,undefined this also checks every access.
  std::mt19937 rng(20240611);
  const std::string alphabet = "0123456789,.:-\"[]{}\\ \nNoneaz\x80\xff";
  struct Sample {
    std::string text;
    std::function<void(const std::string&, bool)> read;
  };
  const Sample samples[] = {
      {traces_detail::read_text_file(kPhilly), [](const std::string& t, bool strict) { parse_philly(t, "x", PhillyOptions{PhillyRuntime::Span, false, strict}); }},
      {traces_detail::read_text_file(kHelios), [](const std::string& t, bool strict) { parse_helios(t, "x", HeliosOptions{OpenbCpuUnit::Milli, false, strict}); }},
      {traces_detail::read_text_file(kAlibaba), [](const std::string& t, bool strict) { parse_alibaba2018(t, "x", Alibaba2018Options{OpenbCpuUnit::Milli, 1024, false, strict}); }},
      {traces_detail::read_text_file(kPai + "/pai_task_table.csv"), [](const std::string& t, bool strict) {
         const PaiOptions o{OpenbCpuUnit::Cores, false, strict};
         pai_workload(parse_pai_jobs(t.substr(0, t.size() / 2), "j", o), parse_pai_tasks(t, "t", o), "x", o);
       }},
  };
  for (const Sample& s : samples) {
    for (int trial = 0; trial < 1500; ++trial) {
      std::string t = s.text;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !t.empty(); ++e) {
        const size_t at = rng() % t.size();
        const char c = alphabet[rng() % alphabet.size()];
        switch (rng() % 3) {
          case 0: t[at] = c; break;
          case 1: t.erase(at, 1 + rng() % 8); break;
          default: t.insert(at, 1, c); break;
        }
      }
      for (bool strict : {true, false}) {
        try {
          s.read(t, strict);
        } catch (const InputError&) {
        } catch (const std::exception& e) {
          ADD_FAILURE() << "not an InputError: " << e.what() << "\n" << t;
        }
      }
    }
  }
}
