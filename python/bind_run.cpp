// run(): one simulation from Python through experiments/runner.hpp's run_simulation, with the
// GIL released while C++ simulates, Ctrl-C honoured, and the result read back from the HDF5
// run file it wrote (docs/hdf5-format.md).
#include <pybind11/stl/filesystem.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <sstream>
#include <utility>

#include "experiments/runner.hpp"
#include "output/hdf5_reader.hpp"
#include "python/py_policy.hpp"
#include "sim/error.hpp"

namespace clustersim::py_bindings {

namespace {

// Runs pending signal handlers (Ctrl-C raises KeyboardInterrupt) while the engine runs with
// the GIL released, and calls the user's progress callback (every `every` jobs that ended:
// finished, rejected or failed). The GIL is taken at most every
// kCheckPeriod (the clock is read every kEventsPerClockRead events), so a run pays almost
// nothing for it. A handler's or the callback's exception leaves as py::error_already_set: it
// unwinds through the engine, whose output writer closes the file on the way.
class PythonHooks final : public Observer {
 public:
  PythonHooks(py::object progress, int64_t every) : progress_(std::move(progress)), every_(every) {}
  void on_run_start(const EngineView& v) override {
    total_ = static_cast<int64_t>(v.num_jobs());
    last_check_ = Clock::now();
  }
  void on_job_submit(const EngineView&, JobId) override { tick(); }
  void on_job_start(const EngineView&, JobId) override { tick(); }
  void on_job_preempt(const EngineView&, JobId) override { tick(); }
  void on_job_finish(const EngineView& v, JobId) override { ended(v); }
  void on_job_reject(const EngineView& v, JobId, std::string_view) override { ended(v); }
  void on_job_kill(const EngineView& v, JobId j) override {
    if (v.state(j) == JobState::Failed) ended(v);  // else it is queued again
    else tick();
  }
  void on_node_down(const EngineView&, NodeId) override { tick(); }
  void on_node_up(const EngineView&, NodeId) override { tick(); }
  void on_sample(const EngineView&) override { tick(); }
  void on_run_end(const EngineView& v) override {
    if (has_progress()) call_progress(v);
  }

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr int64_t kEventsPerClockRead = 256;
  static constexpr auto kCheckPeriod = std::chrono::milliseconds(20);

  bool has_progress() const { return progress_.ptr() != Py_None; }
  void tick() {
    if (++events_ % kEventsPerClockRead != 0) return;
    auto now = Clock::now();
    if (now - last_check_ < kCheckPeriod) return;
    last_check_ = now;
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  }
  void ended(const EngineView& v) {
    ++ended_;
    if (has_progress() && every_ > 0 && ended_ % every_ == 0) call_progress(v);
    tick();
  }
  void call_progress(const EngineView& v) {
    py::gil_scoped_acquire gil;
    progress_(ended_, total_, v.now().seconds());
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  }

  py::object progress_;
  int64_t every_;
  int64_t events_ = 0, ended_ = 0, total_ = 0;
  Clock::time_point last_check_;
};

// A temporary run file, removed unless handed over to a RunResult.
class TempFile {
 public:
  TempFile() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "clustersim-run-XXXXXX.h5").string();
    int fd = ::mkstemps(tmpl.data(), 3);
    if (fd < 0) throw InputError(tmpl + ": cannot create a temporary run file");
    ::close(fd);
    path_ = tmpl;
  }
  ~TempFile() {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }
  std::string release() { return std::exchange(path_, std::string()); }

 private:
  std::string path_;
};

py::dtype int_dtype(size_t bytes, bool is_signed) {
  switch (bytes) {
    case 1: return is_signed ? py::dtype::of<int8_t>() : py::dtype::of<uint8_t>();
    case 2: return is_signed ? py::dtype::of<int16_t>() : py::dtype::of<uint16_t>();
    case 4: return is_signed ? py::dtype::of<int32_t>() : py::dtype::of<uint32_t>();
    default: return is_signed ? py::dtype::of<int64_t>() : py::dtype::of<uint64_t>();
  }
}

