// The workload cache: exact round trips, compactness, and detection of every kind of damage
// (traces/cache.hpp).
#include "traces/cache.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "support/temp_dir.hpp"
#include "traces/swf.hpp"
#include "traces/text_file.hpp"

using namespace clustersim;

namespace {

const std::string kLublin = std::string(CLUSTERSIM_TEST_DATA_DIR) + "/lublin_256.swf";

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const CacheError& e) {
    return e.what();
  }
  return "no CacheError";
}

// A workload that uses every field, with extreme and negative values and GPU models.
Workload every_field() {
  Workload w;
  w.name = "hand-made";
  w.machine = {12, 345, 1'500'000'000};
  w.skipped = {{"no GPUs", 3}, {"malformed row", 1}};
  w.warnings = {"x.csv:2: column 1 (a): bad", "second"};
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
  const JobSpec jobs[] = {
      {1, Time::from_us(0), Time::from_us(5), Time::from_us(7), 1, {1, 0, 0}, -1, -1, -1, -1, 1, -1, ""},
      {kMax, Time::from_us(kMax), Time::from_us(kMin), Time::from_us(1), 2'147'483'647, {kMax, kMin, 0}, 2'147'483'647,
       -2'147'483'647 - 1, 7, 8, 0, 12, "V100M16|V100M32"},
      {kMin, Time::from_us(-3), Time::from_us(0), Time::from_us(999'999'999), 0, {0, 500, 1'048'576}, 0, 1, 2, 3, 5, 0,
       "T4"},
      {42, Time::from_seconds(10), Time::from_seconds(20), Time::from_seconds(30), 8, {0, 1000, 0}, 3, 4, 5, 6, -1, 7,
       "V100M16|V100M32", 4, 16},
  };
  w.jobs.assign(std::begin(jobs), std::end(jobs));
  return w;
}

CacheSource a_source() {
  return CacheSource{"/traces/x.swf", "swf", {{"lenient", "false"}, {"swf-procs", "max"}}, 1234, 5678, 0xabcdef};
}

void expect_same(const Workload& a, const Workload& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.machine.max_nodes, b.machine.max_nodes);
  EXPECT_EQ(a.machine.max_procs, b.machine.max_procs);
  EXPECT_EQ(a.machine.unix_start_time, b.machine.unix_start_time);
  EXPECT_EQ(a.skipped, b.skipped);
  EXPECT_EQ(a.warnings, b.warnings);
  ASSERT_EQ(a.jobs.size(), b.jobs.size());
  for (size_t i = 0; i < a.jobs.size(); ++i) ASSERT_EQ(a.jobs[i], b.jobs[i]) << "job " << i;
}

// The header checksum over bytes [0, 56), recomputed after a deliberate header edit.
void reseal_header(std::string& bytes) {
  const uint64_t h = xxh64(std::string_view(bytes).substr(0, 56));
  for (int i = 0; i < 8; ++i) bytes[56 + i] = static_cast<char>(h >> (8 * i));
}

}  // namespace

TEST(Cache, Xxh64MatchesTheReferenceImplementation) {
  // Values from the system's libxxhash 0.8.1 (XXH64 with seed 0).
  EXPECT_EQ(xxh64(""), 0xef46db3751d8e999ull);
  EXPECT_EQ(xxh64("a"), 0xd24ec4f1a98c6e5bull);
  EXPECT_EQ(xxh64("abc"), 0x44bc2cf5ad770999ull);
  EXPECT_EQ(xxh64("Nobody inspects the spammish repetition"), 0xfbcea83c8a378bf1ull);
  std::string bytes;
  for (int i = 0; i < 200; ++i) bytes += static_cast<char>(i);
  EXPECT_EQ(xxh64(bytes), 0x50dc1079b99e879cull);
}

TEST(Cache, RoundTripKeepsEveryFieldOfEveryJob) {
  const Workload w = every_field();
  const std::string bytes = cache_bytes(w, a_source());
  const CacheFile back = parse_cache(bytes, "x.cache");
  expect_same(back.workload, w);
  EXPECT_EQ(back.source, a_source());
}

TEST(Cache, RoundTripOfAnEmptyWorkload) {
  Workload w;
  w.name = "empty";
  const CacheFile back = parse_cache(cache_bytes(w, a_source()), "x.cache");
  expect_same(back.workload, w);
}

TEST(Cache, TheLublinTraceRoundTripsAtUnder14BytesAJob) {
  const Workload w = read_swf(kLublin);
  const std::string bytes = cache_bytes(w, a_source());
  expect_same(parse_cache(bytes, "x.cache").workload, w);
  // 10,000 jobs: submit deltas, runtimes and estimates in whole seconds fit 4 bytes each, the
  // sizes 1, the job numbers (1, 2, 3, ...) and the constant columns nothing.
  EXPECT_LT(bytes.size(), 14u * 10'000);
  EXPECT_LT(bytes.size() * 4, traces_detail::read_text_file(kLublin).size());
}

TEST(Cache, EveryDamagedByteIsDetected) {
  Workload w = every_field();
  const std::string good = cache_bytes(w, a_source());
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    EXPECT_NE(error_of([&] { parse_cache(bad, "x.cache"); }), "no CacheError") << "byte " << i;
  }
  for (size_t n = 0; n < good.size(); ++n)
    EXPECT_NE(error_of([&] { parse_cache(good.substr(0, n), "x.cache"); }), "no CacheError") << "length " << n;
}

