// Policies: the registry listing, the Policy base class for Python subclasses, and the View
// and Decisions handles they receive (sim/policy.hpp, sim/view.hpp).
#include "policies/registry.hpp"
#include "python/py_policy.hpp"
#include "sim/error.hpp"

namespace clustersim::py_bindings {

const EngineView& ViewHandle::get() const {
  if (!view_)
    throw std::runtime_error(
        "this View is no longer valid: a view (and its Decisions) can only be used during the "
        "schedule() or reset() call that received it");
  return *view_;
}

Decisions& DecisionsHandle::get() const {
  if (!decisions_)
    throw std::runtime_error(
        "these Decisions are no longer valid: they can only be used during the schedule() call that received them");
  return *decisions_;
}

std::string python_policy_name(const py::handle& policy) {
  py::object n = py::getattr(policy, "name", py::none());
  if (py::isinstance<py::str>(n)) return n.cast<std::string>();
  return py::type::of(policy).attr("__name__").cast<std::string>();
}

namespace {

// Invalidates the handles given to Python when a call ends, however it ends.
class HandleGuard {
 public:
  HandleGuard(py::object view, py::object decisions) : view_(std::move(view)), decisions_(std::move(decisions)) {}
  ~HandleGuard() {
    view_.cast<ViewHandle&>().invalidate();
    if (decisions_) decisions_.cast<DecisionsHandle&>().invalidate();
  }
  HandleGuard(const HandleGuard&) = delete;
  HandleGuard& operator=(const HandleGuard&) = delete;

