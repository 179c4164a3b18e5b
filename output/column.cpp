#include "output/column.hpp"

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <system_error>
#include <thread>

namespace clustersim::h5 {

void ColumnBase::create(hid_t group, hid_t tail_group, const std::string& group_name, const ColumnSpec& spec,
                        hid_t file_type, hid_t tail_type, bool text, const Storage& storage, const std::string& path) {
  name_ = group_name + "/" + spec.name;
  path_ = path;
  chunk_rows_ = static_cast<size_t>(storage.chunk_rows);
  level_ = storage.deflate_level;
  text_ = text;
  element_bytes_ = H5Tget_size(tail_type);
  direct_ = level_ > 0;
  std::string what = "create dataset " + name_;
  Handle dcpl(check_id(H5Pcreate(H5P_DATASET_CREATE), path, what.c_str()), H5Pclose);
  hsize_t chunk = storage.chunk_rows;
  check_ok(H5Pset_chunk(dcpl.get(), 1, &chunk), path, what.c_str());
  // No object timestamps: two runs of one simulation give the same objects.
  check_ok(H5Pset_obj_track_times(dcpl.get(), false), path, what.c_str());
  if (level_ > 0) {
    // Shuffle groups the bytes of each significance together; deflate then packs the high
    // bytes of small integers and nearby times far better. Neither helps text or string heap
    // ids. compress_one below must apply exactly these filters, in this order.
    if (!text_) check_ok(H5Pset_shuffle(dcpl.get()), path, what.c_str());
    check_ok(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(level_)), path, what.c_str());
  }
  auto make = [&](hid_t where, hid_t type, hsize_t dims, hsize_t max_dims) {
    Handle space(check_id(H5Screate_simple(1, &dims, &max_dims), path, what.c_str()), H5Sclose);
    return Handle(
        check_id(H5Dcreate2(where, spec.name, type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), path,
                 what.c_str()),
        H5Dclose);
  };
  dset_ = make(group, file_type, 0, H5S_UNLIMITED);
  write_attribute(dset_.get(), "units", spec.units, path);
  write_attribute(dset_.get(), "description", spec.description, path);
  // Slot s: rows [s * chunk, (s + 1) * chunk); a text column's whole chunks follow.
  tail_ = make(tail_group, tail_type, 2 * chunk, text_ ? H5S_UNLIMITED : 2 * chunk);
}

void ColumnBase::close() {
  dset_.close();
  tail_.close();
}

void ColumnBase::plan_chunks(std::vector<ChunkJob>& jobs, Rest rest) {
  if (!direct_ || (text_ && rest == Rest::ToColumn)) return;
  size_t n = buffered(), whole = n / chunk_rows_;
  const auto* base = static_cast<const unsigned char*>(rows());
  for (size_t from = 0; from < n; from += chunk_rows_) {
    ChunkJob& job = jobs.emplace_back();
    job.rows = base + from * element_bytes_;
    job.count = from / chunk_rows_ < whole ? chunk_rows_ : n - from;
    job.chunk_rows = chunk_rows_;
    job.element_bytes = element_bytes_;
    job.level = level_;
    job.shuffle = !text_;
  }
}

void ColumnBase::write_rows(hid_t dset, hid_t type, const void* base, size_t count, hsize_t at) {
  if (count == 0) return;
  std::string what = "write to " + name_;
  hsize_t n = count;
  Handle file_space(check_id(H5Dget_space(dset), path_, what.c_str()), H5Sclose);
  check_ok(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &at, nullptr, &n, nullptr), path_, what.c_str());
  Handle mem_space(check_id(H5Screate_simple(1, &n, nullptr), path_, what.c_str()), H5Sclose);
  check_ok(H5Dwrite(dset, type, mem_space.get(), file_space.get(), H5P_DEFAULT, base), path_, what.c_str());
}

void ColumnBase::write_padded(hid_t dset, const unsigned char* base, size_t count, hsize_t at) {
  // A whole chunk written at once replaces the chunk without reading it first. Zero bytes are
  // what HDF5 pads a partial chunk with.
  std::vector<unsigned char> padded(chunk_rows_ * element_bytes_, 0);
  std::memcpy(padded.data(), base, count * element_bytes_);
  write_rows(dset, mem_type(), padded.data(), chunk_rows_, at);
}

