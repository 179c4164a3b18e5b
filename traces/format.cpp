// Trace format detection, the shared reader settings, and loading through the workload cache.
#include "traces/format.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "sim/error.hpp"
#include "sim/suggest.hpp"
#include "traces/text_file.hpp"

namespace clustersim {

namespace {

constexpr TraceFormat kFormats[] = {TraceFormat::Swf,    TraceFormat::Openb,       TraceFormat::Philly, TraceFormat::Pai,
                                    TraceFormat::Helios, TraceFormat::Alibaba2018, TraceFormat::Cache};

std::string absolute(const std::string& path) {
  std::error_code ec;
  const auto p = std::filesystem::absolute(path, ec);
  return ec ? path : p.lexically_normal().string();
}

// The first bytes of a file (up to 64 KiB), for sniffing.
std::string head_of(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path + ": cannot open: " + std::strerror(errno));
  std::string head(65536, '\0');
  const ssize_t n = ::read(fd, head.data(), head.size());
  const int err = errno;
  ::close(fd);
  if (n < 0) throw InputError(path + ": cannot read: " + std::strerror(err));
  head.resize(static_cast<size_t>(n));
  return head;
}

std::vector<std::string_view> split(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t at = line.find(sep, start);
    out.push_back(line.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

bool is_number(std::string_view s) {
  if (s.starts_with('-')) s.remove_prefix(1);
  if (s.empty() || s == ".") return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; }) &&
         std::count(s.begin(), s.end(), '.') <= 1;
}

bool is_word(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
}

bool has(const std::vector<std::string_view>& fields, std::string_view name) {
  return std::find(fields.begin(), fields.end(), name) != fields.end();
}

// The format from the first line of a text; nullopt when it does not tell.
std::optional<TraceFormat> sniff(std::string_view head, const std::string& path) {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  const size_t first = head.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return std::nullopt;
  if (head[first] == '[' || head[first] == '{') return TraceFormat::Philly;
  if (head[first] == ';') return TraceFormat::Swf;
  std::string_view line = head.substr(first, head.find('\n', first) - first);
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (line.find(',') != std::string_view::npos) {
    const auto f = split(line, ',');
    if (has(f, "job_id") && has(f, "gpu_num") && has(f, "submit_time")) return TraceFormat::Helios;
    if (has(f, "cpu_milli") && has(f, "num_gpu")) return TraceFormat::Openb;
    if (has(f, "sn") && has(f, "cpu_milli") && has(f, "model")) {
      throw InputError(path + ": an openb node list (a cluster), not a workload: give the pod list as the trace");
    }
    // The published header-less layouts: batch_task (9 columns: name, instances, job, type,
    // status word, start, end, cpu, memory) and the PAI task (10) and job (6) tables.
    if (f.size() == 9 && is_number(f[1]) && is_word(f[4]) && is_number(f[5]) && is_number(f[6]))
      return TraceFormat::Alibaba2018;
    if ((f.size() == 10 && is_number(f[2]) && is_word(f[3])) || (f.size() == 6 && is_word(f[3])))
      return TraceFormat::Pai;
    return std::nullopt;
  }
  const auto tokens = [&] {
    std::vector<std::string_view> t;
    for (std::string_view tok : split(line, ' '))
      for (std::string_view part : split(tok, '\t'))
        if (!part.empty()) t.push_back(part);
    return t;
  }();
  if (tokens.size() == static_cast<size_t>(kSwfFields) && std::all_of(tokens.begin(), tokens.end(), is_number))
    return TraceFormat::Swf;
  return std::nullopt;
}

// Drops jobs by status (the SWF reader does this itself), counting them.
void filter_status(Workload& w, const TraceOptions& o) {
  if (!o.skip_failed && !o.skip_cancelled) return;
  int64_t failed = 0, cancelled = 0;
  std::erase_if(w.jobs, [&](const JobSpec& j) {
    if (o.skip_failed && j.status == swf_status::kFailed) {
      ++failed;
      return true;
    }
    if (o.skip_cancelled && j.status == swf_status::kCancelled) {
      ++cancelled;
      return true;
    }
    return false;
  });
  if (failed > 0) w.skipped[trace_skip::kFailed] += failed;
  if (cancelled > 0) w.skipped[trace_skip::kCancelled] += cancelled;
}

std::string flag(bool b) { return b ? "true" : "false"; }

bool parse_flag(const std::string& key, const std::string& v) {
  if (v == "true") return true;
  if (v == "false") return false;
  throw InputError(key + ": expected true or false, found '" + v + "'");
}

// Parses the source of a cache again and rewrites the cache; `why` becomes a warning.
Workload rebuild(const std::string& cache_path, const CacheSource& recorded, const std::string& why) {
  TraceOptions o;
  o.apply(recorded.settings);
  const TraceFormat f = parse_trace_format(recorded.format);
  CacheSource source = recorded;
  const std::vector<std::string> files = trace_files(recorded.path, f);
  stamp_source(source, files);
  Workload w = parse_trace_file(recorded.path, f, o);
  try {
    write_cache(cache_path, w, source);
    w.warnings.push_back(why + ": rebuilt from " + recorded.path);
  } catch (const InputError& e) {
    w.warnings.push_back(why + ": read " + recorded.path + " instead, and could not rewrite the cache (" + e.what() + ")");
  }
  return w;
}

Workload load_cache(const std::string& path) {
  CacheSource recorded;
  try {
    CacheFile c = read_cache(path);
    const TraceFormat f = parse_trace_format(c.source.format);
    switch (source_freshness(c.source, trace_files(c.source.path, f))) {
      case Freshness::Fresh: return std::move(c.workload);
      case Freshness::SourceMissing:
        c.workload.warnings.push_back(path + ": its source " + c.source.path +
                                      " cannot be read, so the cache is used without checking that it is current");
        return std::move(c.workload);
      case Freshness::Stale: recorded = c.source; break;
    }
  } catch (const CacheError& e) {
    // The jobs cannot be used; the metadata (which names the source) may still be intact.
    try {
      recorded = read_cache_source(path);
    } catch (const CacheError&) {
      throw CacheError(std::string(e.what()) + " (give the trace itself, or convert it again)");
    }
    if (source_freshness(recorded, trace_files(recorded.path, parse_trace_format(recorded.format))) ==
        Freshness::SourceMissing)
      throw CacheError(std::string(e.what()) + ", and its source " + recorded.path + " cannot be read to rebuild it");
    return rebuild(path, recorded, e.what());
  }
  return rebuild(path, recorded, path + ": its source changed since the cache was made");
}

Workload load_with_auto_cache(const std::string& path, TraceFormat f, const TraceOptions& o) {
  const std::string cache_path = auto_cache_path(path);
  CacheSource source{absolute(path), std::string(to_string(f)), o.settings(f)};
  const std::vector<std::string> files = trace_files(path, f);
  std::string why;
  if (::access(cache_path.c_str(), F_OK) == 0) {
    try {
      CacheFile c = read_cache(cache_path);
      const bool same = c.source.path == source.path && c.source.format == source.format && c.source.settings == source.settings;
      if (same && source_freshness(c.source, files) == Freshness::Fresh) return std::move(c.workload);
    } catch (const CacheError& e) {
      why = e.what();
    }
  }
  stamp_source(source, files);
  Workload w = parse_trace_file(path, f, o);
  try {
    write_cache(cache_path, w, source);
    if (!why.empty()) w.warnings.push_back(why + ": rebuilt");
  } catch (const InputError& e) {
    w.warnings.push_back(std::string("could not write the automatic cache: ") + e.what());
  }
  return w;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string_view to_string(TraceFormat f) {
  switch (f) {
    case TraceFormat::Swf: return "swf";
    case TraceFormat::Openb: return "openb";
    case TraceFormat::Philly: return "philly";
    case TraceFormat::Pai: return "pai";
    case TraceFormat::Helios: return "helios";
    case TraceFormat::Alibaba2018: return "alibaba2018";
    case TraceFormat::Cache: return "cache";
  }
  return "?";
}

const std::vector<std::string>& trace_format_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (TraceFormat f : kFormats) n.emplace_back(to_string(f));
    return n;
  }();
  return names;
}

