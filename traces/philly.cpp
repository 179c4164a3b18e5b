// The Philly job log reader: a small JSON parser that keeps each value's line and column, the
// checks of one job, and the mapping to a Workload (docs/traces.md, "Philly").
#include "traces/philly.hpp"

#include <algorithm>
#include <functional>

#include "sim/error.hpp"
#include "sim/suggest.hpp"
#include "traces/csv_rows.hpp"
#include "traces/text_file.hpp"

namespace clustersim {

namespace {

using traces_detail::shown;

// ---------------------------------------------------------------------------------------------
// JSON values with their place

struct JsonMember;

struct Json {
  enum class Kind : uint8_t { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  long line = 0;
  long column = 0;
  std::string text;  // String: the decoded value; Bool, Number: the literal
  std::vector<Json> items;
  std::vector<JsonMember> members;

  const Json* find(std::string_view key) const;  // the member `key` of an object, or nullptr
};

struct JsonMember {
  std::string key;
  Json value;
};

const Json* Json::find(std::string_view key) const {
  for (const JsonMember& m : members)
    if (m.key == key) return &m.value;
  return nullptr;
}

std::string_view kind_name(Json::Kind k) {
  switch (k) {
    case Json::Kind::Null: return "null";
    case Json::Kind::Bool: return "a boolean";
    case Json::Kind::Number: return "a number";
    case Json::Kind::String: return "a string";
    case Json::Kind::Array: return "an array";
    case Json::Kind::Object: return "an object";
  }
  return "?";
}

// Reads a text of JSON values one top-level element at a time. Syntax errors raise
// InputError "name:line:column: JSON: ...".
class JsonReader {
 public:
  JsonReader(std::string_view text, const std::string& name) : s_(text), name_(name) {
    if (s_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
  }

  // Calls `f(value)` for each element of a top-level array, or each top-level value of a
  // sequence of values (JSON Lines).
  void for_each_element(const std::function<void(const Json&)>& f) {
    ws();
    if (pos_ == s_.size()) return;  // an empty file: no jobs
    if (s_[pos_] != '[') {
      while (pos_ < s_.size()) {
        f(value(0));
        ws();
      }
      return;
    }
    ++pos_;
    ws();
    if (peek() == ']') {
      ++pos_;
    } else {
      for (;;) {
        f(value(1));
        ws();
        const char c = peek();
        if (c != ',' && c != ']') fail("expected ',' or ']' after an array element, found " + found());
        ++pos_;
        if (c == ']') break;
      }
    }
    ws();
    if (pos_ < s_.size()) fail("expected the end of the file after the top-level array, found " + found());
  }

 private:
  static constexpr int kMaxDepth = 64;

  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  // What is at the current position, for messages.
  std::string found() const {
    return pos_ >= s_.size() ? "the end of the file" : "'" + shown(s_.substr(pos_, 1)) + "'";
  }
  // An error at the current position.
  [[noreturn]] void fail(const std::string& message) const {
    const size_t col = pos_ - line_start_ + 1;
    throw InputError(name_ + ":" + std::to_string(line_) + ":" + std::to_string(col) + ": JSON: " + message);
  }
  void ws() {
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '\n') {
        ++line_;
        line_start_ = pos_ + 1;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        return;
      }
      ++pos_;
    }
  }

