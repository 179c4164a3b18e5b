// The workload cache (traces/cache.hpp; the layout is in docs/traces.md).
#include "traces/cache.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <numeric>

#include "traces/text_file.hpp"

namespace clustersim {

// Every JobSpec field must be a column (below): a field added to JobSpec without a column
// here would be dropped by a cache silently. Add the column and bump kCacheVersion.
static_assert(sizeof(JobSpec) == 96 + sizeof(std::string),
              "JobSpec changed: store the new field in the workload cache (traces/cache.cpp) and bump kCacheVersion");

namespace {

constexpr std::array<unsigned char, 8> kMagic = {0x89, 'C', 'S', 'W', 'L', '\r', '\n', 0x1a};
constexpr size_t kHeaderBytes = 64;
constexpr uint64_t kMaxJobs = UINT32_MAX - 1;  // JobId is 32-bit, UINT32_MAX its invalid value

// ---------------------------------------------------------------------------------------------
// xxHash64

constexpr uint64_t kP1 = 11400714785074694791ull, kP2 = 14029467366897019727ull, kP3 = 1609587929392839161ull,
                   kP4 = 9650029242287828579ull, kP5 = 2870177450012600261ull;

template <class U>
U load_le(const unsigned char* p) {
  U v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::big) {
    U r = 0;
    for (size_t i = 0; i < sizeof v; ++i) r |= static_cast<U>(p[i]) << (8 * i);
    v = r;
  }
  return v;
}

uint64_t xxh_round(uint64_t acc, uint64_t lane) { return std::rotl(acc + lane * kP2, 31) * kP1; }
uint64_t merge(uint64_t acc, uint64_t v) { return (acc ^ xxh_round(0, v)) * kP1 + kP4; }

// ---------------------------------------------------------------------------------------------
// Little-endian writing and checked reading

class Writer {
 public:
  std::string out;
  template <class U>
  void put(U v) {
    unsigned char b[sizeof(U)];
    for (size_t i = 0; i < sizeof(U); ++i) b[i] = static_cast<unsigned char>(static_cast<uint64_t>(v) >> (8 * i));
    out.append(reinterpret_cast<const char*>(b), sizeof b);
  }
  void str(std::string_view s) {
    put<uint32_t>(static_cast<uint32_t>(s.size()));
    out.append(s);
  }
  void align8() { out.append((8 - out.size() % 8) % 8, '\0'); }
};

class Reader {
 public:
  Reader(std::string_view bytes, const std::string& name, const char* part) : b_(bytes), name_(name), part_(part) {}
  template <class U>
  U get() {
    need(sizeof(U));
    const U v = load_le<U>(reinterpret_cast<const unsigned char*>(b_.data() + pos_));
    pos_ += sizeof(U);
    return v;
  }
  int64_t i64() { return static_cast<int64_t>(get<uint64_t>()); }
  std::string str() {
    const uint32_t n = get<uint32_t>();
    need(n);
    std::string s(b_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  uint32_t count(size_t min_bytes_each) {
    const uint32_t n = get<uint32_t>();
    if (min_bytes_each > 0 && n > (b_.size() - pos_) / min_bytes_each) bad("a count larger than the block");
    return n;
  }
  [[noreturn]] void bad(const std::string& what) const {
    throw CacheError(name_ + ": corrupt workload cache: " + part_ + ": " + what);
  }

 private:
  void need(size_t n) const {
    if (n > b_.size() - pos_) bad("ends early");
  }
  std::string_view b_;
  const std::string& name_;
  const char* part_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Columns

enum Column : uint8_t {
  kTraceId, kSubmit, kRuntime, kWalltime, kTasks, kCores, kGpuMilli, kMemMib, kUser, kGroup, kQueue, kPartition,
  kStatus, kJobType, kGpuModel, kMinTasks, kMaxTasks, kColumns
};

// Column values as int64 (gpu_model: its index in the dictionary, 0 = "").
int64_t value_of(const JobSpec& j, Column c, int64_t model) {
  switch (c) {
    case kTraceId: return j.trace_id;
    case kSubmit: return j.submit.us();
    case kRuntime: return j.runtime.us();
    case kWalltime: return j.walltime.us();
    case kTasks: return j.tasks;
    case kCores: return j.per_task.cores;
    case kGpuMilli: return j.per_task.gpu_milli;
    case kMemMib: return j.per_task.mem_mib;
    case kUser: return j.user;
    case kGroup: return j.group;
    case kQueue: return j.queue;
    case kPartition: return j.partition;
    case kStatus: return j.status;
    case kJobType: return j.job_type;
    case kGpuModel: return model;
    case kMinTasks: return j.min_tasks;
    case kMaxTasks: return j.max_tasks;
    case kColumns: break;
  }
  return 0;
}

// v[i] = base + scale * u[i] (plain) or v[i] = v[i-1] + base + scale * u[i] (delta, v[-1] = 0),
// in wrapping 64-bit arithmetic, u[i] stored in `width` bytes (0: all u are 0).
struct Encoding {
  uint8_t delta = 0;
  uint8_t width = 0;
  uint64_t base = 0;
  uint64_t scale = 1;
};

uint8_t width_for(uint64_t max) {
  if (max == 0) return 0;
  if (max <= 0xff) return 1;
  if (max <= 0xffff) return 2;
  if (max <= 0xffffffffull) return 4;
  return 8;
}

Encoding choose(const std::vector<uint64_t>& v, bool delta) {
  Encoding e;
  e.delta = delta ? 1 : 0;
  if (v.empty()) return e;
  auto at = [&](size_t i) { return delta ? v[i] - (i > 0 ? v[i - 1] : 0) : v[i]; };
  // The smallest value in signed order is the base; differences fit unsigned 64 bits.
  int64_t lo = static_cast<int64_t>(at(0));
  for (size_t i = 1; i < v.size(); ++i) lo = std::min(lo, static_cast<int64_t>(at(i)));
  e.base = static_cast<uint64_t>(lo);
  uint64_t g = 0, hi = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    const uint64_t d = at(i) - e.base;
    g = std::gcd(g, d);
    hi = std::max(hi, d);
  }
  e.scale = g == 0 ? 1 : g;
  e.width = width_for(hi / e.scale);
  return e;
}

void append_column(Writer& w, const std::vector<uint64_t>& v, const Encoding& e) {
  uint64_t prev = 0;
  for (uint64_t x : v) {
    const uint64_t u = ((e.delta ? x - prev : x) - e.base) / e.scale;
    prev = x;
    switch (e.width) {
      case 1: w.put<uint8_t>(static_cast<uint8_t>(u)); break;
      case 2: w.put<uint16_t>(static_cast<uint16_t>(u)); break;
      case 4: w.put<uint32_t>(static_cast<uint32_t>(u)); break;
      case 8: w.put<uint64_t>(u); break;
      default: break;
    }
  }
  w.align8();
}

struct ColumnEntry {
  Column id;
  Encoding enc;
  uint64_t offset;  // from the start of the data block
};

// Decoding: one fused loop per column and width reads the stored integers and writes the
// field straight into the jobs (no intermediate buffer); the compiler specialises each
// (width, field) pair.
template <size_t W>
uint64_t stored(const unsigned char* p, size_t i) {
  if constexpr (W == 0) return 0;
  else if constexpr (W == 1) return p[i];
  else if constexpr (W == 2) return load_le<uint16_t>(p + 2 * i);
  else if constexpr (W == 4) return load_le<uint32_t>(p + 4 * i);
  else return load_le<uint64_t>(p + 8 * i);
}

template <size_t W, class Set>
void fill(JobSpec* jobs, size_t n, const unsigned char* p, const Encoding& e, uint64_t& prev, Set set) {
  const uint64_t base = e.base, scale = e.scale;
  if (e.delta) {
    uint64_t v = prev;
    for (size_t i = 0; i < n; ++i) {
      v += base + scale * stored<W>(p, i);
      set(jobs[i], static_cast<int64_t>(v));
    }
    prev = v;
  } else {
    for (size_t i = 0; i < n; ++i) set(jobs[i], static_cast<int64_t>(base + scale * stored<W>(p, i)));
  }
}

template <class Set>
void fill_column(const ColumnEntry& c, const unsigned char* data, JobSpec* jobs, size_t first, size_t n, uint64_t& prev,
                 Set set) {
  const unsigned char* p = data + c.offset + first * c.enc.width;
  switch (c.enc.width) {
    case 0: fill<0>(jobs, n, p, c.enc, prev, set); break;
    case 1: fill<1>(jobs, n, p, c.enc, prev, set); break;
    case 2: fill<2>(jobs, n, p, c.enc, prev, set); break;
    case 4: fill<4>(jobs, n, p, c.enc, prev, set); break;
    default: fill<8>(jobs, n, p, c.enc, prev, set); break;
  }
}

// Writes values [first, first + n) of column `c` into jobs[0, n), continuing a delta from `prev`.
void decode(const ColumnEntry& c, const unsigned char* data, JobSpec* jobs, size_t first, size_t n, uint64_t& prev,
            const std::vector<std::string>& models, const std::string& name) {
  auto fill_with = [&](auto set) { fill_column(c, data, jobs, first, n, prev, set); };
  auto i32 = [](int64_t v) { return static_cast<int32_t>(v); };
  switch (c.id) {
    case kTraceId: fill_with([](JobSpec& j, int64_t v) { j.trace_id = v; }); break;
    case kSubmit: fill_with([](JobSpec& j, int64_t v) { j.submit = Time::from_us(v); }); break;
    case kRuntime: fill_with([](JobSpec& j, int64_t v) { j.runtime = Time::from_us(v); }); break;
    case kWalltime: fill_with([](JobSpec& j, int64_t v) { j.walltime = Time::from_us(v); }); break;
    case kTasks: fill_with([&](JobSpec& j, int64_t v) { j.tasks = i32(v); }); break;
    case kCores: fill_with([](JobSpec& j, int64_t v) { j.per_task.cores = v; }); break;
    case kGpuMilli: fill_with([](JobSpec& j, int64_t v) { j.per_task.gpu_milli = v; }); break;
    case kMemMib: fill_with([](JobSpec& j, int64_t v) { j.per_task.mem_mib = v; }); break;
    case kUser: fill_with([&](JobSpec& j, int64_t v) { j.user = i32(v); }); break;
    case kGroup: fill_with([&](JobSpec& j, int64_t v) { j.group = i32(v); }); break;
    case kQueue: fill_with([&](JobSpec& j, int64_t v) { j.queue = i32(v); }); break;
    case kPartition: fill_with([&](JobSpec& j, int64_t v) { j.partition = i32(v); }); break;
    case kStatus: fill_with([&](JobSpec& j, int64_t v) { j.status = i32(v); }); break;
    case kJobType: fill_with([&](JobSpec& j, int64_t v) { j.job_type = i32(v); }); break;
    case kMinTasks: fill_with([&](JobSpec& j, int64_t v) { j.min_tasks = i32(v); }); break;
    case kMaxTasks: fill_with([&](JobSpec& j, int64_t v) { j.max_tasks = i32(v); }); break;
    case kGpuModel:
      fill_with([&](JobSpec& j, int64_t v) {
        if (static_cast<uint64_t>(v) >= models.size())
          throw CacheError(name + ": corrupt workload cache: a GPU model index out of range");
        if (v != 0) j.gpu_model = models[static_cast<size_t>(v)];
      });
      break;
    case kColumns: break;
  }
}

// Reserves room for n jobs and maps its pages in one system call (Linux >= 5.14), instead of
// one page fault per 4 KiB as the jobs are written: a large part of loading a million jobs.
// Where the call is not supported nothing happens.
void reserve_prefaulted(std::vector<JobSpec>& jobs, size_t n) {
  jobs.reserve(n);
#ifdef MADV_POPULATE_WRITE
  // From 32 MiB, glibc's largest mmap threshold, the vector is always a fresh mapping whose
  // pages are all missing; below it the heap may reuse pages, where the call would only cost.
  constexpr size_t kMinBytes = size_t{32} << 20;
  const size_t bytes = n * sizeof(JobSpec);
  if (bytes < kMinBytes) return;
  const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<uintptr_t>(jobs.data()) + page - 1) / page * page;
  const auto end = (reinterpret_cast<uintptr_t>(jobs.data()) + bytes) / page * page;
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
#endif
}

// ---------------------------------------------------------------------------------------------
// Files

[[noreturn]] void os_fail(const std::string& path, const char* what) {
  throw InputError(path + ": " + what + ": " + std::strerror(errno));
}

struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

// A read-only view of a whole file: read into memory when small (the heap reuses the buffer
// across loads), mapped when large (no copy, no zero-filled pages), read when it cannot be
// mapped. write_cache replaces a cache by rename, never in place, so a mapped cache does not
// change under its reader.
class FileBytes {
 public:
  explicit FileBytes(const std::string& path) {
    Fd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (f.fd < 0) os_fail(path, "cannot open");
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) os_fail(path, "cannot read");
    if (!S_ISREG(st.st_mode) || st.st_size == 0) {
      copy_ = traces_detail::read_text_file(path);
      return;
    }
    size_ = static_cast<size_t>(st.st_size);
    constexpr size_t kMapFrom = size_t{4} << 20;
    if (size_ >= kMapFrom) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, f.fd, 0);
      if (p != MAP_FAILED) {
        map_ = p;
        return;
      }
    }
    buffer_ = std::make_unique_for_overwrite<char[]>(size_);
    size_t done = 0;
    while (done < size_) {
      const ssize_t got = ::read(f.fd, buffer_.get() + done, size_ - done);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) os_fail(path, "cannot read");
      if (got == 0) break;  // the file shrank while being read: the checks will say so
      done += static_cast<size_t>(got);
    }
    size_ = done;
  }
  ~FileBytes() {
    if (map_) ::munmap(map_, size_);
  }
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;
  std::string_view bytes() const {
    if (map_) return {static_cast<const char*>(map_), size_};
    if (buffer_) return {buffer_.get(), size_};
    return copy_;
  }

 private:
  void* map_ = nullptr;
  std::unique_ptr<char[]> buffer_;
  size_t size_ = 0;
  std::string copy_;
};

