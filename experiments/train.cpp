// clustersim train: trains a PPO / MAPPO or DDPG agent in the loop on windows of a workload,
// writes its learning curves (HDF5 /training, /validation, /test) and its model, and reports
// the trained agent against heuristics on held-out test windows (docs/rl.md). With
// --checkpoint it writes the whole training state between training steps, and --resume (what
// `clustersim resume` runs) goes on from it to the results of an uninterrupted training.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include "experiments/cli_options.hpp"
#include "experiments/commands.hpp"
#include "experiments/interrupt.hpp"
#include "experiments/mpi_collective.hpp"
#include "output/training_writer.hpp"
#include "policies/registry.hpp"
#include "policies/rl/agent.hpp"
#include "policies/rl/evaluate.hpp"
#include "policies/rl/rl_policy.hpp"
#include "sim/error.hpp"

namespace clustersim::cli {

namespace {

// Writes the model to a temporary file beside `path`, then renames it: a checkpoint is never
// half written.
void save_atomically(const rl::TrainedModel& m, const std::string& path) {
  const std::string tmp = path + ".tmp";
  m.save(tmp);
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw InputError(path + ": cannot write the model (" + ec.message() + ")");
}

std::string fmt(double v, int digits = 2) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

}  // namespace

int cmd_train(int argc, char** argv) {
  po::options_description d("clustersim train: train a scheduling agent in the loop (PPO, MAPPO, DDPG)");
  d.add_options()("help,h", "show this help")
      ("algo", po::value<std::string>()->default_value("ppo"), "ppo | mappo (ppo with one agent per node type) | ddpg")
      ("steps", po::value<int64_t>()->default_value(100000), "environment steps (actions) to train for")
      ("window", po::value<int32_t>()->default_value(128), "K: queued jobs the agent sees (= actions)")
      ("episode-jobs", po::value<int64_t>()->default_value(256), "N: jobs per episode (a window of the workload)")
      ("reward", po::value<std::string>()->default_value("bsld"), "bsld | jct | util | mix")
      ("alpha", po::value<double>()->default_value(1.0), "mix reward: weight of the bounded-slowdown term")
      ("beta", po::value<double>()->default_value(1.0), "mix reward: weight of the utilisation term")
      ("agents", po::value<std::string>(), "single | per-type (default: per-type for mappo, else single)")
      ("estimate", po::value<std::string>()->default_value("requested"), "the observation's job-time feature: requested | runtime | user-mean2 | mlp (docs/predictors.md)")
      ("train-fraction", po::value<double>()->default_value(0.7), "the first jobs (arrival order) episodes are drawn from")
      ("validation-fraction", po::value<double>()->default_value(0.15), "the next jobs, for validation; the rest is the test split")
      ("param", po::value<std::vector<std::string>>()->composing(), "training hyper-parameter key=value (repeatable; see docs/rl.md)")
      ("out", po::value<std::string>(), "write the learning curves to this HDF5 file")
      ("model", po::value<std::string>(), "write the model here (default: --out with .pt, else model.pt)")
      ("eval-every", po::value<int64_t>()->default_value(10), "records between validation evaluations and checkpoints (0: only at the end)")
      ("eval-windows", po::value<int64_t>()->default_value(4), "validation windows per evaluation")
      ("test-windows", po::value<int64_t>()->default_value(10), "held-out test windows evaluated at the end (0: none)")
      ("compare", po::value<std::string>()->default_value("fcfs,sjf,easy"), "heuristics evaluated on the same test windows")
      ("torch-threads", po::value<int32_t>()->default_value(1), "threads for torch and OpenBLAS")
      ("quiet,q", po::bool_switch(), "print only the final table");
  add_workload_options(d);
  add_cluster_options(d);
  add_engine_options(d);
  add_checkpoint_options(d);
  po::variables_map vm;
  if (!parse(argc, argv, d, vm,
             "usage: clustersim train [--algo ppo|mappo|ddpg] [workload options] [--steps N] [--out curves.h5] [--model m.pt]"))
    return 0;
  // Under mpirun: data-parallel PPO over the ranks (ppo.cpp). Rank 0 writes the file and the
  // model, evaluates and prints; the other ranks only train.
  std::unique_ptr<rl::Collective> collective = make_mpi_collective();
  const bool lead = collective == nullptr || collective->rank() == 0;
  const bool quiet = vm["quiet"].as<bool>() || !lead;

  // Checkpoints (docs/rl.md). A bad or missing checkpoint fails here, before anything is built
  // or written.
  const std::string checkpoint = vm.count("checkpoint") ? vm["checkpoint"].as<std::string>() : "";
  const std::string resume_from = vm.count("resume") ? vm["resume"].as<std::string>() : "";
  const bool checkpointing = !checkpoint.empty(), resuming = !resume_from.empty();
  const double checkpoint_every_s = vm["checkpoint-every"].as<double>();
  if (!(checkpoint_every_s > 0) || !std::isfinite(checkpoint_every_s))
    throw InputError("--checkpoint-every: must be > 0 seconds, got " + std::to_string(checkpoint_every_s));
  if ((checkpointing || resuming) && collective && collective->size() > 1)
    throw InputError(std::string(checkpointing ? "--checkpoint" : "--resume") +
                     ": training under mpirun with more than one rank cannot be checkpointed (docs/rl.md); "
                     "checkpoint a training in one process");
  std::string payload;
  if (resuming) payload = read_checkpoint_file(resume_from);

  rl::TrainConfig tc;
  auto params = param_values(vm);
  const std::string algo = vm["algo"].as<std::string>();
  if (algo != "ppo" && algo != "mappo" && algo != "ddpg")
    throw InputError("--algo: '" + algo + "' is not one of ppo, mappo, ddpg");
  params["algo"] = algo;
  if (!params.count("total_steps")) params["total_steps"] = std::to_string(vm["steps"].as<int64_t>());
  if (!params.count("seed")) params["seed"] = std::to_string(vm["seed"].as<uint64_t>());
  tc.set(params);
  rl::set_torch_threads(vm["torch-threads"].as<int32_t>());

  auto source = std::make_shared<rl::EpisodeSource>();
  std::vector<std::string> notes;
  source->workload = load_workload(vm, &notes);
  if (!quiet) for (const auto& n : notes) std::cerr << n << "\n";
  source->cluster = make_cluster(vm, source->workload);
  source->throughputs = throughput_table(vm);
  source->speed = speed_config(vm);
  source->engine = make_engine_config(vm);
  source->train_fraction = vm["train-fraction"].as<double>();
  source->validation_fraction = vm["validation-fraction"].as<double>();

  rl::EnvConfig ec;
  ec.window = vm["window"].as<int32_t>();
  ec.episode_jobs = vm["episode-jobs"].as<int64_t>();
  ec.reward = vm["reward"].as<std::string>();
  ec.alpha = vm["alpha"].as<double>();
  ec.beta = vm["beta"].as<double>();
  ec.agents = vm.count("agents") ? vm["agents"].as<std::string>() : (algo == "mappo" ? "per-type" : "single");
  ec.estimate = vm["estimate"].as<std::string>();
  ec.split = rl::Split::Train;

  const std::string out = vm.count("out") ? vm["out"].as<std::string>() : "";
  std::string model_path = vm.count("model") ? vm["model"].as<std::string>()
                           : out.empty()     ? "model.pt"
                                             : std::filesystem::path(out).replace_extension(".pt").string();
  const std::vector<std::string> baselines = split_commas(vm["compare"].as<std::string>());
  for (const auto& b : baselines) PolicyRegistry::builtin().make(b);  // unknown names fail first

  rl::VecEnv envs(source, ec, tc.num_envs, tc.env_threads);
  if ((checkpointing || resuming) && !envs.checkpointable())
    throw InputError("--estimate " + ec.estimate +
                     ": its runtime predictor (a torch network) cannot be checkpointed, so neither can this training "
                     "(--checkpoint); use --estimate requested, runtime or user-mean2");
  rl::EnvConfig vc = ec;
  vc.split = rl::Split::Validation;
  rl::EnvConfig test_cfg = ec;
  test_cfg.split = rl::Split::Test;
  const int64_t eval_windows = vm["eval-windows"].as<int64_t>(), test_windows = vm["test-windows"].as<int64_t>();
  std::vector<int64_t> val_offsets, test_offsets;
  if (eval_windows > 0) val_offsets = rl::SchedulingEnv(source, vc).eval_offsets(eval_windows);
  if (test_windows > 0) test_offsets = rl::SchedulingEnv(source, test_cfg).eval_offsets(test_windows);

  std::ostringstream p;
  for (const auto& [k, v] : params) p << (p.tellp() > 0 ? "," : "") << k << "=" << v;
  const std::string params_text = p.str();
  // What a checkpoint must share with the training that resumes it, besides what the trainer
  // checks (every --param, one by one: TrainConfig::settings) and the environments' engines
  // (the workload, the cluster, the engine settings).
  const rl::Settings settings{{"algo", algo},
                              {"workload", source->workload.name},
                              {"window", std::to_string(ec.window)},
                              {"episode-jobs", std::to_string(ec.episode_jobs)},
                              {"reward", ec.reward},
                              {"alpha", rl::exact(ec.alpha)},
                              {"beta", rl::exact(ec.beta)},
                              {"agents", ec.agents},
                              {"estimate", ec.estimate},
                              {"train-fraction", rl::exact(source->train_fraction)},
                              {"validation-fraction", rl::exact(source->validation_fraction)},
                              {"eval-every", std::to_string(vm["eval-every"].as<int64_t>())},
                              {"eval-windows", std::to_string(eval_windows)},
                              {"test-windows", std::to_string(test_windows)},
                              {"compare", vm["compare"].as<std::string>()},
                              {"out", out.empty() ? "none" : "a file"},
                              {"ranks", std::to_string(collective ? collective->size() : 1)}};
  std::string config = config_text(vm);
  int64_t records = 0;
  rl::UpdateRecord last;
  std::optional<StateReader> reader;
  if (resuming) {
    reader.emplace(payload, resume_from);
    (void)read_command_header(*reader);
    reader->section("clustersim train");
    rl::expect_same_settings(*reader, settings, "training setting");
    reader->get(config);  // the file's /meta says how the training was started
    reader->get(records);
    reader->get(last);
  }

  install_stop_signals();
  auto trainer = rl::make_trainer(envs, tc, collective.get());
  if ((checkpointing || resuming) && !trainer->checkpointable())
    throw InputError("--algo " + algo + ": this training cannot be checkpointed (--checkpoint)");
  if (reader) {
    trainer->restore_state(*reader);
    if (reader->get<bool>() != (!out.empty() && lead)) reader->corrupt("whether it holds the output file's rows");
  }
  // Opened after the checkpoint is read: a bad checkpoint leaves the file alone.
  std::unique_ptr<Hdf5TrainingWriter> writer;
  if (!out.empty() && lead) {
    writer = std::make_unique<Hdf5TrainingWriter>(
        out, std::vector<std::pair<std::string, std::string>>{
                 {"algo", algo}, {"workload", source->workload.name}, {"params", params_text},
                 {"reward", ec.reward}, {"agents", ec.agents}, {"window", std::to_string(ec.window)},
                 {"episode_jobs", std::to_string(ec.episode_jobs)}, {"model", model_path},
                 {"config", config},
                 {"ranks", std::to_string(collective ? collective->size() : 1)}});
  }
  if (reader) {
    if (writer) writer->restore_state(*reader);
    reader->section("end");
    if (!reader->at_end()) reader->corrupt("bytes after the end");
    reader.reset();
    payload.clear();
  }

  auto evaluate = [&](const std::vector<int64_t>& offsets, const std::string& policy,
                      std::shared_ptr<rl::TrainedModel> model) {
    return rl::mean_of(rl::evaluate_windows(*source, ec.episode_jobs, offsets, [&]() -> std::unique_ptr<Policy> {
      if (model) return std::make_unique<rl::TrainedPolicy>(model, algo);
      return PolicyRegistry::builtin().make(policy);
    }));
  };
  const int64_t eval_every = vm["eval-every"].as<int64_t>();
  if (!quiet)
    std::cout << "training " << algo << " on " << source->workload.name << " (" << ec.episode_jobs << "-job windows, K="
              << ec.window << ", " << envs.num_envs() << " envs"
              << (collective ? " on each of " + std::to_string(collective->size()) + " ranks" : std::string()) << ", "
              << tc.total_steps << " steps)"
              << (resuming ? ", resumed after " + std::to_string(last.steps) + " steps from " + resume_from : std::string())
              << "\n";

  // The checkpoint: the command line (for `clustersim resume`), the settings, this loop's
  // counters, the trainer (its environments included) and the file's rows so far.
  using Clock = std::chrono::steady_clock;
  const std::vector<std::string> command_line = command_line_for_resume("train", argc, argv);
  auto last_checkpoint = Clock::now();
  auto save_checkpoint = [&] {
    StateWriter w;
    write_command_header(w, command_line);
    w.section("clustersim train");
    w.put(settings);
    w.put(config);
    w.put(records);
    w.put(last);
    trainer->save_state(w);
    w.put(writer != nullptr);
    if (writer) writer->save_state(w);
    w.section("end");
    write_checkpoint_file(checkpoint, w.bytes());
    last_checkpoint = Clock::now();
  };
  const auto checkpoint_every = std::chrono::duration<double>(checkpoint_every_s);
  if (checkpointing) save_checkpoint();  // an unwritable checkpoint path fails before training
  while (!trainer->done()) {
    try {
      throw_if_stopped();
    } catch (const Interrupted&) {
      if (checkpointing) {  // the state as of the end of the last step
        save_checkpoint();
        note_checkpoint_written_on_stop(checkpoint);
      }
      throw;
    }
    last = trainer->train_step();
    ++records;
    if (writer)
      writer->add(TrainingRow{last.update, last.steps, last.episodes, last.mean_return, last.episode_metric,
                              last.policy_loss, last.value_loss, last.entropy, last.approx_kl, last.steps_per_s,
                              last.sim_s, last.inference_s, last.update_s, last.wall_s});
    const bool evaluate_now = trainer->done() || (eval_every > 0 && records % eval_every == 0);
    if (evaluate_now && lead) {
      std::shared_ptr<rl::TrainedModel> m = trainer->model();
      save_atomically(*m, model_path);
      if (!val_offsets.empty()) {
        const rl::WindowResult v = evaluate(val_offsets, algo, m);
        if (writer)
          writer->add_validation(ValidationRow{last.update, last.steps, static_cast<int64_t>(val_offsets.size()),
                                               v.mean_bsld, v.mean_jct_s});
        if (!quiet)
          std::cout << "update " << last.update << "  steps " << last.steps << "  return " << fmt(last.mean_return, 3)
                    << "  validation bsld " << fmt(v.mean_bsld) << "  JCT " << fmt(v.mean_jct_s, 0) << " s  "
                    << fmt(last.steps_per_s, 0) << " steps/s\n";
      }
    }
    if (checkpointing && !trainer->done() && Clock::now() - last_checkpoint >= checkpoint_every) save_checkpoint();
  }
  if (!quiet)
    std::cout << "trained " << last.steps << " steps in " << fmt(last.wall_s, 1) << " s; model: " << model_path << "\n";
  if (collective) {
    // The trainer compared the checksums after every update; say so with the last ones.
    const std::vector<uint64_t> sums = collective->all_gather(trainer->parameter_checksum());
    if (lead) {
      std::ostringstream line;
      line << "parameter checksums of the " << sums.size() << " ranks after the last update:" << std::hex;
      for (uint64_t c : sums) line << " " << c;
      std::cout << line.str() << "\n";
    }
  }
  if (!lead) return 0;

  if (!test_offsets.empty()) {
    std::shared_ptr<rl::TrainedModel> m = rl::load_model(model_path);
    std::vector<std::pair<std::string, rl::WindowResult>> rows;
    for (const auto& b : baselines) rows.emplace_back(b, evaluate(test_offsets, b, nullptr));
    rows.emplace_back(algo, evaluate(test_offsets, algo, m));
    std::cout << "test split: " << test_offsets.size() << " windows of " << ec.episode_jobs << " jobs\n"
              << "policy        mean bsld    mean JCT (s)   utilisation\n";
    for (const auto& [name, r] : rows) {
      std::cout << std::left << std::setw(12) << name << std::right << std::setw(11) << fmt(r.mean_bsld)
                << std::setw(16) << fmt(r.mean_jct_s, 0) << std::setw(14) << fmt(r.utilisation, 3) << "\n";
      if (writer) writer->add_test(name, static_cast<int64_t>(test_offsets.size()), r.mean_bsld, r.mean_jct_s, r.utilisation);
    }
  }
  if (writer) {
    writer->close(true);
    if (!quiet) std::cout << "wrote " << out << "\n";
  }
  // Training is complete and its file closed: the checkpoint would only resume a finished one.
  if (checkpointing) std::remove(checkpoint.c_str());
  return 0;
}

}  // namespace clustersim::cli
