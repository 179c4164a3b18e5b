#include "output/hdf5_util.hpp"

#include "sim/error.hpp"

namespace clustersim::h5 {

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    close();
    id_ = o.id_;
    closer_ = o.closer_;
    o.id_ = H5I_INVALID_HID;
  }
  return *this;
}

bool Handle::close() noexcept {
  if (id_ < 0) return true;
  herr_t status = closer_ ? closer_(id_) : 0;
  id_ = H5I_INVALID_HID;
  return status >= 0;
}

void quiet_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

namespace {

// H5Ewalk2 visits the innermost entry (where the failure happened) first.
herr_t take_innermost(unsigned n, const H5E_error2_t* err, void* out) {
  if (n == 0 && err->desc) *static_cast<std::string*>(out) = err->desc;
  return 0;
}

}  // namespace

std::string last_error() {
  std::string desc;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, take_innermost, &desc);
  // File-driver messages carry the OS reason as "error message = '...'": that is the part a
  // user can act on.
  const std::string key = "error message = '";
  auto at = desc.find(key);
  if (at != std::string::npos) {
    auto from = at + key.size();
    auto to = desc.find('\'', from);
    if (to != std::string::npos) return desc.substr(from, to - from);
  }
  return desc;
}

void fail(const std::string& path, const std::string& what) {
  std::string why = last_error();
  throw InputError(path + ": HDF5: cannot " + what + (why.empty() ? "" : ": " + why));
}

Handle utf8_string_type(const std::string& path) {
  Handle t(check_id(H5Tcopy(H5T_C_S1), path, "copy the string type"), H5Tclose);
  check_ok(H5Tset_size(t.get(), H5T_VARIABLE), path, "make a variable-length string type");
  check_ok(H5Tset_cset(t.get(), H5T_CSET_UTF8), path, "set the string type to UTF-8");
  return t;
}

namespace {

void write_scalar(hid_t object, const char* name, hid_t file_type, hid_t mem_type, const void* value,
                  const std::string& path) {
  std::string what = std::string("write attribute ") + name;
  if (H5Aexists(object, name) > 0) check_ok(H5Adelete(object, name), path, what.c_str());
  Handle space(check_id(H5Screate(H5S_SCALAR), path, what.c_str()), H5Sclose);
  Handle attr(check_id(H5Acreate2(object, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), path, what.c_str()),
              H5Aclose);
  check_ok(H5Awrite(attr.get(), mem_type, value), path, what.c_str());
}

}  // namespace

void write_attribute(hid_t object, const char* name, const std::string& value, const std::string& path) {
  Handle type = utf8_string_type(path);
  const char* p = value.c_str();
  write_scalar(object, name, type.get(), type.get(), &p, path);
}

void write_attribute(hid_t object, const char* name, int64_t value, const std::string& path) {
  write_scalar(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value, path);
}

void write_attribute(hid_t object, const char* name, uint64_t value, const std::string& path) {
  write_scalar(object, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value, path);
}

void write_attribute(hid_t object, const char* name, double value, const std::string& path) {
  write_scalar(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, path);
}

Handle create_output_file(const std::string& path) {
  constexpr hsize_t kFilePage = 4096;
  quiet_errors();
  Handle fapl(check_id(H5Pcreate(H5P_FILE_ACCESS), path, "create a file access property list"), H5Pclose);
  // The superblock is created with low bound v1.8, not "latest" (v1.10): a v1.10 superblock
  // marks the file as open for writing on disk, and readers then refuse a file still being
  // written, or left by a killed run, until h5clear is run on it.
  check_ok(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_LATEST), path, "set the format bounds");
  // Paged file space (HDF5 1.10.1): metadata smaller than a page never straddles a page
  // boundary, so a process killed inside a write leaves it whole or untouched (the kernel
  // copies a write into the file a page at a time). Without it, HDF5 also writes the
  // superblock's end of file before shrinking the file at a flush or close, and a kill between
  // the two leaves a file that HDF5 refuses as truncated.
  Handle fcpl(check_id(H5Pcreate(H5P_FILE_CREATE), path, "create a file creation property list"), H5Pclose);
  check_ok(H5Pset_file_space_strategy(fcpl.get(), H5F_FSPACE_STRATEGY_PAGE, false, 1), path, "set paged file space");
  check_ok(H5Pset_file_space_page_size(fcpl.get(), kFilePage), path, "set the file space page size");
  Handle file(
      check_id(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), path, "create the output file"),
      H5Fclose);
  // The objects, though, use the v1.10 format (the superblock stays as created): a chunked
  // dataset is then indexed by an extensible array, whose entries never move as chunks are
  // added, where a v1.8 B-tree moves entries to new nodes when one splits. A flush killed
  // half way can then only leave the new chunks unfindable, never the committed ones.
  check_ok(H5Fset_libver_bounds(file.get(), H5F_LIBVER_V110, H5F_LIBVER_LATEST), path, "set the object format");
  return file;
}

Handle make_group(hid_t file, const char* name, const char* description, const std::string& path) {
  std::string what = std::string("create group /") + name;
  Handle gcpl(check_id(H5Pcreate(H5P_GROUP_CREATE), path, what.c_str()), H5Pclose);
  // No object timestamps: two runs of one simulation give the same objects.
  check_ok(H5Pset_obj_track_times(gcpl.get(), false), path, what.c_str());
  Handle g(check_id(H5Gcreate2(file, name, H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), path, what.c_str()), H5Gclose);
  write_attribute(g.get(), "description", description, path);
  return g;
}

}  // namespace clustersim::h5
