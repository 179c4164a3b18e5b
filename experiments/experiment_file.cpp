#include "experiments/experiment_file.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "experiments/toml_input.hpp"

#include "experiments/cli_options.hpp"
#include "policies/registry.hpp"
#include "sim/error.hpp"
#include "sim/suggest.hpp"

namespace clustersim {

namespace {

namespace po = boost::program_options;

// Option keys whose values are files: relative to the experiment file, like its traces.
const std::set<std::string> kPathKeys = {"trace", "throughputs", "cluster_spec", "node_events"};

std::string key_of(const std::string& option) {
  std::string k = option;
  std::replace(k.begin(), k.end(), '-', '_');
  return k;
}

std::string number_text(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// Which table a key of the command-line options belongs in, for a key given in another one.
std::string table_of(const std::string& key) {
  static const std::vector<std::pair<std::string, po::options_description>> tables = [] {
    std::vector<std::pair<std::string, po::options_description>> t(3);
    t[0].first = "[workloads.NAME]";
    cli::add_workload_options(t[0].second);
    t[1].first = "[clusters.NAME]";
    cli::add_cluster_options(t[1].second);
    t[2].first = "[engine]";
    cli::add_engine_options(t[2].second);
    return t;
  }();
  for (const auto& [table, d] : tables)
    for (const auto& o : d.options())
      if (key_of(o->long_name()) == key) return table;
  return "";
}

// A table's entries in the order the file gives them (toml++ iterates in key order).
std::vector<std::pair<std::string, const toml::node*>> in_file_order(const toml::table& t) {
  std::vector<std::pair<std::string, const toml::node*>> entries;
  for (const auto& [key, node] : t) entries.emplace_back(std::string(key.str()), &node);
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const auto& pa = a.second->source().begin;
    const auto& pb = b.second->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  return entries;
}

bool valid_name(const std::string& n) {
  if (n.empty() || n.find("__") != std::string::npos) return false;
  return std::all_of(n.begin(), n.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; });
}

// Reads the whole file; every error names file, line and key path.
class Reader {
 public:
  Reader(const std::string& path, const toml::table& root) : path_(path), root_(root) {}

  Experiment read() {
    Experiment e;
    e.path = path_;
    known_keys(root_, "", {"experiment", "engine", "clusters", "workloads", "policies"});
    e.name = std::filesystem::path(path_).stem().string();
    e.metrics = kDefaultMetrics;
    if (const toml::table* t = table_at(root_, "experiment", "experiment")) read_experiment(*t, e);
    if (e.output.empty()) e.output = "results/" + e.name;

    if (const toml::table* t = table_at(root_, "engine", "engine")) {
      po::options_description d;
      cli::add_engine_options(d);
      e.engine_args = options(*t, "engine", d, {});
      const toml::node* mtbf = t->get("mtbf_hours");
      e.engine_seeded = mtbf != nullptr && mtbf->value<double>().value_or(0) > 0 && !t->contains("failure_seed");
    }

    if (const toml::table* t = table_at(root_, "clusters", "clusters")) {
      po::options_description d;
      cli::add_cluster_options(d);
      for (const auto& [name, node] : in_file_order(*t)) {
        const std::string key = "clusters." + name;
        const toml::table& c = named_table(*node, key);
        ExperimentTable cluster;
        cluster.name = name;
        cluster.args = options(c, key, d, {});
        if (c.contains("cluster_spec") && (c.contains("procs") || c.contains("nodes")))
          fail(c, key, "give cluster_spec or procs / nodes, not both", {});
        if (c.contains("procs") && c.contains("nodes")) fail(c, key, "give procs or nodes, not both", {});
        e.clusters.push_back(std::move(cluster));
      }
    }
    if (e.clusters.empty()) e.clusters.push_back({"machine", {}, false});  // each workload's own machine

    const toml::table* workloads = table_at(root_, "workloads", "workloads");
    if (workloads == nullptr || workloads->empty())
      throw InputError::at(path_, 0, "workloads", "the experiment needs at least one [workloads.NAME] table");
    po::options_description wd;
    cli::add_workload_options(wd);
    for (const auto& [name, node] : in_file_order(*workloads)) {
      const std::string key = "workloads." + name;
      const toml::table& w = named_table(*node, key);
      if (const toml::node* s = w.get("seed"))
        fail(*s, key + ".seed", "seeds come from experiment.seeds (each point runs with one of them)", {});
      ExperimentWorkload workload;
      workload.name = name;
      workload.args = options(w, key, wd, {"clusters"});
      if (w.contains("trace") && w.contains("synthetic")) fail(w, key, "give trace or synthetic, not both", {});
      workload.seeded = !w.contains("trace") || flag(w, "random_start") || flag(w, "dl_job_types");
      if (const toml::node* c = w.get("clusters")) {
        std::vector<std::string> names;
        for (const auto& cl : e.clusters) names.push_back(cl.name);
        workload.clusters = strings(*c, key + ".clusters");
        for (const std::string& n : workload.clusters)
          if (std::find(names.begin(), names.end(), n) == names.end())
            fail(*c, key + ".clusters", "no cluster named '" + n + "'" + did_you_mean(n, names), {});
      }
      e.workloads.push_back(std::move(workload));
    }

    const toml::table* policies = table_at(root_, "policies", "policies");
    if (policies == nullptr || policies->empty())
      throw InputError::at(path_, 0, "policies", "the experiment needs at least one [policies.NAME] table");
    for (const auto& [name, node] : in_file_order(*policies)) e.policies.push_back(read_policy(name, *node));
    return e;
  }

