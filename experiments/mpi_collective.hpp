#pragma once
// rl::Collective over MPI, for `mpirun -np N clustersim train`. MPI is initialised only when
// the program was started by mpirun (Open MPI's environment says so); make_mpi_collective
// returns null otherwise, and in a build without MPI (CLUSTERSIM_HAVE_MPI=0).
#include <memory>

#include "policies/rl/agent.hpp"

namespace clustersim {

std::unique_ptr<rl::Collective> make_mpi_collective();

}  // namespace clustersim
