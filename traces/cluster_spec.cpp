// The TOML cluster spec reader (docs/cluster-spec.md). toml++ parses the text; this file
// walks the tree in file order and checks every key, type and range, naming the key path
// and the line of each problem.
#include "traces/cluster_spec.hpp"

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <limits>
#include <optional>

#include <toml++/toml.h>

#include "sim/error.hpp"
#include "sim/suggest.hpp"
#include "traces/text_file.hpp"

namespace clustersim {

namespace {

constexpr int64_t kMaxNodes = kClusterSpecMaxNodes;
constexpr int64_t kMaxCores = int64_t{1} << 40;
constexpr int64_t kMaxGpus = int64_t{1} << 20;      // x 1000 milli-GPUs stays far from overflow
constexpr int64_t kMaxMemMib = int64_t{1} << 40;    // 1 EiB
constexpr int64_t kMaxMemGib = kMaxMemMib / 1024;
constexpr const char* kDefaultSwitch = "switch-0";
// Totals over all nodes. The cluster keeps state per GPU (8 bytes each): 2^24 GPUs is 128 MiB,
// far above real clusters. Cores and MiB in all are bounded too: 2^24 nodes of 2^40 cores
// would overflow 64 bits.
constexpr int64_t kMaxTotalGpus = int64_t{1} << 24;
constexpr int64_t kMaxTotal = int64_t{1} << 62;

// A key as TOML would write it in a dotted path: bare when it can be, else quoted.
std::string key_text(std::string_view k) {
  const bool bare = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
  });
  return bare ? std::string(k) : "\"" + std::string(k) + "\"";
}

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? key_text(key) : path + "." + key_text(key);
}

long line_of(const toml::source_region& where) { return static_cast<long>(where.begin.line); }

// What a node is, for "found ...": the type and, for scalars, the value.
std::string describe(const toml::node& n) {
  if (const auto* s = n.as_string()) return "the string \"" + s->get() + "\"";
  if (const auto* i = n.as_integer()) return "the integer " + std::to_string(i->get());
  if (const auto* f = n.as_floating_point()) {
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, f->get());
    return "the float " + std::string(buf, res.ptr);
  }
  if (const auto* b = n.as_boolean()) return std::string("the boolean ") + (b->get() ? "true" : "false");
  switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "a value";
  }
}

// One entry of a table, with where its key was written.
struct Entry {
  std::string key;
  const toml::node* node;
  toml::source_region where;
};

class Reader {
 public:
  explicit Reader(const std::string& file) : file_(file) {}

  [[noreturn]] void fail(const toml::source_region& where, const std::string& path,
                         const std::string& message) const {
    throw InputError::at(file_, line_of(where), path, message);
  }