// Every 1-D column of a group as numpy arrays with the file's element types.
py::dict read_group(const std::string& path, const std::string& group) {
  py::dict d;
  for (const std::string& name : list_group(path, group)) {
    std::string ds = "/" + group + "/" + name;
    ColumnInfo info = column_info(path, ds);
    if (info.rank != 1) continue;
    switch (info.kind) {
      case ColumnInfo::Kind::Integer:
        d[name.c_str()] =
            to_numpy(read_column_i64(path, ds)).attr("astype")(int_dtype(info.element_bytes, info.is_signed));
        break;
      case ColumnInfo::Kind::Float: d[name.c_str()] = to_numpy(read_column_f64(path, ds)); break;
      case ColumnInfo::Kind::String:
        d[name.c_str()] = py::module_::import("numpy").attr("array")(py::cast(read_column_str(path, ds)), "object");
        break;
      case ColumnInfo::Kind::Other: break;
    }
  }
  return d;
}

// RunSummary flattened with the names of the /summary attributes.
py::dict summary_dict(const RunSummary& s) {
  py::dict d;
  d["jobs"] = s.jobs, d["finished"] = s.finished, d["rejected"] = s.rejected, d["failed"] = s.failed;
  d["unfinished"] = s.unfinished, d["makespan_s"] = s.makespan, d["utilisation"] = s.utilisation;
  d["gpu_utilisation"] = s.gpu_utilisation, d["preemptions"] = s.preemptions, d["migrations"] = s.migrations;
  auto distribution = [&d](const std::string& prefix, const Distribution& x, const std::string& suffix) {
    const std::pair<const char*, double> fields[] = {{"mean", x.mean}, {"p50", x.p50}, {"p90", x.p90},
                                                     {"p95", x.p95},   {"p99", x.p99}, {"max", x.max}};
    for (const auto& [name, value] : fields) d[(prefix + name + suffix).c_str()] = value;
  };
  distribution("wait_", s.wait, "_s");
  distribution("turnaround_", s.turnaround, "_s");
  distribution("bounded_slowdown_", s.bounded_slowdown, "");
  d["kills"] = s.kills, d["lost_work_s"] = s.lost_work_s;
  distribution("finish_time_fairness_", s.finish_time_fairness, "");
  d["jain_users"] = s.jain_users;
  for (const auto& [model, value] : s.gpu_utilisation_by_model) d[("gpu_utilisation_" + model).c_str()] = value;
  return d;
}

std::string param_text(const py::handle& v) {
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>() ? "true" : "false";
  return py::str(v).cast<std::string>();
}

}  // namespace

// What run() returns. The jobs and time series are read from the run file on first use.
class RunResult {
 public:
  RunResult(RunOutcome outcome, std::string policy, std::string path, bool temporary)
      : outcome_(std::move(outcome)), policy_(std::move(policy)), path_(std::move(path)), temporary_(temporary) {}
  ~RunResult() {
    if (temporary_) std::remove(path_.c_str());
  }
  RunResult(const RunResult&) = delete;
  RunResult& operator=(const RunResult&) = delete;

  const RunOutcome& outcome() const { return outcome_; }
  const std::string& policy() const { return policy_; }
  const std::string& path() const { return path_; }
  bool temporary() const { return temporary_; }
  py::dict jobs() {
    if (!jobs_) jobs_ = read_group(path_, "jobs");
    return *jobs_;
  }
  py::dict timeseries() {
    if (!timeseries_) timeseries_ = read_group(path_, "timeseries");
    return *timeseries_;
  }

 private:
  RunOutcome outcome_;
  std::string policy_, path_;
  bool temporary_;
  std::optional<py::dict> jobs_, timeseries_;
};

