// The RL environment layer (policies/rl/env.hpp, agent.hpp) as the submodule `_clustersim.rl`:
// episode sources, the scheduling environment, the vectorised environments, the trainer and
// trained models. Thin on purpose: the Gym-style API lives in clustersim/gym.py.
//
// Observations, masks, rewards and done flags are read-only numpy views of the C++ buffers
// (allocated once per environment, rewritten in place by step/reset): nothing is copied per
// step, and each view keeps its environment alive. The GIL is released while C++ steps.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <span>
#include <type_traits>

#include "policies/rl/agent.hpp"
#include "policies/rl/env.hpp"
#include "policies/rl/evaluate.hpp"
#include "policies/rl/rl_policy.hpp"
#include "python/bindings.hpp"
#include "sim/error.hpp"

namespace clustersim::py_bindings {

namespace {

// A read-only numpy view of `data` with C-order `shape`, owned by `owner` (the environment's
// Python object, kept alive by the array).
template <class T>
py::array view_of(T* data, std::vector<py::ssize_t> shape, const py::handle& owner) {
  using V = std::remove_const_t<T>;
  std::vector<py::ssize_t> strides(shape.size());
  py::ssize_t step = sizeof(V);
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = step;
    step *= shape[i];
  }
  py::array a(py::dtype::of<V>(), std::move(shape), std::move(strides), static_cast<const void*>(data), owner);
  a.attr("setflags")(py::arg("write") = false);
  return a;
}

std::string path_text(const py::object& p) {
  return py::str(py::module_::import("os").attr("fsdecode")(p)).cast<std::string>();
}

std::string param_text(const py::handle& v) {
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>() ? "true" : "false";
  return py::str(v).cast<std::string>();
}

py::dict stats_dict(const rl::EpisodeStats& s) {
  py::dict d;
  d["mean_bsld"] = s.mean_bsld, d["mean_jct_s"] = s.mean_jct_s, d["mean_wait_s"] = s.mean_wait_s;
  d["utilisation"] = s.utilisation, d["makespan_s"] = s.makespan_s, d["return"] = s.ret, d["steps"] = s.steps;
  d["jobs"] = s.jobs, d["finished"] = s.finished, d["rejected"] = s.rejected;
  return d;
}

py::dict record_dict(const rl::UpdateRecord& r) {
  py::dict d;
  d["update"] = r.update, d["steps"] = r.steps, d["episodes"] = r.episodes, d["mean_return"] = r.mean_return;
  d["episode_metric"] = r.episode_metric, d["policy_loss"] = r.policy_loss, d["value_loss"] = r.value_loss;
  d["entropy"] = r.entropy, d["approx_kl"] = r.approx_kl, d["steps_per_s"] = r.steps_per_s;
  d["sim_s"] = r.sim_s, d["inference_s"] = r.inference_s, d["update_s"] = r.update_s, d["wall_s"] = r.wall_s;
  return d;
}

py::dict layout_dict(const rl::ObsLayout& l) {
  py::dict d;
  d["cluster_dim"] = l.cluster_dim, d["window"] = l.window, d["job_features"] = l.job_features;
  d["num_agents"] = l.num_agents, d["state_dim"] = l.state_dim(), d["obs_dim"] = l.obs_dim();
  return d;
}

std::shared_ptr<rl::EpisodeSource> make_source(const Workload& workload, const py::object& cluster,
                                               const py::object& throughputs, const std::string& reference_gpu,
                                               double cross_rack_penalty, const py::object& engine,
                                               double train_fraction, double validation_fraction) {
  auto s = std::make_shared<rl::EpisodeSource>();
  s->workload = workload;
  if (cluster.is_none()) {
    const int64_t procs = workload.machine.processors();
    if (procs < 1)
      throw InputError(workload.name +
                       ": the workload gives no machine size (no MaxProcs or MaxNodes): pass a cluster");
    s->cluster = Cluster::homogeneous(1, Resources{procs, 0, 0}, "pool");
  } else {
    s->cluster = cluster.cast<Cluster>();
  }
  if (!throughputs.is_none()) {
    s->throughputs = std::make_shared<const ThroughputTable>(read_throughputs(path_text(throughputs)));
    s->speed.reference_gpu = reference_gpu;
    s->speed.cross_rack_penalty = cross_rack_penalty;
    s->speed.validate();
  }
  if (!engine.is_none()) s->engine = engine.cast<EngineConfig>();
  s->train_fraction = train_fraction;
  s->validation_fraction = validation_fraction;
  s->validate();
  return s;
}

// Writes the model next to `path` and renames it into place (as `clustersim train` does), so
// a reader never sees half a file.
void save_model(const rl::TrainedModel& m, const std::string& path) {
  const std::string tmp = path + ".tmp";
  m.save(tmp);
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw InputError(path + ": cannot write the model (" + ec.message() + ")");
}

// Drives the C++ trainer: one record per train_step (GIL released inside), the callback
// called with each record's dict (GIL held; returning False stops early), Ctrl-C honoured
// between steps. Saves the final policy to `model_path` unless it is None.
py::list train(const std::shared_ptr<rl::EpisodeSource>& source, const rl::EnvConfig& env,
               const rl::TrainConfig& config, const py::object& model_path, const py::object& callback,
               int64_t eval_every, int64_t eval_windows) {
  config.validate();
  if (eval_every < 0) throw InputError("train: eval_every must be >= 0 (0: no validation), got " + std::to_string(eval_every));
  if (eval_every > 0 && eval_windows < 1)
    throw InputError("train: eval_windows must be >= 1 with eval_every > 0, got " + std::to_string(eval_windows));
  const std::string path = model_path.is_none() ? std::string() : path_text(model_path);
  rl::VecEnv envs(source, env, config.num_envs, config.env_threads);
  // Validation as `clustersim train` does it: the greedy agent, run as a policy, on evenly
  // spaced windows of the validation split.
  std::vector<int64_t> val_offsets;
  if (eval_every > 0) {
    rl::EnvConfig vc = env;
    vc.split = rl::Split::Validation;
    val_offsets = rl::SchedulingEnv(source, vc).eval_offsets(eval_windows);
  }
  std::unique_ptr<rl::Trainer> trainer;
  {
    py::gil_scoped_release release;
    trainer = rl::make_trainer(envs, config);
  }
  py::list records;
  int64_t n = 0;
  while (!trainer->done()) {
    rl::UpdateRecord r;
    rl::WindowResult v{.mean_bsld = std::nan(""), .mean_jct_s = std::nan("")};
    {
      py::gil_scoped_release release;
      r = trainer->train_step();
      ++n;
      if (eval_every > 0 && (n % eval_every == 0 || trainer->done())) {
        std::shared_ptr<rl::TrainedModel> m = trainer->model();
        v = rl::mean_of(rl::evaluate_windows(*source, env.episode_jobs, val_offsets, [&]() -> std::unique_ptr<Policy> {
          return std::make_unique<rl::TrainedPolicy>(m, config.algo);
        }));
      }
    }
    py::dict d = record_dict(r);
    d["validation_bsld"] = v.mean_bsld, d["validation_jct_s"] = v.mean_jct_s;
    records.append(d);
    if (!callback.is_none()) {
      py::object answer = callback(d);
      if (answer.is(py::bool_(false))) break;
    }
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  }
  if (!path.empty()) {
    py::gil_scoped_release release;
    save_model(*trainer->model(), path);
  }
  return records;
}

}  // namespace