  // The entries of a table in the order the file wrote them (toml++ keeps keys sorted).
  static std::vector<Entry> in_file_order(const toml::table& t) {
    std::vector<Entry> out;
    for (const auto& [k, v] : t) {
      out.push_back(Entry{std::string(k.str()), &v, k.source().begin ? k.source() : v.source()});
    }
    std::stable_sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) {
      return std::pair(a.where.begin.line, a.where.begin.column) <
             std::pair(b.where.begin.line, b.where.begin.column);
    });
    return out;
  }

  void reject_unknown(const toml::table& t, const std::string& path,
                      std::initializer_list<const char*> known) const {
    const std::vector<std::string> names(known.begin(), known.end());
    for (const Entry& e : in_file_order(t)) {
      if (std::find(names.begin(), names.end(), e.key) == names.end())
        fail(e.where, join(path, e.key), "unknown key" + did_you_mean(e.key, names));
    }
  }

  const toml::table& table(const toml::node& n, const std::string& path) const {
    if (const auto* t = n.as_table()) return *t;
    fail(n.source(), path, "expected a table, found " + describe(n));
  }

  // An integer in [lo, hi]; nullopt when the key is absent.
  std::optional<int64_t> integer(const toml::table& t, const std::string& path, const char* key,
                                 int64_t lo, int64_t hi) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return std::nullopt;
    const std::string where = join(path, key);
    const auto* i = n->as_integer();
    if (i == nullptr) fail(n->source(), where, "expected an integer, found " + describe(*n));
    const int64_t v = i->get();
    if (v < lo) {
      fail(n->source(), where,
           std::string("expected ") + (lo == 1 ? "a positive integer" : "an integer >= " + std::to_string(lo)) +
               ", found " + std::to_string(v));
    }
    if (v > hi) {
      fail(n->source(), where, "expected at most " + std::to_string(hi) + ", found " + std::to_string(v));
    }
    return v;
  }

  int64_t required_integer(const toml::table& t, const std::string& path, const char* key,
                           int64_t lo, int64_t hi) const {
    if (auto v = integer(t, path, key, lo, hi)) return *v;
    fail(t.source(), join(path, key), "missing (required)");
  }

  // A number (integer or float) in [0, hi]; nullopt when the key is absent.
  std::optional<double> number(const toml::table& t, const std::string& path, const char* key, double hi) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return std::nullopt;
    const std::string where = join(path, key);
    double v = 0;
    if (const auto* i = n->as_integer()) v = static_cast<double>(i->get());
    else if (const auto* f = n->as_floating_point()) v = f->get();
    else fail(n->source(), where, "expected a number, found " + describe(*n));
    if (!(v >= 0) || !(v <= hi))
      fail(n->source(), where, "expected a number in [0, " + std::to_string(static_cast<int64_t>(hi)) + "], found " +
                                   std::to_string(v));
    return v;
  }

  // A non-empty string; nullopt when the key is absent.
  std::optional<std::string> string(const toml::table& t, const std::string& path,
                                    const char* key) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return std::nullopt;
    const auto* s = n->as_string();
    if (s == nullptr) fail(n->source(), join(path, key), "expected a string, found " + describe(*n));
    if (s->get().empty()) fail(n->source(), join(path, key), "expected a non-empty string");
    return s->get();
  }

 private:
  const std::string& file_;
};

struct TypeSpec {
  std::string name;
  NodeType type;
  std::optional<NodePower> power;  // when the spec gives any power key
  std::optional<int64_t> count;  // the node_types.X.count form
  toml::source_region where;
};

TypeSpec read_node_type(const Reader& r, const Entry& e) {
  const std::string path = join("node_types", e.key);
  const toml::table& t = r.table(*e.node, path);
  r.reject_unknown(t, path,
                   {"cores", "memory_gib", "memory_mib", "gpus", "gpu_model", "count", "idle_w", "busy_w",
                    "cost_per_hour", "boot_s"});
  TypeSpec spec;
  spec.name = e.key;
  spec.where = e.where;
  const int64_t cores = r.required_integer(t, path, "cores", 1, kMaxCores);
  const auto gib = r.integer(t, path, "memory_gib", 1, kMaxMemGib);
  const auto mib = r.integer(t, path, "memory_mib", 1, kMaxMemMib);
  if (gib && mib) {
    r.fail(t.get("memory_mib")->source(), join(path, "memory_mib"),
           "give memory_gib or memory_mib, not both");
  }
  if (!gib && !mib) r.fail(t.source(), join(path, "memory_gib"), "missing (required: memory_gib or memory_mib)");
  const int64_t gpus = r.integer(t, path, "gpus", 0, kMaxGpus).value_or(0);
  std::optional<std::string> model = r.string(t, path, "gpu_model");
  if (gpus > 0 && !model) {
    r.fail(t.source(), join(path, "gpu_model"),
           "missing (required for a node type with GPUs: gpus = " + std::to_string(gpus) + ")");
  }
  if (gpus == 0 && model) {
    r.fail(t.get("gpu_model")->source(), join(path, "gpu_model"),
           "given for a node type without GPUs (set gpus, or remove gpu_model)");
  }
  spec.count = r.integer(t, path, "count", 1, kMaxNodes);
  spec.type = NodeType{e.key, Resources{cores, gpus * 1000, gib ? *gib * 1024 : *mib}, model.value_or("")};
  // Power and cost (docs/autoscaling.md): each key overrides the default for the capacity.
  const auto idle = r.number(t, path, "idle_w", 1e7), busy = r.number(t, path, "busy_w", 1e7),
             cost = r.number(t, path, "cost_per_hour", 1e9), boot = r.number(t, path, "boot_s", 1e9);
  if (idle || busy || cost || boot) {
    NodePower p = NodePower::defaults_for(spec.type.capacity);
    if (idle) p.idle_w = *idle;
    if (busy) p.busy_w = *busy;
    if (cost) p.cost_per_hour = *cost;
    if (boot) p.boot_time = Time::from_seconds_ceil(*boot);
    if (p.idle_w > p.busy_w)
      r.fail((busy ? t.get("busy_w") : t.get("idle_w"))->source(), join(path, busy ? "busy_w" : "idle_w"),
             "idle_w (" + std::to_string(p.idle_w) + ") exceeds busy_w (" + std::to_string(p.busy_w) +
                 (busy && idle ? ")" : "; the other is the default)"));
    spec.power = p;
  }
  return spec;
}

