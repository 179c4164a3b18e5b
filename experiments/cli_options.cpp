#include "experiments/cli_options.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <sstream>

#include "policies/params.hpp"
#include "sim/error.hpp"
#include "workloads/text.hpp"
#include "traces/format.hpp"
#include "traces/cluster_spec.hpp"
#include "traces/openb.hpp"
#include "workloads/lublin.hpp"
#include "workloads/poisson.hpp"
#include "workloads/transforms.hpp"

namespace clustersim::cli {

void add_trace_reader_options(po::options_description& d) {
  d.add_options()
      ("trace-format", po::value<std::string>(),
       "the trace's format: swf, openb, philly, pai, helios, alibaba2018 or cache (default: from its name and content)")
      ("swf-procs", po::value<std::string>()->default_value("allocated"),
       "SWF processors: allocated (field 5, else 8), requested (8, else 5) or max")
      ("swf-estimate", po::value<std::string>()->default_value("requested"),
       "SWF estimate: requested (field 9, else the runtime) or runtime")
      ("skip-failed", po::bool_switch(), "drop jobs with status 0 (failed)")
      ("skip-cancelled", po::bool_switch(), "drop jobs with status 5 (cancelled; Philly: killed)")
      ("lenient", po::bool_switch(), "skip and count malformed lines or rows instead of stopping at the first")
      ("cpu-unit", po::value<std::string>()->default_value("milli"),
       "openb, pai, helios, alibaba2018: what a job's cores count: milli (milli-CPUs, exact) or cores (rounded up)")
      ("skip-unfinished", po::bool_switch(),
       "DL traces: drop jobs still running when the trace ends (default: they run until its last timestamp)")
      ("philly-runtime", po::value<std::string>()->default_value("span"),
       "Philly runtime: span (first attempt's start to last attempt's end) or attempts (sum of the attempts)")
      ("alibaba2018-memory-mib", po::value<int64_t>()->default_value(0),
       "Alibaba 2018: MiB of the largest machine, which plan_mem 100 stands for (0: memory not modelled)");
}

void add_workload_options(po::options_description& d) {
  d.add_options()
      ("trace", po::value<std::string>(),
       "workload trace: SWF, openb pod list, Philly job log, PAI folder, Helios cluster_log, Alibaba 2018 "
       "batch_task, or a workload cache (docs/traces.md)")
      ("trace-cache", po::value<std::string>()->default_value("off"),
       "auto: keep a workload cache FILE.cache next to the trace and load it while it is current; off: parse every time")
      ("synthetic", po::value<std::string>(), "generate the workload instead: lublin, poisson or dl (Gavel-style DL jobs)")
      ("jobs", po::value<int64_t>()->default_value(kDefaultJobs), "synthetic: number of jobs")
      ("machine-procs", po::value<int64_t>()->default_value(kDefaultProcs), "synthetic: machine size in processors")
      ("mean-interarrival", po::value<double>()->default_value(60.0), "poisson: mean inter-arrival time (s)")
      ("mean-runtime", po::value<double>()->default_value(3600.0), "poisson: mean runtime (s)")
      ("estimate-factor", po::value<double>()->default_value(1.0), "synthetic: walltime = runtime x U[1, f)")
      ("jobs-per-hour", po::value<double>()->default_value(6.0), "dl: Poisson arrival rate (0: all at time 0)")
      ("elastic-fraction", po::value<double>()->default_value(0.0), "dl: share of jobs made elastic (g GPUs: may run on max(1, g/2) to 2g; docs/dl.md)")
      ("single-gpu", po::bool_switch(), "dl: every job uses one GPU (default: 1/2/4/8 as in Gavel)")
      ("users", po::value<int32_t>()->default_value(10), "dl: jobs belong to this many users")
      ("seed", po::value<uint64_t>()->default_value(1), "seed for generators and random transforms");
  add_trace_reader_options(d);
  d.add_options()
      ("throughputs", po::value<std::string>(),
       "DL throughput table (Gavel JSON or CSV, docs/throughputs.md): jobs with a job type run at its rates "
       "(default for --synthetic dl and --dl-job-types: the shipped Gavel table)")
      ("reference-gpu", po::value<std::string>()->default_value("v100"), "DL: the GPU type a job's runtime is measured on")
      ("cross-rack-penalty", po::value<double>()->default_value(0.0), "DL: speed lost (0..1) when a job's workers span racks")
      ("ignore-colocation", po::bool_switch(),
       "DL: a worker holding a share of a GPU runs at its isolated throughput whoever shares the GPU "
       "(default: the table's co-located throughputs, docs/dl.md)")
      ("dl-job-types", po::bool_switch(),
       "DL: give each GPU job of the --trace a job type (model) drawn with --seed from the throughput table, "
       "and run at its rates (docs/dl.md)")
      ("dl-keep-shares", po::bool_switch(),
       "with --dl-job-types: a job asking for a share of one GPU keeps it (and shares its GPU at the co-located "
       "throughputs) instead of being rounded up to a whole GPU");
  d.add_options()
      ("offset", po::value<int64_t>()->default_value(0), "transform: skip this many jobs first")
      ("take", po::value<int64_t>()->default_value(0), "transform: keep this many consecutive jobs (0: all)")
      ("random-start", po::bool_switch(), "transform: with --take, start at a seeded random offset")
      ("load-scale", po::value<double>()->default_value(1.0), "transform: multiply the load by compressing inter-arrival times");
}

void add_cluster_options(po::options_description& d) {
  d.add_options()
      ("cluster-spec", po::value<std::string>(),
       "the cluster from a file: a TOML spec (docs/cluster-spec.md) or an openb node list (.csv)")
      ("procs", po::value<int64_t>(), "a processor pool of this many cores (default: the trace's MaxProcs, else MaxNodes)")
      ("nodes", po::value<int64_t>(), "model nodes: this many identical nodes ...")
      ("cores-per-node", po::value<int64_t>()->default_value(1), "... of this many cores each");
}

void add_engine_options(po::options_description& d) {
  d.add_options()
      ("sample-interval", po::value<double>()->default_value(-1), "time-series sample period in s (-1: about 1000 samples; 0: off)")
      ("round-interval", po::value<double>()->default_value(0), "periodic scheduling round in s (0: none)")
      ("check-invariants", po::bool_switch(), "check the engine's invariants after every instant (slower)")
      ("flush-seconds", po::value<double>()->default_value(10.0),
       "HDF5 output: at most this many seconds between flushes (what a killed run keeps)")
      ("restore-delay", po::value<double>()->default_value(0), "s a preempted, migrated or killed job waits before it progresses again")
      ("mtbf-hours", po::value<double>()->default_value(0), "node failures: mean time between failures of each node, h (0: none)")
      ("mttr-hours", po::value<double>()->default_value(1), "node failures: mean time to repair, h")
      ("failure-seed", po::value<uint64_t>()->default_value(1), "node failures: seed of the MTBF/MTTR model")
      ("node-events", po::value<std::string>(), "node failures and repairs from a CSV file (time_s,node,fail|repair)")
      ("on-node-failure", po::value<std::string>()->default_value("requeue"), "what happens to the jobs of a failed node: requeue | fail")
      ("checkpoint-interval", po::value<double>()->default_value(0), "s of work between a running job's checkpoints (0: none; a killed job restarts from its last preemption or from scratch)");
}

void add_autoscale_options(po::options_description& d) {
  d.add_options()
      ("autoscale", po::bool_switch(),
       "power nodes on and off with the demand (docs/autoscaling.md); needs nodes: --nodes N --cores-per-node C "
       "or --cluster-spec")
      ("autoscale-param", po::value<std::vector<std::string>>()->composing(),
       "autoscaler setting key=value (repeatable): forecaster (ewma | last | mlp), interval_s, horizon_s, scale_out, "
       "scale_in, headroom, cooldown_s, min_nodes, max_nodes, initial_nodes, seed, forecaster.KEY")
      ("node-power", po::value<std::vector<std::string>>()->composing(),
       "node power and cost key=value (repeatable): idle_w, busy_w, cost_per_hour, boot_s, for every node type or "
       "as TYPE.KEY for one (defaults: docs/autoscaling.md)");
}

std::string trace_path(const po::variables_map& vm) {
  return vm.count("trace") ? vm["trace"].as<std::string>() : std::string();
}

// An option's value as the settings of TraceOptions write it.
static std::string setting_text(const po::variable_value& v) {
  const auto& any = v.value();
  if (auto p = boost::any_cast<std::string>(&any)) return *p;
  if (auto b = boost::any_cast<bool>(&any)) return *b ? "true" : "false";
  if (auto n = boost::any_cast<int64_t>(&any)) return std::to_string(*n);
  return "?";
}

template <class Parse>
static auto option(const po::variables_map& vm, const char* name, Parse&& parse) {
  try {
    return parse(vm[name].as<std::string>());
  } catch (const InputError& e) {
    throw InputError(std::string("--") + name + ": " + e.what());
  }
}

TraceOptions trace_options(const po::variables_map& vm) {
  TraceOptions o;
  if (vm.count("trace-format")) o.format = option(vm, "trace-format", parse_trace_format);
  o.strict = !vm["lenient"].as<bool>();
  o.skip_failed = vm["skip-failed"].as<bool>();
  o.skip_cancelled = vm["skip-cancelled"].as<bool>();
  o.swf_procs = option(vm, "swf-procs", parse_procs_source);
  o.swf_estimate = option(vm, "swf-estimate", parse_estimate_source);
  o.cpu = option(vm, "cpu-unit", parse_openb_cpu_unit);
  o.skip_unfinished = vm["skip-unfinished"].as<bool>();
  o.philly_runtime = option(vm, "philly-runtime", parse_philly_runtime);
  o.alibaba2018_memory_mib = vm["alibaba2018-memory-mib"].as<int64_t>();
  try {
    o.alibaba2018().validate();
  } catch (const InputError&) {
    throw InputError("--alibaba2018-memory-mib: expected 0 (not modelled) or a positive size up to 2^32 MiB, found " +
                     std::to_string(o.alibaba2018_memory_mib));
  }
  if (vm.count("trace-cache")) o.cache = option(vm, "trace-cache", parse_cache_use);
  return o;
}

// A cache records the settings it was made with: a reader option given explicitly that
// disagrees would otherwise be ignored silently.
static void check_cache_settings(const po::variables_map& vm, const std::string& path) {
  CacheSource source;
  try {
    source = read_cache_source(path);
  } catch (const CacheError&) {
    return;  // load_trace reports it (or rebuilds the cache)
  }
  for (const auto& [key, value] : source.settings) {
    if (!vm.count(key) || vm[key].defaulted()) continue;
    const std::string given = setting_text(vm[key]);
    if (given != value) {
      throw InputError("--" + key + " " + given + ": " + path + " was converted with --" + key + " " + value +
                       " (from " + source.path + "); convert the trace again with the settings you want, or give the "
                       "trace itself");
    }
  }
}

static Workload base_workload(const po::variables_map& vm) {
  if (vm.count("trace") && vm.count("synthetic"))
    throw InputError("--trace and --synthetic: give one workload, not both");
  if (vm.count("trace")) {
    const std::string path = vm["trace"].as<std::string>();
    TraceOptions o = trace_options(vm);
    if (!o.format) o.format = detect_trace_format(path);
    if (*o.format == TraceFormat::Cache) check_cache_settings(vm, path);
    return load_trace(path, o);
  }
  std::string kind = vm.count("synthetic") ? vm["synthetic"].as<std::string>() : "lublin";
  if (kind == "dl") {
    DlWorkloadConfig c;
    c.jobs = vm["jobs"].as<int64_t>();
    c.jobs_per_hour = vm["jobs-per-hour"].as<double>();
    c.multi_gpu = !vm["single-gpu"].as<bool>();
    c.users = vm["users"].as<int32_t>();
    c.reference_gpu = vm["reference-gpu"].as<std::string>();
    c.elastic_fraction = vm["elastic-fraction"].as<double>();
    c.seed = vm["seed"].as<uint64_t>();
    return generate_dl(*throughput_table(vm), c);
  }
  if (kind == "lublin") {
    LublinConfig c;
    c.jobs = vm["jobs"].as<int64_t>();
    c.machine_procs = vm["machine-procs"].as<int64_t>();
    c.seed = vm["seed"].as<uint64_t>();
    c.estimate_factor = vm["estimate-factor"].as<double>();
    return generate_lublin(c);
  }
  if (kind == "poisson") {
    PoissonConfig c;
    c.jobs = vm["jobs"].as<int64_t>();
    c.machine_procs = vm["machine-procs"].as<int64_t>();
    c.mean_interarrival_s = vm["mean-interarrival"].as<double>();
    c.mean_runtime_s = vm["mean-runtime"].as<double>();
    c.seed = vm["seed"].as<uint64_t>();
    c.estimate_factor = vm["estimate-factor"].as<double>();
    return generate_poisson(c);
  }
  throw InputError("--synthetic: expected lublin, poisson or dl, got '" + kind + "'");
}

// --dl-job-types: the trace's GPU jobs become DL jobs of drawn job types (workloads/dl.hpp),
// before the slicing transforms, so a job keeps its type whatever slice is taken.
static void check_dl_job_types_source(const po::variables_map& vm) {
  if (vm.count("synthetic"))
    throw InputError("--dl-job-types and --synthetic: --dl-job-types gives the GPU jobs of a --trace job types "
                     "(--synthetic dl draws its own)");
  if (!vm.count("trace")) throw InputError("--dl-job-types: needs a GPU trace (--trace FILE)");
}

static Workload with_dl_job_types(Workload w, const po::variables_map& vm, std::vector<std::string>* notes) {
  DlJobTypesConfig c;
  c.seed = vm["seed"].as<uint64_t>();
  c.reference_gpu = vm["reference-gpu"].as<std::string>();
  c.keep_shares = vm["dl-keep-shares"].as<bool>();
  const ThroughputTable& table = *throughput_table(vm);
  if (!table.find_gpu_type(c.reference_gpu))
    throw InputError("--reference-gpu: the throughput table has no GPU type '" + c.reference_gpu + "'");
  DlJobTypesResult r;
  try {
    r = assign_dl_job_types(w, table, c);
  } catch (const InputError& e) {
    throw InputError(std::string("--dl-job-types: ") + e.what());
  }
  if (r.converted == 0)
    throw InputError("--dl-job-types: " + w.name + " has no job that asks for GPUs (" + std::to_string(w.jobs.size()) +
                     " jobs)");
  if (notes) {
    std::ostringstream s;
    s << "dl-job-types: " << r.converted << " GPU jobs given a job type (seed " << c.seed << ": " << r.rounded_up
      << " fractional GPU totals rounded up, ";
    if (c.keep_shares) s << r.kept_shares << " GPU shares kept, ";
    s << r.remapped_scale
      << " GPU counts without a job type of their own remapped); " << r.without_gpus << " jobs without GPUs unchanged";
    notes->push_back(s.str());
  }
  return std::move(r.workload);
}

Workload load_workload(const po::variables_map& vm, std::vector<std::string>* notes) {
  const bool dl_job_types = vm["dl-job-types"].as<bool>();
  if (dl_job_types) check_dl_job_types_source(vm);
  if (vm["dl-keep-shares"].as<bool>() && !dl_job_types)
    throw InputError("--dl-keep-shares: only with --dl-job-types (it says how a trace's GPU shares become DL jobs)");
  Workload w = base_workload(vm);
  if (dl_job_types) w = with_dl_job_types(std::move(w), vm, notes);
  int64_t offset = vm["offset"].as<int64_t>(), n = vm["take"].as<int64_t>();
  if (offset < 0) throw InputError("--offset: must be >= 0, got " + std::to_string(offset));
  if (n < 0) throw InputError("--take: must be >= 0, got " + std::to_string(n));
  if (vm["random-start"].as<bool>()) {
    if (n == 0) throw InputError("--random-start: needs --take N");
    w = take_random(w, n, vm["seed"].as<uint64_t>());
  } else if (offset > 0 || n > 0) {
    int64_t avail = static_cast<int64_t>(w.jobs.size()) - offset;
    w = take(w, n > 0 ? n : std::max<int64_t>(0, avail), offset);
  }
  double scale = vm["load-scale"].as<double>();
  if (!(scale > 0) || !std::isfinite(scale)) throw InputError("--load-scale: must be > 0, got " + std::to_string(scale));
  if (scale != 1.0) w = scale_load(w, scale);
  return w;
}

// The shipped Gavel table, in the source tree's data/ (compiled in).
static constexpr const char* kGavelThroughputs = CLUSTERSIM_DATA_DIR "/gavel-throughputs/simulation_throughputs.json";

std::shared_ptr<const ThroughputTable> throughput_table(const po::variables_map& vm) {
  const bool dl = (vm.count("synthetic") && vm["synthetic"].as<std::string>() == "dl") ||
                  (vm.count("dl-job-types") && vm["dl-job-types"].as<bool>());
  if (!vm.count("throughputs") && !dl) return nullptr;
  const std::string path =
      vm.count("throughputs") ? vm["throughputs"].as<std::string>() : std::string(kGavelThroughputs);
  static std::map<std::string, std::shared_ptr<const ThroughputTable>> loaded;  // one read per run of the program
  auto& table = loaded[path];
  if (!table) table = std::make_shared<const ThroughputTable>(read_throughputs(path));
  return table;
}

ThroughputModelConfig speed_config(const po::variables_map& vm) {
  ThroughputModelConfig c;
  c.reference_gpu = vm["reference-gpu"].as<std::string>();
  c.cross_rack_penalty = vm["cross-rack-penalty"].as<double>();
  if (!(c.cross_rack_penalty >= 0 && c.cross_rack_penalty < 1))
    throw InputError("--cross-rack-penalty: must be in [0, 1), got " + std::to_string(c.cross_rack_penalty));
  c.colocation = !vm["ignore-colocation"].as<bool>();
  return c;
}

Cluster make_cluster(const po::variables_map& vm, const Workload& w) {
  if (vm.count("cluster-spec")) {
    if (vm.count("procs") || vm.count("nodes"))
      throw InputError("--cluster-spec and --procs/--nodes: give one cluster, not both");
    const std::string path = vm["cluster-spec"].as<std::string>();
    const bool csv = path.size() >= 4 && path.compare(path.size() - 4, 4, ".csv") == 0;
    if (!csv) return read_cluster_spec(path).cluster;
    // An openb node list counts CPUs in the unit the pods are read with (docs/openb.md): with
    // --cpu-unit cores a node offers whole cores, as the pods then ask for whole cores.
    OpenbOptions openb;
    if (vm.count("cpu-unit")) openb.cpu = option(vm, "cpu-unit", parse_openb_cpu_unit);
    return read_openb_cluster(path, openb).cluster;
  }
  int64_t cores = vm["cores-per-node"].as<int64_t>();
  if (cores < 1) throw InputError("--cores-per-node: must be >= 1, got " + std::to_string(cores));
  if (vm.count("nodes")) {
    if (vm.count("procs")) throw InputError("--procs and --nodes: give one machine size, not both");
    int64_t nodes = vm["nodes"].as<int64_t>();
    if (nodes < 1) throw InputError("--nodes: must be >= 1, got " + std::to_string(nodes));
    return Cluster::homogeneous(nodes, Resources{cores, 0, 0});
  }
  int64_t procs = vm.count("procs") ? vm["procs"].as<int64_t>() : w.machine.processors();
  if (vm.count("procs") && procs < 1) throw InputError("--procs: must be >= 1, got " + std::to_string(procs));
  if (procs < 1)
    throw InputError(w.name + ": the trace gives no machine size (no MaxProcs or MaxNodes header): use --procs N");
  return Cluster::homogeneous(1, Resources{procs, 0, 0}, "pool");
}

EngineConfig make_engine_config(const po::variables_map& vm) {
  EngineConfig c;
  c.check_invariants = vm["check-invariants"].as<bool>();
  auto seconds = [&](const char* name) {
    const double v = vm[name].as<double>();
    if (v < 0 || !std::isfinite(v)) throw InputError(std::string("--") + name + ": must be >= 0");
    // Beyond this, seconds in microseconds would not fit the engine's 64-bit time.
    if (v > kMaxOptionSeconds)
      throw InputError(std::string("--") + name + ": must be at most 1e12 s, got " + text::shortest(v));
    return Time::from_seconds_ceil(v);
  };
  c.round_interval = seconds("round-interval");
  c.restore_delay = seconds("restore-delay");
  c.checkpoint_interval = seconds("checkpoint-interval");
  const std::string on_failure = vm["on-node-failure"].as<std::string>();
  if (on_failure == "requeue") c.on_node_failure = OnNodeFailure::Requeue;
  else if (on_failure == "fail") c.on_node_failure = OnNodeFailure::Fail;
  else throw InputError("--on-node-failure: expected requeue or fail, found '" + on_failure + "'");
  return c;
}

// "k=v,k=v" items of a repeatable option; a later key wins.
static std::map<std::string, std::string> key_values(const po::variables_map& vm, const char* option) {
  std::map<std::string, std::string> p;
  if (!vm.count(option)) return p;
  for (const auto& item : vm[option].as<std::vector<std::string>>()) {
    try {
      for (const auto& [k, v] : parse_param_list(item)) p[k] = v;
    } catch (const InputError&) {
      throw InputError(std::string("--") + option + ": expected key=value, got '" + item + "'");
    }
  }
  return p;
}

AutoscaleConfig autoscale_config(const po::variables_map& vm) {
  AutoscaleConfig c;
  c.enabled = vm.count("autoscale") && vm["autoscale"].as<bool>();
  const auto params = key_values(vm, "autoscale-param");
  if (!params.empty() && !c.enabled) throw InputError("--autoscale-param: needs --autoscale");
  try {
    c.set(params);
    c.validate();
  } catch (const InputError& e) {
    throw InputError(std::string("--autoscale-param: ") + e.what());
  }
  return c;
}

void apply_node_power(const po::variables_map& vm, Cluster& cluster) {
  const auto params = key_values(vm, "node-power");
  const std::vector<std::string> fields = {"idle_w", "busy_w", "cost_per_hour", "boot_s"};
  std::vector<std::string> types;
  for (const NodeType& t : cluster.node_types()) types.push_back(t.name);
  std::vector<NodePower> power;
  for (uint32_t t = 0; t < types.size(); ++t) power.push_back(cluster.power(t));
  // Every-type keys first, then TYPE.KEY ones, whatever the order given; checked at the end.
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& [key, value] : params) {
      const size_t dot = key.rfind('.');
      const std::string field = dot == std::string::npos ? key : key.substr(dot + 1);
      if ((dot != std::string::npos) != (pass == 1)) continue;
      if (std::find(fields.begin(), fields.end(), field) == fields.end())
        throw InputError("--node-power: unknown key '" + key + "'" + did_you_mean(field, fields));
      std::vector<uint32_t> which;
      if (dot == std::string::npos) {
        for (uint32_t t = 0; t < types.size(); ++t) which.push_back(t);
      } else {
        const std::string type = key.substr(0, dot);
        auto it = std::find(types.begin(), types.end(), type);
        if (it == types.end())
          throw InputError("--node-power: key '" + key + "': the cluster has no node type '" + type + "'" +
                           did_you_mean(type, types));
        which.push_back(static_cast<uint32_t>(it - types.begin()));
      }
      double v = 0;
      try {
        size_t used = 0;
        v = std::stod(value, &used);
        if (used != value.size() || !std::isfinite(v)) throw std::invalid_argument(value);
      } catch (const std::exception&) {
        throw InputError("--node-power: key '" + key + "': expected a number, got '" + value + "'");
      }
      if (field == "boot_s" && v < 0)
        throw InputError("--node-power: key '" + key + "': must be >= 0, got '" + value + "'");
      for (uint32_t t : which) {
        NodePower& p = power[t];
        if (field == "idle_w") p.idle_w = v;
        else if (field == "busy_w") p.busy_w = v;
        else if (field == "cost_per_hour") p.cost_per_hour = v;
        else p.boot_time = Time::from_seconds_ceil(v);
      }
    }
  }
  for (uint32_t t = 0; t < types.size(); ++t) {
    try {
      cluster.set_power(t, power[t]);
    } catch (const InputError& e) {
      throw InputError(std::string("--node-power: ") + e.what());
    }
  }
}

