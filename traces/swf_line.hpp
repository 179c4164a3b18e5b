#pragma once
// Internal: the tokenizer of one SWF record line. It reads the 18 fields straight from the
// text (no copies, no allocation) and on a problem records what and where, so that the cold
// path can build the message. Never reads past `end`.
#include <array>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "traces/swf.hpp"

namespace clustersim::swf_detail {

enum class Kind : uint8_t { Integer, Time, Real };

struct FieldInfo {
  Kind kind;
  int64_t max;  // largest accepted value (seconds for Time fields)
};

// Times are capped far below the int64 microsecond range so that sums of a few times cannot
// overflow downstream (1e12 s is about 31,700 years).
inline constexpr int64_t kMaxSeconds = 1'000'000'000'000;
inline constexpr int64_t kMaxInt32 = 2'147'483'647;
inline constexpr int64_t kMaxInt64 = 9'223'372'036'854'775'807;

inline constexpr std::array<FieldInfo, kSwfFields> kFields = {{
    {Kind::Integer, kMaxInt64},  // 1 job number
    {Kind::Time, kMaxSeconds},   // 2 submit
    {Kind::Time, kMaxSeconds},   // 3 wait
    {Kind::Time, kMaxSeconds},   // 4 run
    {Kind::Integer, kMaxInt32},  // 5 allocated procs
    {Kind::Real, 0},             // 6 average CPU time
    {Kind::Real, 0},             // 7 used memory
    {Kind::Integer, kMaxInt32},  // 8 requested procs
    {Kind::Time, kMaxSeconds},   // 9 requested time
    {Kind::Real, 0},             // 10 requested memory
    {Kind::Integer, kMaxInt32},  // 11 status
    {Kind::Integer, kMaxInt32},  // 12 user
    {Kind::Integer, kMaxInt32},  // 13 group
    {Kind::Integer, kMaxInt32},  // 14 executable
    {Kind::Integer, kMaxInt32},  // 15 queue
    {Kind::Integer, kMaxInt32},  // 16 partition
    {Kind::Integer, kMaxInt64},  // 17 preceding job
    {Kind::Time, kMaxSeconds},   // 18 think time
}};

enum class Problem : uint8_t { None, TooFew, TooMany, NotANumber, NotAnInteger, OutOfRange,
                               Negative };

struct LineError {
  Problem problem = Problem::None;
  int field = 0;                // 1-based; 19 for an extra field
  std::string_view token;       // what was found
  int fields_found = 0;         // TooFew / TooMany
};

// ' ', '\t', '\r', '\v', '\f' separate fields; '\n' ends a line.
inline constexpr std::array<uint8_t, 256> kCharClass = [] {
  std::array<uint8_t, 256> t{};
  for (unsigned char c : {' ', '\t', '\r', '\v', '\f'}) t[c] = 1;
  t[static_cast<unsigned char>('\n')] = 2;
  return t;
}();

inline bool is_blank(char c) { return kCharClass[static_cast<unsigned char>(c)] == 1; }
inline bool is_separator(char c) { return kCharClass[static_cast<unsigned char>(c)] != 0; }
inline bool is_digit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

class LineParser {
 public:
  LineParser(const char* p, const char* end) : p_(p), end_(end) {}

  // Parses one record line starting at p (anywhere before its first field). On success the
  // position is at the line's '\n' (or the end of the text).
  bool parse(SwfRecord& r) {
    return integer<1>(r.job_number) && time<2>(r.submit) && time<3>(r.wait) &&
           time<4>(r.run) && integer<5>(r.allocated_procs) && real<6>(r.avg_cpu_time) &&
           real<7>(r.used_memory) && integer<8>(r.requested_procs) &&
           time<9>(r.requested_time) && real<10>(r.requested_memory) &&
           integer<11>(r.status) && integer<12>(r.user) && integer<13>(r.group) &&
           integer<14>(r.executable) && integer<15>(r.queue) && integer<16>(r.partition) &&
           integer<17>(r.preceding_job) && time<18>(r.think_time) && at_line_end();
  }

  const char* pos() const { return p_; }
  const LineError& error() const { return error_; }

 private:
  // Skips blanks; false (too few fields) when the line ends first.
  bool start(int field) {
    while (p_ < end_ && is_blank(*p_)) ++p_;
    if (p_ == end_ || *p_ == '\n') {
      error_ = {Problem::TooFew, field, {}, field - 1};
      return false;
    }
    return true;
  }
  bool at_separator() const { return p_ == end_ || is_separator(*p_); }

  template <int F>
  bool integer(int64_t& out) {
    if (!start(F)) return false;
    const char* tok = p_;
    const bool neg = *p_ == '-';
    if (neg) ++p_;
    const char* digits = p_;
    uint64_t v = 0;
    while (p_ < end_ && is_digit(*p_)) v = v * 10 + static_cast<uint64_t>(*p_++ - '0');
    if (!at_separator()) return fail_token(F, tok, Problem::NotAnInteger);
    if (p_ == digits) return fail_token(F, tok, Problem::NotANumber);
    if (p_ - digits > 18) {  // may have wrapped: let from_chars decide
      int64_t w = 0;
      if (std::from_chars(digits, p_, w).ec != std::errc()) {
        return fail_token(F, tok, Problem::OutOfRange);
      }
      v = static_cast<uint64_t>(w);
    }
    if (neg) {
      if (v != 1) return fail_token(F, tok, Problem::Negative);
      out = -1;
      return true;
    }
    if (v > static_cast<uint64_t>(kFields[F - 1].max)) {
      return fail_token(F, tok, Problem::OutOfRange);
    }
    out = static_cast<int64_t>(v);
    return true;
  }

