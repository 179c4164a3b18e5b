#include "traces/csv_rows.hpp"

#include <algorithm>
#include <charconv>

#include "sim/suggest.hpp"

namespace clustersim::traces_detail {

std::string shown(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < s.size() && i < 40; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (s.size() > 40) out += "...";
  return out;
}

// ---------------------------------------------------------------------------------------------
// CsvRows

CsvRows::CsvRows(std::string_view text, const std::string& name, std::span<const ColumnSpec> columns,
                 Header header)
    : text_(text), name_(name), columns_(columns), where_(columns.size(), -1) {
  if (text_.starts_with("\xEF\xBB\xBF")) text_.remove_prefix(3);  // a UTF-8 byte order mark
  if (header == Header::Positional) {
    for (size_t c = 0; c < columns_.size(); ++c) {
      header_.emplace_back(columns_[c].name);
      where_[c] = static_cast<int>(c);
    }
    if (next_line()) {
      split();
      const bool is_header = fields_.size() == header_.size() &&
                             std::equal(fields_.begin(), fields_.end(), header_.begin());
      pending_ = !is_header;
    }
    return;
  }
  if (!next_line()) throw InputError::at(name_, 1, "header", "empty file: expected a header row");
  split();
  header_.assign(fields_.begin(), fields_.end());
  for (size_t i = 0; i < header_.size(); ++i) {
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (header_[i] != columns_[c].name) continue;
      if (where_[c] >= 0) throw InputError::at(name_, line_, "header", "column '" + header_[i] + "' appears twice");
      where_[c] = static_cast<int>(i);
    }
  }
  std::vector<std::string> unknown;
  for (const std::string& h : header_) {
    if (std::none_of(columns_.begin(), columns_.end(), [&](const ColumnSpec& c) { return h == c.name; }))
      unknown.push_back(h);
  }
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (where_[c] >= 0 || !columns_[c].required) continue;
    std::string hint = did_you_mean(columns_[c].name, unknown);
    if (hint.starts_with(" (expected")) hint.clear();  // only a near miss helps here
    throw InputError::at(name_, line_, "header", std::string("missing column '") + columns_[c].name + "'" + hint);
  }
}

bool CsvRows::next() {
  if (pending_) {
    pending_ = false;
  } else {
    if (!next_line()) return false;
    split();
  }
  if (fields_.size() < header_.size()) {
    throw RowError{label_at(fields_.size()), "missing: expected " + std::to_string(header_.size()) +
                                                 " columns, found " + std::to_string(fields_.size())};
  }
  if (fields_.size() > header_.size()) {
    throw RowError{"column " + std::to_string(header_.size() + 1),
                   "expected exactly " + std::to_string(header_.size()) + " columns, found " +
                       std::to_string(fields_.size()) + " (first extra: '" + shown(fields_[header_.size()]) + "')"};
  }
  return true;
}

std::string CsvRows::label_at(size_t i) const { return "column " + std::to_string(i + 1) + " (" + header_[i] + ")"; }

bool CsvRows::next_line() {
  while (pos_ < text_.size()) {
    const size_t nl = std::min(text_.find('\n', pos_), text_.size());
    std::string_view l = text_.substr(pos_, nl - pos_);
    pos_ = nl + 1;
    ++line_;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.find_first_not_of(" \t") == std::string_view::npos) continue;
    line_text_ = l;
    return true;
  }
  return false;
}