void ColumnBase::write(const ChunkJob* jobs, Rest rest, int slot) {
  size_t n = buffered(), whole = n / chunk_rows_, left = n - whole * chunk_rows_;
  if (n == 0) return;
  std::string what = "append to " + name_;
  const auto* base = static_cast<const unsigned char*>(rows());
  // Where whole chunks go: the column, or a text column's tail from row 2 x chunk.
  hid_t store = text_ ? tail_.get() : dset_.get();
  hsize_t offset = text_ ? 2 * chunk_rows_ : 0;
  hsize_t extent = offset + rows_ + whole * chunk_rows_ + (rest == Rest::ToColumn ? left : 0);
  if (whole > 0 || rest == Rest::ToColumn) check_ok(H5Dset_extent(store, &extent), path_, what.c_str());
  auto put = [&](hid_t dset, hsize_t at, size_t from, size_t count, const ChunkJob* job) {
    const unsigned char* first = base + from * element_bytes_;
    if (job && job->ok)
      check_ok(H5Dwrite_chunk(dset, H5P_DEFAULT, 0, &at, job->out.size(), job->out.data()), path_, what.c_str());
    else if (count == chunk_rows_ || rest == Rest::ToColumn)
      write_rows(dset, mem_type(), first, count, at);
    else
      write_padded(dset, first, count, at);
  };
  for (size_t k = 0; k < whole; ++k)
    put(store, offset + rows_ + k * chunk_rows_, k * chunk_rows_, chunk_rows_, direct_ ? jobs + k : nullptr);
  const ChunkJob* rest_job = direct_ ? jobs + whole : nullptr;
  if (left > 0 && rest == Rest::ToColumn)
    put(store, offset + rows_ + whole * chunk_rows_, whole * chunk_rows_, left, rest_job);
  else if (left > 0)
    put(tail_.get(), static_cast<hsize_t>(slot) * chunk_rows_, whole * chunk_rows_, left, rest_job);
  rows_ += whole * chunk_rows_;
  if (rest == Rest::ToColumn) {
    rows_ += left;
    drop_front(n);
  } else {
    drop_front(whole * chunk_rows_);
  }
}

void StringColumn::create(hid_t group, hid_t tail_group, const std::string& group_name, const ColumnSpec& spec,
                          const Storage& storage, const std::string& path) {
  type_ = utf8_string_type(path);
  fixed_type_ = Handle(check_id(H5Tcopy(H5T_C_S1), path, "copy the string type"), H5Tclose);
  check_ok(H5Tset_size(fixed_type_.get(), kTailBytes), path, "make a fixed-length string type");
  check_ok(H5Tset_strpad(fixed_type_.get(), H5T_STR_NULLPAD), path, "make a fixed-length string type");
  check_ok(H5Tset_cset(fixed_type_.get(), H5T_CSET_UTF8), path, "make a fixed-length string type");
  ColumnBase::create(group, tail_group, group_name, spec, type_.get(), fixed_type_.get(), true, storage, path);
}

void StringColumn::push(std::string value) {
  size_t n = value.size();
  if (n > kTailBytes) {  // cut before a character's first byte, not inside it
    n = kTailBytes;
    while (n > 0 && (static_cast<unsigned char>(value[n]) & 0xC0) == 0x80) --n;
  }
  size_t at = fixed_.size();
  fixed_.resize(at + kTailBytes, 0);
  std::memcpy(fixed_.data() + at, value.data(), n);
  all_.push_back(std::move(value));
}

void StringColumn::drop_front(size_t n) {
  fixed_.erase(fixed_.begin(), fixed_.begin() + static_cast<std::ptrdiff_t>(n * kTailBytes));
}

void StringColumn::write(const ChunkJob* jobs, Rest rest, int slot) {
  if (rest == Rest::ToTail) {
    ColumnBase::write(jobs, rest, slot);
    return;
  }
  // Every row at once: the strings go to new heap collections that nothing else refers to.
  if (written_ || all_.empty()) return;
  std::vector<const char*> ptrs;
  ptrs.reserve(all_.size());
  for (const std::string& s : all_) ptrs.push_back(s.c_str());
  hsize_t extent = all_.size();
  check_ok(H5Dset_extent(dset_.get(), &extent), path_, ("append to " + name_).c_str());
  write_rows(dset_.get(), type_.get(), ptrs.data(), ptrs.size(), 0);
  rows_ = extent;
  written_ = true;
  fixed_.clear();
}

namespace {

// HDF5's shuffle filter (byte b of element i goes to b * chunk_rows + i) if asked, then its
// deflate filter (a zlib stream, as compress2 writes it). Rows past `count` are zero bytes.
void compress_one(ChunkJob& job, std::vector<unsigned char>& shuffled) {
  size_t n = job.chunk_rows, bytes = n * job.element_bytes;
  shuffled.assign(bytes, 0);
  if (job.shuffle && job.element_bytes > 1) {
    for (size_t b = 0; b < job.element_bytes; ++b) {
      unsigned char* out = shuffled.data() + b * n;
      const unsigned char* in = job.rows + b;
      for (size_t i = 0; i < job.count; ++i) out[i] = in[i * job.element_bytes];
    }
  } else {
    std::memcpy(shuffled.data(), job.rows, job.count * job.element_bytes);
  }
  uLongf size = compressBound(static_cast<uLong>(bytes));
  job.out.resize(size);
  job.ok = compress2(job.out.data(), &size, shuffled.data(), static_cast<uLong>(bytes), job.level) == Z_OK;
  job.out.resize(job.ok ? size : 0);
}

}  // namespace

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

}  // namespace clustersim::h5
