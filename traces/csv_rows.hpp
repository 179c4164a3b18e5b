#pragma once
// Internal: what the CSV trace readers (openb, Helios, PAI, Alibaba 2018) share: a row reader with
// named columns (from a header row, or from the documented order when the file has none),
// exact field parsers (integers, decimals, "YYYY-MM-DD HH:MM:SS" times), strict or lenient
// row loops, and dense ids for hashed names. Errors name the file, line and column:
// "file:line: column N (name): message".
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/error.hpp"
#include "sim/workload.hpp"

namespace clustersim::traces_detail {

// A problem with one row: thrown inside a row's parse, turned into an InputError (strict) or
// a counted warning (lenient) by read_rows.
struct RowError {
  std::string label;  // "column 2 (user)", or empty for the row as a whole
  std::string message;
};

struct ColumnSpec {
  const char* name;
  bool required;
};

// Text shown for what was found: unprintable bytes as \xNN, cut after 40 characters.
std::string shown(std::string_view s);

// Rows of comma-separated fields (not quoted: none of these traces quotes). Blank lines,
// "\r\n" and a UTF-8 byte order mark are fine.
class CsvRows {
 public:
  enum class Header : uint8_t {
    Named,       // the first non-blank line names the columns (any order, extra ones ignored)
    Positional,  // no header: fields in the order of `columns`; a first line that is exactly
                 // the column names joined by ',' is skipped (the published .header file
                 // prepended)
  };
  // Raises InputError "file:1: header: ..." for a missing column or an empty Named file.
  CsvRows(std::string_view text, const std::string& name, std::span<const ColumnSpec> columns,
          Header header);

  // Advances to the next non-blank row; false at the end. Raises RowError when the row's
  // field count is not the header's.
  bool next();

  long line() const { return line_; }
  bool has(size_t c) const { return where_[c] >= 0; }
  // The field of column spec `c`; empty when the column is absent.
  std::string_view field(size_t c) const {
    return where_[c] < 0 ? std::string_view() : fields_[static_cast<size_t>(where_[c])];
  }
  // "column 2 (cpu_milli)": the place in this file and the name.
  std::string label(size_t c) const {
    return where_[c] < 0 ? std::string("column ") + columns_[c].name : label_at(static_cast<size_t>(where_[c]));
  }
  [[noreturn]] void fail(size_t c, const std::string& message) const { throw RowError{label(c), message}; }

 private:
  std::string label_at(size_t i) const;
  bool next_line();
  void split();

  std::string_view text_;
  const std::string& name_;
  std::span<const ColumnSpec> columns_;
  std::vector<int> where_;  // column spec -> field index in the file
  std::vector<std::string> header_;
  std::vector<std::string_view> fields_;
  std::string_view line_text_;
  size_t pos_ = 0;
  long line_ = 0;
  bool pending_ = false;  // Positional: the first line is already split and is a data row
};

// ---------------------------------------------------------------------------------------------
// Field parsers. Each raises RowError naming the column; `what` in messages is the expectation.

inline constexpr int64_t kMaxCount = int64_t{1} << 50;  // far above any size or time in seconds

// An integer >= 0 (a fraction of zeros, "12.0", is accepted: pandas writes integer columns
// with gaps as floats).
int64_t count(const CsvRows& rows, size_t c, int64_t max = kMaxCount);
// As count(), nullopt when the field is empty.
std::optional<int64_t> optional_count(const CsvRows& rows, size_t c, int64_t max = kMaxCount);

// A decimal number >= 0 (digits, an optional '.' and digits; no sign, no exponent) times
// num / den, rounded up to an integer: exact, no binary floating point. E.g. percent of a
// GPU to milli-GPUs: num 10, den 1; GB to MiB: num 1024. Empty: nullopt.
std::optional<int64_t> optional_scaled(const CsvRows& rows, size_t c, int64_t num, int64_t den,
                                       int64_t max = kMaxCount);
// Seconds (decimal, >= 0) to microseconds, rounded half up at the sixth decimal. Empty: nullopt.
std::optional<int64_t> optional_seconds_us(const CsvRows& rows, size_t c);

// A non-empty field.
std::string_view text(const CsvRows& rows, size_t c, const char* what);

// "YYYY-MM-DD HH:MM:SS" as seconds since 1970-01-01 00:00:00 of the same clock (the traces
// give no time zone, so the time is read as written, as if UTC). nullopt for a malformed text.
std::optional<int64_t> parse_datetime(std::string_view s);
// The field as such a time; empty (or "None", as Python writes a missing value): nullopt.
std::optional<int64_t> optional_datetime(const CsvRows& rows, size_t c);

// ---------------------------------------------------------------------------------------------

// Rows read with a strict (raise) or lenient (skip and count) policy.
template <class Row>
struct RowsRead {
  std::vector<Row> rows;              // in file order
  int64_t malformed_rows = 0;         // lenient reads only
  std::vector<std::string> warnings;  // lenient reads: the first kMaxWarnings messages
};

inline constexpr int kMaxWarnings = 10;

// Reads every row with `parse_row(rows, index)` (index: 0-based data row, counting malformed
// ones), raising (strict) or counting (lenient) malformed rows.
template <class Row, class Parse>
RowsRead<Row> read_rows(CsvRows& rows, const std::string& name, bool strict, Parse&& parse_row) {
  RowsRead<Row> out;
  int64_t index = 0;
  for (;;) {
    try {
      if (!rows.next()) break;
      out.rows.push_back(parse_row(rows, index));
    } catch (const RowError& e) {
      InputError error = InputError::at(name, rows.line(), e.label, e.message);
      if (strict) throw error;
      ++out.malformed_rows;
      if (out.warnings.size() < static_cast<size_t>(kMaxWarnings)) out.warnings.emplace_back(error.what());
    }
    ++index;
  }
  return out;
}

// Dense ids 0, 1, 2, ... for names (hashed users, virtual clusters, job names) in order of
// first appearance.
class NameIds {
 public:
  int32_t id(std::string_view name);
  size_t size() const { return ids_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> ids_;
};

// Sorts the jobs by arrival unless they already are (the usual case: traces are in order).
void sort_by_arrival_if_needed(Workload& w);

}  // namespace clustersim::traces_detail
