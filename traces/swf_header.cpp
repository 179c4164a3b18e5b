// SWF vocabulary: option names, field names and the header's typed keys.
#include <array>
#include <charconv>
#include <string>

#include "sim/error.hpp"
#include "traces/swf.hpp"

namespace clustersim {

std::string_view to_string(ProcsSource s) {
  switch (s) {
    case ProcsSource::AllocatedElseRequested: return "allocated";
    case ProcsSource::RequestedElseAllocated: return "requested";
    case ProcsSource::MaxOfBoth: return "max";
  }
  return "?";
}

std::string_view to_string(EstimateSource s) {
  switch (s) {
    case EstimateSource::RequestedElseRuntime: return "requested";
    case EstimateSource::Runtime: return "runtime";
  }
  return "?";
}

ProcsSource parse_procs_source(std::string_view name) {
  for (auto s : {ProcsSource::AllocatedElseRequested, ProcsSource::RequestedElseAllocated,
                 ProcsSource::MaxOfBoth}) {
    if (to_string(s) == name) return s;
  }
  throw InputError("swf procs source: expected one of allocated, requested, max; found '" +
                   std::string(name) + "'");
}

EstimateSource parse_estimate_source(std::string_view name) {
  for (auto s : {EstimateSource::RequestedElseRuntime, EstimateSource::Runtime}) {
    if (to_string(s) == name) return s;
  }
  throw InputError("swf estimate source: expected one of requested, runtime; found '" +
                   std::string(name) + "'");
}

void SwfOptions::validate() const {
  auto bad = [](const char* field, const std::string& expected, const std::string& found) {
    return InputError("SwfOptions." + std::string(field) + ": expected " + expected +
                      ", found " + found);
  };
  if (max_jobs < 0) throw bad("max_jobs", ">= 0 (0 = all)", std::to_string(max_jobs));
  if (static_cast<int>(procs) > static_cast<int>(ProcsSource::MaxOfBoth)) {
    throw bad("procs", "allocated, requested or max", std::to_string(static_cast<int>(procs)));
  }
  if (static_cast<int>(estimate) > static_cast<int>(EstimateSource::Runtime)) {
    throw bad("estimate", "requested or runtime", std::to_string(static_cast<int>(estimate)));
  }
}

std::string_view swf_field_name(int n) {
  static constexpr std::array<std::string_view, kSwfFields> kNames = {
      "job number",      "submit time",     "wait time",          "run time",
      "allocated processors", "average CPU time", "used memory",  "requested processors",
      "requested time",  "requested memory", "status",            "user",
      "group",           "executable",      "queue",              "partition",
      "preceding job",   "think time"};
  if (n < 1 || n > kSwfFields) return "extra field";
  return kNames[static_cast<size_t>(n - 1)];
}

const std::string* SwfHeader::find(std::string_view key) const {
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (it->key == key) return &it->value;
  }
  return nullptr;
}

namespace {

// The whole value must be one integer (optionally signed).
bool parse_header_int(const std::string& value, int64_t& out) {
  const char* first = value.data();
  const char* last = first + value.size();
  if (first != last && *first == '+') ++first;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || ptr != last || first == last) return false;
  out = v;
  return true;
}

}  // namespace

bool SwfHeader::add(std::string key, std::string value) {
  struct IntKey {
    std::string_view key;
    int64_t SwfHeader::*field;
  };
  static constexpr std::array<IntKey, 10> kIntKeys = {{
      {"MaxNodes", &SwfHeader::max_nodes},
      {"MaxProcs", &SwfHeader::max_procs},
      {"UnixStartTime", &SwfHeader::unix_start_time},
      {"TimeZone", &SwfHeader::time_zone},
      {"MaxJobs", &SwfHeader::max_jobs},
      {"MaxRecords", &SwfHeader::max_records},
      {"MaxRuntime", &SwfHeader::max_runtime},
      {"MaxMemory", &SwfHeader::max_memory},
      {"MaxQueues", &SwfHeader::max_queues},
      {"MaxPartitions", &SwfHeader::max_partitions},
  }};
  struct StringKey {
    std::string_view key;
    std::string SwfHeader::*field;
  };
  static constexpr std::array<StringKey, 8> kStringKeys = {{
      {"Version", &SwfHeader::version},
      {"Computer", &SwfHeader::computer},
      {"Installation", &SwfHeader::installation},
      {"TimeZoneString", &SwfHeader::time_zone_string},
      {"StartTime", &SwfHeader::start_time},
      {"EndTime", &SwfHeader::end_time},
      {"AllowOveruse", &SwfHeader::allow_overuse},
      {"Preemption", &SwfHeader::preemption},
  }};
  bool ok = true;
  if (!key.empty()) {
    for (const auto& k : kIntKeys) {
      if (k.key == key) ok = parse_header_int(value, this->*k.field);
    }
    for (const auto& k : kStringKeys) {
      if (k.key == key) this->*k.field = value;
    }
    if (key == "Queue") queues.push_back(value);
    if (key == "Partition") partitions.push_back(value);
    if (key == "Note") notes.push_back(value);
  }
  lines.push_back({std::move(key), std::move(value)});
  return ok;
}

}  // namespace clustersim
