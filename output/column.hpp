#pragma once
// Internal: one column of a table, an extendable 1-D HDF5 dataset (chunked, unlimited,
// shuffle + deflate) with an in-memory row buffer. Rows are pushed one at a time into the
// buffer (a vector push_back) and appended to the file in blocks by flush_columns. Compression
// is most of the cost of writing, so whole chunks are compressed on several threads; every
// HDF5 call stays on the calling thread (the library is not thread-safe).
#include <cstdint>
#include <string>
#include <vector>

#include "output/hdf5_util.hpp"

namespace clustersim::h5 {

// How a column is created: its place, its documentation and its storage.
struct ColumnSpec {
  const char* name;
  const char* units;        // written as the dataset's `units` attribute
  const char* description;  // written as the dataset's `description` attribute
};

class ColumnBase;

struct Storage {
  hsize_t chunk_rows = 16384;
  int deflate_level = 4;  // 0: no compression
};

// One whole chunk of a numeric column, compressed off the HDF5 thread (shuffle + deflate,
// byte for byte what HDF5's own filters would store) and then written with H5Dwrite_chunk.
struct ChunkJob {
  const unsigned char* rows = nullptr;
  size_t count = 0, element_bytes = 0;
  int level = 0;
  std::vector<unsigned char> out;
  bool ok = false;  // false: compression failed; the rows go through H5Dwrite instead
};

// Appends every column's buffered rows: whole chunks are compressed on up to `threads`
// threads (the caller's included) across all columns; the rest, and string columns, is
// written through HDF5's own filters.
void flush_columns(const std::vector<ColumnBase*>& columns, int threads);

class ColumnBase {
 public:
  virtual ~ColumnBase() = default;
  virtual size_t buffered() const = 0;
  hid_t dataset() const { return dset_.get(); }
  void close() { dset_.close(); }

 protected:
  friend void flush_columns(const std::vector<ColumnBase*>&, int);
  // Creates the empty dataset `spec.name` in `group` with elements of `file_type`.
  void create(hid_t group, const std::string& group_name, const ColumnSpec& spec, hid_t file_type,
              const Storage& storage, const std::string& path);
  // The buffered rows, as `mem_type()` elements of `element_bytes` each.
  virtual const void* rows() = 0;
  virtual hid_t mem_type() const = 0;
  virtual void clear() = 0;

  // Adds a job for each whole chunk that the buffered rows fill (none if not compressed).
  void plan_chunks(std::vector<ChunkJob>& jobs);
  // Appends the buffered rows; `chunks` are the jobs plan_chunks added, now compressed.
  void append(const ChunkJob* chunks);
  void write_rows(const unsigned char* base, size_t from, size_t count);

  Handle dset_;
  std::string name_;  // "/group/name", for errors
  std::string path_;  // the file, for errors
  hsize_t rows_ = 0;  // rows in the file
  size_t chunk_rows_ = 0;
  size_t element_bytes_ = 0;
  int level_ = 0;
  bool direct_ = false;  // whole chunks are compressed here and written directly

 private:
  // Buffered rows split into: completing the file's last partial chunk, whole chunks, the rest.
  struct Split {
    size_t head, whole, tail;
  };
  Split split(size_t n) const;
};

// HDF5 types of the column element types: the native type in memory, little-endian on disk.
template <class T>
struct ColumnType;
template <>
struct ColumnType<int64_t> {
  static hid_t mem() { return H5T_NATIVE_INT64; }
  static hid_t file() { return H5T_STD_I64LE; }
};
template <>
struct ColumnType<int32_t> {
  static hid_t mem() { return H5T_NATIVE_INT32; }
  static hid_t file() { return H5T_STD_I32LE; }
};
template <>
struct ColumnType<int8_t> {
  static hid_t mem() { return H5T_NATIVE_INT8; }
  static hid_t file() { return H5T_STD_I8LE; }
};
template <>
struct ColumnType<double> {
  static hid_t mem() { return H5T_NATIVE_DOUBLE; }
  static hid_t file() { return H5T_IEEE_F64LE; }
};

template <class T>
class Column final : public ColumnBase {
 public:
  void create(hid_t group, const std::string& group_name, const ColumnSpec& spec, const Storage& storage,
              const std::string& path) {
    ColumnBase::create(group, group_name, spec, ColumnType<T>::file(), storage, path);
  }
  void push(T value) { buf_.push_back(value); }
  size_t buffered() const override { return buf_.size(); }

 private:
  const void* rows() override { return buf_.data(); }
  hid_t mem_type() const override { return ColumnType<T>::mem(); }
  void clear() override { buf_.clear(); }
  std::vector<T> buf_;
};

// Variable-length UTF-8 strings.
class StringColumn final : public ColumnBase {
 public:
  void create(hid_t group, const std::string& group_name, const ColumnSpec& spec, const Storage& storage,
              const std::string& path);
  void push(std::string value) { buf_.push_back(std::move(value)); }
  size_t buffered() const override { return buf_.size(); }

 private:
  const void* rows() override;
  hid_t mem_type() const override { return type_.get(); }
  void clear() override;
  std::vector<std::string> buf_;
  std::vector<const char*> ptrs_;
  Handle type_;
};

}  // namespace clustersim::h5