 private:
  [[noreturn]] void fail(const toml::node& node, const std::string& key, const std::string& what,
                         const std::vector<std::string>& known) const {
    toml_input::fail(path_, node, key, what, known);
  }

  void known_keys(const toml::table& t, const std::string& prefix, const std::vector<std::string>& known) const {
    for (const auto& [key, node] : t)
      if (std::find(known.begin(), known.end(), key.str()) == known.end())
        fail(node, prefix + std::string(key.str()), prefix.empty() ? "unknown table" : "unknown key", known);
  }

  const toml::table* table_at(const toml::table& t, const char* key, const std::string& path) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return nullptr;
    if (!n->is_table()) fail(*n, path, "expected a table", {});
    return n->as_table();
  }

  const toml::table& named_table(const toml::node& node, const std::string& key) const {
    const std::string name = key.substr(key.find('.') + 1);
    if (!valid_name(name))
      fail(node, key, "a name is letters, digits, '-', '_' and '.', without '__' (it names result files)", {});
    if (!node.is_table()) fail(node, key, "expected a table", {});
    return *node.as_table();
  }

  static bool flag(const toml::table& t, const char* key) {
    const toml::node* n = t.get(key);
    return n != nullptr && n->value<bool>().value_or(false);
  }

  std::vector<std::string> strings(const toml::node& n, const std::string& key) const {
    const toml::array* a = n.as_array();
    if (a == nullptr) fail(n, key, "expected a list of strings", {});
    std::vector<std::string> out;
    for (const toml::node& x : *a) {
      if (!x.is_string()) fail(x, key, "expected a list of strings", {});
      out.push_back(*x.value<std::string>());
    }
    return out;
  }

  std::string string_at(const toml::table& t, const char* key, const std::string& prefix) const {
    const toml::node* n = t.get(key);
    if (!n->is_string()) fail(*n, prefix + key, "expected a string", {});
    return *n->value<std::string>();
  }

