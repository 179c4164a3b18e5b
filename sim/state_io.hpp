#pragma once
// Checkpoints (docs/checkpoints.md): a run's whole state as bytes, written by the engine, its
// policy and its observers one after the other and read back in the same order.
//
// StateWriter appends values; StateReader reads them back and throws InputError naming the
// checkpoint when the bytes run out, a length is impossible or a section is not the one
// expected. Sections are named so that a checkpoint read by the wrong code (another policy,
// another version) fails at the first section with both names, not later with garbage.
// Values are written in the machine's byte order: a checkpoint is for resuming on the same
// kind of machine with the same build, which the file header checks (write_checkpoint_file).
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "sim/error.hpp"

namespace clustersim {

template <class T>
concept Bitwise = std::is_trivially_copyable_v<T> && !std::is_pointer_v<T>;

class StateWriter {
 public:
  template <Bitwise T>
  void put(const T& v) {
    bytes_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void put(const std::string& s) {
    put(static_cast<uint64_t>(s.size()));
    bytes_.append(s);
  }
  template <Bitwise T>
  void put(const std::vector<T>& v) {
    put(static_cast<uint64_t>(v.size()));
    bytes_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  }
  void put(const std::vector<bool>& v) {
    put(static_cast<uint64_t>(v.size()));
    for (bool b : v) put(static_cast<uint8_t>(b));
  }
  template <class T>
    requires(!Bitwise<T>)
  void put(const std::vector<T>& v) {
    put(static_cast<uint64_t>(v.size()));
    for (const T& x : v) put(x);
  }
  template <class K, class V>
  void put(const std::map<K, V>& m) {
    put(static_cast<uint64_t>(m.size()));
    for (const auto& [k, v] : m) {
      put(k);
      put(v);
    }
  }
  template <class A, class B>
    requires(!Bitwise<std::pair<A, B>>)
  void put(const std::pair<A, B>& p) {
    put(p.first);
    put(p.second);
  }
  // Starts a named section (read back with StateReader::section).
  void section(std::string_view name) { put(std::string(name)); }

  // Empties the buffer and keeps its memory: a writer reused for every checkpoint of a run
  // pays for fresh pages (page faults, zeroing) once.
  void clear() { bytes_.clear(); }
  // Room for `more` bytes beyond what is written (saves the copies of a growing buffer).
  void reserve_more(size_t more) { bytes_.reserve(bytes_.size() + more); }
  const std::string& bytes() const { return bytes_; }
  std::string take() { return std::move(bytes_); }

 private:
  std::string bytes_;
};

class StateReader {
 public:
  // `source` names the checkpoint in errors (its file name).
  StateReader(std::string_view bytes, std::string source) : bytes_(bytes), source_(std::move(source)) {}

  template <Bitwise T>
  void get(T& v) {
    need(sizeof v);
    std::memcpy(&v, bytes_.data() + pos_, sizeof v);
    pos_ += sizeof v;
  }
  void get(std::string& s) {
    const size_t n = length(1);
    s.assign(bytes_.data() + pos_, n);
    pos_ += n;
  }
  template <Bitwise T>
  void get(std::vector<T>& v) {
    const size_t n = length(sizeof(T));
    v.resize(n);
    if (n > 0) std::memcpy(v.data(), bytes_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
  }
  void get(std::vector<bool>& v) {
    const size_t n = length(1);
    v.assign(n, false);
    for (size_t i = 0; i < n; ++i) v[i] = bytes_[pos_ + i] != 0;
    pos_ += n;
  }
  template <class T>
    requires(!Bitwise<T>)
  void get(std::vector<T>& v) {
    const size_t n = length(1);
    v.clear();
    v.resize(n);
    for (T& x : v) get(x);
  }
  template <class K, class V>
  void get(std::map<K, V>& m) {
    const size_t n = length(1);
    m.clear();
    for (size_t i = 0; i < n; ++i) {
      K k;
      V v;
      get(k);
      get(v);
      m.emplace_hint(m.end(), std::move(k), std::move(v));
    }
  }
  template <class A, class B>
    requires(!Bitwise<std::pair<A, B>>)
  void get(std::pair<A, B>& p) {
    get(p.first);
    get(p.second);
  }
  template <class T>
  T get() {
    T v{};
    get(v);
    return v;
  }
  // Reads a section name; throws unless it is `name`.
  void section(std::string_view name);
  // Throws unless `saved` == `now`, saying `what` differs (a checkpoint of another run).
  template <class T>
  void expect_same(const T& saved, const T& now, const std::string& what) const {
    if (!(saved == now)) mismatch(what);
  }
  [[noreturn]] void mismatch(const std::string& what) const;
  [[noreturn]] void corrupt(const std::string& what) const;
  bool at_end() const { return pos_ == bytes_.size(); }
  const std::string& source() const { return source_; }

 private:
  void need(size_t n) const {
    if (n > bytes_.size() - pos_) corrupt("it ends early");
  }
  // A count of elements of at least `min_bytes` each: one the remaining bytes can hold.
  size_t length(size_t min_bytes) {
    uint64_t n = 0;
    get(n);
    if (n > (bytes_.size() - pos_) / min_bytes) corrupt("a length exceeds its size");
    return static_cast<size_t>(n);
  }

  std::string_view bytes_;
  size_t pos_ = 0;
  std::string source_;
};

// A 64-bit hash of bytes for checkpoint checksums and fingerprints of a run's inputs: FNV-style
// xor-multiply over 8-byte little-endian words (then the tail bytes), with a shift after each
// multiply so that high bits reach low ones. About 8 times faster than byte-wise FNV-1a, which
// matters at the hundreds of megabytes of a large run's state; not a cryptographic hash.
uint64_t hash_bytes(std::string_view bytes, uint64_t h = 1469598103934665603ull);

// A checkpoint file: a header (magic, format version, this build's fingerprint: byte order
// and type sizes), the payload's length and FNV-1a checksum, then the payload. Written to
// PATH.tmp, synced, then renamed over PATH: a checkpoint file is never half written, and a
// failure leaves the previous one. Throws InputError naming the path.
void write_checkpoint_file(const std::string& path, std::string_view payload);
// The payload of a file written by write_checkpoint_file. Throws InputError naming the path
// when it is missing, not a checkpoint, of another format version or build, or corrupt.
std::string read_checkpoint_file(const std::string& path);

}  // namespace clustersim