namespace {

std::unique_ptr<RunResult> run(const Workload& workload, const py::object& cluster, const py::object& policy,
                               const py::object& params, const py::object& engine, double sample_interval,
                               const py::object& out, uint64_t seed, const py::object& config_text,
                               const std::string& trace_checksum, const py::object& progress,
                               int64_t progress_every, const py::object& throughputs, const std::string& reference_gpu,
                               double cross_rack_penalty, bool colocation, double mtbf_hours, double mttr_hours, uint64_t failure_seed,
                               const py::object& node_events, const py::object& checkpoint, double checkpoint_every,
                               const py::object& resume) {
  RunSetup s;
  s.workload = workload;
  if (cluster.is_none()) {
    int64_t procs = workload.machine.processors();
    if (procs < 1)
      throw InputError(workload.name +
                       ": the workload gives no machine size (no MaxProcs or MaxNodes): pass a cluster");
    s.cluster = Cluster::homogeneous(1, Resources{procs, 0, 0}, "pool");
  } else {
    s.cluster = cluster.cast<Cluster>();
  }
  if (py::isinstance<py::str>(policy)) {
    s.policy = policy.cast<std::string>();
  } else if (py::isinstance<Policy>(policy)) {
    if (!py::hasattr(policy, "schedule"))
      throw py::type_error(py::type::of(policy).attr("__name__").cast<std::string>() +
                           ": a clustersim.Policy subclass must define schedule(self, view, decisions)");
    s.custom_policy = policy.cast<Policy*>();
    s.policy = python_policy_name(policy);
  } else {
    throw py::type_error("policy: expected a registry name (str) or a clustersim.Policy instance, got " +
                         py::type::of(policy).attr("__name__").cast<std::string>());
  }
  if (!params.is_none())
    for (const auto& [k, v] : params.cast<py::dict>()) s.policy_params[py::str(k).cast<std::string>()] = param_text(v);
  if (!engine.is_none()) s.engine = engine.cast<EngineConfig>();
  if (!std::isfinite(sample_interval) || sample_interval > 1e12)
    throw InputError("sample_interval: must be a finite number of seconds, at most 1e12, got " +
                     std::to_string(sample_interval));
  if (!throughputs.is_none()) {
    s.throughputs = std::make_shared<const ThroughputTable>(
        read_throughputs(py::str(py::module_::import("os").attr("fsdecode")(throughputs)).cast<std::string>()));
    s.speed.reference_gpu = reference_gpu;
    s.speed.cross_rack_penalty = cross_rack_penalty;
    s.speed.colocation = colocation;
  }
  s.failures.mtbf_hours = mtbf_hours;
  s.failures.mttr_hours = mttr_hours;
  s.failures.seed = failure_seed;
  s.failures.validate();
  if (!node_events.is_none())
    s.node_events = read_node_events(py::str(py::module_::import("os").attr("fsdecode")(node_events)).cast<std::string>());
  s.sample_interval_s = sample_interval;
  auto fs_path = [](const py::object& p) { return py::str(py::module_::import("os").attr("fsdecode")(p)).cast<std::string>(); };
  if (!checkpoint.is_none()) {
    s.checkpoint_path = fs_path(checkpoint);
    s.checkpoint_every_s = checkpoint_every;
  }
  if (!resume.is_none()) s.resume_from = fs_path(resume);

  std::optional<TempFile> temp;
  if (out.is_none()) {
    temp.emplace();
    s.out_path = temp->path();
  } else {
    s.out_path = py::str(py::module_::import("os").attr("fsdecode")(out)).cast<std::string>();
  }
  s.meta.tool_version = CLUSTERSIM_VERSION;
  s.meta.git_revision = CLUSTERSIM_GIT_REVISION;
  s.meta.trace_name = workload.name;
  s.meta.trace_checksum = trace_checksum;
  s.meta.seed = seed;
  if (!config_text.is_none()) {
    s.meta.config_text = config_text.cast<std::string>();
  } else {
    std::ostringstream c;
    c << "source = \"python\"\nworkload = \"" << workload.name << "\"\njobs = " << workload.jobs.size()
      << "\ncluster = \"" << describe_cluster(s.cluster) << "\"\npolicy = \"" << s.policy << "\"\nparams = \""
      << format_params(s.policy_params) << "\"\nround_interval = " << s.engine.round_interval.seconds()
      << "\nrestore_delay = " << s.engine.restore_delay.seconds()
      << "\nplacement = " << (s.engine.placement == PlacementStrategy::RoundRobin ? "round-robin" : "first-fit")
      << "\ncheck_invariants = " << (s.engine.check_invariants ? "true" : "false")
      << "\nsample_interval = " << sample_interval << "\nseed = " << seed << "\n";
    s.meta.config_text = c.str();
  }
  std::string path = s.out_path, name = s.policy;

  PythonHooks hooks(progress, progress_every);
  s.observers.push_back(&hooks);
  const size_t jobs = s.workload.jobs.size();
  RunOutcome outcome;
  {
    py::gil_scoped_release release;
    outcome = run_simulation(std::move(s));
  }
  // As `clustersim run`: a run that could start no job is an error (the file of out= is kept).
  if (auto msg = every_job_rejected(jobs, outcome)) throw InputError(*msg);
  bool temporary = temp.has_value();
  if (temp) temp->release();
  return std::make_unique<RunResult>(std::move(outcome), name, path, temporary);
}

}  // namespace

