#include "output/hdf5_reader.hpp"

#include <algorithm>

#include "output/hdf5_util.hpp"
#include "output/table.hpp"
#include "sim/error.hpp"

namespace clustersim {

using h5::check_id;
using h5::check_ok;
using h5::Handle;

namespace {

Handle open_file(const std::string& path) {
  h5::quiet_errors();
  return Handle(check_id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), path, "open the file"), H5Fclose);
}

Handle open_dataset(hid_t file, const std::string& path, const std::string& name) {
  hid_t d = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  if (d < 0) throw InputError(path + ": no dataset " + name);
  return Handle(d, H5Dclose);
}

Handle open_object(hid_t file, const std::string& path, const std::string& name) {
  hid_t o = H5Oopen(file, name.c_str(), H5P_DEFAULT);
  if (o < 0) throw InputError(path + ": no object " + name);
  return Handle(o, H5Oclose);
}

Handle open_attribute(hid_t object, const std::string& path, const std::string& object_name, const std::string& name) {
  hid_t a = H5Aopen(object, name.c_str(), H5P_DEFAULT);
  if (a < 0) throw InputError(path + ": " + object_name + " has no attribute " + name);
  return Handle(a, H5Aclose);
}

// Rows of a 1-D dataset; throws for another rank.
size_t rows_of(hid_t dset, const std::string& path, const std::string& name) {
  Handle space(check_id(H5Dget_space(dset), path, ("get the shape of " + name).c_str()), H5Sclose);
  if (H5Sget_simple_extent_ndims(space.get()) != 1) throw InputError(path + ": " + name + " is not 1-D");
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.get(), &n, nullptr);
  return static_cast<size_t>(n);
}

H5T_class_t class_of(hid_t object_with_type, bool is_attribute) {
  Handle t(is_attribute ? H5Aget_type(object_with_type) : H5Dget_type(object_with_type), H5Tclose);
  return t.valid() ? H5Tget_class(t.get()) : H5T_NO_CLASS;
}

// Where the rows of a column that its table's commit record (table.hpp) says are complete
// are: `head` rows of `head_from` from row `head_at` (the column itself, or for a text column
// in a file still being written, its tail dataset from row 2 x chunk), then `in_tail` rows of
// the tail dataset from row `tail_at`. A file without commit records (written before they
// existed) or a dataset outside a table: every row of the dataset.
struct Committed {
  hid_t head_from = -1;
  hsize_t head = 0, head_at = 0, in_tail = 0, tail_at = 0;
  Handle tail;
};

Committed committed_rows_of(hid_t file, hid_t dset, const std::string& path, const std::string& name) {
  Committed c;
  c.head_from = dset;
  c.head = rows_of(dset, path, name);
  std::string full = name.front() == '/' ? name : "/" + name;
  auto cut = full.rfind('/');
  if (cut == 0) return c;
  std::string group = full.substr(0, cut), column = full.substr(cut + 1);
  if (H5Lexists(file, group.c_str(), H5P_DEFAULT) <= 0) return c;
  Handle g(check_id(H5Oopen(file, group.c_str(), H5P_DEFAULT), path, ("open " + group).c_str()), H5Oclose);
  h5::Commit commit;
  if (H5Iget_type(g.get()) != H5I_GROUP || !h5::read_commit(g.get(), commit, path)) return c;
  auto rows = static_cast<hsize_t>(commit.rows), in_tail = static_cast<hsize_t>(commit.rows_in_tail);
  bool final = commit.tail_slot == h5::kFinal;
  if (commit.rows < 0 || commit.rows_in_tail < 0 || in_tail > rows || commit.tail_slot < h5::kFinal ||
      commit.tail_slot > 1 || (final && in_tail > 0))
    throw InputError(path + ": " + group + " has a bad commit record");
  hsize_t in_column = rows - in_tail;
  // A text column holds no row until the final flush.
  Handle type(check_id(H5Dget_type(dset), path, ("get the type of " + name).c_str()), H5Tclose);
  bool head_in_tail = !final && H5Tis_variable_str(type.get()) > 0;
  if (!head_in_tail) {
    if (c.head < in_column)
      throw InputError(path + ": " + group + " commits " + std::to_string(commit.rows) + " rows, " + name + " has " +
                       std::to_string(c.head));
    c.head = in_column;
  }
  if (!head_in_tail && in_tail == 0) return c;
  std::string tail = "/tail" + group + "/" + column;
  hid_t t = H5Dopen2(file, tail.c_str(), H5P_DEFAULT);
  if (t < 0) throw InputError(path + ": no dataset " + tail + " (" + group + " commits rows there)");
  c.tail = Handle(t, H5Dclose);
  Handle dcpl(check_id(H5Dget_create_plist(t), path, ("get the storage of " + tail).c_str()), H5Pclose);
  hsize_t chunk = 0;
  if (H5Pget_chunk(dcpl.get(), 1, &chunk) != 1) throw InputError(path + ": " + tail + " is not chunked");
  hsize_t tail_rows = rows_of(t, path, tail);
  if (head_in_tail) {  // a text column: its whole chunks follow the two slots
    c.head_from = t;
    c.head = in_column;
    c.head_at = 2 * chunk;
  }
  c.in_tail = in_tail;
  c.tail_at = static_cast<hsize_t>(commit.tail_slot) * chunk;
  if (c.head_at + c.head > (head_in_tail ? tail_rows : rows_of(dset, path, name)) || c.tail_at + in_tail > tail_rows)
    throw InputError(path + ": " + group + " commits " + std::to_string(commit.rows) + " rows, more than " + name +
                     " and " + tail + " hold");
  return c;
}