  // Decimal seconds -> exact microseconds, rounded half up at the seventh decimal.
  template <int F>
  bool time(Time& out) {
    if (!start(F)) return false;
    const char* tok = p_;
    const bool neg = *p_ == '-';
    if (neg) ++p_;
    const char* digits = p_;
    uint64_t sec = 0;
    while (p_ < end_ && is_digit(*p_)) {
      if (sec <= static_cast<uint64_t>(kMaxSeconds)) sec = sec * 10 + static_cast<uint64_t>(*p_ - '0');
      ++p_;
    }
    int64_t n = p_ - digits;
    uint64_t frac = 0;
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      int nf = 0;
      while (p_ < end_ && is_digit(*p_)) {
        const auto d = static_cast<uint64_t>(*p_ - '0');
        if (nf < 6) frac = frac * 10 + d;
        if (nf == 6 && d >= 5) ++frac;
        ++nf;
        ++p_;
      }
      for (int i = nf; i < 6; ++i) frac *= 10;
      n += nf;
    }
    if (!at_separator() || n == 0) return fail_token(F, tok, Problem::NotANumber);
    if (sec > static_cast<uint64_t>(kMaxSeconds)) return fail_token(F, tok, Problem::OutOfRange);
    const auto us = static_cast<int64_t>(sec * 1'000'000 + frac);
    if (neg) {
      if (us != 1'000'000) return fail_token(F, tok, Problem::Negative);
      out = kSwfMissingTime;
      return true;
    }
    out = Time::from_us(us);
    return true;
  }

  template <int F>
  bool real(double& out) {
    if (!start(F)) return false;
    const char* tok = p_;
    const bool neg = *p_ == '-';
    if (neg) ++p_;
    const char* digits = p_;
    uint64_t v = 0;
    while (p_ < end_ && is_digit(*p_)) v = v * 10 + static_cast<uint64_t>(*p_++ - '0');
    const int64_t n_int = p_ - digits;
    int64_t n_frac = -1;  // -1: no decimal point
    if (p_ < end_ && *p_ == '.') {
      const char* f = ++p_;
      while (p_ < end_ && is_digit(*p_)) ++p_;
      n_frac = p_ - f;
    }
    if (!at_separator() || n_int + (n_frac > 0 ? n_frac : 0) == 0) {
      return fail_token(F, tok, Problem::NotANumber);
    }
    double value = 0;
    if (n_frac < 0 && n_int <= 18) {
      value = static_cast<double>(v);
      if (neg) value = -value;
    } else {
      auto [ptr, ec] = std::from_chars(tok, p_, value, std::chars_format::fixed);
      if (ec != std::errc() || ptr != p_) return fail_token(F, tok, Problem::OutOfRange);
    }
    if (neg && value != -1.0) return fail_token(F, tok, Problem::Negative);
    out = value;
    return true;
  }

  bool at_line_end() {
    while (p_ < end_ && is_blank(*p_)) ++p_;
    if (p_ == end_ || *p_ == '\n') return true;
    const char* tok = p_;
    int found = kSwfFields;
    while (p_ < end_ && *p_ != '\n') {
      ++found;
      while (p_ < end_ && !is_separator(*p_)) ++p_;
      while (p_ < end_ && is_blank(*p_)) ++p_;
    }
    const char* tok_end = tok;
    while (tok_end < end_ && !is_separator(*tok_end)) ++tok_end;
    error_ = {Problem::TooMany, kSwfFields + 1,
              std::string_view(tok, static_cast<size_t>(tok_end - tok)), found};
    return false;
  }

  // Records a problem with the token starting at `tok`. NotAnInteger is refined to
  // NotANumber when the token is not a decimal number either.
  bool fail_token(int field, const char* tok, Problem problem) {
    const char* e = tok;
    while (e < end_ && !is_separator(*e)) ++e;
    std::string_view token(tok, static_cast<size_t>(e - tok));
    if (problem == Problem::NotAnInteger) {
      std::string_view s = token;
      if (!s.empty() && s[0] == '-') s.remove_prefix(1);
      const size_t dot = s.find('.');
      const bool decimal = dot != std::string_view::npos && s.size() > 1 &&
                           s.find_first_not_of("0123456789.") == std::string_view::npos &&
                           s.find('.', dot + 1) == std::string_view::npos;
      if (!decimal) problem = Problem::NotANumber;
    }
    error_ = {problem, field, token, 0};
    p_ = e;
    return false;
  }

  const char* p_;
  const char* end_;
  LineError error_;
};

// "field 4 (run time)" and "expected ..., found '...'" for an error of LineParser.
std::string field_label(const LineError& e);
std::string describe(const LineError& e);
// A token as it may be shown in a message: printable, at most 40 characters.
std::string quote(std::string_view token);

}  // namespace clustersim::swf_detail