  void read_experiment(const toml::table& t, Experiment& e) const {
    known_keys(t, "experiment.", {"name", "description", "output", "seeds", "metrics"});
    if (t.contains("name")) e.name = string_at(t, "name", "experiment.");
    if (t.contains("description")) string_at(t, "description", "experiment.");
    if (t.contains("output")) e.output = string_at(t, "output", "experiment.");
    if (const toml::node* n = t.get("seeds")) {
      const toml::array* a = n->as_array();
      if (a == nullptr || a->empty()) fail(*n, "experiment.seeds", "expected a non-empty list of integers >= 0", {});
      e.seeds.clear();
      for (const toml::node& x : *a) {
        if (!x.is_integer() || *x.value<int64_t>() < 0)
          fail(x, "experiment.seeds", "expected a non-empty list of integers >= 0", {});
        const auto s = static_cast<uint64_t>(*x.value<int64_t>());
        if (std::find(e.seeds.begin(), e.seeds.end(), s) != e.seeds.end())
          fail(x, "experiment.seeds", "seed " + std::to_string(s) + " is listed twice", {});
        e.seeds.push_back(s);
      }
    }
    if (const toml::node* n = t.get("metrics")) {
      std::vector<std::string> known = kDistributionMetrics;
      known.insert(known.end(), kScalarMetrics.begin(), kScalarMetrics.end());
      e.metrics = strings(*n, "experiment.metrics");
      if (e.metrics.empty()) fail(*n, "experiment.metrics", "give at least one metric", {});
      for (const std::string& m : e.metrics)
        if (std::find(known.begin(), known.end(), m) == known.end())
          fail(*n, "experiment.metrics", "unknown metric '" + m + "'" + did_you_mean(m, known), {});
    }
  }

  // The table's keys as command-line options of `d`, type-checked against each option's type.
  std::vector<std::string> options(const toml::table& t, const std::string& prefix, const po::options_description& d,
                                   const std::vector<std::string>& extra_keys) const {
    std::vector<std::string> known = extra_keys;
    for (const auto& o : d.options()) known.push_back(key_of(o->long_name()));
    std::vector<std::string> args;
    for (const auto& [key, at] : in_file_order(t)) {
      const toml::node& node = *at;
      const std::string where = prefix + "." + key;
      if (std::find(extra_keys.begin(), extra_keys.end(), key) != extra_keys.end()) continue;
      const po::option_description* o = nullptr;
      for (const auto& opt : d.options())
        if (key_of(opt->long_name()) == key) o = opt.get();
      if (o == nullptr) {
        const std::string home = table_of(key);
        if (!home.empty()) fail(node, where, "unknown key here: it belongs in " + home, {});
        fail(node, where, "unknown key", known);
      }
      const std::string option = "--" + o->long_name();
      const po::value_semantic* sem = o->semantic().get();
      if (dynamic_cast<const po::typed_value<bool>*>(sem)) {
        if (!node.is_boolean()) fail(node, where, "expected true or false", {});
        if (*node.value<bool>()) args.push_back(option);
        continue;
      }
      if (dynamic_cast<const po::typed_value<std::vector<std::string>>*>(sem)) {  // repeatable: one or a list
        const std::vector<std::string> values =
            node.is_string() ? std::vector<std::string>{*node.value<std::string>()} : strings(node, where);
        for (const std::string& v : values) args.insert(args.end(), {option, v});
        continue;
      }
      std::string value;
      if (dynamic_cast<const po::typed_value<std::string>*>(sem)) {
        if (!node.is_string()) fail(node, where, "expected a string", {});
        value = *node.value<std::string>();
        if (kPathKeys.count(key)) value = relative_to_file(value);
      } else if (dynamic_cast<const po::typed_value<double>*>(sem)) {
        if (!node.is_number()) fail(node, where, "expected a number", {});
        value = node.is_integer() ? std::to_string(*node.value<int64_t>()) : number_text(*node.value<double>());
      } else {
        const bool is_unsigned = dynamic_cast<const po::typed_value<uint64_t>*>(sem) != nullptr;
        const bool is_int32 = dynamic_cast<const po::typed_value<int32_t>*>(sem) != nullptr;
        if (!node.is_integer()) fail(node, where, is_unsigned ? "expected an integer >= 0" : "expected an integer", {});
        const int64_t v = *node.value<int64_t>();
        if ((is_unsigned && v < 0) || (is_int32 && (v < INT32_MIN || v > INT32_MAX)))
          fail(node, where, "out of range: " + std::to_string(v), {});
        value = std::to_string(v);
      }
      args.push_back(option);
      args.push_back(value);
    }
    return args;
  }

