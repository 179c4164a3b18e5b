#pragma once
// Internal: one column of a table, an extendable 1-D HDF5 dataset (chunked, unlimited,
// shuffle + deflate) with an in-memory row buffer. Rows are pushed one at a time into the
// buffer (a vector push_back) and written to the file in blocks by flush_tables (table.hpp).
// Compression is most of the cost of writing, so chunks are compressed on several threads;
// every HDF5 call stays on the calling thread (the library is not thread-safe).
//
// Crash atomicity (docs/hdf5-format.md): while the run goes on, a column only ever receives
// whole chunks, each written once to new file space. The rows past the last whole chunk
// (fewer than a chunk) stay in the buffer and are written at each flush to one of the two
// slots of the column's tail dataset /tail/<table>/<column>: the slot its table's commit
// record does not point at. The final flush appends them to the column itself.
//
// A text column (variable-length strings) is different: HDF5 keeps those strings in global
// heap collections that later writes extend in place, which a killed flush can leave
// unreadable. So its dataset is written once, by the final flush; while the run goes on, its
// rows are kept as fixed-length UTF-8 in its tail dataset, whole chunks from row 2 x chunk.
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

struct Storage {
  hsize_t chunk_rows = 16384;
  int deflate_level = 4;  // 0: no compression
};

// One chunk of a column, compressed off the HDF5 thread (shuffle if asked, then deflate: byte
// for byte what HDF5's own filters store) and then written with H5Dwrite_chunk. A chunk of
// `count` < `chunk_rows` rows is padded with zero bytes, as HDF5 pads a partial chunk.
struct ChunkJob {
  const unsigned char* rows = nullptr;
  size_t count = 0, chunk_rows = 0, element_bytes = 0;
  int level = 0;
  bool shuffle = true;
  std::vector<unsigned char> out;
  bool ok = false;  // false: compression failed; the rows go through H5Dwrite instead
};

// Compresses the jobs on up to `threads` threads, the caller's included.
void compress_chunks(std::vector<ChunkJob>& jobs, int threads);

// Where a flush puts the rows past the last whole chunk.
enum class Rest {
  ToTail,    // into a slot of the tail dataset (a flush during the run)
  ToColumn,  // appended to the column as its last, partial chunk (the final flush)
};

class ColumnBase {
 public:
  virtual ~ColumnBase() = default;
  // Rows in memory: the rows past the last whole chunk written (already in a tail slot after
  // a flush) and the rows pushed since the last flush.
  virtual size_t buffered() const = 0;
  // Rows written whole (until the final flush, a multiple of the chunk).
  hsize_t rows_written() const { return rows_; }
  hid_t dataset() const { return dset_.get(); }
  void close();

  // Adds a compression job for each whole chunk of the buffered rows, then one for the rest
  // (if any) unless `rest` is ToColumn for a text column. None if it is not compressed.
  void plan_chunks(std::vector<ChunkJob>& jobs, Rest rest);
  // Writes the buffered rows: whole chunks appended (each to new file space), then the rest as
  // `rest` says (ToTail: into `slot`, 0 or 1). `jobs` are the ones plan_chunks added, now
  // compressed. Keeps the rest in memory unless it went to the column.
  virtual void write(const ChunkJob* jobs, Rest rest, int slot);

 protected:
  // Creates the empty dataset `spec.name` (of `file_type`) in `group`, and its tail dataset in
  // `tail_group`: two chunks of `tail_type` (one per slot), or for a text column unlimited.
  void create(hid_t group, hid_t tail_group, const std::string& group_name, const ColumnSpec& spec,
              hid_t file_type, hid_t tail_type, bool text, const Storage& storage, const std::string& path);
  // The buffered rows as `element_bytes_` each, of `mem_type()` (what the tail and, but for a
  // text column, the column store).
  virtual const void* rows() = 0;
  virtual hid_t mem_type() const = 0;
  // Drops the first `n` buffered rows.
  virtual void drop_front(size_t n) = 0;
  // Writes `count` rows from `base` to rows [at, at + count) of `dset` through HDF5's filters.
  void write_rows(hid_t dset, hid_t type, const void* base, size_t count, hsize_t at);

  Handle dset_, tail_;
  std::string name_;  // "/group/name", for errors
  std::string path_;  // the file, for errors
  hsize_t rows_ = 0;
  size_t chunk_rows_ = 0;
  size_t element_bytes_ = 0;  // in memory
  int level_ = 0;
  bool direct_ = false;  // chunks are compressed here and written directly
  bool text_ = false;

 private:
  // The same for the rest into a whole chunk of `dset` at row `at`, padded with zero bytes.
  void write_padded(hid_t dset, const unsigned char* base, size_t count, hsize_t at);
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
  void create(hid_t group, hid_t tail_group, const std::string& group_name, const ColumnSpec& spec,
              const Storage& storage, const std::string& path) {
    ColumnBase::create(group, tail_group, group_name, spec, ColumnType<T>::file(), ColumnType<T>::file(), false,
                       storage, path);
  }
  void push(T value) { buf_.push_back(value); }
  size_t buffered() const override { return buf_.size(); }

 private:
  const void* rows() override { return buf_.data(); }
  hid_t mem_type() const override { return ColumnType<T>::mem(); }
  void drop_front(size_t n) override { buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(n)); }
  std::vector<T> buf_;
};

// Variable-length UTF-8 strings (a text column, see above).
class StringColumn final : public ColumnBase {
 public:
  // Bytes of a row in the tail dataset: longer text is cut there (at a character boundary),
  // never in the column.
  static constexpr size_t kTailBytes = 256;

  void create(hid_t group, hid_t tail_group, const std::string& group_name, const ColumnSpec& spec,
              const Storage& storage, const std::string& path);
  void push(std::string value);
  size_t buffered() const override { return fixed_.size() / kTailBytes; }
  // ToColumn writes every row, from memory, to the column; ToTail as for any column.
  void write(const ChunkJob* jobs, Rest rest, int slot) override;

 private:
  const void* rows() override { return fixed_.data(); }
  hid_t mem_type() const override { return fixed_type_.get(); }
  void drop_front(size_t n) override;
  std::vector<std::string> all_;     // every row, for the final flush
  std::vector<unsigned char> fixed_;  // the buffered rows, kTailBytes each
  Handle type_, fixed_type_;
  bool written_ = false;  // the final flush wrote the column
};

}  // namespace clustersim::h5
