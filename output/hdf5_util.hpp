#pragma once
// Internal helpers shared by the HDF5 writer and reader (not part of the public API): an
// owning hid_t, checked calls that throw InputError naming the file and the step that failed,
// and scalar attribute writers. Every HDF5 call of this folder goes through them.
#include <hdf5.h>

#include <cstdint>
#include <string>

namespace clustersim::h5 {

// Owns one HDF5 identifier and closes it with the matching H5?close function.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(o.id_), closer_(o.closer_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept;
  ~Handle() { close(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Closes now; false if HDF5 reported a failure (the id is released either way).
  bool close() noexcept;

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// Turns off HDF5's automatic printing of its error stack: this code checks every return
// value and reports the failure in the exception instead.
void quiet_errors();
// Creates (truncates) an output file set up for crash-atomic appends (docs/hdf5-format.md):
// a v1.8 superblock, v1.10 objects, paged file space. Throws InputError naming the path.
Handle create_output_file(const std::string& path);
// Creates group `name` in `file` with a `description` attribute and no object timestamps.
Handle make_group(hid_t file, const char* name, const char* description, const std::string& path);

// The innermost message on HDF5's current error stack (the OS reason where there is one,
// e.g. "No such file or directory"), or "" when the stack is empty. Call it right after the
// failing call: the next HDF5 call clears the stack.
std::string last_error();

// Throws InputError "<path>: HDF5: cannot <what>: <last_error()>".
[[noreturn]] void fail(const std::string& path, const std::string& what);

// The id, or fail(path, what) when it is negative.
inline hid_t check_id(hid_t id, const std::string& path, const char* what) {
  if (id < 0) fail(path, what);
  return id;
}
inline void check_ok(herr_t status, const std::string& path, const char* what) {
  if (status < 0) fail(path, what);
}

// A variable-length UTF-8 string type (what h5py reads as str).
Handle utf8_string_type(const std::string& path);

// Scalar attributes on an object (group or dataset); an existing attribute is replaced.
void write_attribute(hid_t object, const char* name, const std::string& value, const std::string& path);
void write_attribute(hid_t object, const char* name, int64_t value, const std::string& path);
void write_attribute(hid_t object, const char* name, uint64_t value, const std::string& path);
void write_attribute(hid_t object, const char* name, double value, const std::string& path);
// Keeps string literals from picking an integer overload.
inline void write_attribute(hid_t object, const char* name, const char* value, const std::string& path) {
  write_attribute(object, name, std::string(value), path);
}

}  // namespace clustersim::h5
