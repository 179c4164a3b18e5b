#include <dlfcn.h>

#include <filesystem>
#include <sstream>

#include "policies/rl/torch_models.hpp"
#include "sim/error.hpp"

namespace clustersim::rl {

namespace {
constexpr int64_t kFormatVersion = 1;

torch::Tensor ints(std::initializer_list<int64_t> v) {
  return torch::tensor(std::vector<int64_t>(v), torch::kInt64);
}
torch::Tensor text(const std::string& s) {
  std::vector<int64_t> v(s.begin(), s.end());
  return torch::tensor(v, torch::kInt64);
}
std::string text_of(const torch::Tensor& t) {
  std::string s;
  auto acc = t.accessor<int64_t, 1>();
  for (int64_t i = 0; i < acc.size(0); ++i) s.push_back(static_cast<char>(acc[i]));
  return s;
}
std::string read_text(torch::serialize::InputArchive& a, const std::string& key) {
  torch::Tensor t;
  a.read(key, t);
  return text_of(t);
}
}  // namespace

void write_meta(torch::serialize::OutputArchive& a, const ModelMeta& m) {
  a.write("meta/version", ints({kFormatVersion}));
  a.write("meta/algo", text(m.algo));
  a.write("meta/layout", ints({m.layout.cluster_dim, m.layout.window, m.layout.job_features, m.layout.num_agents}));
  a.write("meta/env", ints({m.env.window, m.env.episode_jobs, m.hidden, m.shared_actor ? 1 : 0}));
  a.write("meta/env_reward", text(m.env.reward));
  a.write("meta/env_agents", text(m.env.agents));
  a.write("meta/env_estimate", text(m.env.estimate));
  a.write("meta/env_mix", torch::tensor(std::vector<double>{m.env.alpha, m.env.beta}, torch::kFloat64));
}

ModelMeta read_meta(torch::serialize::InputArchive& a, const std::string& path) {
  ModelMeta m;
  try {
    torch::Tensor v;
    a.read("meta/version", v);
    if (v.item<int64_t>() != kFormatVersion)
      throw InputError(path + ": model format version " + std::to_string(v.item<int64_t>()) + ", this build reads " +
                       std::to_string(kFormatVersion));
    m.algo = read_text(a, "meta/algo");
    torch::Tensor l;
    a.read("meta/layout", l);
    auto la = l.accessor<int64_t, 1>();
    m.layout = ObsLayout{static_cast<int32_t>(la[0]), static_cast<int32_t>(la[1]), static_cast<int32_t>(la[2]),
                         static_cast<int32_t>(la[3])};
    torch::Tensor e;
    a.read("meta/env", e);
    auto ea = e.accessor<int64_t, 1>();
    m.env.window = static_cast<int32_t>(ea[0]);
    m.env.episode_jobs = ea[1];
    m.hidden = static_cast<int32_t>(ea[2]);
    m.shared_actor = ea[3] != 0;
    m.env.reward = read_text(a, "meta/env_reward");
    m.env.agents = read_text(a, "meta/env_agents");
    // Models saved before observations took an estimate source have none: requested times.
    torch::Tensor est;
    m.env.estimate = a.try_read("meta/env_estimate", est) ? text_of(est) : "requested";
    torch::Tensor mix;
    a.read("meta/env_mix", mix);
    m.env.alpha = mix[0].item<double>();
    m.env.beta = mix[1].item<double>();
  } catch (const c10::Error& err) {
    throw InputError(path + ": not a clustersim model (no metadata: " + std::string(err.what_without_backtrace()) + ")");
  }
  return m;
}

torch::Device parse_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (name == "cuda") {
    if (!torch::cuda::is_available())
      throw InputError("device 'cuda': this libtorch has no CUDA support or no GPU is visible (use device=cpu)");
    return torch::kCUDA;
  }
  throw InputError("device '" + name + "' is not one of cpu, cuda");
}

std::unique_ptr<TrainedModel> load_model(const std::string& path, const std::string& device) {
  if (!std::filesystem::is_regular_file(path)) throw InputError(path + ": no such model file");
  const torch::Device dev = parse_device(device);
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path, dev);
  } catch (const c10::Error& err) {
    throw InputError(path + ": not a torch archive (" + std::string(err.what_without_backtrace()) + ")");
  }
  const ModelMeta meta = read_meta(archive, path);
  try {
    if (meta.algo == "ppo") return load_ppo_model(archive, meta, dev);
    if (meta.algo == "ddpg") return load_ddpg_model(archive, meta, dev);
  } catch (const c10::Error& err) {
    throw InputError(path + ": a damaged " + meta.algo + " model (" + std::string(err.what_without_backtrace()) + ")");
  }
  throw InputError(path + ": unknown model algo '" + meta.algo + "'");
}

void set_torch_threads(int32_t threads) {
  if (threads < 1) throw InputError("torch threads: must be >= 1 (got " + std::to_string(threads) + ")");
  at::set_num_threads(threads);
  // Debian's libtorch calls the system BLAS; OpenBLAS has its own pool, set through its C API
  // when it is the one loaded (looked up at run time: the reference BLAS has no such call).
  using SetThreads = void (*)(int);
  if (auto f = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) f(threads);
}

std::unique_ptr<Trainer> make_trainer(VecEnv& envs, const TrainConfig& config, Collective* collective) {
  config.validate();
  if (config.algo == "ppo") return make_ppo_trainer(envs, config, collective);
  if (config.algo == "ddpg") {
    if (collective != nullptr && collective->size() > 1)
      throw InputError("train: distributed training (mpirun) supports ppo and mappo, not ddpg");
    return make_ddpg_trainer(envs, config);
  }
  throw InputError("train: algo '" + config.algo + "' is not one of ppo, mappo, ddpg");
}

void put_archive(StateWriter& w, torch::serialize::OutputArchive& archive) {
  std::ostringstream bytes;
  archive.save_to(bytes);
  w.put(bytes.str());
}

void get_archive(StateReader& r, const std::function<void(torch::serialize::InputArchive&)>& read) {
  const std::string bytes = r.get<std::string>();
  std::istringstream in(bytes);
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(in);
    read(archive);
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    r.corrupt("its torch archive: " + what.substr(0, what.find('\n')));
  }
}

}  // namespace clustersim::rl