  Json value(int depth) {
    if (depth > kMaxDepth) fail("nested deeper than " + std::to_string(kMaxDepth) + " levels");
    ws();
    Json v;
    v.line = line_;
    v.column = static_cast<long>(pos_ - line_start_) + 1;
    const char c = peek();
    if (c == '{') {
      v.kind = Json::Kind::Object;
      ++pos_;
      ws();
      if (peek() == '}') {
        ++pos_;
        return v;
      }
      for (;;) {
        ws();
        if (peek() != '"') fail("expected a key in double quotes, found " + found());
        std::string key = string();
        ws();
        if (peek() != ':') fail("expected ':' after a key, found " + found());
        ++pos_;
        Json member = value(depth + 1);
        v.members.push_back(JsonMember{std::move(key), std::move(member)});
        ws();
        const char d = peek();
        if (d == '}') break;
        if (d != ',') fail("expected ',' or '}' in an object, found " + found());
        ++pos_;
      }
      ++pos_;
    } else if (c == '[') {
      v.kind = Json::Kind::Array;
      ++pos_;
      ws();
      if (peek() == ']') {
        ++pos_;
        return v;
      }
      for (;;) {
        v.items.push_back(value(depth + 1));
        ws();
        const char d = peek();
        if (d == ']') break;
        if (d != ',') fail("expected ',' or ']' in an array, found " + found());
        ++pos_;
      }
      ++pos_;
    } else if (c == '"') {
      v.kind = Json::Kind::String;
      v.text = string();
    } else if (c == '-' || is_digit(c)) {
      v.kind = Json::Kind::Number;
      v.text = number();
    } else if (literal("true")) {
      v.kind = Json::Kind::Bool;
      v.text = "true";
    } else if (literal("false")) {
      v.kind = Json::Kind::Bool;
      v.text = "false";
    } else if (literal("null")) {
      v.kind = Json::Kind::Null;
    } else {
      fail("expected a value, found " + found());
    }
    return v;
  }

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  std::string number() {
    const size_t start = pos_;
    auto digits = [&] {
      if (!is_digit(peek())) fail("expected a digit in a number, found " + found());
      while (is_digit(peek())) ++pos_;
    };
    if (peek() == '-') ++pos_;
    if (peek() == '0') ++pos_;
    else digits();
    if (peek() == '.') {
      ++pos_;
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      digits();
    }
    return std::string(s_.substr(start, pos_ - start));
  }

  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  // A string at pos_ (on its opening quote), escapes decoded to UTF-8.
  std::string string() {
    ++pos_;
    std::string out;
    for (;;) {
      if (pos_ >= s_.size()) fail("a string that does not end");
      const char c = s_[pos_];
      if (c == '"') break;
      if (static_cast<unsigned char>(c) < 0x20) fail("a control character inside a string");
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      const char e = pos_ + 1 < s_.size() ? s_[pos_ + 1] : '\0';
      pos_ += 2;
      switch (e) {
        case '"': case '\\': case '/': out += e; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': utf8(out, code_point()); break;
        default: pos_ -= 2; fail("an unknown escape in a string");
      }
    }
    ++pos_;
    return out;
  }

  // \uXXXX (after the 'u'), with a surrogate pair read whole.
  uint32_t code_point() {
    auto hex4 = [&]() -> uint32_t {
      uint32_t v = 0;
      for (int i = 0; i < 4; ++i, ++pos_) {
        const char h = peek();
        const int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
        if (d < 0) fail("expected 4 hex digits after \\u, found " + found());
        v = v * 16 + static_cast<uint32_t>(d);
      }
      return v;
    };
    const uint32_t hi = hex4();
    if (hi < 0xD800 || hi > 0xDFFF) return hi;
    if (hi > 0xDBFF || s_.substr(pos_, 2) != "\\u") fail("a lone UTF-16 surrogate in a string");
    pos_ += 2;
    const uint32_t lo = hex4();
    if (lo < 0xDC00 || lo > 0xDFFF) fail("a lone UTF-16 surrogate in a string");
    return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
  }