struct Header {
  uint32_t version = 0;
  uint64_t meta_bytes = 0, data_bytes = 0, jobs = 0, meta_sum = 0, data_sum = 0;
  size_t data_at() const { return kHeaderBytes + (meta_bytes + 7) / 8 * 8; }
};

Header parse_header(std::string_view b, const std::string& name) {
  if (b.size() < kMagic.size() || std::memcmp(b.data(), kMagic.data(), kMagic.size()) != 0)
    throw CacheError(name + ": not a clustersim workload cache (no magic bytes at the start)");
  if (b.size() < kHeaderBytes)
    throw CacheError(name + ": truncated workload cache: " + std::to_string(b.size()) + " bytes, less than its header");
  Reader r(b.substr(0, kHeaderBytes), name, "header");
  r.get<uint64_t>();  // magic
  Header h;
  h.version = r.get<uint32_t>();
  if (h.version != kCacheVersion) {
    throw CacheError(name + ": workload cache format version " + std::to_string(h.version) + ", this clustersim reads version " +
                     std::to_string(kCacheVersion) + ": convert the trace again");
  }
  if (r.get<uint32_t>() != kHeaderBytes) r.bad("unexpected header size");
  h.meta_bytes = r.get<uint64_t>();
  h.data_bytes = r.get<uint64_t>();
  h.jobs = r.get<uint64_t>();
  h.meta_sum = r.get<uint64_t>();
  h.data_sum = r.get<uint64_t>();
  if (r.get<uint64_t>() != xxh64(b.substr(0, kHeaderBytes - 8)))
    throw CacheError(name + ": corrupt workload cache: header checksum mismatch");
  // Jobs of one value in every column take no bytes, so the file's size cannot bound the
  // count; a workload's job ids (JobId) can. Without this a header claiming 2^60 jobs made the
  // reader ask for that many JobSpecs (std::length_error or std::bad_alloc, not CacheError).
  if (h.jobs > kMaxJobs)
    r.bad("the header claims " + std::to_string(h.jobs) + " jobs, more than a workload holds (" +
          std::to_string(kMaxJobs) + ")");
  return h;
}