TraceFormat parse_trace_format(std::string_view name) {
  for (TraceFormat f : kFormats)
    if (name == to_string(f)) return f;
  throw InputError("trace format '" + std::string(name) + "': unknown" + did_you_mean(name, trace_format_names()));
}

std::string_view to_string(CacheUse c) { return c == CacheUse::Off ? "off" : "auto"; }

CacheUse parse_cache_use(std::string_view name) {
  if (name == "off") return CacheUse::Off;
  if (name == "auto") return CacheUse::Auto;
  throw InputError("trace cache: expected off or auto, found '" + std::string(name) + "'");
}

std::vector<std::pair<std::string, std::string>> TraceOptions::settings(TraceFormat f) const {
  std::vector<std::pair<std::string, std::string>> s{
      {"lenient", flag(!strict)}, {"skip-failed", flag(skip_failed)}, {"skip-cancelled", flag(skip_cancelled)}};
  if (f == TraceFormat::Swf) {
    s.emplace_back("swf-procs", to_string(swf_procs));
    s.emplace_back("swf-estimate", to_string(swf_estimate));
  }
  if (f == TraceFormat::Openb || f == TraceFormat::Pai || f == TraceFormat::Helios || f == TraceFormat::Alibaba2018)
    s.emplace_back("cpu-unit", to_string(cpu));
  if (f != TraceFormat::Swf && f != TraceFormat::Cache) s.emplace_back("skip-unfinished", flag(skip_unfinished));
  if (f == TraceFormat::Philly) s.emplace_back("philly-runtime", to_string(philly_runtime));
  if (f == TraceFormat::Alibaba2018) s.emplace_back("alibaba2018-memory-mib", std::to_string(alibaba2018_memory_mib));
  return s;
}

