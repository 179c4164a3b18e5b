#pragma once
// Internal to the Python module: what the binding files share. The bindings are thin: each
// C++ type keeps its C++ meaning, times are float seconds (the engine's integer microseconds,
// exact up to 2^53 us), job sets are dicts of numpy columns. docs/python.md is the user's guide.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "sim/time.hpp"
#include "sim/view.hpp"

namespace clustersim::py_bindings {

namespace py = pybind11;

void bind_cluster(py::module_& m);
void bind_workload(py::module_& m);
void bind_policy(py::module_& m);
void bind_run(py::module_& m);
void bind_reproduce(py::module_& m);
void bind_dl(py::module_& m);
void bind_rl(py::module_& m);  // the submodule `rl` (bind_rl.cpp)

// Seconds (float) to engine time, rounded to the nearest microsecond; a NaN or an infinite
// value raises ValueError naming `what`.
Time seconds_to_time(double seconds, const char* what);
// The same for an interval the engine waits for, rounded up (as the CLI does).
Time seconds_to_time_ceil(double seconds, const char* what);

// A 1-D numpy array holding a copy of `values`.
template <class T>
py::array_t<T> to_numpy(const std::vector<T>& values) {
  py::array_t<T> a(static_cast<py::ssize_t>(values.size()));
  if (!values.empty()) std::copy(values.begin(), values.end(), a.mutable_data());
  return a;
}

// A Python class for a C++ settings struct: its fields as attributes, a keyword constructor
// (`SwfOptions(strict=False)`; an unknown keyword raises TypeError with a "did you mean"),
// equality, a repr listing every field, and `fields()`.
template <class T>
class SettingsClass {
 public:
  SettingsClass(py::module_& m, const char* name, const char* doc)
      : cls_(m, name, doc), name_(name), fields_(std::make_shared<std::vector<std::string>>()) {}

  template <class M>
  SettingsClass& field(const char* name, M T::*member, const char* doc) {
    cls_.def_readwrite(name, member, doc);
    fields_->push_back(name);
    return *this;
  }
  template <class Get, class Set>
  SettingsClass& property(const char* name, Get get, Set set, const char* doc) {
    cls_.def_property(name, get, set, doc);
    fields_->push_back(name);
    return *this;
  }
  // Adds the constructor, __repr__, __eq__ and fields(); returns the class for more methods.
  py::class_<T>& done();

 private:
  py::class_<T> cls_;
  std::string name_;
  std::shared_ptr<std::vector<std::string>> fields_;
};

// The closest name by edit distance (policies/params.hpp), for "did you mean" messages.
std::string suggest(const std::string& word, const std::vector<std::string>& candidates);

template <class T>
py::class_<T>& SettingsClass<T>::done() {
  auto fields = fields_;
  std::string cls_name = name_;
  cls_.def(py::init([fields, cls_name](const py::kwargs& kwargs) {
             T value{};
             py::object self = py::cast(&value, py::return_value_policy::reference);
             for (const auto& [k, v] : kwargs) {
               std::string key = py::str(k);
               if (std::find(fields->begin(), fields->end(), key) == fields->end()) {
                 std::string msg = cls_name + "(): unknown field '" + key + "'";
                 std::string near = suggest(key, *fields);
                 if (!near.empty()) msg += " (did you mean '" + near + "'?)";
                 throw py::type_error(msg);
               }
               self.attr(key.c_str()) = v;
             }
             return value;
           }),
           ("Keyword arguments set fields by name; the others keep their defaults.\n" + cls_name)
               .c_str());
  cls_.def("__repr__", [fields, cls_name](const py::object& self) {
    std::string s = cls_name + "(";
    for (size_t i = 0; i < fields->size(); ++i) {
      if (i) s += ", ";
      s += (*fields)[i] + "=" + std::string(py::repr(self.attr((*fields)[i].c_str())));
    }
    return s + ")";
  });
  cls_.def("__eq__", [fields](const py::object& self, const py::object& other) {
    if (!py::type::of(self).is(py::type::of(other))) return false;
    for (const auto& f : *fields)
      if (!self.attr(f.c_str()).equal(other.attr(f.c_str()))) return false;
    return true;
  });
  cls_.attr("__hash__") = py::none();
  cls_.def_static("fields", [fields] { return *fields; }, "The field names, in order.");
  return cls_;
}

}  // namespace clustersim::py_bindings
