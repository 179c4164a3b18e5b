#include "experiments/sweep.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "experiments/cli_options.hpp"
#include "experiments/commands.hpp"
#include "experiments/interrupt.hpp"
#include "experiments/runner.hpp"
#include "output/hdf5_reader.hpp"
#include "sim/error.hpp"

namespace clustersim {

namespace fs = std::filesystem;
namespace po = boost::program_options;

std::string to_string(PointStatus s) {
  switch (s) {
    case PointStatus::Ok: return "ok";
    case PointStatus::Skipped: return "skipped";
    case PointStatus::Failed: return "failed";
  }
  return "?";
}

std::vector<std::string> metric_columns(const Experiment& e) {
  std::vector<std::string> cols;
  for (const std::string& m : e.metrics) {
    const bool seconds = m == "wait" || m == "turnaround";
    if (std::find(kDistributionMetrics.begin(), kDistributionMetrics.end(), m) != kDistributionMetrics.end()) {
      cols.push_back(m + "_mean" + (seconds ? "_s" : ""));
      cols.push_back(m + "_p95" + (seconds ? "_s" : ""));
    } else {
      cols.push_back(m == "makespan" ? "makespan_s" : m);
    }
  }
  return cols;
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Every option a point can be given (the same as `clustersim run`'s workload, cluster and
// engine options), and --quiet for shared_setup.
po::options_description point_options() {
  po::options_description d;
  cli::add_workload_options(d);
  cli::add_cluster_options(d);
  cli::add_engine_options(d);
  d.add_options()("quiet", po::bool_switch());
  return d;
}

// An error names options as the command line spells them; the experiment file spells them as
// keys ("--load-scale" -> "load_scale").
std::string as_keys(std::string msg, const po::options_description& d) {
  std::vector<std::string> names;
  for (const auto& o : d.options()) names.push_back(o->long_name());
  std::sort(names.begin(), names.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const std::string& n : names) {
    std::string key = n;
    std::replace(key.begin(), key.end(), '-', '_');
    for (size_t at = msg.find("--" + n); at != std::string::npos; at = msg.find("--" + n, at + key.size()))
      msg.replace(at, n.size() + 2, key);
  }
  return msg;
}

bool complete_file(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return false;
  try {
    return read_attribute_i64(file.string(), "/meta", "run_complete") == 1;
  } catch (const std::exception&) {
    return false;  // unreadable: run the point again
  }
}

void read_results(const fs::path& file, const std::vector<std::string>& cols, PointRecord& r) {
  const std::string f = file.string();
  r.jobs = read_attribute_i64(f, "/summary", "jobs");
  r.finished = read_attribute_i64(f, "/summary", "finished");
  r.run_wall_s = read_attribute_f64(f, "/meta", "wall_time_s");
  for (size_t i = 0; i < cols.size(); ++i) r.metrics[i] = read_attribute_f64(f, "/summary", cols[i]);
}

void run_one(const Experiment& e, const SweepPoint& p, const po::options_description& d, const std::string& part) {
  std::vector<std::string> args = point_args(e, p);
  args.push_back("--quiet");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(d).run(), vm);
  po::notify(vm);
  Workload w = cli::load_workload(vm);
  RunSetup s = cli::shared_setup(vm, w);
  s.workload = std::move(w);
  s.cluster = cli::make_cluster(vm, s.workload);
  const ExperimentPolicy& policy = e.policies[p.policy];
  s.policy = policy.policy;
  s.policy_params = policy.params;
  if (policy.seeded && p.seed) s.policy_params["seed"] = std::to_string(*p.seed);
  s.out_path = part;
  s.hdf5.compression_threads = 1;  // the ranks already use the cores
  s.progress = false;
  s.meta.config_text = "# clustersim sweep " + e.path + ", point " + p.name + " (" + e.workloads[p.workload].name +
                       " x " + policy.name + " x " + e.clusters[p.cluster].name + ")\n" + s.meta.config_text +
                       "\n# the experiment file\n" + e.text;
  const size_t jobs = s.workload.jobs.size();
  // A point whose cluster rejects every job failed (its error in the index), as `run` fails.
  cli::check_some_job_can_run(vm, jobs, run_simulation(std::move(s)));
}

}  // namespace

PointRecord run_point(const Experiment& e, const std::vector<SweepPoint>& points, size_t index,
                      const std::string& output, int rank) {
  static const po::options_description d = point_options();
  const SweepPoint& p = points.at(index);
  const std::vector<std::string> cols = metric_columns(e);
  PointRecord r;
  r.index = index;
  r.name = p.name;
  r.rank = rank;
  r.metrics.assign(cols.size(), kNaN);
  const auto t0 = std::chrono::steady_clock::now();
  const fs::path dir = fs::path(output) / "points";
  const fs::path file = dir / (p.name + ".h5");
  const fs::path part = dir / (p.name + ".h5.part");
  try {
    if (complete_file(file)) {
      r.status = PointStatus::Skipped;
      std::error_code ec;
      fs::remove(part, ec);  // a stale copy, if any
    } else {
      fs::create_directories(dir);
      run_one(e, p, d, part.string());
      fs::rename(part, file);
      r.status = PointStatus::Ok;
    }
    read_results(file, cols, r);
  } catch (const cli::Interrupted&) {
    std::error_code ec;
    fs::remove(part, ec);
    throw;
  } catch (const std::exception& ex) {
    std::error_code ec;
    fs::remove(part, ec);
    r.status = PointStatus::Failed;
    r.error = as_keys(ex.what(), d);
    r.jobs = r.finished = 0;
    r.run_wall_s = kNaN;
    std::fill(r.metrics.begin(), r.metrics.end(), kNaN);
  }
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

// ---- records as lines ----

namespace {

// The shortest text that reads back as the same double.
std::string number(double v) {
  char buf[40];
  const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  return std::string(buf, end);
}

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return s;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t i = 0;
  for (size_t j; (j = s.find(sep, i)) != std::string::npos; i = j + 1) out.push_back(s.substr(i, j - i));
  out.push_back(s.substr(i));
  return out;
}

}  // namespace

std::string encode_record(const PointRecord& r) {
  std::string s = std::to_string(r.index) + '\t' + r.name + '\t' + to_string(r.status) + '\t' + one_line(r.error) +
                  '\t' + number(r.wall_s) + '\t' + number(r.run_wall_s) + '\t' + std::to_string(r.rank) + '\t' +
                  std::to_string(r.jobs) + '\t' + std::to_string(r.finished);
  for (double m : r.metrics) s += '\t' + number(m);
  return s;
}

PointRecord decode_record(const std::string& line) {
  const std::vector<std::string> f = split(line, '\t');
  if (f.size() < 9) throw std::runtime_error("sweep: a malformed point record from a rank: " + line);
  PointRecord r;
  r.index = std::stoull(f[0]);
  r.name = f[1];
  r.status = f[2] == "ok" ? PointStatus::Ok : f[2] == "skipped" ? PointStatus::Skipped : PointStatus::Failed;
  r.error = f[3];
  r.wall_s = std::strtod(f[4].c_str(), nullptr);
  r.run_wall_s = std::strtod(f[5].c_str(), nullptr);
  r.rank = std::stoi(f[6]);
  r.jobs = std::stoll(f[7]);
  r.finished = std::stoll(f[8]);
  for (size_t i = 9; i < f.size(); ++i) r.metrics.push_back(std::strtod(f[i].c_str(), nullptr));
  return r;
}

// ---- the index and the summary ----

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string csv_number(double v) { return std::isnan(v) ? "" : number(v); }

// A readable number for the summary: 4 significant digits, no exponent below 10^7.
std::string short_number(double v) {
  if (std::isnan(v)) return "-";
  char buf[40];
  if (std::fabs(v) >= 1000) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

void write_atomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".part";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    out.close();
    if (!out) throw InputError(tmp.string() + ": cannot write");
  }
  fs::rename(tmp, path);
}

}  // namespace

