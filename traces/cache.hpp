#pragma once
// The workload cache: clustersim's own compact binary file of a Workload, written once from a
// parsed trace (`clustersim convert`, or automatically next to the trace) and read back many
// times faster than re-parsing the text. The layout is in docs/traces.md ("The workload
// cache"): a fixed header (magic, format version, sizes, checksums), a metadata block (the
// source trace's path, format, reader settings, size, mtime and checksum; the workload's name,
// machine, skip counts and warnings; the column directory) and the job columns,
// little-endian, each stored at the narrowest fixed width that holds it (frame of reference,
// a common divisor, optionally delta-coded).
//
// Nothing is ever silently wrong: a file that is not a cache, of another format version,
// truncated or whose checksums do not match raises CacheError; whether the source trace
// changed since is reported by source_freshness(). The loader in traces/format.hpp rebuilds a
// cache that fails either check.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/error.hpp"
#include "sim/workload.hpp"

namespace clustersim {

// A cache file that cannot be used as it is (not a cache, another version, truncated,
// corrupt). A subclass of InputError so that callers who do not rebuild report it the same way.
class CacheError : public InputError {
 public:
  using InputError::InputError;
};

inline constexpr uint32_t kCacheVersion = 2;  // 2: elastic jobs' min_tasks, max_tasks

// What identifies the trace a cache was made from and how it was read.
struct CacheSource {
  std::string path;    // absolute path of the source trace (a file or a folder)
  std::string format;  // "swf", "philly", ... (traces/format.hpp)
  // The reader settings that shaped the workload, as (CLI option name, value) pairs.
  std::vector<std::pair<std::string, std::string>> settings;
  // The source's stamp when it was read.
  int64_t size = -1;       // bytes (a folder: the sum over the files it was read from)
  int64_t mtime_ns = 0;    // last modification (a folder: the latest of those files)
  uint64_t checksum = 0;   // xxh64 of the content (a folder: of the files in name order)
  bool operator==(const CacheSource&) const = default;
};

// The stamp (size, mtime, checksum) of `files` read together as one source. Raises InputError
// naming a file that cannot be read.
void stamp_source(CacheSource& source, const std::vector<std::string>& files);

// Whether the source a cache names is still the one it was made from.
enum class Freshness : uint8_t {
  Fresh,          // same size and mtime, or same size and checksum (a touched or copied file)
  Stale,          // the content changed
  SourceMissing,  // the recorded source cannot be read: the cache cannot be checked
};
Freshness source_freshness(const CacheSource& recorded, const std::vector<std::string>& files);

// The cache's bytes / file. write_cache writes a temporary file next to `path` and renames it,
// so that a reader never sees a half-written cache. Raises InputError for an unwritable path.
std::string cache_bytes(const Workload& w, const CacheSource& source);
void write_cache(const std::string& path, const Workload& w, const CacheSource& source);

struct CacheFile {
  CacheSource source;
  Workload workload;
};

// Reads and checks a whole cache. Raises CacheError (naming the path and what is wrong) or
// InputError (the file cannot be read).
CacheFile read_cache(const std::string& path);
CacheFile parse_cache(std::string_view bytes, const std::string& name);
// Only the header and the metadata block (checked): the source, without decoding the jobs.
CacheSource read_cache_source(const std::string& path);

// True when the file starts with the cache's magic bytes (false for anything unreadable).
bool looks_like_cache(std::string_view first_bytes);
bool is_cache_file(const std::string& path);

// xxHash64 (Y. Collet's algorithm, seed 0): the checksum of the payload and of the source.
uint64_t xxh64(std::string_view bytes, uint64_t seed = 0);

}  // namespace clustersim
