// Checkpoints (docs/checkpoints.md): the cost of saving and restoring a run's state midway
// through the 1,000,000-job lublin_256 x 100 trace under EASY (engine and policy), in memory
// (StateWriter / StateReader) and through a checkpoint file (write, fsync, rename; read and
// checksum). Counter: bytes of state.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>

#include "bench/lublin100.hpp"
#include "policies/registry.hpp"
#include "sim/engine.hpp"
#include "sim/state_io.hpp"
#include "traces/swf.hpp"

namespace {

using namespace clustersim;

struct Midway {
  Workload w = parse_swf(bench::lublin100_text(), "lublin_256x100");
  Cluster cluster = Cluster::homogeneous(1, Resources{w.machine.processors(), 0, 0});
  std::unique_ptr<Engine> engine;
  std::unique_ptr<Policy> policy = PolicyRegistry::builtin().make("easy");

  Midway() {
    engine = std::make_unique<Engine>(cluster, w.jobs);
    policy->reset(*engine);
    // Halfway through the arrivals.
    while (engine->arrived() < w.jobs.size() / 2 && engine->advance()) policy->schedule(engine->decisions());
  }
  void save(StateWriter& sw) const {
    sw.clear();
    engine->save(sw);
    policy->save_state(sw);
  }
  std::string save() const {
    StateWriter sw;
    save(sw);
    return sw.take();
  }
};

Midway& midway() {
  static Midway m;
  return m;
}

// One writer for every save, as a run's checkpoints reuse theirs.
void BM_CheckpointSaveInMemory(benchmark::State& st) {
  Midway& m = midway();
  size_t bytes = 0;
  StateWriter sw;
  for (auto _ : st) {
    m.save(sw);
    bytes = sw.bytes().size();
    benchmark::DoNotOptimize(sw.bytes().data());
  }
  st.counters["bytes"] = static_cast<double>(bytes);
  st.SetBytesProcessed(static_cast<int64_t>(bytes) * st.iterations());
}
BENCHMARK(BM_CheckpointSaveInMemory)->Unit(benchmark::kMillisecond);

void BM_CheckpointRestoreInMemory(benchmark::State& st) {
  Midway& m = midway();
  const std::string bytes = m.save();
  for (auto _ : st) {
    st.PauseTiming();
    Engine e(m.cluster, m.w.jobs);
    auto p = PolicyRegistry::builtin().make("easy");
    st.ResumeTiming();
    StateReader r(bytes, "bench");
    e.restore(r);
    p->restore_state(e, r);
  }
  st.SetBytesProcessed(static_cast<int64_t>(bytes.size()) * st.iterations());
}
BENCHMARK(BM_CheckpointRestoreInMemory)->Unit(benchmark::kMillisecond);

void BM_CheckpointFileWriteAndRead(benchmark::State& st) {
  Midway& m = midway();
  const std::string bytes = m.save();
  const std::string path = "/tmp/clustersim_checkpoint_bench.ck";
  for (auto _ : st) {
    write_checkpoint_file(path, bytes);
    const std::string back = read_checkpoint_file(path);
    benchmark::DoNotOptimize(back.data());
  }
  std::remove(path.c_str());
  st.SetBytesProcessed(static_cast<int64_t>(bytes.size()) * st.iterations());
}
BENCHMARK(BM_CheckpointFileWriteAndRead)->Unit(benchmark::kMillisecond);

}  // namespace