 private:
  py::object view_, decisions_;
};

py::handle self_of(const PyPolicy* p) {
  return py::detail::get_object_handle(static_cast<const Policy*>(p), py::detail::get_type_info(typeid(Policy)));
}

// An engine JobId from a Python integer. Ids the engine cannot hold are refused here with the
// engine's wording; ids past the last job are refused by the engine itself.
JobId job_id(int64_t j, const char* decision) {
  if (j < 0 || j >= static_cast<int64_t>(UINT32_MAX))
    throw DecisionError(std::string(decision) + " job " + std::to_string(j) + " refused: no such job");
  return JobId(static_cast<uint32_t>(j));
}

// A read accessor's job id: out of range is an IndexError (reads are not decisions).
JobId read_id(const EngineView& v, int64_t j) {
  if (j < 0 || static_cast<uint64_t>(j) >= v.num_jobs())
    throw py::index_error("job " + std::to_string(j) + " out of range (the workload has " +
                          std::to_string(v.num_jobs()) + " jobs)");
  return JobId(static_cast<uint32_t>(j));
}

double seconds_or_nan(Time t) { return t == Time::max() ? std::nan("") : t.seconds(); }

template <class Range>
py::array_t<int64_t> id_array(const Range& ids, size_t n) {
  py::array_t<int64_t> a(static_cast<py::ssize_t>(n));
  int64_t* out = a.mutable_data();
  for (JobId j : ids) *out++ = j.value();
  return a;
}

// Columns for the given jobs: what a policy may reason with (the real runtime is left out;
// View.job(j).runtime has it for oracle experiments).
py::dict job_columns(const EngineView& v, const int64_t* ids, size_t n) {
  std::vector<int64_t> trace_id(n), tasks(n), cores(n), gpu(n), mem(n);
  std::vector<double> submit(n), walltime(n), start(n), expected_end(n);
  std::vector<int32_t> user(n);
  std::vector<int8_t> state(n);
  for (size_t i = 0; i < n; ++i) {
    JobId j = read_id(v, ids[i]);
    const JobSpec& s = v.spec(j);
    const JobRecord& r = v.record(j);
    Resources total = s.total();
    size_t k = i;
    trace_id[k] = s.trace_id, tasks[k] = s.tasks, cores[k] = total.cores, gpu[k] = total.gpu_milli;
    mem[k] = total.mem_mib, user[k] = s.user, state[k] = static_cast<int8_t>(r.state);
    submit[k] = s.submit.seconds(), walltime[k] = s.walltime.seconds();
    start[k] = seconds_or_nan(r.first_start);
    expected_end[k] = r.state == JobState::Running ? seconds_or_nan(r.expected_end) : std::nan("");
  }
  py::dict d;
  d["id"] = py::array_t<int64_t>(static_cast<py::ssize_t>(n), ids);
  d["trace_id"] = to_numpy(trace_id);
  d["submit"] = to_numpy(submit);
  d["walltime"] = to_numpy(walltime);
  d["tasks"] = to_numpy(tasks);
  d["cores"] = to_numpy(cores);
  d["gpu_milli"] = to_numpy(gpu);
  d["mem_mib"] = to_numpy(mem);
  d["user"] = to_numpy(user);
  d["state"] = to_numpy(state);
  d["start"] = to_numpy(start);
  d["expected_end"] = to_numpy(expected_end);
  return d;
}

std::vector<Slot> to_placement(const std::vector<std::pair<int64_t, int64_t>>& slots) {
  std::vector<Slot> p;
  p.reserve(slots.size());
  for (const auto& [node, tasks] : slots) {
    if (node < 0 || node >= static_cast<int64_t>(UINT32_MAX) || tasks < INT32_MIN || tasks > INT32_MAX)
      throw DecisionError("placement: slot (" + std::to_string(node) + ", " + std::to_string(tasks) +
                          ") refused: no such node or task count");
    p.push_back(Slot{NodeId(static_cast<uint32_t>(node)), static_cast<int32_t>(tasks)});
  }
  return p;
}

PlacementStrategy to_strategy(const std::string& s) {
  if (s == "first-fit") return PlacementStrategy::FirstFit;
  if (s == "round-robin") return PlacementStrategy::RoundRobin;
  throw DecisionError("start: placement strategy '" + s + "' refused: expected first-fit or round-robin");
}

py::list placement_list(std::span<const Slot> p) {
  py::list l;
  for (const Slot& s : p) l.append(py::make_tuple(s.node.value(), s.tasks));
  return l;
}

void bind_view(py::module_& m) {
  py::class_<JobRecord>(m, "JobRecord", "The dynamic part of a job (times in s; NaN: not yet).")
      .def_property_readonly("state", [](const JobRecord& r) { return std::string(to_string(r.state)); })
      .def_property_readonly("first_start", [](const JobRecord& r) { return seconds_or_nan(r.first_start); })
      .def_property_readonly("last_start", [](const JobRecord& r) { return seconds_or_nan(r.last_start); })
      .def_property_readonly("end", [](const JobRecord& r) { return seconds_or_nan(r.end); })
      .def_property_readonly("expected_end", [](const JobRecord& r) { return seconds_or_nan(r.expected_end); })
      .def_property_readonly("remaining", [](const JobRecord& r) { return r.remaining_us / 1e6; },
                             "work left, in seconds at rate 1")
      .def_readonly("rate", &JobRecord::rate)
      .def_readonly("preemptions", &JobRecord::preemptions)
      .def_readonly("migrations", &JobRecord::migrations);

  py::class_<ViewHandle>(m, "View",
                         "The engine's state, read-only, during one policy call. Job ids are the "
                         "engine's (0..n-1 in arrival order), not the trace's job numbers.")
      .def_property_readonly("now", [](const ViewHandle& h) { return h.get().now().seconds(); }, "time (s)")
      .def_property_readonly("now_us", [](const ViewHandle& h) { return h.get().now().us(); },
                             "time (integer microseconds)")
      .def_property_readonly("num_jobs", [](const ViewHandle& h) { return h.get().num_jobs(); })
      .def_property_readonly("arrived", [](const ViewHandle& h) { return h.get().arrived(); },
                             "jobs 0..arrived-1 have been submitted")
      .def(
          "queue", [](const ViewHandle& h) { return id_array(h.get().queue(), h.get().queue().size()); },
          "Ids of the queued jobs in arrival order (int64 array).")
      .def(
          "running",
          [](const ViewHandle& h) {
            auto r = h.get().running_by_expected_end();
            return id_array(r, r.size());
          },
          "Ids of the running jobs by expected end (start + estimate), then id.")
      .def(
          "jobs",
          [](const ViewHandle& h, py::array_t<int64_t, py::array::forcecast | py::array::c_style> ids) {
            if (ids.ndim() != 1) throw py::value_error("jobs(): expected a 1-D array of job ids");
            return job_columns(h.get(), ids.data(), static_cast<size_t>(ids.size()));
          },
          py::arg("ids"),
          "Columns for these jobs: id, trace_id, submit, walltime (s), tasks, cores, gpu_milli, "
          "mem_mib (totals), user, state, start (NaN if never started), expected_end (NaN unless running).")
      .def(
          "queue_jobs",
          [](const ViewHandle& h) {
            std::vector<int64_t> ids;
            for (JobId j : h.get().queue()) ids.push_back(j.value());
            return job_columns(h.get(), ids.data(), ids.size());
          },
          "jobs(queue()).")
      .def(
          "job", [](const ViewHandle& h, int64_t j) { return h.get().spec(read_id(h.get(), j)); }, py::arg("id"),
          "A copy of the job's static description (a Job).")
      .def(
          "record", [](const ViewHandle& h, int64_t j) { return h.get().record(read_id(h.get(), j)); },
          py::arg("id"), "A copy of the job's dynamic state (a JobRecord).")
      .def(
          "state",
          [](const ViewHandle& h, int64_t j) { return std::string(to_string(h.get().state(read_id(h.get(), j)))); },
          py::arg("id"))
      .def(
          "placement",
          [](const ViewHandle& h, int64_t j) { return placement_list(h.get().placement(read_id(h.get(), j))); },
          py::arg("id"), "Where a running job is: [(node, tasks), ...]; [] when not running.")
      .def(
          "fits_now", [](const ViewHandle& h, int64_t j) { return h.get().fits_now(read_id(h.get(), j)); },
          py::arg("id"), "Whether the job could be placed right now.")
      .def_property_readonly("free", [](const ViewHandle& h) { return h.get().cluster().total_free(); },
                             "free Resources on the nodes that are up")
      .def_property_readonly("capacity", [](const ViewHandle& h) { return h.get().cluster().up_capacity(); },
                             "Resources of the nodes that are up")
      .def_property_readonly("cluster", [](const ViewHandle& h) { return h.get().cluster(); },
                             "a snapshot (copy) of the cluster")
      .def_property_readonly(
          "reasons",
          [](const ViewHandle& h) {
            const DecisionReasons& r = h.get().reasons();
            py::dict d;
            d["arrivals"] = r.arrivals, d["finishes"] = r.finishes, d["wakeup"] = r.wakeup, d["round"] = r.round;
            return d;
          },
          "why the policy is called: {arrivals, finishes, wakeup, round}")
      .def_property_readonly("finished_count", [](const ViewHandle& h) { return h.get().finished_count(); })
      .def_property_readonly("rejected_count", [](const ViewHandle& h) { return h.get().rejected_count(); })
      .def_property_readonly("failed_count", [](const ViewHandle& h) { return h.get().failed_count(); });

  py::class_<DecisionsHandle>(m, "Decisions",
                              "What a policy can do during schedule(). The engine validates each "
                              "decision and applies it at once (the view shows it); an invalid one "
                              "raises DecisionError naming the job and the reason.")
      .def_property_readonly("view", &DecisionsHandle::view)
      .def(
          "start",
          [](const DecisionsHandle& h, int64_t j, const py::object& placement) {
            Decisions& d = h.get();
            JobId id = job_id(j, "start");
            if (placement.is_none()) d.start(id);
            else if (py::isinstance<py::str>(placement)) d.start(id, to_strategy(placement.cast<std::string>()));
            else d.start(id, to_placement(placement.cast<std::vector<std::pair<int64_t, int64_t>>>()));
          },
          py::arg("job"), py::arg("placement") = py::none(),
          "Start a queued job: with the engine's default placement, a strategy ('first-fit', "
          "'round-robin') or an explicit placement [(node, tasks), ...].")
      .def(
          "try_start",
          [](const DecisionsHandle& h, int64_t j, const py::object& strategy) {
            Decisions& d = h.get();
            JobId id = job_id(j, "start");
            if (strategy.is_none()) return d.try_start(id);
            return d.try_start(id, to_strategy(strategy.cast<std::string>()));
          },
          py::arg("job"), py::arg("strategy") = py::none(),
          "Start a queued job if it fits now; returns whether it started.")
      .def(
          "preempt", [](const DecisionsHandle& h, int64_t j) { h.get().preempt(job_id(j, "preempt")); },
          py::arg("job"), "Put a running job back in the queue (it keeps its progress).")
      .def(
          "migrate",
          [](const DecisionsHandle& h, int64_t j, const std::vector<std::pair<int64_t, int64_t>>& placement) {
            h.get().migrate(job_id(j, "migrate"), to_placement(placement));
          },
          py::arg("job"), py::arg("placement"), "Move a running job to [(node, tasks), ...].")
      .def(
          "wake_at", [](const DecisionsHandle& h, double t) { h.get().wake_at(seconds_to_time_ceil(t, "wake_at")); },
          py::arg("time"), "Be called again at `time` (s, > now) even if nothing else happens.")
      .def(
          "apply",
          [](const DecisionsHandle& h, const std::vector<std::pair<int64_t, std::vector<std::pair<int64_t, int64_t>>>>& leases) {
            Allocation a;
            for (const auto& [j, placement] : leases) a.add(job_id(j, "allocate"), to_placement(placement));
            const AllocationChanges c = h.get().apply(a);
            py::dict d;
            d["kept"] = c.kept, d["started"] = c.started, d["migrated"] = c.migrated, d["preempted"] = c.preempted;
            return d;
          },
          py::arg("leases"),
          "Renew a round's leases: [(job, [(node, tasks), ...]), ...] run until the next round; running "
          "jobs left out are preempted, moved ones migrated, queued ones started (docs/lp.md). "
          "Returns {kept, started, migrated, preempted}.");
}

}  // namespace

std::string PyPolicy::name() const {
  py::gil_scoped_acquire gil;
  py::handle self = self_of(this);
  return self ? python_policy_name(self) : "python";
}

void PyPolicy::reset(const EngineView& view) {
  py::gil_scoped_acquire gil;
  py::function f = py::get_override(static_cast<const Policy*>(this), "reset");
  if (!f) return;
  py::object v = py::cast(ViewHandle(&view));
  HandleGuard guard(v, py::object());
  f(v);
}

void PyPolicy::schedule(Decisions& decisions) {
  py::gil_scoped_acquire gil;
  py::function f = py::get_override(static_cast<const Policy*>(this), "schedule");
  if (!f) throw py::type_error("a clustersim.Policy subclass must define schedule(self, view, decisions)");
  py::object v = py::cast(ViewHandle(&decisions.view()));
  py::object d = py::cast(DecisionsHandle(&decisions, v));
  HandleGuard guard(v, d);
  f(v, d);
}

Time PyPolicy::round_interval() const {
  py::gil_scoped_acquire gil;
  py::handle self = self_of(this);
  if (!self || !py::hasattr(self, "round_interval")) return Time::zero();
  py::object r = self.attr("round_interval");
  if (r.is_none()) return Time::zero();
  return seconds_to_time_ceil(r.cast<double>(), "round_interval");
}

void bind_policy(py::module_& m) {
  bind_view(m);

  py::class_<Policy, PyPolicy>(m, "Policy",
                               "Base class of policies written in Python. Subclass it, call "
                               "super().__init__() if you define __init__, and define "
                               "schedule(self, view, decisions); optionally reset(self, view), called "
                               "once before the first event, and a `name` attribute (default: the "
                               "class name), written to the run file. A `round_interval` attribute (s) makes it "
                               "round-based: the engine then calls it every round (view.reasons['round']) "
                               "and decisions.apply(leases) renews the round's leases.")
      .def(py::init<>());

  py::class_<ParamInfo>(m, "ParamInfo")
      .def_readonly("name", &ParamInfo::name)
      .def_readonly("default", &ParamInfo::default_value)
      .def_readonly("description", &ParamInfo::description)
      .def("__repr__",
           [](const ParamInfo& p) { return "ParamInfo('" + p.name + "', default='" + p.default_value + "')"; });
  py::class_<PolicyInfo>(m, "PolicyInfo")
      .def_readonly("name", &PolicyInfo::name)
      .def_readonly("description", &PolicyInfo::description)
      .def_readonly("params", &PolicyInfo::params)
      .def("__repr__", [](const PolicyInfo& p) { return "PolicyInfo('" + p.name + "')"; });
  m.def(
      "policies", [] { return PolicyRegistry::builtin().all(); },
      "The built-in policies with their descriptions and parameters (as `clustersim policies`).");
}

}  // namespace clustersim::py_bindings
