// Jobs, workloads, the SWF reader and writer, the generators, transforms and statistics.
#include <pybind11/stl/filesystem.h>

#include <filesystem>

#include "python/bindings.hpp"
#include "sim/error.hpp"
#include "sim/workload.hpp"
#include "traces/swf.hpp"
#include "workloads/lublin.hpp"
#include "workloads/poisson.hpp"
#include "workloads/stats.hpp"
#include "workloads/transforms.hpp"

namespace clustersim::py_bindings {

namespace {

// A Time member read and written as float seconds.
template <Time JobSpec::*member>
void time_field(SettingsClass<JobSpec>& c, const char* name, const char* doc) {
  c.property(
      name, [](const JobSpec& j) { return (j.*member).seconds(); },
      [name](JobSpec& j, double s) { j.*member = seconds_to_time(s, name); }, doc);
}

// Every job of a workload as numpy columns.
py::dict workload_columns(const Workload& w) {
  size_t n = w.jobs.size();
  std::vector<int64_t> trace_id(n), tasks(n), cores(n), gpu(n), mem(n);
  std::vector<double> submit(n), runtime(n), walltime(n);
  std::vector<int32_t> user(n), group(n), queue(n), partition(n), status(n), job_type(n);
  for (size_t i = 0; i < n; ++i) {
    const JobSpec& j = w.jobs[i];
    trace_id[i] = j.trace_id;
    submit[i] = j.submit.seconds();
    runtime[i] = j.runtime.seconds();
    walltime[i] = j.walltime.seconds();
    tasks[i] = j.tasks;
    cores[i] = j.per_task.cores;
    gpu[i] = j.per_task.gpu_milli;
    mem[i] = j.per_task.mem_mib;
    user[i] = j.user, group[i] = j.group, queue[i] = j.queue, partition[i] = j.partition;
    status[i] = j.status, job_type[i] = j.job_type;
  }
  py::dict d;
  d["trace_id"] = to_numpy(trace_id);
  d["submit"] = to_numpy(submit);
  d["runtime"] = to_numpy(runtime);
  d["walltime"] = to_numpy(walltime);
  d["tasks"] = to_numpy(tasks);
  d["cores_per_task"] = to_numpy(cores);
  d["gpu_milli_per_task"] = to_numpy(gpu);
  d["mem_mib_per_task"] = to_numpy(mem);
  d["user"] = to_numpy(user);
  d["group"] = to_numpy(group);
  d["queue"] = to_numpy(queue);
  d["partition"] = to_numpy(partition);
  d["status"] = to_numpy(status);
  d["job_type"] = to_numpy(job_type);
  return d;
}

// A workload from numpy columns (see the docstring of Workload.from_arrays).
Workload workload_from_arrays(py::array_t<double, py::array::forcecast> submit,
                              py::array_t<double, py::array::forcecast> runtime,
                              py::array_t<int64_t, py::array::forcecast> tasks, const py::object& walltime,
                              const py::object& trace_id, const py::object& user, int64_t cores_per_task,
                              const std::string& name, int64_t machine_procs) {
  auto n = submit.size();
  auto column_i64 = [n](const py::object& o, const char* what) -> std::vector<int64_t> {
    if (o.is_none()) return {};
    auto a = py::array_t<int64_t, py::array::forcecast>::ensure(o);
    if (!a || a.ndim() != 1 || a.size() != n)
      throw InputError(std::string("from_arrays: ") + what + ": expected " + std::to_string(n) + " values");
    return {a.data(), a.data() + n};
  };
  if (runtime.size() != n || tasks.size() != n)
    throw InputError("from_arrays: submit, runtime and tasks must have the same length");
  std::vector<double> wall;
  if (!walltime.is_none()) {
    auto a = py::array_t<double, py::array::forcecast>::ensure(walltime);
    if (!a || a.ndim() != 1 || a.size() != n)
      throw InputError("from_arrays: walltime: expected " + std::to_string(n) + " values");
    wall.assign(a.data(), a.data() + n);
  }
  std::vector<int64_t> ids = column_i64(trace_id, "trace_id"), users = column_i64(user, "user");
  // Values the job fields (32-bit) cannot hold are refused, never wrapped.
  if (cores_per_task < 1) throw InputError("from_arrays: cores_per_task: expected >= 1, got " + std::to_string(cores_per_task));
  for (py::ssize_t i = 0; i < n; ++i) {
    if (tasks.at(i) < 1 || tasks.at(i) > INT32_MAX)
      throw InputError("from_arrays: tasks[" + std::to_string(i) + "]: expected 1 to 2147483647, got " +
                       std::to_string(tasks.at(i)));
    if (!users.empty() && (users[static_cast<size_t>(i)] < -1 || users[static_cast<size_t>(i)] > INT32_MAX))
      throw InputError("from_arrays: user[" + std::to_string(i) + "]: expected -1 (unknown) to 2147483647, got " +
                       std::to_string(users[static_cast<size_t>(i)]));
  }
  Workload w;
  w.name = name;
  w.machine.max_procs = machine_procs;
  w.jobs.resize(static_cast<size_t>(n));
  for (py::ssize_t i = 0; i < n; ++i) {
    JobSpec& j = w.jobs[static_cast<size_t>(i)];
    j.trace_id = ids.empty() ? i + 1 : ids[static_cast<size_t>(i)];
    j.submit = seconds_to_time(submit.at(i), "submit");
    j.runtime = seconds_to_time(runtime.at(i), "runtime");
    j.walltime = wall.empty() ? j.runtime : seconds_to_time(wall[static_cast<size_t>(i)], "walltime");
    j.tasks = static_cast<int32_t>(tasks.at(i));
    j.per_task = Resources{cores_per_task, 0, 0};
    j.user = users.empty() ? -1 : static_cast<int32_t>(users[static_cast<size_t>(i)]);
    j.status = 1;
  }
  w.sort_by_arrival();
  return w;
}

py::dict summary_dict(const Summary& s) {
  py::dict d;
  d["min"] = s.min, d["mean"] = s.mean, d["median"] = s.median, d["p90"] = s.p90, d["p99"] = s.p99;
  d["max"] = s.max;
  return d;
}

py::dict stats_dict(const WorkloadStats& s) {
  py::dict d;
  d["jobs"] = s.jobs;
  d["users"] = s.users;
  d["jobs_without_user"] = s.jobs_without_user;
  d["first_submit"] = s.first_submit.seconds();
  d["last_submit"] = s.last_submit.seconds();
  d["span"] = s.span.seconds();
  d["machine_procs"] = s.machine_procs;
  d["offered_load"] = s.offered_load;
  d["size"] = summary_dict(s.size);
  d["size_frac_serial"] = s.size_frac_serial;
  d["size_frac_pow2"] = s.size_frac_pow2;
  d["runtime_s"] = summary_dict(s.runtime_s);
  d["interarrival_mean_s"] = s.interarrival_mean_s;
  d["interarrival_cv"] = s.interarrival_cv;
  d["estimates_differ"] = s.estimates_differ;
  d["estimate_accuracy"] = s.estimate_accuracy;
  d["jobs_per_status"] = s.jobs_per_status;
  return d;
}

const JobSpec& job_at(const Workload& w, int64_t i) {
  int64_t n = static_cast<int64_t>(w.jobs.size());
  if (i < 0) i += n;
  if (i < 0 || i >= n) throw py::index_error("job index out of range");
  return w.jobs[static_cast<size_t>(i)];
}

void bind_configs(py::module_& m) {
  SettingsClass<SwfOptions>(m, "SwfOptions", "How to read an SWF log (docs/swf.md).")
      .property(
          "procs", [](const SwfOptions& o) { return std::string(to_string(o.procs)); },
          [](SwfOptions& o, const std::string& s) { o.procs = parse_procs_source(s); },
          "processors from: 'allocated' (field 5, else 8), 'requested' (8, else 5) or 'max'")
      .property(
          "estimate", [](const SwfOptions& o) { return std::string(to_string(o.estimate)); },
          [](SwfOptions& o, const std::string& s) { o.estimate = parse_estimate_source(s); },
          "estimate from: 'requested' (field 9, else the runtime) or 'runtime'")
      .field("skip_failed", &SwfOptions::skip_failed, "drop jobs with status 0")
      .field("skip_cancelled", &SwfOptions::skip_cancelled, "drop jobs with status 5")
      .field("strict", &SwfOptions::strict, "False: skip and count malformed lines")
      .field("max_jobs", &SwfOptions::max_jobs, "stop after this many jobs (0: all)")
      .done();

  SettingsClass<LublinClassParams>(m, "LublinClassParams",
                                   "Parameters of one Lublin-Feitelson job class (workloads/lublin.hpp).")
      .field("serial_prob", &LublinClassParams::serial_prob, "")
      .field("pow2_prob", &LublinClassParams::pow2_prob, "")
      .field("ulow", &LublinClassParams::ulow, "")
      .field("umed_offset", &LublinClassParams::umed_offset, "")
      .field("uhi_offset", &LublinClassParams::uhi_offset, "")
      .field("uprob", &LublinClassParams::uprob, "")
      .field("a1", &LublinClassParams::a1, "")
      .field("b1", &LublinClassParams::b1, "")
      .field("a2", &LublinClassParams::a2, "")
      .field("b2", &LublinClassParams::b2, "")
      .field("pa", &LublinClassParams::pa, "")
      .field("pb", &LublinClassParams::pb, "")
      .field("aarr", &LublinClassParams::aarr, "")
      .field("barr", &LublinClassParams::barr, "")
      .field("anum", &LublinClassParams::anum, "")
      .field("bnum", &LublinClassParams::bnum, "")
      .field("arar", &LublinClassParams::arar, "")
      .done()
      .def_static("batch", &LublinClassParams::batch)
      .def_static("interactive", &LublinClassParams::interactive)
      .def_static("whole_sample", &LublinClassParams::whole_sample);

  SettingsClass<LublinConfig>(m, "LublinConfig", "The Lublin-Feitelson rigid-job model (docs/workloads.md).")
      .field("jobs", &LublinConfig::jobs, "number of jobs")
      .field("machine_procs", &LublinConfig::machine_procs, "machine size; no job asks for more")
      .field("seed", &LublinConfig::seed, "random seed")
      .field("interactive", &LublinConfig::interactive, "also generate the interactive class")
      .field("estimate_factor", &LublinConfig::estimate_factor, "walltime = ceil(runtime x U[1, f)); 1: exact")
      .field("start_hour", &LublinConfig::start_hour, "hour of the day at time 0")
      .field("ln_runtime_cap", &LublinConfig::ln_runtime_cap, "")
      .field("ln_interarrival_cap", &LublinConfig::ln_interarrival_cap, "")
      .field("batch", &LublinConfig::batch, "LublinClassParams of the batch class")
      .field("interactive_params", &LublinConfig::interactive_params, "LublinClassParams of the interactive class")
      .done();

  SettingsClass<PoissonConfig>(m, "PoissonConfig",
                               "Poisson arrivals, log2-uniform sizes, exponential or lognormal runtimes.")
      .field("jobs", &PoissonConfig::jobs, "number of jobs")
      .field("mean_interarrival_s", &PoissonConfig::mean_interarrival_s, "1 / arrival rate")
      .field("machine_procs", &PoissonConfig::machine_procs, "machine size")
      .field("min_procs", &PoissonConfig::min_procs, "smallest job")
      .field("max_procs", &PoissonConfig::max_procs, "largest job (0: machine_procs)")
      .field("pow2_sizes", &PoissonConfig::pow2_sizes, "only powers of two")
      .property(
          "runtime", [](const PoissonConfig& c) { return std::string(to_string(c.runtime)); },
          [](PoissonConfig& c, const std::string& s) {
            if (s == "exponential") c.runtime = RuntimeDistribution::Exponential;
            else if (s == "lognormal") c.runtime = RuntimeDistribution::Lognormal;
            else throw InputError("poisson.runtime: expected exponential or lognormal, got '" + s + "'");
          },
          "'exponential' or 'lognormal'")
      .field("mean_runtime_s", &PoissonConfig::mean_runtime_s, "")
      .field("lognormal_sigma", &PoissonConfig::lognormal_sigma, "")
      .field("min_runtime_s", &PoissonConfig::min_runtime_s, "")
      .field("max_runtime_s", &PoissonConfig::max_runtime_s, "0: no cap")
      .field("estimate_factor", &PoissonConfig::estimate_factor, "walltime = ceil(runtime x U[1, f))")
      .field("seed", &PoissonConfig::seed, "random seed")
      .done();
}

}  // namespace

void bind_workload(py::module_& m) {
  bind_configs(m);

  SettingsClass<JobSpec> job(m, "Job",
                             "The static description of a job (sim/job.hpp). Times are in seconds; "
                             "`runtime` is the real duration, `walltime` the user's estimate.");
  job.field("trace_id", &JobSpec::trace_id, "the job number in the trace");
  time_field<&JobSpec::submit>(job, "submit", "submit time (s since the workload's origin)");
  time_field<&JobSpec::runtime>(job, "runtime", "real duration at nominal speed (s)");
  time_field<&JobSpec::walltime>(job, "walltime", "requested time: the estimate backfilling uses (s)");
  job.field("tasks", &JobSpec::tasks, "number of tasks (processors for SWF)")
      .field("per_task", &JobSpec::per_task, "Resources of one task")
      .field("user", &JobSpec::user, "-1: unknown")
      .field("group", &JobSpec::group, "-1: unknown")
      .field("queue", &JobSpec::queue, "-1: unknown")
      .field("partition", &JobSpec::partition, "-1: unknown")
      .field("status", &JobSpec::status, "SWF status (1 completed, 0 failed, 5 cancelled)")
      .field("job_type", &JobSpec::job_type, "-1: none")
      .field("min_tasks", &JobSpec::min_tasks, "elastic jobs: fewest tasks it may run on (0: rigid, = tasks)")
      .field("max_tasks", &JobSpec::max_tasks, "elastic jobs: most tasks it may run on (0: rigid, = tasks)")
      .done()
      .def("total", &JobSpec::total, "Resources of all tasks.");

  py::class_<MachineHint>(m, "MachineHint", "What a trace's header says about its machine (0: unknown).")
      .def(py::init<>())
      .def_readwrite("max_nodes", &MachineHint::max_nodes)
      .def_readwrite("max_procs", &MachineHint::max_procs)
      .def_readwrite("unix_start_time", &MachineHint::unix_start_time)
      .def_property_readonly("processors", &MachineHint::processors, "MaxProcs, else MaxNodes")
      .def("__repr__", [](const MachineHint& h) {
        return "MachineHint(max_nodes=" + std::to_string(h.max_nodes) + ", max_procs=" +
               std::to_string(h.max_procs) + ", unix_start_time=" + std::to_string(h.unix_start_time) + ")";
      });

  py::class_<Workload>(m, "Workload",
                       "Jobs sorted by arrival plus what the source says about its machine. "
                       "Transforms return a new Workload.")
      .def(py::init<>())
      .def_static(
          "from_jobs",
          [](std::vector<JobSpec> jobs, const std::string& name, int64_t machine_procs) {
            Workload w;
            w.name = name;
            w.jobs = std::move(jobs);
            w.machine.max_procs = machine_procs;
            w.sort_by_arrival();
            return w;
          },
          py::arg("jobs"), py::arg("name") = "jobs", py::arg("machine_procs") = 0,
          "A workload from a list of Job (sorted by arrival here).")
      .def_static("from_arrays", &workload_from_arrays, py::arg("submit"), py::arg("runtime"), py::arg("tasks"),
                  py::arg("walltime") = py::none(), py::arg("trace_id") = py::none(), py::arg("user") = py::none(),
                  py::arg("cores_per_task") = 1, py::arg("name") = "arrays", py::arg("machine_procs") = 0,
                  "A workload from numpy columns (seconds; walltime defaults to runtime, trace_id to 1..n, "
                  "user to -1); jobs are sorted by arrival.")
      .def_readwrite("name", &Workload::name)
      .def_readwrite("machine", &Workload::machine)
      .def_readonly("skipped", &Workload::skipped, "records the source held but the workload does not, by reason")
      .def_readonly("warnings", &Workload::warnings)
      .def("__len__", [](const Workload& w) { return w.jobs.size(); })
      .def("__getitem__", &job_at, py::arg("index"), "A copy of job `index` (in arrival order).")
      .def_property_readonly("span", [](const Workload& w) { return w.span().seconds(); },
                             "seconds between the first and the last submit")
      .def("arrays", &workload_columns,
           "Every job as numpy columns: trace_id, submit, runtime, walltime (s), tasks, "
           "cores_per_task, gpu_milli_per_task, mem_mib_per_task, user, group, queue, partition, "
           "status, job_type.")
      .def(
          "stats", [](const Workload& w, int64_t procs) { return stats_dict(compute_stats(w, procs)); },
          py::arg("machine_procs") = 0, "Summary statistics (machine_procs 0: from the workload).")
      .def(
          "describe", [](const Workload& w, int64_t procs) { return format_stats(compute_stats(w, procs)); },
          py::arg("machine_procs") = 0, "The statistics as `clustersim info` prints them.")
      .def("take", &take, py::arg("n"), py::arg("offset") = 0, "n consecutive jobs from index offset.")
      .def("take_random", &take_random, py::arg("n"), py::arg("seed"), "n consecutive jobs from a seeded start.")
      .def("scale_load", &scale_load, py::arg("factor"), "Compress inter-arrival times by factor.")
      .def(
          "time_window",
          [](const Workload& w, double from, double to) {
            return time_window(w, seconds_to_time(from, "from"), seconds_to_time(to, "to"));
          },
          py::arg("start"), py::arg("end"), "The jobs submitted in [start, end) seconds.")
      .def("shift_to_zero", &shift_to_zero, "Move submit times so that the first job arrives at 0.")
      .def(
          "filter",
          [](const Workload& w, const py::object& keep) {
            if (PyCallable_Check(keep.ptr()))
              return filter(w, [&keep](const JobSpec& j) { return keep(j).cast<bool>(); });
            auto mask = py::array_t<bool, py::array::forcecast>::ensure(keep);
            if (!mask || mask.ndim() != 1 || static_cast<size_t>(mask.size()) != w.jobs.size())
              throw InputError("filter: expected a callable or a boolean mask of " + std::to_string(w.jobs.size()) +
                               " values");
            const bool* keep_row = mask.data();
            const JobSpec* first = w.jobs.data();
            return filter(w, [keep_row, first](const JobSpec& j) { return keep_row[&j - first]; });
          },
          py::arg("keep"), "The jobs for which keep(job) is true, or where a boolean mask is true.")
      .def("to_swf_text", py::overload_cast<const Workload&>(&to_swf_text))
      .def(
          "write_swf", [](const Workload& w, const std::filesystem::path& p) { write_swf(p.string(), w); },
          py::arg("path"))
      .def("__repr__", [](const Workload& w) {
        return "<clustersim.Workload '" + w.name + "': " + std::to_string(w.jobs.size()) + " jobs>";
      });

  m.def(
      "read_swf",
      [](const std::filesystem::path& path, const SwfOptions& options) { return read_swf(path.string(), options); },
      py::arg("path"), py::arg("options") = SwfOptions{}, py::call_guard<py::gil_scoped_release>(),
      "Read an SWF log into a Workload; a malformed line raises InputError 'file:line: field ...'.");
  m.def("parse_swf", py::overload_cast<std::string_view, const std::string&, const SwfOptions&>(&parse_swf),
        py::arg("text"), py::arg("name") = "<text>", py::arg("options") = SwfOptions{},
        "Parse SWF text; `name` labels error messages.");
  m.def("generate_lublin", &generate_lublin, py::arg("config"), py::call_guard<py::gil_scoped_release>());
  m.def("generate_poisson", &generate_poisson, py::arg("config"), py::call_guard<py::gil_scoped_release>());
}

}  // namespace clustersim::py_bindings
