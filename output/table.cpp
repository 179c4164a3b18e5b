#include "output/table.hpp"

#include <stdexcept>

#include "sim/error.hpp"

namespace clustersim::h5 {

namespace {

constexpr const char* kCommit = "committed";

}  // namespace

void write_commit(hid_t group, const Commit& c, const std::string& path) {
  const int64_t value[3] = {c.rows, c.rows_in_tail, c.tail_slot};
  std::string what = std::string("write the commit record (attribute ") + kCommit + ")";
  if (H5Aexists(group, kCommit) <= 0) {
    hsize_t n = 3;
    Handle space(check_id(H5Screate_simple(1, &n, nullptr), path, what.c_str()), H5Sclose);
    Handle a(check_id(H5Acreate2(group, kCommit, H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), path,
                      what.c_str()),
             H5Aclose);
    check_ok(H5Awrite(a.get(), H5T_NATIVE_INT64, value), path, what.c_str());
    return;
  }
  // In place: the same message, in the same object header chunk, gets the new value.
  Handle a(check_id(H5Aopen(group, kCommit, H5P_DEFAULT), path, what.c_str()), H5Aclose);
  check_ok(H5Awrite(a.get(), H5T_NATIVE_INT64, value), path, what.c_str());
}

bool read_commit(hid_t group, Commit& c, const std::string& path) {
  if (H5Aexists(group, kCommit) <= 0) return false;
  std::string what = std::string("read the commit record (attribute ") + kCommit + ")";
  Handle a(check_id(H5Aopen(group, kCommit, H5P_DEFAULT), path, what.c_str()), H5Aclose);
  Handle space(check_id(H5Aget_space(a.get()), path, what.c_str()), H5Sclose);
  if (H5Sget_simple_extent_npoints(space.get()) != 3) throw InputError(path + ": " + kCommit + " is not 3 numbers");
  int64_t value[3] = {0, 0, 0};
  check_ok(H5Aread(a.get(), H5T_NATIVE_INT64, value), path, what.c_str());
  c = {value[0], value[1], value[2]};
  return true;
}

void Table::create(hid_t file, hid_t tail_root, const char* name, const char* description, const Storage& storage,
                   const std::string& path) {
  name_ = name;
  path_ = path;
  storage_ = storage;
  auto make_group = [&](hid_t where, const char* what_for) {
    std::string what = std::string("create group ") + what_for + name;
    Handle gcpl(check_id(H5Pcreate(H5P_GROUP_CREATE), path, what.c_str()), H5Pclose);
    // No object timestamps: two runs of one simulation give the same objects.
    check_ok(H5Pset_obj_track_times(gcpl.get(), false), path, what.c_str());
    return Handle(check_id(H5Gcreate2(where, name, H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), path, what.c_str()),
                  H5Gclose);
  };
  group_ = make_group(file, "/");
  write_attribute(group_.get(), "description", description, path);
  write_commit(group_.get(), commit_, path);
  tail_group_ = make_group(tail_root, "/tail/");
}

int64_t Table::pending() const {
  const ColumnBase& c = *columns_.front();
  return static_cast<int64_t>(c.rows_written() + c.buffered()) - commit_.rows;
}

void Table::close() {
  for (ColumnBase* c : columns_) c->close();
  group_.close();
  tail_group_.close();
}

void flush_tables(hid_t file, const std::vector<Table*>& tables, int threads, Rest rest, const std::string& path) {
  std::vector<Table*> changed;
  for (Table* t : tables)
    if (t->pending() > 0 || (rest == Rest::ToColumn && t->commit_.tail_slot != kFinal)) changed.push_back(t);
  if (changed.empty()) return;

  // 1. Compress every column's chunks together, then write them.
  std::vector<ChunkJob> jobs;
  std::vector<size_t> first;
  for (Table* t : changed)
    for (ColumnBase* c : t->columns_) {
      first.push_back(jobs.size());
      c->plan_chunks(jobs, rest);
    }
  compress_chunks(jobs, threads);
  std::vector<Commit> next;
  size_t k = 0;
  for (Table* t : changed) {
    if (rest == Rest::ToTail && t->commit_.tail_slot == kFinal)  // its columns end in a partial chunk
      throw std::logic_error(path + ": rows added to /" + t->name_ + " after its final flush");
    int slot = t->commit_.tail_slot == 0 ? 1 : 0;
    for (ColumnBase* c : t->columns_) c->write(jobs.data() + first[k++], rest, slot);
    const ColumnBase& c = *t->columns_.front();
    auto in_dataset = static_cast<int64_t>(c.rows_written());
    auto in_tail = static_cast<int64_t>(c.buffered());  // what write kept in memory went to the tail
    next.push_back({in_dataset + in_tail, in_tail, rest == Rest::ToColumn ? kFinal : slot});
  }
  // 2. The new rows and everything that finds them are on disk; no commit record changed yet.
  check_ok(H5Fflush(file, H5F_SCOPE_GLOBAL), path, "flush the file");
  // 3. Commit.
  for (size_t i = 0; i < changed.size(); ++i) {
    write_commit(changed[i]->group_.get(), next[i], path);
    changed[i]->commit_ = next[i];
  }
  check_ok(H5Fflush(file, H5F_SCOPE_GLOBAL), path, "flush the commit records");
}

}  // namespace clustersim::h5
