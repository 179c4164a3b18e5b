#pragma once
// Internal: a table of the run file (/jobs, /jobs_rejected, /timeseries) — a group of columns
// of equal length — with its commit record, and the flush that makes appending crash-atomic.
//
// The commit record is the group's attribute `committed` = [rows, rows_in_tail, tail_slot]:
// the first `rows` rows of the table are complete. tail_slot -1 (kFinal): the final flush put
// them all in the columns. Otherwise (0 or 1, the file is being written or was killed) the
// last `rows_in_tail` of them are rows [tail_slot * chunk, tail_slot * chunk + rows_in_tail)
// of /tail/<table>/<column> instead of the column, and a text column (variable-length
// strings) holds none yet: its first rows are rows [2 * chunk, ...) of its tail dataset
// (column.hpp, docs/hdf5-format.md). One attribute, so one object header write changes it.
#include <cstdint>
#include <string>
#include <vector>

#include "output/column.hpp"

namespace clustersim::h5 {

constexpr int64_t kFinal = -1;

struct Commit {
  int64_t rows = 0;
  int64_t rows_in_tail = 0;
  int64_t tail_slot = 0;  // 0, 1 or kFinal
};

// Writes the attribute `committed` of `group` (created by Table::create, rewritten in place).
void write_commit(hid_t group, const Commit& commit, const std::string& path);
// The attribute `committed` of `group`; false if it has none (a file written before it existed).
bool read_commit(hid_t group, Commit& commit, const std::string& path);

class Table {
 public:
  // Creates the group `name` in `file` (with `description`), its commit record (no rows) and
  // the group `name` of its tail datasets in `tail_root`.
  void create(hid_t file, hid_t tail_root, const char* name, const char* description, const Storage& storage,
              const std::string& path);
  // Creates `column` (a Column<T> or StringColumn) in this table.
  template <class C>
  void add(C& column, const ColumnSpec& spec) {
    column.create(group_.get(), tail_group_.get(), "/" + name_, spec, storage_, path_);
    columns_.push_back(&column);
  }
  hid_t group() const { return group_.get(); }
  // Rows pushed since the last flush (the flush policy's measure). Counted on the first
  // column, which is never a text column.
  int64_t pending() const;
  const Commit& commit() const { return commit_; }
  // Closes the columns and the groups (the file stays open).
  void close();

 private:
  friend void flush_tables(hid_t, const std::vector<Table*>&, int, Rest, const std::string&);
  std::string name_, path_;
  Storage storage_;
  Handle group_, tail_group_;
  std::vector<ColumnBase*> columns_;
  Commit commit_;  // what the file's commit record says
};

// Writes every table's new rows and commits them, so that a process killed at any moment
// leaves a file whose commit records describe rows that are all readable:
//   1. whole chunks are appended to the columns (new file space); the rest goes to the tail
//      slot the commit record does not point at (Rest::ToTail), or to the columns (ToColumn,
//      the final flush);
//   2. H5Fflush: the rows, and the metadata that finds them, are on disk; the commit records
//      still describe the previous flush, whose rows nothing in step 1 overwrote;
//   3. each table's commit record is rewritten in place, and H5Fflush again.
// During the run, tables with no row pushed since their last flush are left alone; the final
// flush (Rest::ToColumn) commits every table as final.
void flush_tables(hid_t file, const std::vector<Table*>& tables, int threads, Rest rest, const std::string& path);

}  // namespace clustersim::h5