struct Meta {
  CacheSource source;
  Workload shell;  // everything but the jobs
  std::vector<std::string> models;
  std::vector<ColumnEntry> columns;
};

Meta parse_meta(std::string_view b, const std::string& name, const Header& h) {
  Reader r(b, name, "metadata");
  Meta m;
  m.source.path = r.str();
  m.source.format = r.str();
  for (uint32_t n = r.count(8); n > 0; --n) {
    std::string k = r.str();
    m.source.settings.emplace_back(std::move(k), r.str());
  }
  m.source.size = r.i64();
  m.source.mtime_ns = r.i64();
  m.source.checksum = r.get<uint64_t>();
  m.shell.name = r.str();
  m.shell.machine.max_nodes = r.i64();
  m.shell.machine.max_procs = r.i64();
  m.shell.machine.unix_start_time = r.i64();
  for (uint32_t n = r.count(12); n > 0; --n) {
    std::string k = r.str();
    m.shell.skipped[k] = r.i64();
  }
  for (uint32_t n = r.count(4); n > 0; --n) m.shell.warnings.push_back(r.str());
  for (uint32_t n = r.count(4); n > 0; --n) m.models.push_back(r.str());
  if (m.models.empty() || !m.models[0].empty()) r.bad("the GPU model dictionary must start with \"\"");
  const uint32_t ncols = r.count(32);
  if (ncols != kColumns) r.bad("expected " + std::to_string(int{kColumns}) + " columns, found " + std::to_string(ncols));
  for (uint32_t i = 0; i < ncols; ++i) {
    ColumnEntry c{};
    const uint8_t id = r.get<uint8_t>();
    c.enc.delta = r.get<uint8_t>();
    c.enc.width = r.get<uint8_t>();
    for (int pad = 0; pad < 5; ++pad) r.get<uint8_t>();
    c.enc.base = r.get<uint64_t>();
    c.enc.scale = r.get<uint64_t>();
    c.offset = r.get<uint64_t>();
    if (id != i) r.bad("column " + std::to_string(i) + " out of order");
    c.id = static_cast<Column>(id);
    const bool width_ok = c.enc.width == 0 || c.enc.width == 1 || c.enc.width == 2 || c.enc.width == 4 || c.enc.width == 8;
    if (!width_ok || c.enc.delta > 1 || c.enc.scale == 0) r.bad("column " + std::to_string(i) + ": bad encoding");
    if (c.offset > h.data_bytes || (c.enc.width > 0 && h.jobs > (h.data_bytes - c.offset) / c.enc.width))
      r.bad("column " + std::to_string(i) + " runs past the data");
    m.columns.push_back(c);
  }
  return m;
}

