// Throughput tables: the table itself, Gavel's JSON (parsed by Boost.PropertyTree) and the
// simple CSV format (docs/throughputs.md).
#include "traces/throughputs.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include "sim/error.hpp"
#include "sim/suggest.hpp"
#include "traces/text_file.hpp"

namespace clustersim {

namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
constexpr int32_t kMaxJobTypes = 1 << 24;  // bits of the co-location key
constexpr int32_t kMaxGpuTypes = 1 << 15;
constexpr int64_t kMaxScaleFactor = 1 << 20;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool valid_throughput(double t) { return std::isfinite(t) && t >= 0; }

// A whole-string decimal number (JSON or CSV text), or nullopt.
std::optional<double> parse_number(std::string_view s) {
  double v = 0;
  const char* end = s.data() + s.size();
  if (s.empty() || s.front() == '+') return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || p != end) return std::nullopt;
  return v;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Gavel's job type key, the text of a Python tuple: "('ResNet-18 (batch size 16)', 1)".
std::optional<DlJobType> parse_tuple_key(std::string_view s) {
  s = trim(s);
  if (s.size() < 2 || s.front() != '(' || s.back() != ')') return std::nullopt;
  s = trim(s.substr(1, s.size() - 2));
  if (s.empty() || (s.front() != '\'' && s.front() != '"')) return std::nullopt;
  const size_t close = s.find(s.front(), 1);
  if (close == std::string_view::npos || close == 1) return std::nullopt;
  DlJobType type;
  type.model = std::string(s.substr(1, close - 1));
  if (type.model.find('\\') != std::string::npos) return std::nullopt;
  s = trim(s.substr(close + 1));
  if (s.empty() || s.front() != ',') return std::nullopt;
  s = trim(s.substr(1));
  int64_t scale = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), scale);
  if (ec != std::errc() || p != s.data() + s.size() || scale < 1 || scale > kMaxScaleFactor) {
    return std::nullopt;
  }
  type.scale_factor = static_cast<int32_t>(scale);
  return type;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The table

std::string_view to_string(GpuPlacement p) {
  switch (p) {
    case GpuPlacement::Consolidated: return "consolidated";
    case GpuPlacement::Spread: return "spread";
  }
  return "?";
}

std::string DlJobType::to_string() const {
  return "('" + model + "', " + std::to_string(scale_factor) + ")";
}

int32_t ThroughputTable::add_job_type(const DlJobType& type) {
  if (auto id = find_job_type(type.model, type.scale_factor)) return *id;
  if (type.model.empty() || type.scale_factor < 1) {
    throw std::invalid_argument("throughput table: job type " + type.to_string() +
                                " needs a model name and a scale factor >= 1");
  }
  if (job_types_.size() >= static_cast<size_t>(kMaxJobTypes)) {
    throw std::length_error("throughput table: too many job types");
  }
  job_types_.push_back(type);
  isolated_.resize(job_types_.size() * gpu_types_.size() * 2, kMissing);
  return static_cast<int32_t>(job_types_.size() - 1);
}

int32_t ThroughputTable::add_gpu_type(std::string_view name) {
  if (auto id = find_gpu_type(name)) return *id;
  if (name.empty()) throw std::invalid_argument("throughput table: empty GPU type name");
  if (gpu_types_.size() >= static_cast<size_t>(kMaxGpuTypes)) {
    throw std::length_error("throughput table: too many GPU types");
  }
  // Re-lay [job][gpu][placement] for one more GPU type.
  const size_t g_old = gpu_types_.size(), g_new = g_old + 1;
  std::vector<double> grown(job_types_.size() * g_new * 2, kMissing);
  for (size_t j = 0; j < job_types_.size(); ++j) {
    std::copy_n(isolated_.begin() + static_cast<ptrdiff_t>(j * g_old * 2), g_old * 2,
                grown.begin() + static_cast<ptrdiff_t>(j * g_new * 2));
  }
  isolated_ = std::move(grown);
  gpu_types_.emplace_back(name);
  return static_cast<int32_t>(g_old);
}

std::optional<int32_t> ThroughputTable::find_job_type(std::string_view model, int32_t scale_factor) const {
  for (size_t i = 0; i < job_types_.size(); ++i) {
    if (job_types_[i].scale_factor == scale_factor && job_types_[i].model == model) {
      return static_cast<int32_t>(i);
    }
  }
  return std::nullopt;
}

std::optional<int32_t> ThroughputTable::find_gpu_type(std::string_view name) const {
  const std::string key = lower(name);
  for (size_t i = 0; i < gpu_types_.size(); ++i) {
    if (lower(gpu_types_[i]) == key) return static_cast<int32_t>(i);
  }
  return std::nullopt;
}

