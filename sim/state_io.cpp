#include "sim/state_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>

namespace clustersim {

void StateReader::section(std::string_view name) {
  std::string got;
  get(got);
  if (got != name)
    throw InputError("checkpoint " + source_ + ": expected section '" + std::string(name) + "', found '" +
                     got.substr(0, 60) + "' (a checkpoint of another policy, run or version)");
}

void StateReader::mismatch(const std::string& what) const {
  throw InputError("checkpoint " + source_ + ": " + what +
                   " differs from the run being resumed (resume with the same inputs and settings)");
}

void StateReader::corrupt(const std::string& what) const {
  throw InputError("checkpoint " + source_ + ": corrupt (" + what + ")");
}

uint64_t hash_bytes(std::string_view bytes, uint64_t h) {
  constexpr uint64_t kPrime = 1099511628211ull;
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t w = 0;
    for (size_t k = 0; k < 8; ++k) w |= uint64_t{static_cast<unsigned char>(bytes[i + k])} << (8 * k);
    h = (h ^ w) * kPrime;
    h ^= h >> 29;
  }
  for (; i < bytes.size(); ++i) h = (h ^ static_cast<unsigned char>(bytes[i])) * kPrime;
  return h;
}

namespace {

constexpr char kMagic[8] = {'C', 'S', 'I', 'M', 'C', 'K', 'P', 'T'};
constexpr uint32_t kFormatVersion = 1;

// What must match for the bytes to mean the same: byte order and the sizes of the types the
// state is made of.
uint64_t build_fingerprint() {
  const uint32_t probe = 0x01020304;
  uint8_t first = 0;
  std::memcpy(&first, &probe, 1);
  const uint64_t sizes[] = {first, sizeof(void*), sizeof(long), sizeof(double), sizeof(size_t)};
  return hash_bytes(std::string_view(reinterpret_cast<const char*>(sizes), sizeof sizes));
}

std::string errno_text() { return std::strerror(errno); }

}  // namespace

void write_checkpoint_file(const std::string& path, std::string_view payload) {
  StateWriter header;
  header.put(kMagic);
  header.put(kFormatVersion);
  header.put(build_fingerprint());
  header.put(static_cast<uint64_t>(payload.size()));
  header.put(hash_bytes(payload));
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw InputError(path + ": cannot write the checkpoint (" + errno_text() + ")");
  auto write_all = [&](std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  };
  const bool ok = write_all(header.bytes()) && write_all(payload) && ::fsync(fd) == 0;
  const std::string why = ok ? "" : errno_text();
  ::close(fd);
  if (!ok) {
    std::remove(tmp.c_str());
    throw InputError(path + ": cannot write the checkpoint (" + why + ")");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string w = errno_text();
    std::remove(tmp.c_str());
    throw InputError(path + ": cannot write the checkpoint (" + w + ")");
  }
}

std::string read_checkpoint_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw InputError(path + ": cannot open the checkpoint (" + errno_text() + ")");
  std::string bytes(static_cast<size_t>(std::max<std::streamoff>(0, in.tellg())), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
    throw InputError(path + ": cannot read the checkpoint (" + errno_text() + ")");
  StateReader r(bytes, path);
  char magic[8] = {};
  uint32_t version = 0;
  uint64_t fingerprint = 0, size = 0, checksum = 0;
  constexpr size_t kHeader = sizeof magic + sizeof version + 3 * sizeof(uint64_t);
  if (bytes.size() < kHeader || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw InputError(path + ": not a clustersim checkpoint");
  r.get(magic);
  r.get(version);
  r.get(fingerprint);
  r.get(size);
  r.get(checksum);
  if (version != kFormatVersion)
    throw InputError(path + ": checkpoint format " + std::to_string(version) + ", this build reads format " +
                     std::to_string(kFormatVersion));
  if (fingerprint != build_fingerprint())
    throw InputError(path + ": checkpoint written on a machine with another byte order or type sizes");
  if (size != bytes.size() - kHeader)
    throw InputError(path + ": checkpoint truncated or extended (" + std::to_string(bytes.size() - kHeader) +
                     " payload bytes, header says " + std::to_string(size) + ")");
  bytes.erase(0, kHeader);  // the payload, in place
  if (hash_bytes(bytes) != checksum) throw InputError(path + ": checkpoint corrupt (checksum mismatch)");
  return bytes;
}

}  // namespace clustersim