// Where the nodes go: (type index, count) groups per rack, racks in file order.
struct RackPlan {
  std::string name;
  std::string switch_name;
  std::vector<std::pair<uint32_t, int64_t>> groups;
  toml::source_region where;
};

std::vector<RackPlan> read_racks(const Reader& r, const toml::table& racks,
                                 const std::vector<TypeSpec>& types) {
  std::vector<std::string> type_names;
  for (const TypeSpec& t : types) type_names.push_back(t.name);
  std::vector<RackPlan> plans;
  for (const Entry& e : Reader::in_file_order(racks)) {
    const std::string path = join("racks", e.key);
    const toml::table& t = r.table(*e.node, path);
    r.reject_unknown(t, path, {"switch", "nodes"});
    RackPlan plan{e.key, r.string(t, path, "switch").value_or(kDefaultSwitch), {}, e.where};
    const toml::node* nodes = t.get("nodes");
    if (nodes == nullptr) r.fail(t.source(), join(path, "nodes"), "missing (required: node type = count)");
    const std::string nodes_path = join(path, "nodes");
    const toml::table& counts = r.table(*nodes, nodes_path);
    if (counts.empty()) r.fail(nodes->source(), nodes_path, "expected at least one node type = count");
    for (const Entry& c : Reader::in_file_order(counts)) {
      const auto it = std::find(type_names.begin(), type_names.end(), c.key);
      if (it == type_names.end()) {
        r.fail(c.where, join(nodes_path, c.key), "unknown node type" + did_you_mean(c.key, type_names));
      }
      const int64_t n = *r.integer(counts, nodes_path, c.key.c_str(), 1, kMaxNodes);
      plan.groups.emplace_back(static_cast<uint32_t>(it - type_names.begin()), n);
    }
    plans.push_back(std::move(plan));
  }
  return plans;
}

std::string stem(const std::string& path) {
  std::string base = traces_detail::base_name(path);
  const size_t dot = base.rfind('.');
  return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

}  // namespace