size_t ThroughputTable::slot(int32_t job, int32_t gpu, GpuPlacement p) const {
  if (job < 0 || static_cast<size_t>(job) >= job_types_.size() || gpu < 0 ||
      static_cast<size_t>(gpu) >= gpu_types_.size()) {
    throw std::out_of_range("throughput table: no job type " + std::to_string(job) +
                            " or GPU type " + std::to_string(gpu));
  }
  return (static_cast<size_t>(job) * gpu_types_.size() + static_cast<size_t>(gpu)) * 2 +
         static_cast<size_t>(p);
}

uint64_t ThroughputTable::colocated_key(int32_t job, int32_t other, int32_t gpu, GpuPlacement p) const {
  slot(job, gpu, p);  // checks job and gpu
  slot(other, gpu, p);
  return (static_cast<uint64_t>(job) << 40) | (static_cast<uint64_t>(other) << 16) |
         (static_cast<uint64_t>(gpu) << 1) | static_cast<uint64_t>(p);
}

void ThroughputTable::set_isolated(int32_t job, int32_t gpu, GpuPlacement p, double throughput) {
  const size_t i = slot(job, gpu, p);
  if (!valid_throughput(throughput)) {
    throw std::invalid_argument("throughput table: throughput must be finite and >= 0, got " +
                                std::to_string(throughput));
  }
  isolated_[i] = throughput;
}

void ThroughputTable::set_colocated(int32_t job, int32_t other, int32_t gpu, GpuPlacement p,
                                    ThroughputPair t) {
  const uint64_t key = colocated_key(job, other, gpu, p);
  if (!valid_throughput(t.self) || !valid_throughput(t.other)) {
    throw std::invalid_argument("throughput table: co-located throughputs must be finite and >= 0");
  }
  colocated_[key] = t;
}

std::optional<double> ThroughputTable::isolated(int32_t job, int32_t gpu, GpuPlacement p) const {
  const double t = isolated_[slot(job, gpu, p)];
  if (std::isnan(t)) return std::nullopt;
  return t;
}

std::optional<ThroughputPair> ThroughputTable::colocated(int32_t job, int32_t other, int32_t gpu,
                                                         GpuPlacement p) const {
  auto it = colocated_.find(colocated_key(job, other, gpu, p));
  if (it == colocated_.end()) return std::nullopt;
  return it->second;
}

size_t ThroughputTable::num_isolated() const {
  return static_cast<size_t>(
      std::count_if(isolated_.begin(), isolated_.end(), [](double t) { return !std::isnan(t); }));
}

// ---------------------------------------------------------------------------------------------
// Gavel's JSON

namespace {

using boost::property_tree::ptree;

constexpr std::string_view kUnconsolidated = "_unconsolidated";

// A JSON Pointer (RFC 6901) to a key path: "/v100/('A3C', 1)/null".
std::string pointer(std::initializer_list<std::string_view> keys) {
  std::string out;
  for (std::string_view k : keys) {
    out += '/';
    for (char c : k) {
      if (c == '~') out += "~0";
      else if (c == '/') out += "~1";
      else out += c;
    }
  }
  return out;
}

// The line of the last key of a path, found by searching the text for each key in turn
// (objects nest, so each key is searched after the previous one); 0 when it cannot be found,
// e.g. for a key that JSON had to escape. PropertyTree keeps no positions of its own.
long line_of(std::string_view text, std::initializer_list<std::string_view> keys) {
  size_t pos = 0;
  for (std::string_view k : keys) {
    if (k.find_first_of("\"\\") != std::string_view::npos) return 0;
    const std::string quoted = "\"" + std::string(k) + "\"";
    pos = text.find(quoted, pos);
    if (pos == std::string_view::npos) return 0;
    pos += quoted.size();
  }
  return 1 + static_cast<long>(std::count(text.begin(), text.begin() + static_cast<ptrdiff_t>(pos), '\n'));
}

class GavelReader {
 public:
  GavelReader(std::string_view text, const std::string& name) : text_(text), name_(name) {}

  [[noreturn]] void fail(std::initializer_list<std::string_view> keys, const std::string& msg) const {
    throw InputError::at(name_, line_of(text_, keys), pointer(keys), msg);
  }

  double number(const ptree& v, std::initializer_list<std::string_view> keys) const {
    if (!v.empty()) fail(keys, "expected a number, found an object or array");
    const auto t = parse_number(v.data());
    if (!t) fail(keys, "expected a number, found '" + v.data() + "'");
    if (!valid_throughput(*t)) fail(keys, "expected a throughput >= 0, found " + v.data());
    return *t;
  }

