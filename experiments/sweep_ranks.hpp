#pragma once
// The processes of a sweep: one, or the ranks of an Open MPI job (`mpirun -np N clustersim
// sweep FILE`). Points are handed out dynamically: every rank, rank 0 included, takes the next
// point index from a counter that rank 0 holds in an MPI window (MPI_Fetch_and_op), so a rank
// that drew short points simply takes more; no rank only dispatches. At the end rank 0 gathers
// every rank's records.
//
// MPI is initialised only when the program was started by mpirun (Open MPI's environment
// says so); otherwise, and in a build without MPI (CLUSTERSIM_HAVE_MPI=0), this is one process
// with a plain counter.
#include <cstddef>
#include <string>
#include <vector>

namespace clustersim {

class SweepRanks {
 public:
  SweepRanks();   // MPI_Init under mpirun
  ~SweepRanks();  // MPI_Finalize
  SweepRanks(const SweepRanks&) = delete;
  SweepRanks& operator=(const SweepRanks&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  // The next point index for this rank (0, 1, 2, ... over all ranks together; past the end
  // when the grid is done).
  size_t next_point();
  // Rank 0 receives every rank's text, in rank order; other ranks get an empty list.
  std::vector<std::string> gather(const std::string& mine);
  // Ends every rank at once (an interrupted rank cannot leave the others waiting).
  [[noreturn]] void abort(int code);

 private:
  int rank_ = 0, size_ = 1;
  bool mpi_ = false;
  size_t local_next_ = 0;
  struct Window;
  Window* window_ = nullptr;
};

}  // namespace clustersim
