#pragma once
// Internal to the torch learners (policies/rl/*.cpp): how a model file is laid out, shared by
// the PPO and DDPG code and load_model(). Only torch translation units include this header.
#include <torch/torch.h>

#include <functional>

#include "policies/rl/agent.hpp"

namespace clustersim::rl {

// A model file is one torch archive (torch::serialize::OutputArchive::save_to) holding the
// network parameters under the learner's own keys plus this metadata under "meta/...":
// the format version, the algo name, the observation layout, the environment config and
// the hidden width.
struct ModelMeta {
  std::string algo;
  ObsLayout layout;
  EnvConfig env;
  int32_t hidden = 64;
  bool shared_actor = true;
};
void write_meta(torch::serialize::OutputArchive& archive, const ModelMeta& meta);
// Throws InputError naming `path` when the metadata is missing or of another version.
ModelMeta read_meta(torch::serialize::InputArchive& archive, const std::string& path);

// The learners' factories and loaders (ppo.cpp, ddpg.cpp).
std::unique_ptr<Trainer> make_ppo_trainer(VecEnv& envs, const TrainConfig& config, Collective* collective = nullptr);
std::unique_ptr<Trainer> make_ddpg_trainer(VecEnv& envs, const TrainConfig& config);
std::unique_ptr<TrainedModel> load_ppo_model(torch::serialize::InputArchive& archive,
                                             const ModelMeta& meta, torch::Device device);
std::unique_ptr<TrainedModel> load_ddpg_model(torch::serialize::InputArchive& archive,
                                              const ModelMeta& meta, torch::Device device);
// "cpu" or "cuda" (InputError when cuda is asked for and not available).
torch::Device parse_device(const std::string& name);

// Checkpoints of the trainers: a torch archive (networks, optimisers, generator states) as
// one string of a StateWriter, and back; tensors come back on the device they were saved
// from. A damaged archive, or one whose entries do not fit the networks (read inside
// `read`), throws InputError naming the checkpoint.
void put_archive(StateWriter& w, torch::serialize::OutputArchive& archive);
void get_archive(StateReader& r, const std::function<void(torch::serialize::InputArchive&)>& read);

}  // namespace clustersim::rl