void set_failures(const po::variables_map& vm, FailureModel& model, std::vector<NodeEvent>& events) {
  model.mtbf_hours = vm["mtbf-hours"].as<double>();
  model.mttr_hours = vm["mttr-hours"].as<double>();
  model.seed = vm["failure-seed"].as<uint64_t>();
  try {
    model.validate();
  } catch (const InputError& e) {
    const std::string what = e.what();  // "failures.mtbf_hours: must be ..."
    const bool mtbf = what.starts_with("failures.mtbf_hours");
    throw InputError(std::string(mtbf ? "--mtbf-hours" : "--mttr-hours") + what.substr(what.find(':')));
  }
  if (vm.count("node-events")) {
    if (model.enabled()) throw InputError("--node-events: give it or --mtbf-hours, not both");
    events = read_node_events(vm["node-events"].as<std::string>());
  }
}

std::string config_text(const po::variables_map& vm) {
  std::ostringstream s;
  for (const auto& [key, value] : vm) {
    s << key << " = ";
    const auto& v = value.value();
    if (auto p = boost::any_cast<std::string>(&v)) s << '"' << *p << '"';
    else if (auto n = boost::any_cast<int64_t>(&v)) s << *n;
    else if (auto u = boost::any_cast<uint64_t>(&v)) s << *u;
    else if (auto d = boost::any_cast<double>(&v)) s << *d;
    else if (auto b = boost::any_cast<bool>(&v)) s << (*b ? "true" : "false");
    else if (auto l = boost::any_cast<std::vector<std::string>>(&v)) {
      s << "[";
      for (size_t i = 0; i < l->size(); ++i) s << (i ? ", " : "") << '"' << (*l)[i] << '"';
      s << "]";
    }
    s << "\n";
  }
  return s.str();
}