void CsvRows::split() {
  fields_.clear();
  size_t start = 0;
  for (;;) {
    const size_t comma = line_text_.find(',', start);
    if (comma == std::string_view::npos) {
      fields_.push_back(line_text_.substr(start));
      break;
    }
    fields_.push_back(line_text_.substr(start, comma - start));
    start = comma + 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Numbers

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A decimal number >= 0 split into its integer digits and its fraction digits.
struct Decimal {
  std::string_view whole;
  std::string_view fraction;
};

std::optional<Decimal> split_decimal(std::string_view s) {
  const size_t dot = s.find('.');
  Decimal d{s.substr(0, dot), dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1)};
  if (d.whole.empty() && d.fraction.empty()) return std::nullopt;
  if (!d.whole.empty() && !all_digits(d.whole)) return std::nullopt;
  if (!d.fraction.empty() && !all_digits(d.fraction)) return std::nullopt;
  if (dot != std::string_view::npos && d.fraction.empty() && d.whole.empty()) return std::nullopt;
  return d;
}

// Digits as an integer, or nullopt beyond `max`.
std::optional<int64_t> digits_value(std::string_view s, int64_t max) {
  int64_t v = 0;
  for (char c : s) {
    if (v > (max - (c - '0')) / 10) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string expected_number(std::string_view s) { return "expected a number >= 0, found '" + shown(s) + "'"; }

}  // namespace

int64_t count(const CsvRows& rows, size_t c, int64_t max) {
  const std::string_view s = rows.field(c);
  const auto d = split_decimal(s);
  if (!d || d->whole.empty() || d->fraction.find_first_not_of('0') != std::string_view::npos)
    rows.fail(c, "expected an integer >= 0, found '" + shown(s) + "'");
  const auto v = digits_value(d->whole, max);
  if (!v) rows.fail(c, "expected at most " + std::to_string(max) + ", found " + shown(s));
  return *v;
}

std::optional<int64_t> optional_count(const CsvRows& rows, size_t c, int64_t max) {
  if (rows.field(c).empty()) return std::nullopt;
  return count(rows, c, max);
}

std::optional<int64_t> optional_scaled(const CsvRows& rows, size_t c, int64_t num, int64_t den, int64_t max) {
  const std::string_view s = rows.field(c);
  if (s.empty()) return std::nullopt;
  const auto d = split_decimal(s);
  if (!d) rows.fail(c, expected_number(s));
  std::string_view fraction = d->fraction;
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  // value = mantissa / 10^k; the result is ceil(mantissa * num / (den * 10^k)), in 128 bits.
  if (d->whole.size() + fraction.size() > 19) rows.fail(c, "expected at most 19 digits, found '" + shown(s) + "'");
  __extension__ using u128 = unsigned __int128;
  u128 mantissa = 0;
  for (char ch : d->whole) mantissa = mantissa * 10 + static_cast<unsigned>(ch - '0');
  for (char ch : fraction) mantissa = mantissa * 10 + static_cast<unsigned>(ch - '0');
  u128 divisor = static_cast<u128>(den);
  for (size_t i = 0; i < fraction.size(); ++i) divisor *= 10;
  const u128 scaled = mantissa * static_cast<u128>(num);
  const u128 v = scaled / divisor + (scaled % divisor != 0 ? 1 : 0);
  if (v > static_cast<u128>(max)) rows.fail(c, "value out of range, found " + shown(s));
  return static_cast<int64_t>(v);
}

std::optional<int64_t> optional_seconds_us(const CsvRows& rows, size_t c) {
  const std::string_view s = rows.field(c);
  if (s.empty()) return std::nullopt;
  const auto d = split_decimal(s);
  if (!d) rows.fail(c, "expected a time in seconds (a number >= 0), found '" + shown(s) + "'");
  // At most 10^12 s (31,700 years, as the SWF reader allows), so that the microseconds, and
  // the sum of two times, fit in 64 bits.
  constexpr int64_t kMaxSeconds = 1'000'000'000'000;
  const auto whole = digits_value(d->whole, kMaxSeconds);
  if (!whole) rows.fail(c, "value out of range: expected at most " + std::to_string(kMaxSeconds) + " s, found " + shown(s));
  int64_t us = 0;
  for (size_t i = 0; i < 6; ++i) us = us * 10 + (i < d->fraction.size() ? d->fraction[i] - '0' : 0);
  if (d->fraction.size() > 6 && d->fraction[6] >= '5') ++us;  // half up
  return *whole * 1'000'000 + us;
}

std::string_view text(const CsvRows& rows, size_t c, const char* what) {
  const std::string_view s = rows.field(c);
  if (s.empty()) rows.fail(c, std::string("expected ") + what + ", found nothing");
  return s;
}

// ---------------------------------------------------------------------------------------------
// Times

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int days_in_month(int64_t y, int64_t m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

}  // namespace

std::optional<int64_t> parse_datetime(std::string_view s) {
  // YYYY-MM-DD HH:MM:SS
  if (s.size() != 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':') return std::nullopt;
  auto number = [&](size_t at, size_t n) -> std::optional<int64_t> {
    const std::string_view part = s.substr(at, n);
    if (!all_digits(part)) return std::nullopt;
    return digits_value(part, 9999);
  };
  const auto y = number(0, 4), mo = number(5, 2), d = number(8, 2), h = number(11, 2), mi = number(14, 2),
             se = number(17, 2);
  if (!y || !mo || !d || !h || !mi || !se) return std::nullopt;
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > days_in_month(*y, *mo) || *h > 23 || *mi > 59 || *se > 59) return std::nullopt;
  return days_from_civil(*y, *mo, *d) * 86400 + *h * 3600 + *mi * 60 + *se;
}

std::optional<int64_t> optional_datetime(const CsvRows& rows, size_t c) {
  const std::string_view s = rows.field(c);
  if (s.empty() || s == "None") return std::nullopt;
  const auto t = parse_datetime(s);
  if (!t) rows.fail(c, "expected a time 'YYYY-MM-DD HH:MM:SS', found '" + shown(s) + "'");
  return t;
}

// ---------------------------------------------------------------------------------------------

int32_t NameIds::id(std::string_view name) {
  auto it = ids_.find(name);
  if (it != ids_.end()) return it->second;
  const auto next = static_cast<int32_t>(ids_.size());
  ids_.emplace(std::string(name), next);
  return next;
}

void sort_by_arrival_if_needed(Workload& w) {
  const auto by_arrival = [](const JobSpec& a, const JobSpec& b) {
    return a.submit != b.submit ? a.submit < b.submit : a.trace_id < b.trace_id;
  };
  if (!std::is_sorted(w.jobs.begin(), w.jobs.end(), by_arrival)) w.sort_by_arrival();
}

}  // namespace clustersim::traces_detail
