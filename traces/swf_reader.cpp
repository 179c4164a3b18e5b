// The SWF reader: one pass over the whole text, comment lines into the header, record lines
// through LineParser into a sink (raw records, or jobs of a Workload).
#include <algorithm>
#include <cstring>
#include <string>

#include "sim/error.hpp"
#include "traces/swf.hpp"
#include "traces/swf_line.hpp"
#include "traces/text_file.hpp"

namespace clustersim {

namespace swf_detail {

std::string quote(std::string_view token) {
  static constexpr size_t kMaxShown = 40;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < token.size() && i < kMaxShown; ++i) {
    const auto c = static_cast<unsigned char>(token[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (token.size() > kMaxShown) out += "...";
  return out;
}

std::string field_label(const LineError& e) {
  return "field " + std::to_string(e.field) + " (" + std::string(swf_field_name(e.field)) + ")";
}

std::string describe(const LineError& e) {
  const std::string found = "found '" + quote(e.token) + "'";
  const FieldInfo info = e.field >= 1 && e.field <= kSwfFields
                             ? kFields[static_cast<size_t>(e.field - 1)]
                             : FieldInfo{Kind::Integer, 0};
  switch (e.problem) {
    case Problem::TooFew:
      return "missing: expected 18 fields, found " + std::to_string(e.fields_found);
    case Problem::TooMany:
      return "expected exactly 18 fields, found " + std::to_string(e.fields_found) +
             " (first extra: '" + quote(e.token) + "')";
    case Problem::NotANumber:
      return info.kind == Kind::Integer ? "expected an integer, " + found
                                        : "expected a number, " + found;
    case Problem::NotAnInteger:
      return "expected an integer, found the decimal '" + quote(e.token) + "'";
    case Problem::OutOfRange:
      switch (info.kind) {
        case Kind::Integer:
          return "value out of range: expected at most " + std::to_string(info.max) + ", " + found;
        case Kind::Time:
          return "value out of range: expected at most " + std::to_string(info.max) +
                 " seconds, " + found;
        case Kind::Real:
          return "value out of range of a double, " + found;
      }
      break;
    case Problem::Negative:
      return "expected -1 (missing) or a value >= 0, " + found;
    case Problem::None:
      break;
  }
  return "malformed, " + found;
}

}  // namespace swf_detail

namespace {

using namespace swf_detail;

// Where problems go: raised at once (strict) or counted with the first few kept (lenient).
class Diagnostics {
 public:
  Diagnostics(const std::string& name, bool strict, std::vector<std::string>& warnings)
      : name_(name), strict_(strict), warnings_(warnings) {}

  void malformed_record(long line, const LineError& e) {
    ++malformed_;
    if (wants_message()) report(line, field_label(e), describe(e));
  }
  void malformed_header(long line, const std::string& key, const std::string& value) {
    if (wants_message()) {
      report(line, "header " + key, "expected an integer, found '" + quote(value) + "'");
    }
  }
  int64_t malformed() const { return malformed_; }

 private:
  bool wants_message() const {
    return strict_ || warnings_.size() < static_cast<size_t>(SwfOptions::kMaxWarnings);
  }
  void report(long line, const std::string& label, const std::string& message) {
    InputError error = InputError::at(name_, line, label, message);
    if (strict_) throw error;
    warnings_.emplace_back(error.what());
  }

  const std::string& name_;
  bool strict_;
  std::vector<std::string>& warnings_;
  int64_t malformed_ = 0;
};

bool is_key_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_key_char(char c) { return is_key_start(c) || is_digit(c) || c == '_' || c == '-'; }

// `p` is at the ';' of a comment line ending at `eol`. "; Key: value" gives (Key, value);
// anything else gives ("", raw text after ';').
void parse_comment(const char* p, const char* eol, long line, SwfHeader& header,
                   Diagnostics& diag) {
  ++p;
  while (eol > p && is_blank(eol[-1])) --eol;
  const char* s = p;
  while (s < eol && is_blank(*s)) ++s;
  const char* k = s;
  if (k < eol && is_key_start(*k)) {
    while (k < eol && is_key_char(*k)) ++k;
    if (k < eol && *k == ':' && (k + 1 == eol || is_blank(k[1]))) {
      const char* v = k + 1;
      while (v < eol && is_blank(*v)) ++v;
      std::string key(s, k);
      std::string value(v, eol);
      if (!header.add(key, value)) diag.malformed_header(line, key, value);
      return;
    }
  }
  header.add(std::string(), std::string(p, eol));
}

const char* end_of_line(const char* p, const char* end) {
  const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
  return nl != nullptr ? static_cast<const char*>(nl) : end;
}

// A cheap upper-bound-ish guess of the record count for reserve(): the newline density of
// the first 64 KiB, capped by the shortest possible record line (18 one-digit fields).
size_t estimate_records(std::string_view text) {
  const size_t sample = std::min<size_t>(text.size(), 64 * 1024);
  const auto lines = static_cast<size_t>(std::count(text.data(), text.data() + sample, '\n'));
  const size_t guess = sample == 0 ? 0 : text.size() / sample * (lines + 1) + lines + 16;
  return std::min(guess, text.size() / 36 + 1);
}

template <class Sink>
void parse_text(std::string_view text, SwfHeader& header, Diagnostics& diag, Sink& sink) {
  const char* p = text.data();
  const char* const end = p + text.size();
  long line = 0;
  SwfRecord record;
  while (p < end) {
    ++line;
    while (p < end && is_blank(*p)) ++p;
    if (p == end) break;
    if (*p != '\n') {
      if (*p == ';') {
        const char* eol = end_of_line(p, end);
        parse_comment(p, eol, line, header, diag);
        p = eol;
      } else {
        LineParser parser(p, end);
        const bool ok = parser.parse(record);
        if (!ok) diag.malformed_record(line, parser.error());
        p = end_of_line(parser.pos(), end);
        if (ok && !sink.take(record)) return;
      }
      if (p == end) break;
    }
    ++p;  // past '\n'
  }
}

struct RecordSink {
  std::vector<SwfRecord>& records;
  size_t max;
  bool take(const SwfRecord& r) {
    records.push_back(r);
    return records.size() != max;
  }
};

// The literature's mapping of an SWF record to a job (docs/swf.md).
class JobSink {
 public:
  JobSink(std::vector<JobSpec>& jobs, const SwfOptions& options)
      : jobs_(jobs), options_(options), max_(static_cast<size_t>(options.max_jobs)) {}

  bool take(const SwfRecord& r) {
    if (options_.skip_failed && r.status == swf_status::kFailed) return count(failed_);
    if (options_.skip_cancelled && r.status == swf_status::kCancelled) return count(cancelled_);
    if (r.submit < Time::zero()) return count(no_submit_);
    if (r.run <= Time::zero()) return count(runtime_);
    const int64_t procs = processors(r);
    if (procs <= 0) return count(no_procs_);
    JobSpec& job = jobs_.emplace_back();
    job.trace_id = r.job_number;
    job.submit = r.submit;
    job.runtime = r.run;
    job.walltime = options_.estimate == EstimateSource::RequestedElseRuntime &&
                           r.requested_time > Time::zero()
                       ? r.requested_time
                       : r.run;
    // LineParser bounds these fields to int32.
    job.tasks = static_cast<int32_t>(procs);
    job.per_task = Resources{1, 0, 0};
    job.user = static_cast<int32_t>(r.user);
    job.group = static_cast<int32_t>(r.group);
    job.queue = static_cast<int32_t>(r.queue);
    job.partition = static_cast<int32_t>(r.partition);
    job.status = static_cast<int32_t>(r.status);
    return jobs_.size() != max_;
  }

  void add_counts(std::map<std::string, int64_t>& skipped) const {
    const std::pair<const char*, int64_t> counts[] = {
        {swf_skip::kFailed, failed_},   {swf_skip::kCancelled, cancelled_},
        {swf_skip::kNoSubmit, no_submit_}, {swf_skip::kRuntime, runtime_},
        {swf_skip::kNoProcs, no_procs_}};
    for (const auto& [reason, n] : counts) {
      if (n > 0) skipped[reason] += n;
    }
  }

 private:
  int64_t processors(const SwfRecord& r) const {
    switch (options_.procs) {
      case ProcsSource::AllocatedElseRequested:
        return r.allocated_procs > 0 ? r.allocated_procs : r.requested_procs;
      case ProcsSource::RequestedElseAllocated:
        return r.requested_procs > 0 ? r.requested_procs : r.allocated_procs;
      case ProcsSource::MaxOfBoth:
        return std::max(r.allocated_procs, r.requested_procs);
    }
    return -1;
  }
  static bool count(int64_t& n) {
    ++n;
    return true;
  }

  std::vector<JobSpec>& jobs_;
  const SwfOptions& options_;
  size_t max_;  // 0: all
  int64_t failed_ = 0, cancelled_ = 0, no_submit_ = 0, runtime_ = 0, no_procs_ = 0;
};

}  // namespace

SwfTrace parse_swf_records(std::string_view text, const std::string& name,
                           const SwfOptions& options) {
  options.validate();
  SwfTrace trace;
  Diagnostics diag(name, options.strict, trace.warnings);
  trace.records.reserve(estimate_records(text));
  RecordSink sink{trace.records, static_cast<size_t>(options.max_jobs)};
  parse_text(text, trace.header, diag, sink);
  trace.malformed_lines = diag.malformed();
  return trace;
}

SwfTrace read_swf_records(const std::string& path, const SwfOptions& options) {
  options.validate();
  return parse_swf_records(traces_detail::read_text_file(path), path, options);
}

Workload parse_swf(std::string_view text, const std::string& name, const SwfOptions& options) {
  options.validate();
  Workload workload;
  workload.name = traces_detail::base_name(name);
  SwfHeader header;
  Diagnostics diag(name, options.strict, workload.warnings);
  workload.jobs.reserve(estimate_records(text));
  JobSink sink(workload.jobs, options);
  parse_text(text, header, diag, sink);
  workload.machine = header.machine();
  sink.add_counts(workload.skipped);
  if (diag.malformed() > 0) workload.skipped[swf_skip::kMalformed] = diag.malformed();
  // Logs are almost always in submit order already; sorting is then a no-op we can skip.
  const auto by_arrival = [](const JobSpec& a, const JobSpec& b) {
    return a.submit != b.submit ? a.submit < b.submit : a.trace_id < b.trace_id;
  };
  if (!std::is_sorted(workload.jobs.begin(), workload.jobs.end(), by_arrival)) {
    workload.sort_by_arrival();
  }
  return workload;
}

Workload read_swf(const std::string& path, const SwfOptions& options) {
  options.validate();
  return parse_swf(traces_detail::read_text_file(path), path, options);
}

}  // namespace clustersim
