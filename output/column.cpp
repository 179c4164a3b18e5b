#include "output/column.hpp"

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <system_error>
#include <thread>

namespace clustersim::h5 {

void ColumnBase::create(hid_t group, const std::string& group_name, const ColumnSpec& spec, hid_t file_type,
                        const Storage& storage, const std::string& path) {
  name_ = group_name + "/" + spec.name;
  path_ = path;
  chunk_rows_ = static_cast<size_t>(storage.chunk_rows);
  level_ = storage.deflate_level;
  bool is_string = H5Tget_class(file_type) == H5T_STRING;
  element_bytes_ = H5Tget_size(file_type);
  direct_ = level_ > 0 && !is_string;
  std::string what = "create dataset " + name_;
  hsize_t dims = 0, max_dims = H5S_UNLIMITED, chunk = storage.chunk_rows;
  Handle space(check_id(H5Screate_simple(1, &dims, &max_dims), path, what.c_str()), H5Sclose);
  Handle dcpl(check_id(H5Pcreate(H5P_DATASET_CREATE), path, what.c_str()), H5Pclose);
  check_ok(H5Pset_chunk(dcpl.get(), 1, &chunk), path, what.c_str());
  // No object timestamps: two runs of one simulation give the same objects.
  check_ok(H5Pset_obj_track_times(dcpl.get(), false), path, what.c_str());
  if (level_ > 0) {
    // Shuffle groups the bytes of each significance together; deflate then packs the high
    // bytes of small integers and nearby times far better. Neither helps string heap ids.
    // compress_one below must apply exactly these filters, in this order.
    if (!is_string) check_ok(H5Pset_shuffle(dcpl.get()), path, what.c_str());
    check_ok(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(level_)), path, what.c_str());
  }
  dset_ = Handle(check_id(H5Dcreate2(group, spec.name, file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                          path, what.c_str()),
                 H5Dclose);
  write_attribute(dset_.get(), "units", spec.units, path);
  write_attribute(dset_.get(), "description", spec.description, path);
}

ColumnBase::Split ColumnBase::split(size_t n) const {
  if (!direct_) return {n, 0, 0};
  size_t c = chunk_rows_;
  size_t head = std::min(n, (c - static_cast<size_t>(rows_ % c)) % c);
  size_t whole = (n - head) / c;
  return {head, whole, n - head - whole * c};
}

void ColumnBase::plan_chunks(std::vector<ChunkJob>& jobs) {
  Split s = split(buffered());
  if (s.whole == 0) return;
  const auto* base = static_cast<const unsigned char*>(rows());
  for (size_t k = 0; k < s.whole; ++k) {
    ChunkJob& job = jobs.emplace_back();
    job.rows = base + (s.head + k * chunk_rows_) * element_bytes_;
    job.count = chunk_rows_;
    job.element_bytes = element_bytes_;
    job.level = level_;
  }
}

void ColumnBase::write_rows(const unsigned char* base, size_t from, size_t count) {
  if (count == 0) return;
  std::string what = "append to " + name_;
  hsize_t start = rows_ + from, n = count;
  Handle file_space(check_id(H5Dget_space(dset_.get()), path_, what.c_str()), H5Sclose);
  check_ok(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &n, nullptr), path_, what.c_str());
  Handle mem_space(check_id(H5Screate_simple(1, &n, nullptr), path_, what.c_str()), H5Sclose);
  check_ok(H5Dwrite(dset_.get(), mem_type(), mem_space.get(), file_space.get(), H5P_DEFAULT,
                    base + from * element_bytes_),
           path_, what.c_str());
}

void ColumnBase::append(const ChunkJob* chunks) {
  size_t n = buffered();
  if (n == 0) return;
  std::string what = "append to " + name_;
  const auto* base = static_cast<const unsigned char*>(rows());
  hsize_t extent = rows_ + n;
  check_ok(H5Dset_extent(dset_.get(), &extent), path_, what.c_str());
  Split s = split(n);
  write_rows(base, 0, s.head);
  for (size_t k = 0; k < s.whole; ++k) {
    size_t from = s.head + k * chunk_rows_;
    hsize_t offset = rows_ + from;
    if (chunks[k].ok)
      check_ok(H5Dwrite_chunk(dset_.get(), H5P_DEFAULT, 0, &offset, chunks[k].out.size(), chunks[k].out.data()),
               path_, what.c_str());
    else
      write_rows(base, from, chunk_rows_);
  }
  write_rows(base, n - s.tail, s.tail);
  rows_ = extent;
  clear();
}

const void* StringColumn::rows() {
  ptrs_.clear();
  for (const std::string& s : buf_) ptrs_.push_back(s.c_str());
  return ptrs_.data();
}

void StringColumn::clear() {
  buf_.clear();
  ptrs_.clear();
}

void StringColumn::create(hid_t group, const std::string& group_name, const ColumnSpec& spec, const Storage& storage,
                          const std::string& path) {
  type_ = utf8_string_type(path);
  ColumnBase::create(group, group_name, spec, type_.get(), storage, path);
  element_bytes_ = sizeof(const char*);  // in memory: one pointer per row
}

namespace {

// HDF5's shuffle filter (byte b of element i goes to b * count + i), then its deflate filter
// (a zlib stream, as compress2 writes it).
void compress_one(ChunkJob& job, std::vector<unsigned char>& shuffled) {
  size_t bytes = job.count * job.element_bytes;
  shuffled.resize(bytes);
  if (job.element_bytes > 1) {
    for (size_t b = 0; b < job.element_bytes; ++b) {
      unsigned char* out = shuffled.data() + b * job.count;
      const unsigned char* in = job.rows + b;
      for (size_t i = 0; i < job.count; ++i) out[i] = in[i * job.element_bytes];
    }
  } else {
    std::memcpy(shuffled.data(), job.rows, bytes);
  }
  uLongf size = compressBound(static_cast<uLong>(bytes));
  job.out.resize(size);
  job.ok = compress2(job.out.data(), &size, shuffled.data(), static_cast<uLong>(bytes), job.level) == Z_OK;
  job.out.resize(job.ok ? size : 0);
}

// Compresses the jobs on up to `threads` threads, the caller's included.
void compress_chunks(std::vector<ChunkJob>& jobs, int threads) {
  size_t workers = std::min<size_t>(jobs.size(), static_cast<size_t>(std::max(threads, 1)));
  std::atomic<size_t> next{0};
  auto work = [&]() noexcept {
    std::vector<unsigned char> shuffled;
    for (size_t i; (i = next.fetch_add(1)) < jobs.size();) {
      try {
        compress_one(jobs[i], shuffled);
      } catch (...) {  // out of memory: leave it to H5Dwrite
        jobs[i].ok = false;
      }
    }
  };
  std::vector<std::jthread> helpers;
  for (size_t w = 1; w < workers; ++w) {
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {  // no thread to be had: fewer helpers
      break;
    }
  }
  work();
}  // the helpers join here

}  // namespace

void flush_columns(const std::vector<ColumnBase*>& columns, int threads) {
  std::vector<ChunkJob> jobs;
  std::vector<size_t> first(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    first[c] = jobs.size();
    columns[c]->plan_chunks(jobs);
  }
  compress_chunks(jobs, threads);
  for (size_t c = 0; c < columns.size(); ++c) columns[c]->append(jobs.data() + first[c]);
}

}  // namespace clustersim::h5