std::string write_index(const Experiment& e, const std::vector<SweepPoint>& points,
                        const std::vector<PointRecord>& records, const std::string& output) {
  const std::vector<std::string> cols = metric_columns(e);
  std::ostringstream csv;
  csv << "point,cluster,workload,policy,policy_name,params,seed,status,error,wall_s,run_wall_s,rank,jobs,finished";
  for (const auto& c : cols) csv << ',' << c;
  csv << '\n';
  for (const PointRecord& r : records) {
    const SweepPoint& p = points.at(r.index);
    const ExperimentPolicy& pol = e.policies[p.policy];
    csv << csv_field(r.name) << ',' << csv_field(e.clusters[p.cluster].name) << ','
        << csv_field(e.workloads[p.workload].name) << ',' << csv_field(pol.name) << ',' << csv_field(pol.policy) << ','
        << csv_field(format_params(pol.params)) << ',' << (p.seed ? std::to_string(*p.seed) : "") << ','
        << to_string(r.status) << ',' << csv_field(r.error) << ',' << csv_number(r.wall_s) << ','
        << csv_number(r.run_wall_s) << ',' << r.rank << ',' << r.jobs << ',' << r.finished;
    for (double m : r.metrics) csv << ',' << csv_number(m);
    csv << '\n';
  }

  // The summary: one row per cluster x workload x policy, each metric's mean over its seeds.
  struct Row {
    int ok = 0, failed = 0;
    std::vector<double> sum;
  };
  std::vector<std::tuple<size_t, size_t, size_t>> order;
  std::map<std::tuple<size_t, size_t, size_t>, Row> rows;
  for (const PointRecord& r : records) {
    const SweepPoint& p = points.at(r.index);
    const auto key = std::make_tuple(p.cluster, p.workload, p.policy);
    auto [it, fresh] = rows.try_emplace(key);
    if (fresh) {
      order.push_back(key);
      it->second.sum.assign(cols.size(), 0.0);
    }
    if (r.status == PointStatus::Failed) {
      ++it->second.failed;
      continue;
    }
    ++it->second.ok;
    for (size_t i = 0; i < cols.size(); ++i) it->second.sum[i] += r.metrics[i];
  }
  std::ostringstream md;
  md << "| cluster | workload | policy | runs |";
  for (const auto& c : cols) md << ' ' << c << " |";
  md << "\n|---|---|---|---:|";
  for (size_t i = 0; i < cols.size(); ++i) md << "---:|";
  md << '\n';
  for (const auto& key : order) {
    const Row& row = rows[key];
    md << "| " << e.clusters[std::get<0>(key)].name << " | " << e.workloads[std::get<1>(key)].name << " | "
       << e.policies[std::get<2>(key)].name << " | " << row.ok << (row.failed ? " (" + std::to_string(row.failed) + " failed)" : "")
       << " |";
    for (double s : row.sum) md << ' ' << short_number(row.ok ? s / row.ok : kNaN) << " |";
    md << '\n';
  }
  const std::string table = md.str();
  const fs::path dir(output);
  fs::create_directories(dir);
  write_atomically(dir / "index.csv", csv.str());
  write_atomically(dir / "summary.md", "# " + e.name + "\n\nFrom `" + e.path +
                                           "`: each metric's mean over the seeds that ran (`clustersim report` adds "
                                           "confidence intervals and figures).\n\n" + table);
  write_atomically(dir / "experiment.toml", e.text);
  return table;
}

}  // namespace clustersim
