// SWF writers: a Workload (what the simulator knows, -1 for the rest) or an SwfTrace
// (header lines and all 18 fields as they were read).
#include <charconv>
#include <cmath>
#include <string>

#include "traces/swf.hpp"
#include "traces/text_file.hpp"

namespace clustersim {

namespace {

class LineWriter {
 public:
  explicit LineWriter(std::string& out) : out_(out) {}

  LineWriter& integer(int64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return put(buf, r.ptr);
  }
  // Whole seconds when integral, else decimal seconds without trailing zeros.
  LineWriter& time(Time t) {
    const int64_t us = t.us();
    if (us % Time::kUsPerSecond == 0) return integer(us / Time::kUsPerSecond);
    char buf[40];
    char* p = buf;
    int64_t abs = us;
    if (us < 0) {
      *p++ = '-';
      abs = -us;
    }
    p = std::to_chars(p, buf + sizeof buf, abs / Time::kUsPerSecond).ptr;
    *p++ = '.';
    int64_t frac = abs % Time::kUsPerSecond;
    char digits[6];
    for (int i = 5; i >= 0; --i, frac /= 10) digits[i] = static_cast<char>('0' + frac % 10);
    int n = 6;
    while (digits[n - 1] == '0') --n;
    for (int i = 0; i < n; ++i) *p++ = digits[i];
    return put(buf, p);
  }
  // The shortest fixed-point text that reads back as the same double; -1 for NaN / inf.
  LineWriter& real(double v) {
    if (!std::isfinite(v)) return integer(-1);
    char buf[400];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    return put(buf, r.ptr);
  }
  void end_line() {
    if (!out_.empty() && out_.back() == ' ') out_.back() = '\n';
  }

 private:
  LineWriter& put(const char* b, const char* e) {
    out_.append(b, e);
    out_ += ' ';
    return *this;
  }
  std::string& out_;
};

// Header text must stay on its line (the reader never yields a '\n' in a value).
std::string one_line(std::string s) {
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return s;
}

void header_line(std::string& out, const std::string& key, const std::string& value) {
  if (key.empty()) {
    out.append(";").append(one_line(value));
  } else {
    out.append("; ").append(one_line(key)).append(":");
    if (!value.empty()) out.append(" ").append(one_line(value));
  }
  out.append("\n");
}

int64_t or_missing(int64_t v) { return v < 0 ? -1 : v; }
Time or_missing(Time t) { return t < Time::zero() ? kSwfMissingTime : t; }

}  // namespace

std::string to_swf_text(const Workload& workload) {
  std::string out;
  out.reserve(512 + workload.jobs.size() * 64);
  const auto n = static_cast<int64_t>(workload.jobs.size());
  header_line(out, "Version", "2.2");
  header_line(out, "Note", std::string("written by clustersim from workload '")
                               .append(workload.name).append("'"));
  header_line(out, "MaxJobs", std::to_string(n));
  header_line(out, "MaxRecords", std::to_string(n));
  const MachineHint& m = workload.machine;
  if (m.max_nodes > 0) header_line(out, "MaxNodes", std::to_string(m.max_nodes));
  if (m.max_procs > 0) header_line(out, "MaxProcs", std::to_string(m.max_procs));
  if (m.unix_start_time >= 0) header_line(out, "UnixStartTime", std::to_string(m.unix_start_time));
  LineWriter w(out);
  for (const JobSpec& j : workload.jobs) {
    // SWF counts processors: a task of c cores is c processors.
    const int64_t cores = j.per_task.cores > 0 ? j.per_task.cores : 1;
    const int64_t procs = j.tasks > 0 ? j.tasks * cores : -1;
    const double mem_kb = j.per_task.mem_mib > 0
                              ? static_cast<double>(j.per_task.mem_mib) * 1024.0 /
                                    static_cast<double>(cores)
                              : -1.0;
    w.integer(j.trace_id).time(or_missing(j.submit)).integer(-1).time(or_missing(j.runtime))
        .integer(procs).integer(-1).integer(-1).integer(procs)
        .time(j.walltime > Time::zero() ? j.walltime : kSwfMissingTime).real(mem_kb)
        .integer(or_missing(j.status)).integer(or_missing(j.user)).integer(or_missing(j.group))
        .integer(-1).integer(or_missing(j.queue)).integer(or_missing(j.partition))
        .integer(-1).integer(-1).end_line();
  }
  return out;
}

std::string to_swf_text(const SwfTrace& trace) {
  std::string out;
  out.reserve(64 * (trace.header.lines.size() + 8) + trace.records.size() * 64);
  for (const SwfHeaderLine& line : trace.header.lines) header_line(out, line.key, line.value);
  LineWriter w(out);
  for (const SwfRecord& r : trace.records) {
    w.integer(r.job_number).time(r.submit).time(r.wait).time(r.run)
        .integer(r.allocated_procs).real(r.avg_cpu_time).real(r.used_memory)
        .integer(r.requested_procs).time(r.requested_time).real(r.requested_memory)
        .integer(r.status).integer(r.user).integer(r.group).integer(r.executable)
        .integer(r.queue).integer(r.partition).integer(r.preceding_job).time(r.think_time)
        .end_line();
  }
  return out;
}

void write_swf(const std::string& path, const Workload& workload) {
  traces_detail::write_text_file(path, to_swf_text(workload));
}

void write_swf(const std::string& path, const SwfTrace& trace) {
  traces_detail::write_text_file(path, to_swf_text(trace));
}

}  // namespace clustersim