// Reads rows [from, from + count) of `dset` into `out`, as `mem_type` elements (none: nothing,
// whatever `dset`).
void read_rows(hid_t dset, hid_t mem_type, hsize_t from, hsize_t count, void* out, const std::string& path,
               const std::string& name) {
  if (count == 0) return;
  std::string what = "read " + name;
  Handle file_space(check_id(H5Dget_space(dset), path, what.c_str()), H5Sclose);
  check_ok(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &from, nullptr, &count, nullptr), path, what.c_str());
  Handle mem_space(check_id(H5Screate_simple(1, &count, nullptr), path, what.c_str()), H5Sclose);
  check_ok(H5Dread(dset, mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, out), path, what.c_str());
}

template <class T>
std::vector<T> read_numeric(const std::string& path, const std::string& name, hid_t mem_type, bool integers_only) {
  Handle f = open_file(path);
  Handle d = open_dataset(f.get(), path, name);
  H5T_class_t cls = class_of(d.get(), false);
  if (cls != H5T_INTEGER && (integers_only || cls != H5T_FLOAT))
    throw InputError(path + ": " + name + " is not " + (integers_only ? "an integer" : "a numeric") + " column");
  Committed c = committed_rows_of(f.get(), d.get(), path, name);
  std::vector<T> out(c.head + c.in_tail);
  read_rows(c.head_from, mem_type, c.head_at, c.head, out.data(), path, name);
  read_rows(c.tail.get(), mem_type, c.tail_at, c.in_tail, out.data() + c.head, path, name);
  return out;
}

template <class T>
T read_scalar_attribute(const std::string& path, const std::string& object, const std::string& name, hid_t mem_type) {
  Handle f = open_file(path);
  Handle o = open_object(f.get(), path, object);
  Handle a = open_attribute(o.get(), path, object, name);
  H5T_class_t cls = class_of(a.get(), true);
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) throw InputError(path + ": " + object + " attribute " + name + " is not a number");
  T value{};
  check_ok(H5Aread(a.get(), mem_type, &value), path, ("read attribute " + object + " " + name).c_str());
  return value;
}

herr_t collect_name(hid_t, const char* name, const void*, void* out) {
  static_cast<std::vector<std::string>*>(out)->emplace_back(name);
  return 0;
}

herr_t collect_link(hid_t, const char* name, const H5L_info_t*, void* out) { return collect_name(0, name, nullptr, out); }
herr_t collect_attr(hid_t, const char* name, const H5A_info_t*, void* out) { return collect_name(0, name, nullptr, out); }

}  // namespace

std::vector<double> read_column_f64(const std::string& path, const std::string& dataset) {
  return read_numeric<double>(path, dataset, H5T_NATIVE_DOUBLE, false);
}

std::vector<int64_t> read_column_i64(const std::string& path, const std::string& dataset) {
  return read_numeric<int64_t>(path, dataset, H5T_NATIVE_INT64, true);
}

std::vector<std::string> read_column_str(const std::string& path, const std::string& dataset) {
  Handle f = open_file(path);
  Handle d = open_dataset(f.get(), path, dataset);
  Handle type(check_id(H5Dget_type(d.get()), path, ("get the type of " + dataset).c_str()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) throw InputError(path + ": " + dataset + " is not a string column");
  Committed c = committed_rows_of(f.get(), d.get(), path, dataset);
  std::vector<std::string> out;
  out.reserve(c.head + c.in_tail);
  // A text column's rows may be fixed-length in /tail and variable-length in the column.
  auto read_part = [&](hid_t dset, hsize_t from, hsize_t count) {
    if (count == 0) return;
    Handle t(check_id(H5Dget_type(dset), path, ("get the type of " + dataset).c_str()), H5Tclose);
    if (H5Tget_class(t.get()) != H5T_STRING) throw InputError(path + ": " + dataset + " is not a string column");
    if (H5Tis_variable_str(t.get()) > 0) {
      std::vector<char*> ptrs(count, nullptr);
      Handle mem = h5::utf8_string_type(path);
      read_rows(dset, mem.get(), from, count, ptrs.data(), path, dataset);
      for (char* p : ptrs) out.emplace_back(p ? p : "");
      Handle space(H5Screate_simple(1, &count, nullptr), H5Sclose);
      H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
    } else {
      size_t width = H5Tget_size(t.get());
      std::vector<char> buf(count * width);
      read_rows(dset, t.get(), from, count, buf.data(), path, dataset);
      for (size_t i = 0; i < count; ++i) {
        const char* s = buf.data() + i * width;
        out.emplace_back(s, std::find(s, s + width, '\0'));
      }
    }
  };
  read_part(c.head_from, c.head_at, c.head);
  read_part(c.tail.get(), c.tail_at, c.in_tail);
  return out;
}

int64_t committed_rows(const std::string& path, const std::string& table) {
  Handle f = open_file(path);
  hid_t g = H5Gopen2(f.get(), table.c_str(), H5P_DEFAULT);
  if (g < 0) throw InputError(path + ": no group " + table);
  Handle gh(g, H5Gclose);
  h5::Commit commit;
  if (!h5::read_commit(g, commit, path)) throw InputError(path + ": " + table + " has no attribute committed");
  return commit.rows;
}

std::vector<std::string> list_group(const std::string& path, const std::string& group) {
  Handle f = open_file(path);
  hid_t g = H5Gopen2(f.get(), group.c_str(), H5P_DEFAULT);
  if (g < 0) throw InputError(path + ": no group " + group);
  Handle gh(g, H5Gclose);
  std::vector<std::string> names;
  check_ok(H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_link, &names), path,
           ("list group " + group).c_str());
  return names;
}