ClusterSpec parse_cluster_spec(std::string_view text, const std::string& name, int64_t max_nodes) {
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    const toml::source_position at = e.source().begin;
    std::string msg = name;
    if (at.line > 0) msg += ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
    msg += ": TOML syntax error: ";
    msg += e.description();
    throw InputError(msg);
  }
  const Reader r(name);
  r.reject_unknown(root, "", {"name", "node_types", "racks"});

  ClusterSpec spec;
  spec.name = r.string(root, "", "name").value_or(stem(name));

  const toml::node* types_node = root.get("node_types");
  if (types_node == nullptr) {
    throw InputError::at(name, 0, "node_types", "missing (required: at least one [node_types.NAME] table)");
  }
  const toml::table& types_table = r.table(*types_node, "node_types");
  std::vector<TypeSpec> types;
  for (const Entry& e : Reader::in_file_order(types_table)) types.push_back(read_node_type(r, e));
  if (types.empty()) r.fail(types_node->source(), "node_types", "expected at least one node type");
  for (const TypeSpec& t : types) {
    const uint32_t k = spec.cluster.add_node_type(t.type);
    if (t.power) spec.cluster.set_power(k, *t.power);
  }

  const toml::node* racks_node = root.get("racks");
  std::vector<RackPlan> plans;
  if (racks_node != nullptr) {
    for (const TypeSpec& t : types) {
      if (t.count) {
        r.fail(types_table.get_as<toml::table>(t.name)->get("count")->source(),
               join(join("node_types", t.name), "count"),
               "not allowed when [racks] places the nodes: give the count in racks.RACK.nodes");
      }
    }
    const toml::table& racks = r.table(*racks_node, "racks");
    plans = read_racks(r, racks, types);
    if (plans.empty()) r.fail(racks_node->source(), "racks", "expected at least one rack");
  } else {
    RackPlan all{"rack-0", kDefaultSwitch, {}, types_node->source()};
    for (size_t i = 0; i < types.size(); ++i) {
      if (!types[i].count) {
        r.fail(types[i].where, join(join("node_types", types[i].name), "count"),
               "missing (required without [racks]: how many nodes of this type)");
      }
      all.groups.emplace_back(static_cast<uint32_t>(i), *types[i].count);
    }
    plans.push_back(std::move(all));
  }

  int64_t total = 0, total_cores = 0, total_mem_mib = 0, total_gpus = 0;
  std::vector<int64_t> per_type(types.size(), 0);
  for (size_t rack = 0; rack < plans.size(); ++rack) {
    const RackPlan& plan = plans[rack];
    auto sw = std::find(spec.topology.switch_names.begin(), spec.topology.switch_names.end(), plan.switch_name);
    if (sw == spec.topology.switch_names.end()) {
      spec.topology.switch_names.push_back(plan.switch_name);
      sw = spec.topology.switch_names.end() - 1;
    }
    spec.topology.rack_names.push_back(plan.name);
    spec.topology.rack_switch.push_back(static_cast<int32_t>(sw - spec.topology.switch_names.begin()));
    for (const auto& [type, count] : plan.groups) {
      total += count;
      const std::string where = racks_node ? join("racks", plan.name) : "node_types";
      if (total > max_nodes) r.fail(plan.where, where, "more than " + std::to_string(max_nodes) + " nodes in all");
      // Checked before summing: 2^24 nodes of 2^40 cores would overflow.
      const auto add = [&, nodes = count](int64_t& sum, int64_t per_node, int64_t max, const char* what) {
        if (nodes > (max - sum) / per_node)
          r.fail(plan.where, where, "more than " + std::to_string(max) + " " + what + " in all");
        sum += per_node * nodes;
      };
      const Resources& cap = types[type].type.capacity;
      add(total_cores, cap.cores, kMaxTotal, "cores");
      add(total_mem_mib, cap.mem_mib, kMaxTotal, "MiB of memory");
      if (cap.gpu_milli > 0) add(total_gpus, cap.gpu_milli / kMilliPerGpu, kMaxTotalGpus, "GPUs");
      spec.cluster.add_nodes(type, count, static_cast<int32_t>(rack));
      for (int64_t k = 0; k < count; ++k) {
        spec.node_names.push_back(types[type].name + "-" + std::to_string(per_type[type]++));
      }
    }
  }
  return spec;
}

ClusterSpec read_cluster_spec(const std::string& path) {
  return parse_cluster_spec(traces_detail::read_text_file(path), path);
}

}  // namespace clustersim