void bind_rl(py::module_& parent) {
  py::module_ m = parent.def_submodule(
      "rl", "The scheduling environment for reinforcement learning (docs/rl.md); clustersim.gym wraps it.");

  SettingsClass<rl::EnvConfig>(m, "EnvConfig", "An environment's settings (policies/rl/env.hpp EnvConfig).")
      .field("window", &rl::EnvConfig::window, "K: job slots in the observation (= actions)")
      .field("episode_jobs", &rl::EnvConfig::episode_jobs, "N: jobs per episode")
      .field("reward", &rl::EnvConfig::reward, "bsld | jct | util | mix")
      .field("alpha", &rl::EnvConfig::alpha, "mix: weight of the bounded-slowdown term")
      .field("beta", &rl::EnvConfig::beta, "mix: weight of the utilisation term")
      .field("agents", &rl::EnvConfig::agents, "single | per-type (one agent per node type, MAPPO)")
      .field("estimate", &rl::EnvConfig::estimate, "the slots' time feature: requested | runtime | user-mean2 | mlp")
      .property(
          "split", [](const rl::EnvConfig& c) { return std::string(rl::to_string(c.split)); },
          [](rl::EnvConfig& c, const std::string& s) { c.split = rl::parse_split(s); },
          "where episodes are drawn: train | validation | test | all")
      .done()
      .def("validate", &rl::EnvConfig::validate, "Raises InputError naming a bad field.");

  py::class_<rl::EpisodeSource, std::shared_ptr<rl::EpisodeSource>>(
      m, "EpisodeSource", "Where episodes come from: a workload, its cluster, an optional DL speed model. Read-only.")
      .def(py::init(&make_source), py::arg("workload"), py::arg("cluster") = py::none(), py::kw_only(),
           py::arg("throughputs") = py::none(), py::arg("reference_gpu") = "v100", py::arg("cross_rack_penalty") = 0.0,
           py::arg("engine") = py::none(), py::arg("train_fraction") = 0.7, py::arg("validation_fraction") = 0.15,
           "cluster: default one pool of the workload's MaxProcs (as run()); throughputs: a throughput table "
           "file (the speed model); the jobs in arrival order are cut into train | validation | test splits "
           "at the two fractions.")
      .def_property_readonly("workload", [](const rl::EpisodeSource& s) { return s.workload; }, "a copy")
      .def_property_readonly("cluster", [](const rl::EpisodeSource& s) { return s.cluster; }, "a copy")
      .def_property_readonly("train_fraction", [](const rl::EpisodeSource& s) { return s.train_fraction; })
      .def_property_readonly("validation_fraction", [](const rl::EpisodeSource& s) { return s.validation_fraction; })
      .def_property_readonly("num_jobs", [](const rl::EpisodeSource& s) { return s.workload.jobs.size(); })
      .def(
          "split_range",
          [](const rl::EpisodeSource& s, const std::string& split) { return s.split_range(rl::parse_split(split)); },
          py::arg("split"), "(first, last): the jobs of a split, in arrival order.");

  py::class_<rl::EpisodeStats>(m, "EpisodeStats", "Metrics of a finished episode (over its jobs that finished).")
      .def_readonly("jobs", &rl::EpisodeStats::jobs)
      .def_readonly("finished", &rl::EpisodeStats::finished)
      .def_readonly("rejected", &rl::EpisodeStats::rejected)
      .def_readonly("mean_bsld", &rl::EpisodeStats::mean_bsld)
      .def_readonly("mean_jct_s", &rl::EpisodeStats::mean_jct_s)
      .def_readonly("mean_wait_s", &rl::EpisodeStats::mean_wait_s)
      .def_readonly("utilisation", &rl::EpisodeStats::utilisation)
      .def_readonly("makespan_s", &rl::EpisodeStats::makespan_s)
      .def_readonly("ret", &rl::EpisodeStats::ret, "the sum of the rewards (as_dict: 'return')")
      .def_readonly("steps", &rl::EpisodeStats::steps)
      .def("as_dict", &stats_dict)
      .def("__repr__", [](const rl::EpisodeStats& s) {
        return "EpisodeStats(" + py::repr(stats_dict(s)).cast<std::string>() + ")";
      });

  py::class_<rl::SchedulingEnv>(m, "SchedulingEnv",
                                "One scheduling environment: an action starts the job in a window slot. "
                                "obs and mask are read-only views rewritten by step/reset.")
      .def(py::init([](std::shared_ptr<rl::EpisodeSource> source, const rl::EnvConfig& config) {
             return std::make_unique<rl::SchedulingEnv>(std::move(source), config);
           }),
           py::arg("source"), py::arg("config"))
      .def("reset", &rl::SchedulingEnv::reset, py::arg("seed"), py::call_guard<py::gil_scoped_release>(),
           "A new episode at an offset drawn from seed inside the split (done stays true if no agent ever acts).")
      .def("reset_at", &rl::SchedulingEnv::reset_at, py::arg("offset"), py::call_guard<py::gil_scoped_release>(),
           "An episode on the window starting at job `offset` of the workload.")
      .def(
          "step",
          [](rl::SchedulingEnv& e, int32_t action) {
            rl::StepResult r;
            {
              py::gil_scoped_release release;
              r = e.step(action);
            }
            return py::make_tuple(r.reward, r.done);
          },
          py::arg("action"), "Starts the job in slot `action` -> (reward, done). An invalid slot raises DecisionError.")
      .def_property_readonly(
          "obs", [](py::object self) {
            auto& e = self.cast<rl::SchedulingEnv&>();
            return view_of(e.obs().data(), {static_cast<py::ssize_t>(e.obs().size())}, self);
          },
          "float32 [obs_dim], a read-only view")
      .def_property_readonly(
          "mask", [](py::object self) {
            auto& e = self.cast<rl::SchedulingEnv&>();
            return view_of(e.mask().data(), {static_cast<py::ssize_t>(e.mask().size())}, self);
          },
          "uint8 [num_actions] (1: the slot's job starts if chosen), a read-only view")
      .def_property_readonly(
          "slots",
          [](const rl::SchedulingEnv& e) {
            std::vector<int64_t> ids;
            for (JobId j : e.slots()) ids.push_back(j == JobId::invalid() ? -1 : static_cast<int64_t>(j.value()));
            return to_numpy(ids);
          },
          "the episode's job id in each slot (-1: empty), a copy")
      .def_property_readonly("done", &rl::SchedulingEnv::done)
      .def_property_readonly("agent", &rl::SchedulingEnv::agent, "the agent that acts now")
      .def_property_readonly("offset", &rl::SchedulingEnv::offset, "the episode's first job in the workload")
      .def_property_readonly("now", [](const rl::SchedulingEnv& e) { return e.view().now().seconds(); },
                             "the episode's simulated time, s")
      .def_property_readonly("obs_dim", &rl::SchedulingEnv::obs_dim)
      .def_property_readonly("state_dim", &rl::SchedulingEnv::state_dim)
      .def_property_readonly("num_actions", &rl::SchedulingEnv::num_actions)
      .def_property_readonly("num_agents", &rl::SchedulingEnv::num_agents)
      .def_property_readonly("config", &rl::SchedulingEnv::config)
      .def_property_readonly(
          "layout", [](const rl::SchedulingEnv& e) { return layout_dict(rl::layout_of(e.featurizer())); },
          "cluster_dim, window, job_features, num_agents, state_dim, obs_dim")
      .def_property_readonly(
          "stats",
          [](const rl::SchedulingEnv& e) {
            if (!e.done()) throw DecisionError("env: stats are those of a finished episode (this one has not ended)");
            return e.stats();
          },
          "the finished episode's EpisodeStats")
      .def("eval_offsets", &rl::SchedulingEnv::eval_offsets, py::arg("count"),
           "`count` evenly spaced window offsets inside the split (for evaluation with reset_at).");

  py::class_<rl::VecEnv>(m, "VecEnv",
                         "M environments stepped together; an environment that finishes is reset at once. "
                         "The batches are read-only views rewritten by step/reset.")
      .def(py::init([](std::shared_ptr<rl::EpisodeSource> source, const rl::EnvConfig& config, int32_t num_envs,
                       int32_t threads) {
             return std::make_unique<rl::VecEnv>(std::move(source), config, num_envs, threads);
           }),
           py::arg("source"), py::arg("config"), py::arg("num_envs"), py::arg("threads") = 1)
      .def("reset", [](rl::VecEnv& v, uint64_t seed) { v.reset(seed); }, py::arg("seed"),
           py::call_guard<py::gil_scoped_release>(),
           "Every environment's first episode; environment i draws its episodes from its own seed stream.")
      .def(
          "step",
          [](rl::VecEnv& v, const py::array_t<int32_t, py::array::c_style | py::array::forcecast>& actions) {
            const size_t n = static_cast<size_t>(v.num_envs()), k = static_cast<size_t>(v.num_actions());
            if (actions.ndim() != 1 || static_cast<size_t>(actions.size()) != n)
              throw InputError("vec env: expected " + std::to_string(n) + " actions (one per environment), got " +
                               std::to_string(actions.size()) + " in " + std::to_string(actions.ndim()) +
                               " dimension(s)");
            // Checked before any environment moves, so a bad action leaves the batch as it was.
            const int32_t* a = actions.data();
            const uint8_t* mask = v.mask().data();
            for (size_t i = 0; i < n; ++i)
              if (a[i] < 0 || static_cast<size_t>(a[i]) >= k || !mask[i * k + static_cast<size_t>(a[i])])
                throw DecisionError("vec env: environment " + std::to_string(i) + ": action " + std::to_string(a[i]) +
                                    " is not a valid slot (mask 0)");
            py::gil_scoped_release release;
            v.step(std::span<const int32_t>(a, n));
          },
          py::arg("actions"), "int32 [num_envs]: one valid slot per environment.")
      .def_property_readonly(
          "obs",
          [](py::object self) {
            auto& v = self.cast<rl::VecEnv&>();
            return view_of(v.obs().data(), {v.num_envs(), v.obs_dim()}, self);
          },
          "float32 [num_envs, obs_dim]")
      .def_property_readonly(
          "mask",
          [](py::object self) {
            auto& v = self.cast<rl::VecEnv&>();
            return view_of(v.mask().data(), {v.num_envs(), v.num_actions()}, self);
          },
          "uint8 [num_envs, num_actions]")
      .def_property_readonly(
          "rewards",
          [](py::object self) {
            auto& v = self.cast<rl::VecEnv&>();
            return view_of(v.rewards().data(), {v.num_envs()}, self);
          },
          "float32 [num_envs]: the last step's rewards")
      .def_property_readonly(
          "dones",
          [](py::object self) {
            auto& v = self.cast<rl::VecEnv&>();
            return view_of(v.dones().data(), {v.num_envs()}, self);
          },
          "uint8 [num_envs]: 1 where the last step ended an episode (that row is already the next one's)")
      .def_property_readonly(
          "agents",
          [](py::object self) {
            auto& v = self.cast<rl::VecEnv&>();
            return view_of(v.agents().data(), {v.num_envs()}, self);
          },
          "int32 [num_envs]: the agent that acts next in each environment")
      .def("take_finished", &rl::VecEnv::take_finished,
           "EpisodeStats of the episodes finished since the last call, in environment order (cleared).")
      .def_property_readonly(
          "offsets",
          [](rl::VecEnv& v) {
            std::vector<int64_t> o;
            for (int32_t i = 0; i < v.num_envs(); ++i) o.push_back(v.env(i).offset());
            return to_numpy(o);
          },
          "each environment's current episode offset in the workload")
      .def_property_readonly("num_envs", &rl::VecEnv::num_envs)
      .def_property_readonly("obs_dim", &rl::VecEnv::obs_dim)
      .def_property_readonly("num_actions", &rl::VecEnv::num_actions)
      .def_property_readonly("num_agents", [](rl::VecEnv& v) { return v.env(0).num_agents(); })
      .def_property_readonly("layout", [](rl::VecEnv& v) { return layout_dict(rl::layout_of(v.env(0).featurizer())); });

  SettingsClass<rl::TrainConfig> tc(m, "TrainConfig",
                                    "Every hyper-parameter of the learners (policies/rl/agent.hpp), with defaults.");
  tc.field("algo", &rl::TrainConfig::algo, "ppo (MAPPO when the env has several agents) | ddpg")
      .field("seed", &rl::TrainConfig::seed, "")
      .field("total_steps", &rl::TrainConfig::total_steps, "environment steps in all")
      .field("num_envs", &rl::TrainConfig::num_envs, "vectorised environments")
      .field("env_threads", &rl::TrainConfig::env_threads, "threads stepping them")
      .field("device", &rl::TrainConfig::device, "cpu | cuda")
      .field("hidden", &rl::TrainConfig::hidden, "hidden layer width")
      .field("lr", &rl::TrainConfig::lr, "Adam learning rate (PPO; DDPG's actor)")
      .field("gamma", &rl::TrainConfig::gamma, "discount")
      .field("rollout", &rl::TrainConfig::rollout, "PPO: steps per environment per update")
      .field("epochs", &rl::TrainConfig::epochs, "PPO")
      .field("minibatches", &rl::TrainConfig::minibatches, "PPO")
      .field("gae_lambda", &rl::TrainConfig::gae_lambda, "PPO")
      .field("clip", &rl::TrainConfig::clip, "PPO: clipped surrogate")
      .field("value_clip", &rl::TrainConfig::value_clip, "PPO: <= 0 no value clipping")
      .field("value_coef", &rl::TrainConfig::value_coef, "PPO")
      .field("entropy_coef", &rl::TrainConfig::entropy_coef, "PPO")
      .field("max_grad_norm", &rl::TrainConfig::max_grad_norm, "PPO")
      .field("shared_actor", &rl::TrainConfig::shared_actor, "MAPPO: one actor with an agent-id input")
      .field("critic_lr", &rl::TrainConfig::critic_lr, "DDPG")
      .field("tau", &rl::TrainConfig::tau, "DDPG: soft target update")
      .field("replay_size", &rl::TrainConfig::replay_size, "DDPG")
      .field("batch_size", &rl::TrainConfig::batch_size, "DDPG")
      .field("warmup_steps", &rl::TrainConfig::warmup_steps, "DDPG: random valid actions first")
      .field("updates_per_step", &rl::TrainConfig::updates_per_step, "DDPG")
      .field("noise_sigma", &rl::TrainConfig::noise_sigma, "DDPG: exploration noise")
      .field("noise_decay", &rl::TrainConfig::noise_decay, "DDPG")
      .field("log_every", &rl::TrainConfig::log_every, "DDPG: steps between learning-curve records")
      .done()
      .def("validate", &rl::TrainConfig::validate, "Raises InputError naming a bad parameter.")
      .def_static(
          "from_params",
          [](const py::dict& params) {
            std::map<std::string, std::string> values;
            for (const auto& [k, v] : params) values[py::str(k).cast<std::string>()] = param_text(v);
            rl::TrainConfig c;
            c.set(values);
            return c;
          },
          py::arg("params"),
          "A config from key -> value (as `clustersim train --param key=value`; algo 'mappo' is 'ppo'); an unknown "
          "key or a bad value raises InputError.")
      .def_static("keys", &rl::TrainConfig::keys);

  py::class_<rl::TrainedModel, std::shared_ptr<rl::TrainedModel>>(
      m, "Model", "A trained model: the greedy valid action for an observation.")
      .def_property_readonly("algo", &rl::TrainedModel::algo)
      .def_property_readonly("layout", [](const rl::TrainedModel& t) { return layout_dict(t.layout()); })
      .def_property_readonly("env_config", [](const rl::TrainedModel& t) { return t.env_config(); })
      .def(
          "act",
          [](rl::TrainedModel& t, const py::array_t<float, py::array::c_style | py::array::forcecast>& obs,
             const py::array_t<uint8_t, py::array::c_style | py::array::forcecast>& mask) {
            const rl::ObsLayout& l = t.layout();
            if (obs.size() != l.obs_dim() || mask.size() != l.window)
              throw InputError("model: expected obs of " + std::to_string(l.obs_dim()) + " values and a mask of " +
                               std::to_string(l.window) + ", got " + std::to_string(obs.size()) + " and " +
                               std::to_string(mask.size()));
            bool any = false;
            for (py::ssize_t i = 0; i < mask.size(); ++i) any = any || mask.data()[i] != 0;
            if (!any) throw InputError("model: the mask has no valid action");
            return t.act(obs.data(), mask.data());
          },
          py::arg("obs"), py::arg("mask"), "The valid slot the model scores highest.")
      .def(
          "save", [](const rl::TrainedModel& t, const py::object& path) { save_model(t, path_text(path)); },
          py::arg("path"));
  m.def(
      "load_model",
      [](const py::object& path, const std::string& device) {
        return std::shared_ptr<rl::TrainedModel>(rl::load_model(path_text(path), device));
      },
      py::arg("path"), py::arg("device") = "cpu", "A model saved by train() or `clustersim train`.");

  m.def("train", &train, py::arg("source"), py::arg("env"), py::arg("config"), py::arg("model") = py::none(),
        py::arg("callback") = py::none(), py::arg("eval_every") = 0, py::arg("eval_windows") = 4,
        "Trains on a VecEnv of `config.num_envs` environments of `source` until total_steps; returns one dict "
        "per learning-curve record and saves the final model to `model` (unless None). callback(record) runs "
        "after each record with the GIL held; returning False stops early. eval_every > 0: every that many "
        "records (and after the last) the greedy agent runs on `eval_windows` validation windows; the record's "
        "validation_bsld / validation_jct_s are their means (NaN in other records).");
  m.def("set_torch_threads", &rl::set_torch_threads, py::arg("threads"),
        "Threads for torch's intra-op pool (and OpenBLAS).");
}

}  // namespace clustersim::py_bindings
