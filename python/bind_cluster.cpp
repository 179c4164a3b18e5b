// Resources, node types and the cluster.
#include <pybind11/operators.h>

#include "experiments/runner.hpp"
#include "python/bindings.hpp"
#include "sim/cluster.hpp"
#include "sim/error.hpp"

namespace clustersim::py_bindings {

static PlacementStrategy parse_strategy(const std::string& s) {
  if (s == "first-fit") return PlacementStrategy::FirstFit;
  if (s == "round-robin") return PlacementStrategy::RoundRobin;
  throw InputError("placement: expected first-fit or round-robin, got '" + s + "'");
}

static NodeId node_id(const Cluster& c, int64_t n) {
  if (n < 0 || static_cast<uint64_t>(n) >= c.num_nodes())
    throw py::index_error("node " + std::to_string(n) + " out of range (the cluster has " +
                          std::to_string(c.num_nodes()) + " nodes)");
  return NodeId(static_cast<uint32_t>(n));
}

void bind_cluster(py::module_& m) {
  SettingsClass<Resources>(m, "Resources",
                           "A resource vector: what a node offers or one task needs. GPUs are in "
                           "thousandths (gpu_milli=1000 is one GPU).")
      .field("cores", &Resources::cores, "cores")
      .field("gpu_milli", &Resources::gpu_milli, "GPUs in thousandths")
      .field("mem_mib", &Resources::mem_mib, "memory in MiB")
      .done()
      .def(py::self + py::self)
      .def(py::self - py::self)
      .def(py::self * int64_t())
      .def("fits_in", &Resources::fits_in, py::arg("capacity"), "Whether every component is at most capacity's.");

  SettingsClass<NodeType>(m, "NodeType", "A kind of node: a name, a capacity and a GPU model ('' for CPU-only).")
      .field("name", &NodeType::name, "the type's name")
      .field("capacity", &NodeType::capacity, "Resources of one node")
      .field("gpu_model", &NodeType::gpu_model, "e.g. 'V100'; '' for CPU-only nodes")
      .done();

  py::class_<Cluster>(m, "Cluster",
                      "Nodes with capacity vectors, grouped in node types. Build one with "
                      "Cluster.pool(cores), Cluster.homogeneous(...), or add_node_type + add_nodes.")
      .def(py::init<>())
      .def_static(
          "homogeneous",
          [](int64_t nodes, const Resources& per_node, const std::string& type_name) {
            if (nodes < 1) throw InputError("cluster: nodes must be >= 1, got " + std::to_string(nodes));
            try {
              return Cluster::homogeneous(nodes, per_node, type_name);
            } catch (const std::invalid_argument& e) {
              throw InputError(std::string("cluster: ") + e.what());  // bad input, as everywhere else
            }
          },
          py::arg("nodes"), py::arg("per_node"), py::arg("type_name") = "node",
          "`nodes` identical nodes of capacity `per_node`, all in rack 0.")
      .def_static(
          "pool",
          [](int64_t cores) {
            if (cores < 1) throw InputError("cluster: cores must be >= 1, got " + std::to_string(cores));
            return Cluster::homogeneous(1, Resources{cores, 0, 0}, "pool");
          },
          py::arg("cores"),
          "One pool of `cores` processors: the textbook SWF machine (what the CLI uses by default).")
      .def(
          "add_node_type",
          [](Cluster& c, const NodeType& type) {
            try {
              return c.add_node_type(type);
            } catch (const std::invalid_argument& e) {
              throw InputError(std::string("add_node_type: ") + e.what());  // bad input, as everywhere else
            }
          },
          py::arg("type"), "Adds a NodeType; returns its index.")
      .def(
          "add_nodes",
          [](Cluster& c, uint32_t type, int64_t count, int32_t rack) {
            if (type >= c.node_types().size())
              throw py::index_error("node type " + std::to_string(type) + " out of range");
            if (count < 1) throw InputError("cluster: count must be >= 1, got " + std::to_string(count));
            return c.add_nodes(type, count, rack).value();
          },
          py::arg("type"), py::arg("count"), py::arg("rack") = 0,
          "Adds `count` nodes of a type; returns the first new node's id.")
      .def_property_readonly("num_nodes", &Cluster::num_nodes)
      .def_property_readonly("node_types",
                             [](const Cluster& c) {
                               return std::vector<NodeType>(c.node_types().begin(), c.node_types().end());
                             })
      .def("nodes_of_type", [](const Cluster& c, uint32_t t) {
        if (t >= c.node_types().size()) throw py::index_error("node type " + std::to_string(t) + " out of range");
        return c.nodes_of_type(t);
      })
      .def("type_index", [](const Cluster& c, int64_t n) { return c.type_index(node_id(c, n)); }, py::arg("node"))
      .def("capacity", [](const Cluster& c, int64_t n) { return c.capacity(node_id(c, n)); }, py::arg("node"))
      .def("free", [](const Cluster& c, int64_t n) { return c.free(node_id(c, n)); }, py::arg("node"))
      .def("is_up", [](const Cluster& c, int64_t n) { return c.is_up(node_id(c, n)); }, py::arg("node"))
      .def("rack", [](const Cluster& c, int64_t n) { return c.rack(node_id(c, n)); }, py::arg("node"))
      .def(
          "free_matrix",
          [](const Cluster& c) {
            py::array_t<int64_t> a({static_cast<py::ssize_t>(c.num_nodes()), py::ssize_t{3}});
            auto w = a.mutable_unchecked<2>();
            for (uint32_t n = 0; n < c.num_nodes(); ++n) {
              const Resources& f = c.free(NodeId(n));
              w(n, 0) = f.cores, w(n, 1) = f.gpu_milli, w(n, 2) = f.mem_mib;
            }
            return a;
          },
          "Free resources per node: an int64 array of shape (num_nodes, 3), columns cores, gpu_milli, mem_mib.")
      .def_property_readonly("total_capacity", &Cluster::total_capacity, "all nodes")
      .def_property_readonly("up_capacity", &Cluster::up_capacity, "nodes that are up")
      .def_property_readonly("total_free", &Cluster::total_free, "free on nodes that are up")
      .def_property_readonly("total_used", &Cluster::total_used)
      .def("why_never_fits", &Cluster::why_never_fits, py::arg("tasks"), py::arg("per_task"),
           "Why tasks x per_task can never run here, or None if it can.")
      .def("fits_now", &Cluster::fits_now, py::arg("tasks"), py::arg("per_task"))
      .def(
          "find_placement",
          [](const Cluster& c, int64_t tasks, const Resources& per_task, const std::string& strategy) -> py::object {
            std::vector<Slot> out;
            if (!c.find_placement(tasks, per_task, parse_strategy(strategy), out)) return py::none();
            py::list l;
            for (const Slot& s : out) l.append(py::make_tuple(s.node.value(), s.tasks));
            return l;
          },
          py::arg("tasks"), py::arg("per_task"), py::arg("strategy") = "first-fit",
          "A placement now as [(node, tasks), ...], or None if the job does not fit.")
      .def("describe", &describe_cluster, "One line, as written to /meta.")
      .def("__repr__", [](const Cluster& c) { return "<clustersim.Cluster " + describe_cluster(c) + ">"; });
}

}  // namespace clustersim::py_bindings