void TraceOptions::apply(const std::vector<std::pair<std::string, std::string>>& settings) {
  for (const auto& [key, v] : settings) {
    if (key == "lenient") strict = !parse_flag(key, v);
    else if (key == "skip-failed") skip_failed = parse_flag(key, v);
    else if (key == "skip-cancelled") skip_cancelled = parse_flag(key, v);
    else if (key == "swf-procs") swf_procs = parse_procs_source(v);
    else if (key == "swf-estimate") swf_estimate = parse_estimate_source(v);
    else if (key == "cpu-unit") cpu = parse_openb_cpu_unit(v);
    else if (key == "skip-unfinished") skip_unfinished = parse_flag(key, v);
    else if (key == "philly-runtime") philly_runtime = parse_philly_runtime(v);
    else if (key == "alibaba2018-memory-mib") {
      try {
        size_t used = 0;
        alibaba2018_memory_mib = std::stoll(v, &used);
        if (used != v.size()) throw std::invalid_argument(v);
      } catch (const std::exception&) {
        throw InputError(key + ": expected an integer, found '" + v + "'");
      }
    } else {
      throw InputError("trace setting '" + key + "': unknown");
    }
  }
}

SwfOptions TraceOptions::swf() const {
  SwfOptions o;
  o.procs = swf_procs;
  o.estimate = swf_estimate;
  o.skip_failed = skip_failed;
  o.skip_cancelled = skip_cancelled;
  o.strict = strict;
  return o;
}

OpenbOptions TraceOptions::openb() const {
  OpenbOptions o;
  o.cpu = cpu;
  o.skip_undeleted = skip_unfinished;
  o.strict = strict;
  return o;
}