  static void utf8(std::string& out, uint32_t cp) {
    auto put = [&](uint32_t b) { out += static_cast<char>(b); };
    if (cp < 0x80) {
      put(cp);
    } else if (cp < 0x800) {
      put(0xC0 | (cp >> 6)), put(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      put(0xE0 | (cp >> 12)), put(0x80 | ((cp >> 6) & 0x3F)), put(0x80 | (cp & 0x3F));
    } else {
      put(0xF0 | (cp >> 18)), put(0x80 | ((cp >> 12) & 0x3F)), put(0x80 | ((cp >> 6) & 0x3F)), put(0x80 | (cp & 0x3F));
    }
  }

  std::string_view s_;
  const std::string& name_;
  size_t pos_ = 0;
  long line_ = 1;
  size_t line_start_ = 0;
};

// ---------------------------------------------------------------------------------------------
// One job

// A problem with one job: where, the key path, what.
struct JobError {
  long line;
  long column;
  std::string path;
  std::string message;
};

[[noreturn]] void fail(const Json& at, const std::string& path, const std::string& message) {
  throw JobError{at.line, at.column, path, message};
}

std::string describe(const Json& v) {
  return v.kind == Json::Kind::String ? "'" + shown(v.text) + "'" : std::string(kind_name(v.kind));
}

const Json& member(const Json& obj, const std::string& path, const char* key, Json::Kind kind) {
  const Json* v = obj.find(key);
  if (!v) {
    std::vector<std::string> keys;
    for (const JsonMember& m : obj.members) keys.push_back(m.key);
    std::string hint = did_you_mean(key, keys);
    if (hint.starts_with(" (expected")) hint.clear();
    fail(obj, path, std::string("missing key '") + key + "'" + hint);
  }
  if (v->kind != kind) fail(*v, path + "." + key, "expected " + std::string(kind_name(kind)) + ", found " + describe(*v));
  return *v;
}

// A time string; null, "None" and "" are missing.
std::optional<int64_t> time_value(const Json& v, const std::string& path, bool required) {
  const bool missing = v.kind == Json::Kind::Null || (v.kind == Json::Kind::String && (v.text.empty() || v.text == "None"));
  if (missing && !required) return std::nullopt;
  if (v.kind == Json::Kind::String && !missing) {
    if (auto t = traces_detail::parse_datetime(v.text)) return t;
  }
  fail(v, path, "expected a time 'YYYY-MM-DD HH:MM:SS', found " + describe(v));
}

std::optional<int64_t> optional_time(const Json& obj, const std::string& path, const char* key) {
  const Json* v = obj.find(key);
  return v ? time_value(*v, path + "." + key, false) : std::nullopt;
}

PhillyJob parse_job(const Json& j, int64_t index) {
  const std::string path = "[" + std::to_string(index) + "]";
  if (j.kind != Json::Kind::Object) fail(j, path, "expected a job (an object), found " + describe(j));
  PhillyJob job;
  job.index = index;
  job.line = j.line;
  const Json& status = member(j, path, "status", Json::Kind::String);
  if (status.text == "Pass") job.status = PhillyStatus::Pass;
  else if (status.text == "Killed") job.status = PhillyStatus::Killed;
  else if (status.text == "Failed") job.status = PhillyStatus::Failed;
  else fail(status, path + ".status", "expected Pass, Killed or Failed, found " + describe(status));
  job.vc = member(j, path, "vc", Json::Kind::String).text;
  job.jobid = member(j, path, "jobid", Json::Kind::String).text;
  job.user = member(j, path, "user", Json::Kind::String).text;
  job.submitted_time = *time_value(member(j, path, "submitted_time", Json::Kind::String), path + ".submitted_time", true);
  const Json& attempts = member(j, path, "attempts", Json::Kind::Array);
  for (size_t a = 0; a < attempts.items.size(); ++a) {
    const Json& at = attempts.items[a];
    const std::string apath = path + ".attempts[" + std::to_string(a) + "]";
    if (at.kind != Json::Kind::Object) fail(at, apath, "expected an attempt (an object), found " + describe(at));
    PhillyAttempt attempt;
    attempt.start_time = optional_time(at, apath, "start_time");
    attempt.end_time = optional_time(at, apath, "end_time");
    if (attempt.start_time && attempt.end_time && *attempt.end_time < *attempt.start_time)
      fail(*at.find("end_time"), apath + ".end_time", "expected a time >= start_time (" + at.find("start_time")->text + "), found " + describe(*at.find("end_time")));
    const Json& detail = member(at, apath, "detail", Json::Kind::Array);
    for (size_t d = 0; d < detail.items.size(); ++d) {
      const Json& server = detail.items[d];
      const std::string dpath = apath + ".detail[" + std::to_string(d) + "]";
      if (server.kind != Json::Kind::Object) fail(server, dpath, "expected a server (an object), found " + describe(server));
      PhillyServer s;
      s.ip = member(server, dpath, "ip", Json::Kind::String).text;
      const Json& gpus = member(server, dpath, "gpus", Json::Kind::Array);
      for (size_t g = 0; g < gpus.items.size(); ++g) {
        if (gpus.items[g].kind != Json::Kind::String)
          fail(gpus.items[g], dpath + ".gpus[" + std::to_string(g) + "]", "expected a GPU name (a string), found " + describe(gpus.items[g]));
        s.gpus.push_back(gpus.items[g].text);
      }
      attempt.detail.push_back(std::move(s));
    }
    job.attempts.push_back(std::move(attempt));
  }
  // A span from the first start to the last end must not be negative.
  if (!job.attempts.empty() && job.attempts.front().start_time && job.attempts.back().end_time &&
      *job.attempts.back().end_time < *job.attempts.front().start_time) {
    const Json& last = attempts.items.back();
    fail(*last.find("end_time"), path + ".attempts[" + std::to_string(attempts.items.size() - 1) + "].end_time",
         "expected a time >= the first attempt's start_time, found " + describe(*last.find("end_time")));
  }
  return job;
}

int64_t gpus_of(const PhillyAttempt& a) {
  int64_t n = 0;
  for (const PhillyServer& s : a.detail) n += static_cast<int64_t>(s.gpus.size());
  return n;
}

}  // namespace

std::string_view to_string(PhillyStatus s) {
  switch (s) {
    case PhillyStatus::Pass: return "Pass";
    case PhillyStatus::Killed: return "Killed";
    case PhillyStatus::Failed: return "Failed";
  }
  return "?";
}

std::string_view to_string(PhillyRuntime r) { return r == PhillyRuntime::Span ? "span" : "attempts"; }

PhillyRuntime parse_philly_runtime(std::string_view name) {
  if (name == "span") return PhillyRuntime::Span;
  if (name == "attempts") return PhillyRuntime::Attempts;
  throw InputError("Philly runtime: expected span or attempts, found '" + shown(name) + "'");
}

int32_t philly_code::status(PhillyStatus s) {
  switch (s) {
    case PhillyStatus::Pass: return 1;
    case PhillyStatus::Failed: return 0;
    case PhillyStatus::Killed: return 5;
  }
  return -1;
}

PhillyLog parse_philly_log(std::string_view text, const std::string& name, const PhillyOptions& options) {
  PhillyLog log;
  int64_t index = 0;
  JsonReader(text, name).for_each_element([&](const Json& v) {
    try {
      log.jobs.push_back(parse_job(v, index));
    } catch (const JobError& e) {
      std::string msg = name + ":" + std::to_string(e.line) + ":" + std::to_string(e.column) + ": " + e.path + ": " + e.message;
      if (options.strict) throw InputError(msg);
      ++log.malformed_jobs;
      if (log.warnings.size() < static_cast<size_t>(traces_detail::kMaxWarnings)) log.warnings.push_back(std::move(msg));
    }
    ++index;
  });
  return log;
}

PhillyLog read_philly_log(const std::string& path, const PhillyOptions& options) {
  return parse_philly_log(traces_detail::read_text_file(path), path, options);
}

Workload philly_workload(const PhillyLog& log, const std::string& name, const PhillyOptions& options) {
  Workload w;
  w.name = traces_detail::base_name(name);
  w.warnings = log.warnings;
  if (log.malformed_jobs > 0) w.skipped[philly_skip::kMalformed] = log.malformed_jobs;
  if (log.jobs.empty()) return w;
  // Submit times count from the first submission; its clock time is kept in the hint. The
  // trace's end (where unfinished jobs are cut) is its last timestamp.
  int64_t origin = log.jobs.front().submitted_time, trace_end = origin;
  for (const PhillyJob& j : log.jobs) {
    origin = std::min(origin, j.submitted_time);
    trace_end = std::max(trace_end, j.submitted_time);
    for (const PhillyAttempt& a : j.attempts)
      trace_end = std::max({trace_end, a.start_time.value_or(trace_end), a.end_time.value_or(trace_end)});
  }
  w.machine.unix_start_time = origin;
  traces_detail::NameIds users, vcs;
  auto skip = [&](const char* why) { ++w.skipped[why]; };
  w.jobs.reserve(log.jobs.size());
  for (const PhillyJob& p : log.jobs) {
    if (p.attempts.empty()) {
      skip(philly_skip::kNoAttempts);
      continue;
    }
    const PhillyAttempt& first = p.attempts.front();
    const PhillyAttempt& last = p.attempts.back();
    if (!first.start_time) {
      skip(philly_skip::kNoStart);
      continue;
    }
    const int64_t gpus = gpus_of(first);  // the job's size: its first attempt's GPUs, as the notebook counts
    if (gpus == 0) {
      skip(philly_skip::kNoGpus);
      continue;
    }
    if (!last.end_time && options.skip_unfinished) {
      skip(philly_skip::kUnfinished);
      continue;
    }
    int64_t run = 0;
    if (options.runtime == PhillyRuntime::Span) {
      run = last.end_time.value_or(trace_end) - *first.start_time;
    } else {
      for (const PhillyAttempt& a : p.attempts) {
        const bool is_last = &a == &last;
        if (a.start_time && (a.end_time || is_last)) run += a.end_time.value_or(trace_end) - *a.start_time;
      }
    }
    JobSpec& j = w.jobs.emplace_back();
    j.trace_id = p.index;
    j.submit = Time::from_seconds(p.submitted_time - origin);
    j.runtime = Time::from_seconds(run);
    j.walltime = Time::from_seconds(std::max<int64_t>(run, 1));  // no user estimate: a perfect one
    j.tasks = static_cast<int32_t>(std::min<int64_t>(gpus, INT32_MAX));
    j.per_task = Resources{0, 1000, 0};  // one worker per GPU; the log records no CPU or memory
    j.user = users.id(p.user);
    j.queue = vcs.id(p.vc);
    j.status = philly_code::status(p.status);
  }
  traces_detail::sort_by_arrival_if_needed(w);
  return w;
}

Workload parse_philly(std::string_view text, const std::string& name, const PhillyOptions& options) {
  return philly_workload(parse_philly_log(text, name, options), name, options);
}

Workload read_philly(const std::string& path, const PhillyOptions& options) {
  return philly_workload(read_philly_log(path, options), path, options);
}

}  // namespace clustersim
