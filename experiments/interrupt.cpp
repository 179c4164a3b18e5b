#include "experiments/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace clustersim::cli {

namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the handler needs a lock-free flag");

extern "C" void on_stop_signal(int signal) { g_signal.store(signal, std::memory_order_relaxed); }

}  // namespace

Interrupted::Interrupted(int signal)
    : std::runtime_error(signal == SIGINT ? "interrupted (SIGINT)" : signal == SIGTERM ? "terminated (SIGTERM)"
                                                                                      : "stopped by a signal"),
      signal_(signal) {}

void install_stop_signals() {
  static const bool installed = [] {
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    return true;
  }();
  (void)installed;
}

void throw_if_stopped() {
  const int s = g_signal.load(std::memory_order_relaxed);
  if (s != 0) throw Interrupted(s);
}

}  // namespace clustersim::cli