PhillyOptions TraceOptions::philly() const { return PhillyOptions{philly_runtime, skip_unfinished, strict}; }
PaiOptions TraceOptions::pai() const { return PaiOptions{cpu, skip_unfinished, strict}; }
HeliosOptions TraceOptions::helios() const { return HeliosOptions{cpu, skip_unfinished, strict}; }
Alibaba2018Options TraceOptions::alibaba2018() const {
  return Alibaba2018Options{cpu, alibaba2018_memory_mib, skip_unfinished, strict};
}

TraceFormat detect_trace_format(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw InputError(path + ": cannot open: " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) {
    if (::access((path + "/pai_job_table.csv").c_str(), F_OK) == 0) return TraceFormat::Pai;
    throw InputError(path + ": a folder, and not a PAI trace (no pai_job_table.csv in it)");
  }
  const std::string head = head_of(path);
  if (looks_like_cache(head)) return TraceFormat::Cache;
  const std::string base = traces_detail::base_name(path);
  if (base.find("pai_job_table") != std::string::npos || base.find("pai_task_table") != std::string::npos)
    return TraceFormat::Pai;
  if (base.ends_with(".swf")) return TraceFormat::Swf;
  if (base.ends_with(".json") || base.ends_with(".jsonl") || base.starts_with("cluster_job_log")) return TraceFormat::Philly;
  if (base.find("batch_task") != std::string::npos) return TraceFormat::Alibaba2018;
  if (const auto f = sniff(head, path)) return *f;
  std::string names;
  for (const std::string& n : trace_format_names()) names += (names.empty() ? "" : "|") + n;
  throw InputError(path + ": cannot tell the trace format from its name or content; give it (--trace-format " + names + ")");
}

std::vector<std::string> trace_files(const std::string& path, TraceFormat f) {
  if (f != TraceFormat::Pai) return {path};
  const PaiPaths p = pai_paths(path);
  return {p.job_table, p.task_table};
}

Workload parse_trace_file(const std::string& path, TraceFormat f, const TraceOptions& o) {
  Workload w;
  switch (f) {
    case TraceFormat::Swf: return read_swf(path, o.swf());  // filters by status itself
    case TraceFormat::Openb: w = read_openb_workload(path, o.openb()); break;
    case TraceFormat::Philly: w = read_philly(path, o.philly()); break;
    case TraceFormat::Pai: {
      const PaiPaths p = pai_paths(path);
      w = read_pai(p.job_table, p.task_table, o.pai());
      break;
    }
    case TraceFormat::Helios: w = read_helios(path, o.helios()); break;
    case TraceFormat::Alibaba2018: w = read_alibaba2018(path, o.alibaba2018()); break;
    case TraceFormat::Cache: throw InputError(path + ": a workload cache, not a trace to parse");
  }
  filter_status(w, o);
  return w;
}

Workload load_trace(const std::string& path, const TraceOptions& options) {
  const TraceFormat f = options.format ? *options.format : detect_trace_format(path);
  if (f == TraceFormat::Cache) return load_cache(path);
  if (options.cache == CacheUse::Auto) return load_with_auto_cache(path, f, options);
  return parse_trace_file(path, f, options);
}

Workload convert_trace(const std::string& in, const std::string& out, const TraceOptions& options) {
  const TraceFormat f = options.format ? *options.format : detect_trace_format(in);
  if (f == TraceFormat::Cache) throw InputError(in + ": already a workload cache");
  if (absolute(in) == absolute(out)) throw InputError(out + ": the output would overwrite the trace");
  CacheSource source{absolute(in), std::string(to_string(f)), options.settings(f)};
  stamp_source(source, trace_files(in, f));
  Workload w = parse_trace_file(in, f, options);
  write_cache(out, w, source);
  return w;
}

std::string auto_cache_path(const std::string& trace) {
  std::string p = trace;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p + ".cache";
}

}  // namespace clustersim