// Header and metadata of a cache's bytes, all checked.
std::pair<Header, Meta> parse_front(std::string_view b, const std::string& name) {
  const Header h = parse_header(b, name);
  if (h.meta_bytes > b.size() - kHeaderBytes)
    throw CacheError(name + ": truncated workload cache: the metadata block ends after the file");
  const std::string_view meta = b.substr(kHeaderBytes, h.meta_bytes);
  if (xxh64(meta) != h.meta_sum) throw CacheError(name + ": corrupt workload cache: metadata checksum mismatch");
  return {h, parse_meta(meta, name, h)};
}

}  // namespace

// ---------------------------------------------------------------------------------------------

uint64_t xxh64(std::string_view bytes, uint64_t seed) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const unsigned char* const end = p + bytes.size();
  uint64_t h;
  if (bytes.size() >= 32) {
    uint64_t v1 = seed + kP1 + kP2, v2 = seed + kP2, v3 = seed, v4 = seed - kP1;
    const unsigned char* const limit = end - 32;
    do {
      v1 = xxh_round(v1, load_le<uint64_t>(p));
      v2 = xxh_round(v2, load_le<uint64_t>(p + 8));
      v3 = xxh_round(v3, load_le<uint64_t>(p + 16));
      v4 = xxh_round(v4, load_le<uint64_t>(p + 24));
      p += 32;
    } while (p <= limit);
    h = std::rotl(v1, 1) + std::rotl(v2, 7) + std::rotl(v3, 12) + std::rotl(v4, 18);
    h = merge(merge(merge(merge(h, v1), v2), v3), v4);
  } else {
    h = seed + kP5;
  }
  h += bytes.size();
  for (; p + 8 <= end; p += 8) h = std::rotl(h ^ xxh_round(0, load_le<uint64_t>(p)), 27) * kP1 + kP4;
  if (p + 4 <= end) {
    h = std::rotl(h ^ (load_le<uint32_t>(p) * kP1), 23) * kP2 + kP3;
    p += 4;
  }
  for (; p < end; ++p) h = std::rotl(h ^ (*p * kP5), 11) * kP1;
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  h *= kP3;
  h ^= h >> 32;
  return h;
}