bool parse(int argc, char** argv, const po::options_description& d, po::variables_map& vm, const char* usage,
           const po::positional_options_description* pos) {
  po::command_line_parser parser(argc, argv);
  parser.options(d);
  if (pos) parser.positional(*pos);
  po::store(parser.run(), vm);
  if (vm.count("help")) {
    std::cout << usage << "\n\n" << d << "\n";
    return false;
  }
  po::notify(vm);
  return true;
}

std::map<std::string, std::string> param_values(const po::variables_map& vm) {
  std::map<std::string, std::string> p;
  if (vm.count("param"))
    for (const auto& item : vm["param"].as<std::vector<std::string>>())
      for (const auto& [k, v] : parse_param_list(item)) p[k] = v;
  return p;
}

std::vector<std::string> split_commas(const std::string& list) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= list.size()) {
    size_t j = list.find(',', i);
    if (j == std::string::npos) j = list.size();
    if (j > i) out.push_back(list.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// Whether the --trace is read in milli-CPUs (--cpu-unit milli, the default for the DL traces
// that have a CPU column) while the cluster counts whole cores (a TOML spec, --nodes, --procs;
// an openb node list is read in the pods' unit).
static bool milli_cpus_on_a_cores_cluster(const po::variables_map& vm) {
  if (!vm.count("trace")) return false;
  if (vm.count("cluster-spec") && vm["cluster-spec"].as<std::string>().ends_with(".csv")) return false;
  const std::string path = vm["trace"].as<std::string>();
  try {
    const TraceOptions o = trace_options(vm);
    const TraceFormat f = o.format ? *o.format : detect_trace_format(path);
    const auto settings = f == TraceFormat::Cache ? read_cache_source(path).settings : o.settings(f);
    for (const auto& [key, value] : settings)
      if (key == "cpu-unit") return value == "milli";
  } catch (const InputError&) {
    // The trace was read already; if its format cannot be told again, give no hint.
  }
  return false;
}

void check_some_job_can_run(const po::variables_map& vm, size_t jobs, const RunOutcome& o) {
  std::optional<std::string> msg = every_job_rejected(jobs, o);
  if (!msg) return;
  if (milli_cpus_on_a_cores_cluster(vm))
    *msg += "; the trace's CPU requests are read in milli-CPUs (--cpu-unit milli, the default) and this cluster counts "
           "whole cores: give --cpu-unit cores";
  throw InputError(*msg);
}

}  // namespace clustersim::cli
