#pragma once
// A small reader for run files (docs/hdf5-format.md), for tests and C++ tools. Each call opens
// the file read-only, reads one thing and closes it. Python reads the same files with h5py.
//
// Names are HDF5 paths ("/jobs/start", "jobs/start"); an attribute lives on an object (a
// group or dataset, "/" for the root). A missing file, object or attribute throws InputError
// naming the file and the object.
#include <cstdint>
#include <string>
#include <vector>

namespace clustersim {

// A 1-D numeric dataset, converted by HDF5 to double (integers too) or int64 (integers only;
// a float column throws). For a column of a table (/jobs, /jobs_rejected, /timeseries), the
// rows its commit record says are complete (docs/hdf5-format.md), wherever they are: in a
// file left by a killed run, the last of them may still be in /tail.
std::vector<double> read_column_f64(const std::string& path, const std::string& dataset);
std::vector<int64_t> read_column_i64(const std::string& path, const std::string& dataset);
// A 1-D string dataset (variable or fixed length); for a column of a table, its committed rows.
std::vector<std::string> read_column_str(const std::string& path, const std::string& dataset);

// How many rows of a table ("/jobs", "/jobs_rejected", "/timeseries") the writer committed:
// what the read_column_* functions return. Throws for a group without a commit record.
int64_t committed_rows(const std::string& path, const std::string& table);

// The names of a group's members, in name order.
std::vector<std::string> list_group(const std::string& path, const std::string& group);
// The names of an object's attributes, in name order.
std::vector<std::string> list_attributes(const std::string& path, const std::string& object);

// A scalar attribute, converted to the asked type (a number attribute as string, or the
// reverse, throws).
double read_attribute_f64(const std::string& path, const std::string& object, const std::string& name);
int64_t read_attribute_i64(const std::string& path, const std::string& object, const std::string& name);
std::string read_attribute_str(const std::string& path, const std::string& object, const std::string& name);

// How a dataset is stored: what a test checks against the documented layout.
struct ColumnInfo {
  enum class Kind { Integer, Float, String, Other };
  Kind kind = Kind::Other;
  size_t element_bytes = 0;  // 0 for variable-length strings
  bool is_signed = false;    // integers
  int rank = 0;
  int64_t rows = 0;          // current extent of dimension 0 (see committed_rows for what is complete)
  bool unlimited = false;    // dimension 0 can grow
  int64_t chunk_rows = 0;    // 0 if not chunked
  bool deflate = false;
};
ColumnInfo column_info(const std::string& path, const std::string& dataset);

}  // namespace clustersim