bool looks_like_cache(std::string_view first_bytes) {
  return first_bytes.size() >= kMagic.size() && std::memcmp(first_bytes.data(), kMagic.data(), kMagic.size()) == 0;
}

bool is_cache_file(const std::string& path) {
  Fd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (f.fd < 0) return false;
  char b[8];
  return ::read(f.fd, b, sizeof b) == static_cast<ssize_t>(sizeof b) && looks_like_cache(std::string_view(b, sizeof b));
}

void stamp_source(CacheSource& source, const std::vector<std::string>& files) {
  source.size = 0;
  source.mtime_ns = 0;
  Writer sums;  // the files' checksums, hashed together when there are several
  for (const std::string& path : files) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) os_fail(path, "cannot open");
    source.size += static_cast<int64_t>(st.st_size);
    source.mtime_ns = std::max<int64_t>(source.mtime_ns, int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec);
    const FileBytes content(path);
    sums.put<uint64_t>(xxh64(content.bytes()));
  }
  source.checksum = files.size() == 1 ? load_le<uint64_t>(reinterpret_cast<const unsigned char*>(sums.out.data()))
                                      : xxh64(sums.out);
}

Freshness source_freshness(const CacheSource& recorded, const std::vector<std::string>& files) {
  CacheSource now = recorded;
  int64_t size = 0, mtime = 0;
  for (const std::string& path : files) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return Freshness::SourceMissing;
    size += static_cast<int64_t>(st.st_size);
    mtime = std::max<int64_t>(mtime, int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec);
  }
  if (size != recorded.size) return Freshness::Stale;
  if (mtime == recorded.mtime_ns) return Freshness::Fresh;
  try {
    stamp_source(now, files);
  } catch (const InputError&) {
    return Freshness::SourceMissing;
  }
  return now.checksum == recorded.checksum ? Freshness::Fresh : Freshness::Stale;
}