TEST(Cache, DamageIsNamed) {
  const std::string good = cache_bytes(every_field(), a_source());
  std::string data = good;
  data.back() = static_cast<char>(data.back() ^ 1);
  EXPECT_EQ(error_of([&] { parse_cache(data, "x.cache"); }), "x.cache: corrupt workload cache: job data checksum mismatch");
  std::string meta = good;
  meta[70] = static_cast<char>(meta[70] ^ 1);
  EXPECT_EQ(error_of([&] { parse_cache(meta, "x.cache"); }), "x.cache: corrupt workload cache: metadata checksum mismatch");
  std::string header = good;
  header[33] = static_cast<char>(header[33] ^ 1);  // the job count
  EXPECT_EQ(error_of([&] { parse_cache(header, "x.cache"); }), "x.cache: corrupt workload cache: header checksum mismatch");
  EXPECT_EQ(error_of([&] { parse_cache(good.substr(0, good.size() - 8), "x.cache"); }),
            "x.cache: truncated workload cache: " + std::to_string(good.size() - 8) + " bytes, the header says " +
                std::to_string(good.size()));
  EXPECT_EQ(error_of([&] { parse_cache(good + "extra", "x.cache"); }),
            "x.cache: corrupt workload cache: " + std::to_string(good.size() + 5) + " bytes, the header says " +
                std::to_string(good.size()));
  EXPECT_EQ(error_of([&] { parse_cache(good.substr(0, 40), "x.cache"); }),
            "x.cache: truncated workload cache: 40 bytes, less than its header");
  EXPECT_EQ(error_of([&] { parse_cache("; SWF\n1 0 0 1 1 -1 -1 1 1 -1 1 -1 -1 -1 -1 -1 -1 -1\n", "x.swf"); }),
            "x.swf: not a clustersim workload cache (no magic bytes at the start)");
  std::string newer = good;
  newer[8] = 3;  // format version 3
  reseal_header(newer);
  EXPECT_EQ(error_of([&] { parse_cache(newer, "x.cache"); }),
            "x.cache: workload cache format version 3, this clustersim reads version 2: convert the trace again");
}

TEST(Cache, FilesAreWrittenWholeAndReadBack) {
  const clustersim::testing::TempDir dir;
  const std::string path = dir.file("w.cache");
  write_cache(path, every_field(), a_source());
  write_cache(path, every_field(), a_source());  // replaces it
  EXPECT_TRUE(is_cache_file(path));
  EXPECT_FALSE(is_cache_file(kLublin));
  EXPECT_FALSE(is_cache_file(dir.file("none")));
  expect_same(read_cache(path).workload, every_field());
  EXPECT_EQ(read_cache_source(path), a_source());
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.file(""))) ++files;
  EXPECT_EQ(files, 1u);  // no temporary left behind
  try {
    write_cache(dir.file("no-dir/w.cache"), every_field(), a_source());
    ADD_FAILURE() << "wrote into a missing folder";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), dir.file("no-dir/w.cache") + ": cannot write: No such file or directory");
  }
}

TEST(Cache, FreshnessFollowsTheSourceContent) {
  const clustersim::testing::TempDir dir;
  const std::string src = dir.file("t.swf");
  traces_detail::write_text_file(src, "1 0 0 10 1 -1 -1 1 10 -1 1 -1 -1 -1 -1 -1 -1 -1\n");
  CacheSource s;
  stamp_source(s, {src});
  EXPECT_EQ(s.size, 48);
  EXPECT_EQ(s.checksum, xxh64("1 0 0 10 1 -1 -1 1 10 -1 1 -1 -1 -1 -1 -1 -1 -1\n"));
  EXPECT_EQ(source_freshness(s, {src}), Freshness::Fresh);
  // Touched (a new mtime), same content: still fresh, by its checksum.
  std::filesystem::last_write_time(src, std::filesystem::last_write_time(src) + std::chrono::seconds(5));
  EXPECT_EQ(source_freshness(s, {src}), Freshness::Fresh);
  // Same size, other content: stale.
  traces_detail::write_text_file(src, "2 0 0 10 1 -1 -1 1 10 -1 1 -1 -1 -1 -1 -1 -1 -1\n");
  EXPECT_EQ(source_freshness(s, {src}), Freshness::Stale);
  traces_detail::write_text_file(src, "1 0 0 10 1 -1 -1 1 10 -1 1 -1 -1 -1 -1 -1 -1 -1\n2 0 0 10 1 -1 -1 1 10 -1 1 -1 -1 -1 -1 -1 -1 -1\n");
  EXPECT_EQ(source_freshness(s, {src}), Freshness::Stale);
  std::filesystem::remove(src);
  EXPECT_EQ(source_freshness(s, {src}), Freshness::SourceMissing);
}
