#include "output/run_layout.hpp"

#include <limits>
#include <utility>

namespace clustersim::h5 {

std::string job_state_names() {
  std::string s;
  for (int v = 0; to_string(static_cast<JobState>(v)) != "?"; ++v)
    s += (v ? "," : "") + std::to_string(v) + "=" + std::string(to_string(static_cast<JobState>(v)));
  return s;
}


void RunLayout::create(hid_t file, const RunMeta& m, int deflate_level, const std::string& path) {
  meta = make_group(file, "meta", "provenance of the run (attributes)", path);
  summary_group = make_group(file, "summary", "headline metrics of the run (attributes written at its end)", path);
  tail_group = make_group(file, kTailGroup,
                          "while the file is written: the committed rows of each table that are not yet in its "
                          "columns (attribute committed of the table); removed when the file is closed",
                          path);
  create_tables(file, deflate_level, path);
  write_meta(m, path);
}

void RunLayout::create_tables(hid_t file, int z, const std::string& path) {
  const Storage job_rows{16384, z}, sample_rows{4096, z}, rejection_rows{1024, z};
  hid_t tail = tail_group.get();
  jobs_table.create(file, tail, "jobs",
                    "one row per job: in the order jobs ended (finished or rejected), then the jobs not ended when "
                    "the run ended, by index",
                    job_rows, path);
  rejected_table.create(file, tail, "jobs_rejected", "one row per rejected job, in the order of rejection",
                        rejection_rows, path);
  timeseries_table.create(file, tail, "timeseries", "one row per periodic sample of the cluster", sample_rows, path);
  tables = {&jobs_table, &rejected_table, &timeseries_table};

  auto job = [&](auto& column, ColumnSpec spec) { jobs_table.add(column, spec); };
  job(jobs.id, {"id", "1", "the job's number in the trace (SWF field 1)"});
  job(jobs.index, {"index", "1", "the engine's job index (JobId: arrival order, from 0)"});
  job(jobs.submit, {"submit", "s", "submit time since the workload origin"});
  job(jobs.start, {"start", "s", "first start since the workload origin; NaN if it never started"});
  job(jobs.end, {"end", "s", "finish, rejection or failure time since the workload origin; NaN if it did not end"});
  job(jobs.wait, {"wait", "s", "first start - submit; NaN if it never started"});
  job(jobs.run, {"run", "s", "runtime at nominal speed (from the trace)"});
  job(jobs.turnaround, {"turnaround", "s", "end - submit; NaN unless finished"});
  job(jobs.bounded_slowdown, {"bounded_slowdown", "1", "max(1, turnaround / max(run, 10 s)); NaN unless finished"});
  job(jobs.tasks, {"tasks", "tasks", "number of tasks"});
  job(jobs.cores, {"cores", "cores", "cores requested in total (tasks x per task)"});
  job(jobs.gpu_milli, {"gpu_milli", "milli-GPU", "GPUs requested in total, in thousandths"});
  job(jobs.mem_mib, {"mem_mib", "MiB", "memory requested in total"});
  job(jobs.user, {"user", "1", "user number from the trace; -1 if unknown"});
  job(jobs.state, {"state", "1", "JobState when the row was written (attribute states gives the names)"});
  job(jobs.first_node, {"first_node", "1", "first node of the job's last placement; -1 if it never ran"});
  job(jobs.num_nodes, {"num_nodes", "nodes", "nodes in the job's last placement; 0 if it never ran"});
  job(jobs.preemptions, {"preemptions", "1", "times the job was preempted"});
  job(jobs.estimate, {"estimate", "s", "requested walltime (the user's estimate)"});
  job(jobs.kills, {"kills", "1", "times a node failure killed the job"});
  job(jobs.lost_work, {"lost_work", "s", "work (at nominal speed) lost to node failures since the last checkpoints"});
  write_attribute(jobs.state.dataset(), "states", job_state_names(), path);

  rejected_table.add(rejected.id, {"id", "1", "the job's number in the trace"});
  rejected_table.add(rejected.reason, {"reason", "text", "why the job can never run on this cluster"});

  auto sample = [&](auto& column, ColumnSpec spec) { timeseries_table.add(column, spec); };
  TimeseriesColumns& ts = timeseries;
  sample(ts.time, {"time", "s", "sample time since the workload origin"});
  sample(ts.used_cores, {"used_cores", "cores", "cores allocated to running jobs"});
  sample(ts.used_gpu_milli, {"used_gpu_milli", "milli-GPU", "GPUs allocated to running jobs, in thousandths"});
  sample(ts.used_mem_mib, {"used_mem_mib", "MiB", "memory allocated to running jobs"});
  sample(ts.utilisation, {"utilisation", "1", "used cores / cores of the nodes that are up (0..1); 0 if none is up"});
  sample(ts.queue_length, {"queue_length", "jobs", "jobs waiting in the queue"});
  sample(ts.running_jobs, {"running_jobs", "jobs", "jobs running"});
  sample(ts.finished_jobs, {"finished_jobs", "jobs", "jobs finished so far"});
  sample(ts.nodes_down, {"nodes_down", "nodes", "nodes down (failed, not yet repaired)"});
  sample(ts.nodes_on, {"nodes_on", "nodes", "nodes powered on (failed ones included); all of them without autoscaling"});
  sample(ts.nodes_booting, {"nodes_booting", "nodes", "nodes powered on and still booting (billed, not usable)"});
}

void RunLayout::write_meta(const RunMeta& m, const std::string& path) {
  hid_t g = meta.get();
  write_attribute(g, "format_version", kFormatVersion, path);
  write_attribute(g, "created_by", "clustersim", path);
  write_attribute(g, "tool_version", m.tool_version, path);
  write_attribute(g, "git_revision", m.git_revision, path);
  write_attribute(g, "config_text", m.config_text, path);
  write_attribute(g, "trace_name", m.trace_name, path);
  write_attribute(g, "trace_checksum", m.trace_checksum, path);
  write_attribute(g, "policy_name", m.policy_name, path);
  write_attribute(g, "policy_params", m.policy_params, path);
  write_attribute(g, "cluster_description", m.cluster_description, path);
  write_attribute(g, "seed", m.seed, path);
  write_attribute(g, "autoscale", m.autoscale, path);
  write_attribute(g, "wall_time_s", std::numeric_limits<double>::quiet_NaN(), path);
  write_attribute(g, "run_complete", int64_t{0}, path);
}

void RunLayout::write_summary(const RunSummary& s, const std::string& path) {
  hid_t g = summary_group.get();
  write_attribute(g, "units",
                  "*_s: seconds; makespan_s: last end - first submit of the finished jobs; utilisation, "
                  "gpu_utilisation: fraction (0..1) of the cluster's total capacity over the makespan; "
                  "bounded_slowdown_*: dimensionless (tau = 10 s); distributions are over finished jobs; "
                  "counts are jobs; node_hours: node-hours on or booting, cost: node_hours x cost per node-hour, "
                  "energy_kwh: kWh (linear power model), all from the first arrival to the last job's end",
                  path);
  write_attribute(g, "jobs", s.jobs, path);
  write_attribute(g, "finished", s.finished, path);
  write_attribute(g, "rejected", s.rejected, path);
  write_attribute(g, "failed", s.failed, path);
  write_attribute(g, "unfinished", s.unfinished, path);
  write_attribute(g, "makespan_s", s.makespan, path);
  write_attribute(g, "utilisation", s.utilisation, path);
  write_attribute(g, "gpu_utilisation", s.gpu_utilisation, path);
  write_attribute(g, "preemptions", s.preemptions, path);
  write_attribute(g, "migrations", s.migrations, path);
  write_attribute(g, "kills", s.kills, path);
  write_attribute(g, "lost_work_s", s.lost_work_s, path);
  write_attribute(g, "node_hours", s.node_hours, path);
  write_attribute(g, "cost", s.cost, path);
  write_attribute(g, "energy_kwh", s.energy_kwh, path);
  auto distribution = [&](const std::string& prefix, const Distribution& d, const char* suffix) {
    const std::pair<const char*, double> fields[] = {{"mean", d.mean}, {"p50", d.p50}, {"p90", d.p90},
                                                     {"p95", d.p95},   {"p99", d.p99}, {"max", d.max}};
    for (const auto& [name, value] : fields) write_attribute(g, (prefix + name + suffix).c_str(), value, path);
  };
  distribution("wait_", s.wait, "_s");
  distribution("turnaround_", s.turnaround, "_s");
  distribution("bounded_slowdown_", s.bounded_slowdown, "");
  distribution("finish_time_fairness_", s.finish_time_fairness, "");
  write_attribute(g, "jain_users", s.jain_users, path);
  for (const auto& [model, value] : s.gpu_utilisation_by_model)
    write_attribute(g, ("gpu_utilisation_" + model).c_str(), value, path);
}

void RunLayout::close() {
  for (Table* t : tables) t->close();
  for (Handle* g : {&meta, &summary_group, &tail_group}) g->close();
}

}  // namespace clustersim::h5
