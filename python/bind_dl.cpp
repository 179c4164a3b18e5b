// Deep-learning clusters from Python: cluster specs, every trace format, the Gavel-style
// generator (docs/dl.md, docs/traces.md, docs/cluster-spec.md).
#include <algorithm>

#include "python/bindings.hpp"
#include "sim/error.hpp"
#include "traces/cluster_spec.hpp"
#include "traces/format.hpp"
#include "traces/openb.hpp"
#include "workloads/dl.hpp"

namespace clustersim::py_bindings {

namespace {

std::string path_of(const py::object& p) {
  return py::str(py::module_::import("os").attr("fsdecode")(p)).cast<std::string>();
}

constexpr const char* kGavel = CLUSTERSIM_DATA_DIR "/gavel-throughputs/simulation_throughputs.json";

}  // namespace

void bind_dl(py::module_& m) {
  m.def(
      "read_cluster_spec",
      [](const py::object& path) {
        const std::string p = path_of(path);
        const bool csv = p.size() >= 4 && p.compare(p.size() - 4, 4, ".csv") == 0;
        return csv ? read_openb_cluster(p).cluster : read_cluster_spec(p).cluster;
      },
      py::arg("path"),
      "A cluster from a TOML spec (docs/cluster-spec.md) or an openb node list (.csv), as --cluster-spec reads it.");
  m.def(
      "read_trace",
      [](const py::object& path, const std::optional<std::string>& format, const py::kwargs& settings) {
        TraceOptions o;
        if (format) o.format = parse_trace_format(*format);
        // Reader settings by their option names, '_' for '-': cpu_unit="cores", lenient=True, ...
        std::vector<std::pair<std::string, std::string>> pairs;
        for (const auto& [k, v] : settings) {
          std::string key = py::str(k).cast<std::string>();
          std::replace(key.begin(), key.end(), '_', '-');
          std::string value = py::isinstance<py::bool_>(v) ? (v.cast<bool>() ? "true" : "false") : py::str(v).cast<std::string>();
          pairs.emplace_back(std::move(key), std::move(value));
        }
        o.apply(pairs);
        const std::string p = path_of(path);
        py::gil_scoped_release release;
        return load_trace(p, o);
      },
      py::arg("path"), py::arg("format") = py::none(),
      "Any supported trace (SWF, openb, Philly, PAI, Helios, Alibaba 2018, a workload cache), the format from "
      "the name and content unless given: what --trace reads. Keyword arguments are the reader settings the CLI "
      "takes, '-' written '_' (cpu_unit='cores', lenient=True, skip_unfinished=True, ...); an unknown one raises "
      "InputError.");
  m.def("gavel_throughputs", [] { return std::string(kGavel); },
        "The path of the shipped Gavel throughput table (data/gavel-throughputs).");
  m.def(
      "generate_dl",
      [](int64_t jobs, double jobs_per_hour, const py::object& throughputs, bool single_gpu, int32_t users,
         const std::string& reference_gpu, uint64_t seed) {
        DlWorkloadConfig c;
        c.jobs = jobs;
        c.jobs_per_hour = jobs_per_hour;
        c.multi_gpu = !single_gpu;
        c.users = users;
        c.reference_gpu = reference_gpu;
        c.seed = seed;
        const ThroughputTable table = read_throughputs(throughputs.is_none() ? std::string(kGavel) : path_of(throughputs));
        return generate_dl(table, c);
      },
      py::kw_only(), py::arg("jobs") = 500, py::arg("jobs_per_hour") = 6.0, py::arg("throughputs") = py::none(),
      py::arg("single_gpu") = false, py::arg("users") = 10, py::arg("reference_gpu") = "v100", py::arg("seed") = 1,
      "Gavel-style DL jobs (docs/dl.md); run them with run(..., throughputs=<the same table>).");
  m.def(
      "assign_dl_job_types",
      [](const Workload& w, const py::object& throughputs, uint64_t seed, const std::string& reference_gpu,
         bool keep_shares) {
        DlJobTypesConfig c;
        c.seed = seed;
        c.reference_gpu = reference_gpu;
        c.keep_shares = keep_shares;
        const ThroughputTable table = read_throughputs(throughputs.is_none() ? std::string(kGavel) : path_of(throughputs));
        DlJobTypesResult r = assign_dl_job_types(w, table, c);
        py::dict counts;
        counts["converted"] = r.converted, counts["rounded_up"] = r.rounded_up, counts["kept_shares"] = r.kept_shares;
        counts["remapped_scale"] = r.remapped_scale, counts["without_gpus"] = r.without_gpus;
        return py::make_tuple(std::move(r.workload), counts);
      },
      py::arg("workload"), py::arg("throughputs") = py::none(), py::kw_only(), py::arg("seed") = 1,
      py::arg("reference_gpu") = "v100", py::arg("keep_shares") = false,
      "A real GPU trace's jobs given seeded random job types of the throughput table, as --dl-job-types does "
      "(docs/dl.md): returns (workload, counts), counts a dict of converted, rounded_up, kept_shares, "
      "remapped_scale and without_gpus. keep_shares=True keeps a one-task job's share of a GPU (it then shares its "
      "GPU at the table's co-located throughputs). Run it with run(..., throughputs=<the same table>).");
}

}  // namespace clustersim::py_bindings