void bind_run(py::module_& m) {
  SettingsClass<EngineConfig>(m, "EngineConfig", "Engine settings (sim/engine.hpp); intervals in seconds.")
      .property(
          "round_interval", [](const EngineConfig& c) { return c.round_interval.seconds(); },
          [](EngineConfig& c, double s) { c.round_interval = seconds_to_time_ceil(s, "round_interval"); },
          "> 0: a periodic scheduling round this often")
      .property(
          "restore_delay", [](const EngineConfig& c) { return c.restore_delay.seconds(); },
          [](EngineConfig& c, double s) { c.restore_delay = seconds_to_time_ceil(s, "restore_delay"); },
          "paid when a preempted or migrated job runs again")
      .property(
          "placement",
          [](const EngineConfig& c) {
            return std::string(c.placement == PlacementStrategy::RoundRobin ? "round-robin" : "first-fit");
          },
          [](EngineConfig& c, const std::string& s) {
            if (s == "first-fit") c.placement = PlacementStrategy::FirstFit;
            else if (s == "round-robin") c.placement = PlacementStrategy::RoundRobin;
            else throw InputError("engine.placement: expected first-fit or round-robin, got '" + s + "'");
          },
          "the placement when a policy gives none: 'first-fit' or 'round-robin'")
      .property(
          "checkpoint_interval", [](const EngineConfig& c) { return c.checkpoint_interval.seconds(); },
          [](EngineConfig& c, double s) { c.checkpoint_interval = seconds_to_time_ceil(s, "checkpoint_interval"); },
          "> 0: running jobs checkpoint this often (s of nominal work); a job killed by a node failure resumes there")
      .property(
          "on_node_failure", [](const EngineConfig& c) { return std::string(to_string(c.on_node_failure)); },
          [](EngineConfig& c, const std::string& s) {
            if (s == "requeue") c.on_node_failure = OnNodeFailure::Requeue;
            else if (s == "fail") c.on_node_failure = OnNodeFailure::Fail;
            else throw InputError("engine.on_node_failure: expected requeue or fail, got '" + s + "'");
          },
          "what happens to the jobs of a failed node: 'requeue' or 'fail'")
      .field("check_invariants", &EngineConfig::check_invariants, "check the engine's invariants after every instant")
      .field("max_idle_decision_points", &EngineConfig::max_idle_decision_points,
             "decision points in a row without progress before the run stops as stuck")
      .done();

  py::class_<RunResult>(m, "RunResult",
                        "The outcome of run(): the summary, counters, and the run file's /jobs and "
                        "/timeseries as dicts of numpy arrays.")
      .def_property_readonly("summary", [](const RunResult& r) { return summary_dict(r.outcome().summary); },
                             "headline metrics, named as the /summary attributes")
      .def_property_readonly("jobs", &RunResult::jobs, "/jobs: one numpy column per name (read on first use)")
      .def_property_readonly("timeseries", &RunResult::timeseries, "/timeseries: one numpy column per name")
      .def_property_readonly("rejected", [](const RunResult& r) { return r.outcome().rejections; },
                             "[(trace job id, reason), ...]")
      .def_property_readonly("policy", &RunResult::policy)
      .def_property_readonly("path", &RunResult::path,
                             "the HDF5 run file (a temporary one lives as long as this result)")
      .def_property_readonly("temporary", &RunResult::temporary, "whether the file is removed with this result")
      .def_property_readonly("wall_seconds", [](const RunResult& r) { return r.outcome().wall_seconds; })
      .def_property_readonly("events", [](const RunResult& r) { return r.outcome().events; })
      .def_property_readonly("decision_points", [](const RunResult& r) { return r.outcome().decision_points; })
      .def("__repr__", [](const RunResult& r) {
        const RunSummary& s = r.outcome().summary;
        std::ostringstream o;
        o << "<clustersim.RunResult policy='" << r.policy() << "' jobs=" << s.jobs << " finished=" << s.finished
          << " mean_wait_s=" << s.wait.mean << " mean_bounded_slowdown=" << s.bounded_slowdown.mean
          << " utilisation=" << s.utilisation << " path='" << r.path() << "'>";
        return o.str();
      });

  m.def("run", &run, py::arg("workload"), py::arg("cluster") = py::none(), py::arg("policy") = "easy",
        py::arg("params") = py::none(), py::kw_only(), py::arg("engine") = py::none(),
        py::arg("sample_interval") = -1.0, py::arg("out") = py::none(), py::arg("seed") = 0,
        py::arg("config_text") = py::none(), py::arg("trace_checksum") = "", py::arg("progress") = py::none(),
        py::arg("progress_every") = 1000, py::arg("throughputs") = py::none(), py::arg("reference_gpu") = "v100",
        py::arg("cross_rack_penalty") = 0.0, py::arg("colocation") = true, py::arg("mtbf_hours") = 0.0, py::arg("mttr_hours") = 1.0,
        py::arg("failure_seed") = 1, py::arg("node_events") = py::none(), py::arg("checkpoint") = py::none(),
        py::arg("checkpoint_every") = 600.0, py::arg("resume") = py::none(),
        R"(Simulate `workload` on `cluster` (default: one pool of the workload's MaxProcs) under
`policy`: a registry name (see policies()) with `params` (a dict; values are turned into text),
or a clustersim.Policy instance. `engine` is an EngineConfig; `sample_interval` the time-series
period in s (-1: about 1,000 samples; 0: off). The run is written to `out` (an HDF5 file) or,
when out is None, to a temporary file removed with the result. `progress(done, total, now_s)`
is called every `progress_every` ended jobs and at the end. The GIL is released while the
engine runs; Ctrl-C stops the run with KeyboardInterrupt (the file is closed with the rows
written so far). `checkpoint` (a path) writes the run's state there every `checkpoint_every`
seconds of wall time; `resume` (a path) goes on from such a checkpoint of the same run, with
the same results as an uninterrupted run (docs/checkpoints.md). With `throughputs` (a table),
DL jobs run at its rates; `colocation=False` ignores its co-located throughputs (docs/dl.md).
Bad input raises InputError (a ValueError), a refused decision DecisionError. A run in which
every job is rejected raises InputError naming the first reason (`out` is still written).)");
  m.def(
      "file_checksum", [](const std::filesystem::path& p) { return "fnv1a64:" + file_checksum(p.string()); },
      py::arg("path"), "The trace checksum the CLI writes to /meta ('fnv1a64:<16 hex digits>').");
}

}  // namespace clustersim::py_bindings
