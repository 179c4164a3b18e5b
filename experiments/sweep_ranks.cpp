#include "experiments/sweep_ranks.hpp"

#include <cstdint>
#include <cstdlib>

#include "sim/error.hpp"

#if CLUSTERSIM_HAVE_MPI
#include <mpi.h>
#endif

namespace clustersim {

#if CLUSTERSIM_HAVE_MPI

struct SweepRanks::Window {
  MPI_Win win = MPI_WIN_NULL;
  uint64_t* counter = nullptr;  // on rank 0
};

// Open MPI's launcher (and PMIx / PMI ones) sets these in every process it starts.
static bool started_by_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMIX_RANK") || std::getenv("PMI_RANK");
}

SweepRanks::SweepRanks() {
  if (!started_by_mpirun()) return;
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) MPI_Init(nullptr, nullptr);
  mpi_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  window_ = new Window;
  const MPI_Aint bytes = rank_ == 0 ? sizeof(uint64_t) : 0;
  MPI_Win_allocate(bytes, sizeof(uint64_t), MPI_INFO_NULL, MPI_COMM_WORLD, &window_->counter, &window_->win);
  if (rank_ == 0) {
    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, window_->win);
    *window_->counter = 0;
    MPI_Win_unlock(0, window_->win);
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

SweepRanks::~SweepRanks() {
  if (!mpi_) return;
  MPI_Win_free(&window_->win);
  delete window_;
  int finalised = 0;
  MPI_Finalized(&finalised);
  if (!finalised) MPI_Finalize();
}

size_t SweepRanks::next_point() {
  if (!mpi_) return local_next_++;
  const uint64_t one = 1;
  uint64_t got = 0;
  // Passive target: rank 0 need not take part (one node: a shared-memory atomic).
  MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, window_->win);
  MPI_Fetch_and_op(&one, &got, MPI_UINT64_T, 0, 0, MPI_SUM, window_->win);
  MPI_Win_unlock(0, window_->win);
  return static_cast<size_t>(got);
}

std::vector<std::string> SweepRanks::gather(const std::string& mine) {
  if (!mpi_) return {mine};
  int length = static_cast<int>(mine.size());
  std::vector<int> lengths(rank_ == 0 ? size_ : 0), offsets(rank_ == 0 ? size_ : 0);
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::string all;
  if (rank_ == 0) {
    int total = 0;
    for (int r = 0; r < size_; ++r) {
      offsets[r] = total;
      total += lengths[r];
    }
    all.resize(static_cast<size_t>(total));
  }
  MPI_Gatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, 0, MPI_COMM_WORLD);
  std::vector<std::string> out;
  for (int r = 0; rank_ == 0 && r < size_; ++r)
    out.push_back(all.substr(static_cast<size_t>(offsets[r]), static_cast<size_t>(lengths[r])));
  return out;
}

void SweepRanks::abort(int code) {
  if (mpi_) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

#else  // no MPI in this build: one process

struct SweepRanks::Window {};
SweepRanks::SweepRanks() {
  // Every rank would run the whole grid into the same files.
  const char* ranks = std::getenv("OMPI_COMM_WORLD_SIZE");
  if (ranks && std::atoi(ranks) > 1)
    throw InputError("this clustersim was built without MPI (CLUSTERSIM_HAVE_MPI=0): run the sweep without mpirun");
}
SweepRanks::~SweepRanks() = default;
size_t SweepRanks::next_point() { return local_next_++; }
std::vector<std::string> SweepRanks::gather(const std::string& mine) { return {mine}; }
void SweepRanks::abort(int code) { std::exit(code); }

#endif

}  // namespace clustersim