std::vector<std::string> list_attributes(const std::string& path, const std::string& object) {
  Handle f = open_file(path);
  Handle o = open_object(f.get(), path, object);
  std::vector<std::string> names;
  check_ok(H5Aiterate2(o.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_attr, &names), path,
           ("list the attributes of " + object).c_str());
  return names;
}

double read_attribute_f64(const std::string& path, const std::string& object, const std::string& name) {
  return read_scalar_attribute<double>(path, object, name, H5T_NATIVE_DOUBLE);
}

int64_t read_attribute_i64(const std::string& path, const std::string& object, const std::string& name) {
  return read_scalar_attribute<int64_t>(path, object, name, H5T_NATIVE_INT64);
}

std::string read_attribute_str(const std::string& path, const std::string& object, const std::string& name) {
  Handle f = open_file(path);
  Handle o = open_object(f.get(), path, object);
  Handle a = open_attribute(o.get(), path, object, name);
  Handle type(check_id(H5Aget_type(a.get()), path, "get an attribute type"), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING)
    throw InputError(path + ": " + object + " attribute " + name + " is not a string");
  std::string what = "read attribute " + object + " " + name;
  if (H5Tis_variable_str(type.get()) > 0) {
    char* p = nullptr;
    Handle mem = h5::utf8_string_type(path);
    check_ok(H5Aread(a.get(), mem.get(), &p), path, what.c_str());
    std::string s = p ? p : "";
    H5free_memory(p);
    return s;
  }
  std::vector<char> buf(H5Tget_size(type.get()));
  check_ok(H5Aread(a.get(), type.get(), buf.data()), path, what.c_str());
  return std::string(buf.data(), std::find(buf.begin(), buf.end(), '\0') - buf.begin());
}

ColumnInfo column_info(const std::string& path, const std::string& dataset) {
  Handle f = open_file(path);
  Handle d = open_dataset(f.get(), path, dataset);
  ColumnInfo info;
  Handle type(check_id(H5Dget_type(d.get()), path, ("get the type of " + dataset).c_str()), H5Tclose);
  switch (H5Tget_class(type.get())) {
    case H5T_INTEGER:
      info.kind = ColumnInfo::Kind::Integer;
      info.is_signed = H5Tget_sign(type.get()) == H5T_SGN_2;
      break;
    case H5T_FLOAT: info.kind = ColumnInfo::Kind::Float; break;
    case H5T_STRING: info.kind = ColumnInfo::Kind::String; break;
    default: break;
  }
  info.element_bytes = H5Tis_variable_str(type.get()) > 0 ? 0 : H5Tget_size(type.get());
  Handle space(check_id(H5Dget_space(d.get()), path, ("get the shape of " + dataset).c_str()), H5Sclose);
  info.rank = H5Sget_simple_extent_ndims(space.get());
  if (info.rank == 1) {
    hsize_t dims = 0, max_dims = 0;
    H5Sget_simple_extent_dims(space.get(), &dims, &max_dims);
    info.rows = static_cast<int64_t>(dims);
    info.unlimited = max_dims == H5S_UNLIMITED;
  }
  Handle dcpl(check_id(H5Dget_create_plist(d.get()), path, ("get the storage of " + dataset).c_str()), H5Pclose);
  if (H5Pget_layout(dcpl.get()) == H5D_CHUNKED && info.rank == 1) {
    hsize_t chunk = 0;
    H5Pget_chunk(dcpl.get(), 1, &chunk);
    info.chunk_rows = static_cast<int64_t>(chunk);
  }
  for (int i = 0, n = H5Pget_nfilters(dcpl.get()); i < n; ++i) {
    unsigned flags = 0;
    size_t nelmts = 0;
    if (H5Pget_filter2(dcpl.get(), static_cast<unsigned>(i), &flags, &nelmts, nullptr, 0, nullptr, nullptr) ==
        H5Z_FILTER_DEFLATE)
      info.deflate = true;
  }
  return info;
}

}  // namespace clustersim