std::string cache_bytes(const Workload& w, const CacheSource& source) {
  // The GPU model dictionary: "" first, then the models in order of first appearance.
  std::vector<std::string> models{""};
  std::vector<int64_t> model_of(w.jobs.size(), 0);
  {
    std::vector<std::pair<std::string_view, int64_t>> seen;
    for (size_t i = 0; i < w.jobs.size(); ++i) {
      const std::string& m = w.jobs[i].gpu_model;
      if (m.empty()) continue;
      auto it = std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == m; });
      if (it == seen.end()) {
        models.push_back(m);
        seen.emplace_back(m, static_cast<int64_t>(models.size() - 1));
        it = seen.end() - 1;
      }
      model_of[i] = it->second;
    }
  }
  Writer data;
  std::vector<ColumnEntry> columns;
  std::vector<uint64_t> v(w.jobs.size());
  for (uint8_t c = 0; c < kColumns; ++c) {
    for (size_t i = 0; i < w.jobs.size(); ++i)
      v[i] = static_cast<uint64_t>(value_of(w.jobs[i], static_cast<Column>(c), model_of[i]));
    const Encoding plain = choose(v, false), delta = choose(v, true);
    const Encoding& e = delta.width < plain.width ? delta : plain;
    columns.push_back({static_cast<Column>(c), e, data.out.size()});
    append_column(data, v, e);
  }
  Writer meta;
  meta.str(source.path);
  meta.str(source.format);
  meta.put<uint32_t>(static_cast<uint32_t>(source.settings.size()));
  for (const auto& [k, val] : source.settings) {
    meta.str(k);
    meta.str(val);
  }
  meta.put<int64_t>(source.size);
  meta.put<int64_t>(source.mtime_ns);
  meta.put<uint64_t>(source.checksum);
  meta.str(w.name);
  meta.put<int64_t>(w.machine.max_nodes);
  meta.put<int64_t>(w.machine.max_procs);
  meta.put<int64_t>(w.machine.unix_start_time);
  meta.put<uint32_t>(static_cast<uint32_t>(w.skipped.size()));
  for (const auto& [k, n] : w.skipped) {
    meta.str(k);
    meta.put<int64_t>(n);
  }
  meta.put<uint32_t>(static_cast<uint32_t>(w.warnings.size()));
  for (const std::string& s : w.warnings) meta.str(s);
  meta.put<uint32_t>(static_cast<uint32_t>(models.size()));
  for (const std::string& m : models) meta.str(m);
  meta.put<uint32_t>(kColumns);
  for (const ColumnEntry& c : columns) {
    meta.put<uint8_t>(c.id);
    meta.put<uint8_t>(c.enc.delta);
    meta.put<uint8_t>(c.enc.width);
    for (int pad = 0; pad < 5; ++pad) meta.put<uint8_t>(0);
    meta.put<uint64_t>(c.enc.base);
    meta.put<uint64_t>(c.enc.scale);
    meta.put<uint64_t>(c.offset);
  }
  Writer out;
  out.out.append(reinterpret_cast<const char*>(kMagic.data()), kMagic.size());
  out.put<uint32_t>(kCacheVersion);
  out.put<uint32_t>(kHeaderBytes);
  out.put<uint64_t>(meta.out.size());
  out.put<uint64_t>(data.out.size());
  out.put<uint64_t>(w.jobs.size());
  out.put<uint64_t>(xxh64(meta.out));
  out.put<uint64_t>(xxh64(data.out));
  out.put<uint64_t>(xxh64(out.out));
  out.out += meta.out;
  out.align8();
  out.out += data.out;
  return std::move(out.out);
}