  DlJobType job_type(std::string_view key, std::initializer_list<std::string_view> keys) const {
    auto type = parse_tuple_key(key);
    if (!type) fail(keys, "expected a job type key ('<model>', <scale factor >= 1>)");
    return *type;
  }

  ThroughputTable read(const ptree& root) const {
    ThroughputTable table;
    if (root.empty()) fail({}, "expected an object of GPU types, found '" + root.data() + "'");
    if (root.begin()->first.empty()) fail({}, "expected an object of GPU types, found an array");
    for (const auto& [gpu_key, jobs] : root) {
      std::string_view gpu_name = gpu_key;
      GpuPlacement placement = GpuPlacement::Consolidated;
      if (gpu_name.ends_with(kUnconsolidated)) {
        gpu_name.remove_suffix(kUnconsolidated.size());
        placement = GpuPlacement::Spread;
      }
      if (gpu_name.empty()) fail({gpu_key}, "expected a GPU type name, e.g. v100 or v100_unconsolidated");
      if (jobs.empty()) fail({gpu_key}, "expected an object of job types");
      const int32_t gpu = table.add_gpu_type(gpu_name);
      for (const auto& [job_text, entries] : jobs) {
        const int32_t job = table.add_job_type(job_type(job_text, {gpu_key, job_text}));
        if (entries.empty()) fail({gpu_key, job_text}, "expected an object with \"null\" and co-located job types");
        bool alone = false;
        for (const auto& [other_text, value] : entries) {
          if (other_text == "null") {
            table.set_isolated(job, gpu, placement, number(value, {gpu_key, job_text, "null"}));
            alone = true;
            continue;
          }
          const int32_t other = table.add_job_type(job_type(other_text, {gpu_key, job_text, other_text}));
          if (value.size() != 2 || !value.begin()->first.empty() || !std::next(value.begin())->first.empty()) {
            fail({gpu_key, job_text, other_text}, "expected a pair [this job, other job] of throughputs");
          }
          const ThroughputPair pair{number(value.begin()->second, {gpu_key, job_text, other_text}),
                                    number(std::next(value.begin())->second, {gpu_key, job_text, other_text})};
          table.set_colocated(job, other, gpu, placement, pair);
        }
        if (!alone) fail({gpu_key, job_text}, "missing \"null\" (the throughput of the job alone)");
      }
    }
    return table;
  }

 private:
  std::string_view text_;
  const std::string& name_;
};

}  // namespace

ThroughputTable parse_gavel_throughputs(std::string_view text, const std::string& name) {
  ptree root;
  try {
    std::istringstream in{std::string(text)};
    boost::property_tree::read_json(in, root);
  } catch (const boost::property_tree::json_parser_error& e) {
    throw InputError::at(name, static_cast<long>(e.line()), "", "JSON syntax error: " + e.message());
  }
  return GavelReader(text, name).read(root);
}

ThroughputTable read_gavel_throughputs(const std::string& path) {
  return parse_gavel_throughputs(traces_detail::read_text_file(path), path);
}

// ---------------------------------------------------------------------------------------------
// CSV

namespace {

enum class Column : uint8_t { JobType, GpuType, Throughput, Placement, ScaleFactor };
const std::vector<std::string> kColumnNames = {"job_type", "gpu_type", "throughput", "placement",
                                               "scale_factor"};

// Splits one CSV line into fields: commas separate, a field may be "quoted" ("" is a quote
// inside), blanks around unquoted fields are trimmed. False on an unterminated quote.
bool split_csv(std::string_view line, std::vector<std::string>& out) {
  out.clear();
  size_t i = 0;
  for (;;) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::string field;
    if (i < line.size() && line[i] == '"') {
      ++i;
      for (;;) {
        if (i >= line.size()) return false;
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += line[i++];
      }
      while (i < line.size() && line[i] != ',') ++i;  // blanks after the closing quote
    } else {
      const size_t comma = std::min(line.find(',', i), line.size());
      field = std::string(trim(line.substr(i, comma - i)));
      i = comma;
    }
    out.push_back(std::move(field));
    if (i >= line.size()) return true;
    ++i;  // past ','
  }
}

}  // namespace

