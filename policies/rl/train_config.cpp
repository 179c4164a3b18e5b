#include <cmath>

#include "policies/params.hpp"
#include "policies/rl/agent.hpp"
#include "sim/error.hpp"

namespace clustersim::rl {

ObsLayout layout_of(const Featurizer& f) {
  return ObsLayout{f.cluster_dim(), f.window(), f.job_features(), f.num_agents()};
}

void record_episodes(VecEnv& envs, const std::string& reward, UpdateRecord& r) {
  const auto finished = envs.take_finished();
  r.episodes = static_cast<int64_t>(finished.size());
  if (finished.empty()) {
    r.mean_return = r.episode_metric = std::nan("");
    return;
  }
  const bool jct = reward == "jct";
  double ret = 0, metric = 0;
  for (const EpisodeStats& s : finished) {
    ret += s.ret;
    metric += jct ? s.mean_jct_s : s.mean_bsld;
  }
  r.mean_return = ret / static_cast<double>(finished.size());
  r.episode_metric = metric / static_cast<double>(finished.size());
}

std::vector<std::string> TrainConfig::keys() {
  return {"algo",        "seed",        "total_steps",   "num_envs",    "env_threads", "device",
          "hidden",      "lr",          "gamma",         "rollout",     "epochs",      "minibatches",
          "gae_lambda",  "clip",        "value_clip",    "value_coef",  "entropy_coef", "max_grad_norm",
          "shared_actor", "critic_lr",  "tau",           "replay_size", "batch_size",  "warmup_steps",
          "updates_per_step", "noise_sigma", "noise_decay", "log_every"};
}

void TrainConfig::set(const std::map<std::string, std::string>& values) {
  PolicyParams p("train", values);
  p.reject_unknown(keys());
  algo = p.get_choice("algo", algo, {"ppo", "mappo", "ddpg"});
  if (algo == "mappo") algo = "ppo";  // the same learner; the environment's agents decide
  seed = static_cast<uint64_t>(p.get_int("seed", static_cast<int64_t>(seed)));
  total_steps = p.get_int("total_steps", total_steps);
  num_envs = static_cast<int32_t>(p.get_int("num_envs", num_envs));
  env_threads = static_cast<int32_t>(p.get_int("env_threads", env_threads));
  device = p.get_choice("device", device, {"cpu", "cuda"});
  hidden = static_cast<int32_t>(p.get_int("hidden", hidden));
  lr = p.get_double("lr", lr);
  gamma = p.get_double("gamma", gamma);
  rollout = static_cast<int32_t>(p.get_int("rollout", rollout));
  epochs = static_cast<int32_t>(p.get_int("epochs", epochs));
  minibatches = static_cast<int32_t>(p.get_int("minibatches", minibatches));
  gae_lambda = p.get_double("gae_lambda", gae_lambda);
  clip = p.get_double("clip", clip);
  value_clip = p.get_double("value_clip", value_clip);
  value_coef = p.get_double("value_coef", value_coef);
  entropy_coef = p.get_double("entropy_coef", entropy_coef);
  max_grad_norm = p.get_double("max_grad_norm", max_grad_norm);
  shared_actor = p.get_bool("shared_actor", shared_actor);
  critic_lr = p.get_double("critic_lr", critic_lr);
  tau = p.get_double("tau", tau);
  replay_size = p.get_int("replay_size", replay_size);
  batch_size = static_cast<int32_t>(p.get_int("batch_size", batch_size));
  warmup_steps = p.get_int("warmup_steps", warmup_steps);
  updates_per_step = static_cast<int32_t>(p.get_int("updates_per_step", updates_per_step));
  noise_sigma = p.get_double("noise_sigma", noise_sigma);
  noise_decay = p.get_double("noise_decay", noise_decay);
  log_every = static_cast<int32_t>(p.get_int("log_every", log_every));
  validate();
}

Settings TrainConfig::settings() const {
  auto i = [](int64_t v) { return std::to_string(v); };
  return {{"algo", algo},
          {"seed", std::to_string(seed)},
          {"total_steps", i(total_steps)},
          {"num_envs", i(num_envs)},
          {"device", device},
          {"hidden", i(hidden)},
          {"lr", exact(lr)},
          {"gamma", exact(gamma)},
          {"rollout", i(rollout)},
          {"epochs", i(epochs)},
          {"minibatches", i(minibatches)},
          {"gae_lambda", exact(gae_lambda)},
          {"clip", exact(clip)},
          {"value_clip", exact(value_clip)},
          {"value_coef", exact(value_coef)},
          {"entropy_coef", exact(entropy_coef)},
          {"max_grad_norm", exact(max_grad_norm)},
          {"shared_actor", shared_actor ? "true" : "false"},
          {"critic_lr", exact(critic_lr)},
          {"tau", exact(tau)},
          {"replay_size", i(replay_size)},
          {"batch_size", i(batch_size)},
          {"warmup_steps", i(warmup_steps)},
          {"updates_per_step", i(updates_per_step)},
          {"noise_sigma", exact(noise_sigma)},
          {"noise_decay", exact(noise_decay)},
          {"log_every", i(log_every)}};
}

void TrainConfig::validate() const {
  auto need = [](bool ok, const std::string& key, const std::string& rule) {
    if (!ok) throw InputError("train: parameter '" + key + "': must be " + rule);
  };
  need(algo == "ppo" || algo == "ddpg", "algo", "ppo, mappo or ddpg");
  need(total_steps > 0, "total_steps", "> 0");
  need(num_envs >= 1 && num_envs <= 4096, "num_envs", "in 1..4096");
  need(env_threads >= 1 && env_threads <= 256, "env_threads", "in 1..256");
  need(hidden >= 1 && hidden <= 4096, "hidden", "in 1..4096");
  need(lr > 0 && std::isfinite(lr), "lr", "> 0");
  need(gamma > 0 && gamma <= 1, "gamma", "in (0, 1]");
  need(rollout >= 1, "rollout", ">= 1");
  need(epochs >= 1, "epochs", ">= 1");
  need(minibatches >= 1 && minibatches <= static_cast<int64_t>(rollout) * num_envs, "minibatches",
       ">= 1 and at most rollout x num_envs");
  need(gae_lambda >= 0 && gae_lambda <= 1, "gae_lambda", "in [0, 1]");
  need(clip > 0 && std::isfinite(clip), "clip", "> 0");
  need(std::isfinite(value_clip), "value_clip", "finite (<= 0 turns value clipping off)");
  need(value_coef >= 0 && std::isfinite(value_coef), "value_coef", ">= 0");
  need(entropy_coef >= 0 && std::isfinite(entropy_coef), "entropy_coef", ">= 0");
  need(max_grad_norm > 0 && std::isfinite(max_grad_norm), "max_grad_norm", "> 0");
  need(critic_lr > 0 && std::isfinite(critic_lr), "critic_lr", "> 0");
  need(tau > 0 && tau <= 1, "tau", "in (0, 1]");
  need(replay_size >= 1, "replay_size", ">= 1");
  need(batch_size >= 1, "batch_size", ">= 1");
  need(warmup_steps >= 0, "warmup_steps", ">= 0");
  need(updates_per_step >= 0, "updates_per_step", ">= 0");
  need(noise_sigma >= 0 && std::isfinite(noise_sigma), "noise_sigma", ">= 0");
  need(noise_decay > 0 && noise_decay <= 1, "noise_decay", "in (0, 1]");
  need(log_every >= 1, "log_every", ">= 1");
}

}  // namespace clustersim::rl