void write_cache(const std::string& path, const Workload& w, const CacheSource& source) {
  const std::string bytes = cache_bytes(w, source);
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  try {
    traces_detail::write_text_file(tmp, bytes);
  } catch (const InputError& e) {
    std::remove(tmp.c_str());
    const std::string what = e.what();  // "tmp: cannot write: reason"
    throw InputError(path + what.substr(std::min(tmp.size(), what.size())));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    errno = err;
    os_fail(path, "cannot write");
  }
}

CacheFile parse_cache(std::string_view b, const std::string& name) {
  auto [h, meta] = parse_front(b, name);
  const size_t at = h.data_at();
  if (at > b.size() || h.data_bytes != b.size() - at) {
    const uint64_t expected = at + h.data_bytes;
    throw CacheError(name + (b.size() < expected ? ": truncated" : ": corrupt") + " workload cache: " +
                     std::to_string(b.size()) + " bytes, the header says " + std::to_string(expected));
  }
  // The padding between the metadata and the data is outside both checksums: it must be zero.
  for (size_t i = kHeaderBytes + h.meta_bytes; i < at; ++i)
    if (b[i] != '\0') throw CacheError(name + ": corrupt workload cache: padding after the metadata is not zero");
  const std::string_view data = b.substr(at);
  if (xxh64(data) != h.data_sum) throw CacheError(name + ": corrupt workload cache: job data checksum mismatch");
  CacheFile out{std::move(meta.source), std::move(meta.shell)};
  std::vector<JobSpec>& jobs = out.workload.jobs;
  const size_t n = h.jobs;
  reserve_prefaulted(jobs, n);
  // Columns of one value go into a prototype job that every job starts as; the others are
  // written block by block over the copies while the block (256 jobs, 30 KiB) stays in the
  // first-level cache.
  const auto* base = reinterpret_cast<const unsigned char*>(data.data());
  JobSpec proto;
  std::vector<ColumnEntry> columns;
  std::array<uint64_t, kColumns> prev{};
  for (const ColumnEntry& c : meta.columns) {
    if (c.enc.width == 0 && !c.enc.delta) decode(c, base, &proto, 0, 1, prev[c.id], meta.models, name);
    else columns.push_back(c);
  }
  constexpr size_t kBlock = 256;
  for (size_t first = 0; first < n; first += kBlock) {
    const size_t m = std::min(kBlock, n - first);
    jobs.resize(first + m, proto);
    for (const ColumnEntry& c : columns) decode(c, base, jobs.data() + first, first, m, prev[c.id], meta.models, name);
  }
  return out;
}

CacheFile read_cache(const std::string& path) {
  const FileBytes file(path);
  return parse_cache(file.bytes(), path);
}

CacheSource read_cache_source(const std::string& path) {
  Fd f(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (f.fd < 0) os_fail(path, "cannot open");
  std::string head(kHeaderBytes, '\0');
  const ssize_t got = ::pread(f.fd, head.data(), head.size(), 0);
  if (got < 0) os_fail(path, "cannot read");
  head.resize(static_cast<size_t>(got));
  const Header h = parse_header(head, path);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) os_fail(path, "cannot read");
  if (h.meta_bytes > static_cast<uint64_t>(st.st_size) - kHeaderBytes)
    throw CacheError(path + ": truncated workload cache: the metadata block ends after the file");
  std::string front(kHeaderBytes + h.meta_bytes, '\0');
  if (::pread(f.fd, front.data(), front.size(), 0) != static_cast<ssize_t>(front.size())) os_fail(path, "cannot read");
  return parse_front(front, path).second.source;
}

}  // namespace clustersim
