// libFuzzer target: the workload cache reader (traces/cache.hpp). Each input is read three
// times: as it is (the checksums reject almost any change: anything not a cache must raise
// CacheError naming the file), then with its checksums recomputed, once keeping and once
// fixing the header's data size, so that mutations reach the structural checks behind the
// checksums (counts, column encodings, offsets, the GPU model dictionary). A cache that reads
// must come back unchanged through the writer.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "traces/cache.hpp"

using namespace clustersim;
using clustersim::fuzz::require;

namespace {

const std::string kName = "fuzz/workload.cache";

// Header fields (docs/traces.md, "The workload cache").
constexpr size_t kHeaderBytes = 64, kMetaBytesAt = 16, kDataBytesAt = 24, kJobsAt = 32, kMetaSumAt = 40,
                 kDataSumAt = 48, kHeaderSumAt = 56;
// A header whose checksums this target recomputes may claim at most this many jobs. A real
// cache of identical jobs is tiny whatever its count (every column is one value), so a large
// count is not corruption the reader can see; materialising it would only measure the malloc
// limit. Counts above the reader's own bound are covered by a unit test
// (FuzzRegressions.CacheClaimingTooManyJobsIsRejected).
constexpr uint64_t kMaxFixedJobs = 1 << 16;

uint64_t get64(const std::string& b, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(b[at + i])) << (8 * i);
  return v;
}

void put64(std::string& b, size_t at, uint64_t v) {
  for (size_t i = 0; i < 8; ++i) b[at + i] = static_cast<char>(v >> (8 * i));
}

// The input with its checksums made to match (and, with `fix_size`, its data size), or "" when
// it is too short to have a header.
std::string with_checksums(std::string_view in, bool fix_size) {
  if (in.size() < kHeaderBytes || !looks_like_cache(in)) return {};
  std::string b(in);
  const uint64_t meta = get64(b, kMetaBytesAt);
  if (get64(b, kJobsAt) > kMaxFixedJobs) put64(b, kJobsAt, get64(b, kJobsAt) % (kMaxFixedJobs + 1));
  if (meta <= b.size() - kHeaderBytes) {
    put64(b, kMetaSumAt, xxh64(std::string_view(b).substr(kHeaderBytes, meta)));
    const uint64_t data_at = kHeaderBytes + (meta + 7) / 8 * 8;
    if (data_at <= b.size()) {
      if (fix_size) put64(b, kDataBytesAt, b.size() - data_at);
      put64(b, kDataSumAt, xxh64(std::string_view(b).substr(data_at)));
    }
  }
  put64(b, kHeaderSumAt, xxh64(std::string_view(b).substr(0, kHeaderSumAt)));
  return b;
}

void require_same(const CacheFile& a, const CacheFile& b) {
  require(a.source == b.source, "round trip changed the source");
  const Workload& x = a.workload;
  const Workload& y = b.workload;
  require(x.name == y.name && x.skipped == y.skipped && x.warnings == y.warnings, "round trip changed the metadata");
  require(x.machine.max_nodes == y.machine.max_nodes && x.machine.max_procs == y.machine.max_procs &&
              x.machine.unix_start_time == y.machine.unix_start_time,
          "round trip changed the machine");
  require(x.jobs == y.jobs, "round trip changed the jobs");
}

void read_and_check(std::string_view bytes) {
  CacheFile file;
  try {
    file = parse_cache(bytes, kName);
  } catch (const InputError& e) {
    fuzz::check_names_file(e, kName);
    return;
  }
  require(looks_like_cache(bytes), "a cache read without its magic bytes");
  const std::string again = cache_bytes(file.workload, file.source);
  CacheFile reread;
  try {
    reread = parse_cache(again, "again.cache");
  } catch (const InputError& e) {
    fuzz::violated("the writer's bytes do not read:", e.what());
  }
  require_same(file, reread);
  require(cache_bytes(reread.workload, reread.source) == again, "the writer is not deterministic");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  read_and_check(bytes);
  for (bool fix_size : {false, true}) {
    const std::string fixed = with_checksums(bytes, fix_size);
    if (!fixed.empty()) read_and_check(fixed);
  }
  return 0;
}