  ExperimentPolicy read_policy(const std::string& name, const toml::node& node) const {
    const std::string key = "policies." + name;
    const toml::table& t = named_table(node, key);
    known_keys(t, key + ".", {"policy", "params"});
    ExperimentPolicy p;
    p.name = name;
    p.policy = t.contains("policy") ? string_at(t, "policy", key + ".") : name;
    if (const toml::node* n = t.get("params")) {
      if (!n->is_table()) fail(*n, key + ".params", "expected a table of key = value", {});
      for (const auto& [k, v] : *n->as_table()) {
        const std::string where = key + ".params." + std::string(k.str());
        if (v.is_string()) p.params[std::string(k.str())] = *v.value<std::string>();
        else if (v.is_integer()) p.params[std::string(k.str())] = std::to_string(*v.value<int64_t>());
        else if (v.is_floating_point()) p.params[std::string(k.str())] = number_text(*v.value<double>());
        else if (v.is_boolean()) p.params[std::string(k.str())] = *v.value<bool>() ? "true" : "false";
        else fail(v, where, "expected a string, number or boolean", {});
      }
    }
    const toml::node& at = t.contains("params") ? *t.get("params") : node;
    try {
      PolicyRegistry::builtin().make(p.policy, p.params);  // unknown names and bad parameters fail here
    } catch (const InputError& e) {
      fail(t.contains("policy") ? *t.get("policy") : at, key, e.what(), {});
    }
    const PolicyInfo* info = PolicyRegistry::builtin().find(p.policy);
    p.seeded = info != nullptr && !p.params.count("seed") &&
               std::any_of(info->params.begin(), info->params.end(), [](const ParamInfo& a) { return a.name == "seed"; });
    return p;
  }

  std::string relative_to_file(const std::string& p) const { return toml_input::relative_to_file(path_, p); }

  std::string path_;
  const toml::table& root_;
};

}  // namespace

Experiment parse_experiment(const std::string& text, const std::string& path) {
  const toml::table root = toml_input::parse(text, path);
  Experiment e = Reader(path, root).read();
  e.text = text;
  return e;
}

Experiment read_experiment(const std::string& path) {
  return parse_experiment(toml_input::read_file(path), path);
}

std::vector<SweepPoint> expand_grid(const Experiment& e) {
  std::vector<SweepPoint> points;
  for (size_t c = 0; c < e.clusters.size(); ++c) {
    for (size_t w = 0; w < e.workloads.size(); ++w) {
      const auto& only = e.workloads[w].clusters;
      if (!only.empty() && std::find(only.begin(), only.end(), e.clusters[c].name) == only.end()) continue;
      for (size_t p = 0; p < e.policies.size(); ++p) {
        const std::string base = e.workloads[w].name + "__" + e.policies[p].name + "__" + e.clusters[c].name;
        const bool seeded =
            e.clusters[c].seeded || e.workloads[w].seeded || e.policies[p].seeded || e.engine_seeded;
        if (!seeded) {
          points.push_back({base, c, w, p, std::nullopt});
          continue;
        }
        for (uint64_t s : e.seeds) points.push_back({base + "__s" + std::to_string(s), c, w, p, s});
      }
    }
  }
  return points;
}

std::vector<std::string> point_args(const Experiment& e, const SweepPoint& p) {
  std::vector<std::string> args = e.workloads[p.workload].args;
  const auto& cluster = e.clusters[p.cluster].args;
  args.insert(args.end(), cluster.begin(), cluster.end());
  args.insert(args.end(), e.engine_args.begin(), e.engine_args.end());
  if (p.seed) {
    args.insert(args.end(), {"--seed", std::to_string(*p.seed)});
    if (std::find(e.engine_args.begin(), e.engine_args.end(), "--failure-seed") == e.engine_args.end())
      args.insert(args.end(), {"--failure-seed", std::to_string(*p.seed)});
  }
  return args;
}

}  // namespace clustersim
