#include "experiments/mpi_collective.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

#if CLUSTERSIM_HAVE_MPI
#include <mpi.h>
#endif

namespace clustersim {

#if CLUSTERSIM_HAVE_MPI
namespace {

bool started_by_mpirun() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMIX_RANK") || std::getenv("PMI_RANK");
}

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed (code " + std::to_string(code) + ")");
}

// Sums reduce to rank 0 and are broadcast from there, so every rank holds the same bits
// (MPI_Allreduce does not promise that for floating point).
class MpiCollective final : public rl::Collective {
 public:
  MpiCollective() {
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised) {
      check(MPI_Init(nullptr, nullptr), "MPI_Init");
      owns_ = true;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiCollective() override {
    int finalised = 0;
    MPI_Finalized(&finalised);
    if (owns_ && !finalised) MPI_Finalize();
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void sum(std::span<double> v) override { reduce(v.data(), static_cast<int>(v.size()), MPI_DOUBLE); }
  void sum(std::span<float> v) override { reduce(v.data(), static_cast<int>(v.size()), MPI_FLOAT); }
  void broadcast(std::span<float> v) override {
    check(MPI_Bcast(v.data(), static_cast<int>(v.size()), MPI_FLOAT, 0, MPI_COMM_WORLD), "MPI_Bcast");
  }
  std::vector<uint64_t> all_gather(uint64_t value) override {
    std::vector<uint64_t> all(static_cast<size_t>(size_));
    check(MPI_Allgather(&value, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD), "MPI_Allgather");
    return all;
  }

 private:
  void reduce(void* data, int n, MPI_Datatype type) {
    if (size_ == 1) return;
    check(MPI_Reduce(rank_ == 0 ? MPI_IN_PLACE : data, data, n, type, MPI_SUM, 0, MPI_COMM_WORLD), "MPI_Reduce");
    check(MPI_Bcast(data, n, type, 0, MPI_COMM_WORLD), "MPI_Bcast");
  }
  int rank_ = 0, size_ = 1;
  bool owns_ = false;
};

}  // namespace

std::unique_ptr<rl::Collective> make_mpi_collective() {
  if (!started_by_mpirun()) return nullptr;
  return std::make_unique<MpiCollective>();
}

#else

std::unique_ptr<rl::Collective> make_mpi_collective() { return nullptr; }

#endif

}  // namespace clustersim
