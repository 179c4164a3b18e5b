// libFuzzer target: the throughput-table readers, Gavel's JSON and the CSV format; the same
// bytes go to both. Bad input may only raise InputError naming the file. A table that reads
// must be consistent (every job and GPU type found again under its own name, every entry
// finite and >= 0), and a CSV table must survive being written back as CSV and read again.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "traces/throughputs.hpp"

using namespace clustersim;
using clustersim::fuzz::require;

namespace {

const std::string kJsonName = "fuzz/throughputs.json";
const std::string kCsvName = "fuzz/throughputs.csv";
constexpr GpuPlacement kPlacements[] = {GpuPlacement::Consolidated, GpuPlacement::Spread};

bool valid(double t) { return std::isfinite(t) && t >= 0; }

void check_table(const ThroughputTable& t) {
  for (size_t j = 0; j < t.num_job_types(); ++j) {
    const DlJobType& type = t.job_type(static_cast<int32_t>(j));
    require(!type.model.empty() && type.scale_factor >= 1, "job type without a model or scale factor");
    require(t.find_job_type(type.model, type.scale_factor) == static_cast<int32_t>(j), "job type not found by name");
  }
  for (size_t g = 0; g < t.num_gpu_types(); ++g) {
    require(!t.gpu_type(static_cast<int32_t>(g)).empty(), "empty GPU type");
    require(t.find_gpu_type(t.gpu_type(static_cast<int32_t>(g))) == static_cast<int32_t>(g),
            "GPU type not found by name");
  }
  size_t isolated = 0, colocated = 0;
  for (size_t j = 0; j < t.num_job_types(); ++j) {
    for (size_t g = 0; g < t.num_gpu_types(); ++g) {
      for (GpuPlacement p : kPlacements) {
        const auto jj = static_cast<int32_t>(j), gg = static_cast<int32_t>(g);
        if (const auto v = t.isolated(jj, gg, p)) {
          require(valid(*v), "isolated throughput invalid");
          ++isolated;
        }
        for (size_t o = 0; o < t.num_job_types() && t.num_colocated() > 0; ++o) {
          if (const auto pair = t.colocated(jj, static_cast<int32_t>(o), gg, p)) {
            require(valid(pair->self) && valid(pair->other), "co-located throughput invalid");
            ++colocated;
          }
        }
      }
    }
  }
  require(isolated == t.num_isolated() && colocated == t.num_colocated(), "entry counts disagree");
}

// A CSV field, always quoted ("" for a quote inside).
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string to_csv(const ThroughputTable& t) {
  std::string out = "job_type,gpu_type,throughput,placement,scale_factor\n";
  for (size_t j = 0; j < t.num_job_types(); ++j) {
    for (size_t g = 0; g < t.num_gpu_types(); ++g) {
      for (GpuPlacement p : kPlacements) {
        const auto v = t.isolated(static_cast<int32_t>(j), static_cast<int32_t>(g), p);
        if (!v) continue;
        char buf[64];
        const auto end = std::to_chars(buf, buf + sizeof buf, *v).ptr;
        const DlJobType& type = t.job_type(static_cast<int32_t>(j));
        out += quoted(type.model) + "," + quoted(t.gpu_type(static_cast<int32_t>(g))) + "," + std::string(buf, end) +
               "," + std::string(to_string(p)) + "," + std::to_string(type.scale_factor) + "\n";
      }
    }
  }
  return out;
}

void check_same_isolated(const ThroughputTable& a, const ThroughputTable& b) {
  require(a.num_isolated() == b.num_isolated(), "round trip changed the number of entries");
  for (size_t j = 0; j < a.num_job_types(); ++j) {
    const DlJobType& type = a.job_type(static_cast<int32_t>(j));
    for (size_t g = 0; g < a.num_gpu_types(); ++g) {
      for (GpuPlacement p : kPlacements) {
        const auto v = a.isolated(static_cast<int32_t>(j), static_cast<int32_t>(g), p);
        if (!v) continue;
        const auto bj = b.find_job_type(type.model, type.scale_factor);
        const auto bg = b.find_gpu_type(a.gpu_type(static_cast<int32_t>(g)));
        require(bj && bg && b.isolated(*bj, *bg, p) == v, "round trip changed an entry");
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    check_table(parse_gavel_throughputs(text, kJsonName));
  } catch (const InputError& e) {
    fuzz::check_names_file(e, kJsonName);
  }
  ThroughputTable csv;
  try {
    csv = parse_throughputs_csv(text, kCsvName);
  } catch (const InputError& e) {
    fuzz::check_names_file(e, kCsvName);
    return 0;
  }
  check_table(csv);
  try {
    check_same_isolated(csv, parse_throughputs_csv(to_csv(csv), "again.csv"));
  } catch (const InputError& e) {
    fuzz::violated("the table written back does not read:", e.what());
  }
  return 0;
}