ThroughputTable parse_throughputs_csv(std::string_view text, const std::string& name) {
  ThroughputTable table;
  std::vector<int> where(kColumnNames.size(), -1);  // column -> field index
  std::vector<std::string> fields, header;
  std::unordered_map<size_t, long> first_line;  // (job, gpu, placement) -> line
  bool have_header = false;
  long line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t nl = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    const std::string_view content = trim(line);
    if (content.empty() || content.front() == '#') continue;
    if (!split_csv(line, fields)) throw InputError::at(name, line_no, "", "unterminated quoted field");
    // "column 3 (throughput)": the column's place and its name in the header.
    const auto fail = [&](int col, const std::string& msg) {
      const auto c = static_cast<size_t>(col);
      throw InputError::at(name, line_no,
                           "column " + std::to_string(col + 1) + " (" + (have_header ? header[c] : fields[c]) + ")",
                           msg);
    };
    if (!have_header) {
      for (size_t i = 0; i < fields.size(); ++i) {
        const auto it = std::find(kColumnNames.begin(), kColumnNames.end(), fields[i]);
        if (it == kColumnNames.end()) fail(static_cast<int>(i), "unknown column" + did_you_mean(fields[i], kColumnNames));
        int& slot = where[static_cast<size_t>(it - kColumnNames.begin())];
        if (slot >= 0) fail(static_cast<int>(i), "duplicate column");
        slot = static_cast<int>(i);
      }
      for (Column c : {Column::JobType, Column::GpuType, Column::Throughput}) {
        if (where[static_cast<size_t>(c)] < 0) {
          throw InputError::at(name, line_no, "header",
                               "missing column '" + kColumnNames[static_cast<size_t>(c)] +
                                   "' (required: job_type, gpu_type, throughput)");
        }
      }
      header = fields;
      have_header = true;
      continue;
    }
    const size_t expected = static_cast<size_t>(std::count_if(where.begin(), where.end(), [](int w) { return w >= 0; }));
    if (fields.size() != expected) {
      throw InputError::at(name, line_no, "", "expected " + std::to_string(expected) +
                                                  " columns as in the header, found " + std::to_string(fields.size()));
    }
    const auto get = [&](Column c) -> std::string_view {
      const int w = where[static_cast<size_t>(c)];
      return w < 0 ? std::string_view() : std::string_view(fields[static_cast<size_t>(w)]);
    };
    const auto col = [&](Column c) { return where[static_cast<size_t>(c)]; };
    DlJobType type{std::string(get(Column::JobType)), 1};
    if (type.model.empty()) fail(col(Column::JobType), "expected a job type name, found nothing");
    if (!get(Column::ScaleFactor).empty()) {
      int64_t s = 0;
      const std::string_view t = get(Column::ScaleFactor);
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), s);
      if (ec != std::errc() || p != t.data() + t.size() || s < 1 || s > kMaxScaleFactor) {
        fail(col(Column::ScaleFactor), "expected an integer >= 1, found '" + std::string(t) + "'");
      }
      type.scale_factor = static_cast<int32_t>(s);
    }
    if (get(Column::GpuType).empty()) fail(col(Column::GpuType), "expected a GPU type name, found nothing");
    const auto throughput = parse_number(get(Column::Throughput));
    if (!throughput || !valid_throughput(*throughput)) {
      fail(col(Column::Throughput),
           "expected a number >= 0, found '" + std::string(get(Column::Throughput)) + "'");
    }
    GpuPlacement placement = GpuPlacement::Consolidated;
    const std::string p = lower(get(Column::Placement));
    if (p == "spread" || p == "unconsolidated") placement = GpuPlacement::Spread;
    else if (!p.empty() && p != "consolidated") {
      fail(col(Column::Placement), "expected consolidated or spread, found '" +
                                       std::string(get(Column::Placement)) + "'");
    }
    const int32_t job = table.add_job_type(type);
    const int32_t gpu = table.add_gpu_type(get(Column::GpuType));
    const size_t key = (static_cast<size_t>(job) * kMaxGpuTypes + static_cast<size_t>(gpu)) * 2 +
                       static_cast<size_t>(placement);
    if (auto [it, fresh] = first_line.emplace(key, line_no); !fresh) {
      throw InputError::at(name, line_no, "", "duplicate entry for " + type.to_string() + " on " +
                                                  table.gpu_type(gpu) + " (" + std::string(to_string(placement)) +
                                                  "), first given on line " + std::to_string(it->second));
    }
    table.set_isolated(job, gpu, placement, *throughput);
  }
  if (!have_header) throw InputError::at(name, 0, "", "no header line (job_type,gpu_type,throughput[,placement][,scale_factor])");
  return table;
}

ThroughputTable read_throughputs_csv(const std::string& path) {
  return parse_throughputs_csv(traces_detail::read_text_file(path), path);
}

ThroughputTable read_throughputs(const std::string& path) {
  const std::string l = lower(path);
  if (l.ends_with(".json")) return read_gavel_throughputs(path);
  if (l.ends_with(".csv")) return read_throughputs_csv(path);
  throw InputError(path + ": unknown throughput table format (expected a .json or .csv file)");
}

}  // namespace clustersim
