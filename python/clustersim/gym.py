"""Gymnasium-style environments over clustersim's C++ scheduling environment (docs/python.md,
"RL environments"; the environment itself: docs/rl.md), and PPO / DDPG training from Python.

No dependency on gymnasium: the classes follow its API (``reset(seed=, options=) -> (obs,
info)``, ``step(a) -> (obs, reward, terminated, truncated, info)``, ``observation_space``,
``action_space`` with ``shape``, ``dtype``, ``n``, ``sample(mask=)``), so code written for
Gymnasium runs on them.

Observations, masks and the vectorised batches are read-only numpy **views** of the C++
buffers: nothing is copied per step, and the next ``step``/``reset`` rewrites them in place.
Copy (``obs.copy()``) what you keep across steps.

    import clustersim as cs
    from clustersim.gym import SchedulingEnv

    env = SchedulingEnv(cs.lublin(jobs=2000, machine_procs=128), window=16, episode_jobs=200)
    obs, info = env.reset(seed=1)
    while True:
        action = env.action_space.sample(mask=info["action_mask"])
        obs, reward, terminated, truncated, info = env.step(action)
        if terminated:
            break
    info["episode"]["mean_bsld"]
"""

from __future__ import annotations

import operator
import os
import secrets

import numpy as np

from ._clustersim import rl as _rl

__all__ = ["Box", "Discrete", "MultiDiscrete", "SchedulingEnv", "VecSchedulingEnv", "episode_source", "train"]

_MASK64 = (1 << 64) - 1


def _splitmix64(x: int) -> int:
    """The next seed of a stream (workloads/random.hpp's splitmix64)."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    z = x
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def _seed_or_random(seed) -> int:
    return secrets.randbits(64) if seed is None else operator.index(seed) & _MASK64


# ---------------------------------------------------------------------------------------------
# Spaces: the few Gymnasium names a learner reads.


class Box:
    """A box of real vectors (Gymnasium's ``Box``): ``shape``, ``dtype``, ``low``, ``high``."""

    def __init__(self, low, high, shape, dtype=np.float32, seed=None):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.low = np.full(self.shape, low, dtype=self.dtype)
        self.high = np.full(self.shape, high, dtype=self.dtype)
        self.np_random = np.random.default_rng(seed)

    def seed(self, seed=None):
        self.np_random = np.random.default_rng(seed)

    def sample(self, mask=None):
        if mask is not None:
            raise ValueError("Box.sample: masks are not supported")
        return self.np_random.uniform(self.low, self.high).astype(self.dtype)

    def contains(self, x) -> bool:
        x = np.asarray(x)
        return x.shape == self.shape and bool(np.all(x >= self.low) and np.all(x <= self.high))

    __contains__ = contains

    def __repr__(self):
        return f"Box({float(self.low.min())}, {float(self.high.max())}, {self.shape}, {self.dtype})"


class Discrete:
    """Actions 0..n-1 (Gymnasium's ``Discrete``); ``sample(mask=)`` picks among mask == 1."""

    def __init__(self, n: int, seed=None):
        self.n = int(n)
        self.start = 0
        self.shape = ()
        self.dtype = np.dtype(np.int64)
        self.np_random = np.random.default_rng(seed)

    def seed(self, seed=None):
        self.np_random = np.random.default_rng(seed)

    def sample(self, mask=None) -> int:
        if mask is None:
            return int(self.np_random.integers(self.n))
        valid = np.flatnonzero(np.asarray(mask).reshape(-1)[: self.n])
        if valid.size == 0:
            return self.start  # Gymnasium's answer for an all-zero mask
        return int(self.np_random.choice(valid))

    def contains(self, x) -> bool:
        try:
            return 0 <= operator.index(x) < self.n
        except TypeError:
            return False

    __contains__ = contains

    def __repr__(self):
        return f"Discrete({self.n})"


class MultiDiscrete:
    """One ``Discrete(n)`` per environment (the vectorised action space); ``sample(mask=)``
    takes a [num_envs, n] mask and returns int32 actions."""

    def __init__(self, nvec, seed=None):
        self.nvec = np.asarray(nvec, dtype=np.int64)
        self.shape = self.nvec.shape
        self.dtype = np.dtype(np.int32)
        self.np_random = np.random.default_rng(seed)

    def seed(self, seed=None):
        self.np_random = np.random.default_rng(seed)

    def sample(self, mask=None) -> np.ndarray:
        if mask is None:
            return (self.np_random.random(self.shape) * self.nvec).astype(self.dtype)
        mask = np.asarray(mask)
        out = np.zeros(self.shape, dtype=self.dtype)
        for i, row in enumerate(mask):
            valid = np.flatnonzero(row)
            if valid.size:
                out[i] = self.np_random.choice(valid)
        return out

    def contains(self, x) -> bool:
        x = np.asarray(x)
        return x.shape == self.shape and bool(np.all((x >= 0) & (x < self.nvec)))

    __contains__ = contains

    def __repr__(self):
        return f"MultiDiscrete({self.nvec.tolist()})"


# ---------------------------------------------------------------------------------------------
# Environments.

def episode_source(workload, cluster=None, *, throughputs=None, reference_gpu="v100", cross_rack_penalty=0.0,
                   engine=None, train_fraction=0.7, validation_fraction=0.15) -> _rl.EpisodeSource:
    """Where episodes come from (``clustersim.rl.EpisodeSource``): a workload, its cluster
    (default one pool of the workload's MaxProcs, as :func:`clustersim.run`), an optional
    throughput table (the DL speed model), an ``EngineConfig``, and the train / validation
    fractions that cut the jobs (arrival order) into the train, validation and test splits.
    A source can be shared by several environments (pass it instead of a workload)."""
    if isinstance(workload, _rl.EpisodeSource):
        return workload
    return _rl.EpisodeSource(workload, cluster, throughputs=throughputs, reference_gpu=reference_gpu,
                             cross_rack_penalty=cross_rack_penalty, engine=engine, train_fraction=train_fraction,
                             validation_fraction=validation_fraction)


def _env_config(window, episode_jobs, reward, alpha, beta, agents, split, estimate="requested") -> _rl.EnvConfig:
    c = _rl.EnvConfig(window=window, episode_jobs=episode_jobs, reward=reward, alpha=alpha, beta=beta,
                      agents=agents, split=split, estimate=estimate)
    c.validate()
    return c


class SchedulingEnv:
    """One scheduling environment, Gymnasium-style.

    An observation describes the cluster and the first ``window`` queued jobs; action k starts
    the job in slot k, and ``info["action_mask"]`` marks the slots whose job can start now
    (every other action raises :class:`clustersim.DecisionError`). An episode is
    ``episode_jobs`` consecutive jobs of the workload's ``split``; it terminates when they are
    all done (``info["episode"]`` then holds its metrics), never truncates. The observation
    returned with ``terminated`` is the last one the agent saw, with an all-zero mask; call
    ``reset`` before stepping again.

    ``workload``: a :class:`clustersim.Workload` (with ``cluster`` and the other keywords of
    :func:`episode_source`) or an ``EpisodeSource``. Environment keywords: ``window`` (K),
    ``episode_jobs`` (N), ``reward`` (bsld | jct | util | mix, with ``alpha``, ``beta``),
    ``agents`` (single | per-type), ``split`` (train | validation | test | all), ``estimate``
    (the slots' job-time feature: requested | runtime | user-mean2 | mlp, docs/predictors.md).
    """

    metadata = {"render_modes": []}
    render_mode = None
    spec = None

    def __init__(self, workload, cluster=None, *, window=128, episode_jobs=256, reward="bsld", alpha=1.0, beta=1.0,
                 agents="single", split="train", estimate="requested", **source_options):
        self.source = episode_source(workload, cluster, **source_options)
        self.config = _env_config(window, episode_jobs, reward, alpha, beta, agents, split, estimate)
        self.env = _rl.SchedulingEnv(self.source, self.config)
        # The views, made once: step() rewrites what they show.
        self._obs = self.env.obs
        self._mask = self.env.mask
        self.observation_space = Box(0.0, 1.0, (self.env.obs_dim,), np.float32)
        self.action_space = Discrete(self.env.num_actions)
        self._seed = None

    @property
    def unwrapped(self):
        return self

    @property
    def num_agents(self) -> int:
        return self.env.num_agents

    @property
    def layout(self) -> dict:
        """How an observation is laid out: cluster_dim, window, job_features, num_agents, ..."""
        return self.env.layout

    def reset(self, seed=None, options=None):
        """A new episode -> (obs, info). ``seed`` starts a new stream of episode seeds (the first
        episode is C++ ``reset(seed)``); without it the next seed of the stream is used.
        ``options={"offset": i}`` replays the window starting at job i instead. A seed also
        seeds ``action_space`` (so random masked play is reproducible)."""
        if seed is not None or self._seed is None:
            self._seed = _seed_or_random(seed)
            self.action_space.seed(self._seed)
        else:
            self._seed = _splitmix64(self._seed)
        if options and "offset" in options:
            self.env.reset_at(int(options["offset"]))
            if self.env.done:
                raise ValueError(f"reset: the window at job {options['offset']} gives no decision to make")
        else:
            self.env.reset(self._seed)
            tries = 0
            while self.env.done:  # a window in which no job can ever start: take the next seed
                tries += 1
                if tries == 1000:
                    raise ValueError("reset: 1000 episodes in a row gave no decision to make "
                                     "(do the jobs fit the cluster?)")
                self._seed = _splitmix64(self._seed)
                self.env.reset(self._seed)
        return self._obs, self._info()

    def step(self, action):
        """Starts the job in slot ``action`` -> (obs, reward, terminated, truncated, info)."""
        reward, done = self.env.step(operator.index(action))
        info = self._info()
        if done:
            info["episode"] = self.env.stats.as_dict()
        return self._obs, float(reward), done, False, info

    def action_masks(self) -> np.ndarray:
        """The current mask as booleans (the name sb3-contrib's MaskablePPO looks for)."""
        return self._mask.astype(bool)

    def _info(self) -> dict:
        return {"action_mask": self._mask, "agent": self.env.agent, "offset": self.env.offset}

    def render(self):
        return None

    def close(self):
        pass

    def __repr__(self):
        c = self.config
        return (f"<clustersim.gym.SchedulingEnv {self.source.workload.name!r} window={c.window} "
                f"episode_jobs={c.episode_jobs} reward={c.reward} agents={c.agents} split={c.split}>")


class VecSchedulingEnv:
    """``num_envs`` scheduling environments stepped together in C++ (on ``threads`` threads),
    with Gymnasium's vector API and same-step auto-reset: when an environment's episode ends,
    its row of the returned obs (and of ``info["action_mask"]``) is already the next episode's
    first, ``terminated[i]`` is True, and ``info["episode"]`` lists the finished episodes'
    metrics (each with ``"env": i``). Observations [num_envs, obs_dim] float32, masks
    [num_envs, window] uint8, rewards [num_envs] float32 and terminated [num_envs] bool are
    views of the C++ batches (copy what you keep). Keywords as :class:`SchedulingEnv`."""

    metadata = {"render_modes": [], "autoreset_mode": "SameStep"}
    render_mode = None
    spec = None

    def __init__(self, workload, cluster=None, *, num_envs=8, threads=1, window=128, episode_jobs=256, reward="bsld",
                 alpha=1.0, beta=1.0, agents="single", split="train", estimate="requested", **source_options):
        self.source = episode_source(workload, cluster, **source_options)
        self.config = _env_config(window, episode_jobs, reward, alpha, beta, agents, split, estimate)
        self.envs = _rl.VecEnv(self.source, self.config, num_envs, threads)
        self.num_envs = self.envs.num_envs
        self._obs = self.envs.obs
        self._mask = self.envs.mask
        self._rewards = self.envs.rewards
        self._terminated = self.envs.dones.view(np.bool_)
        self._agents = self.envs.agents
        self._truncated = np.zeros(self.num_envs, dtype=bool)
        self._truncated.setflags(write=False)
        d, k = self.envs.obs_dim, self.envs.num_actions
        self.single_observation_space = Box(0.0, 1.0, (d,), np.float32)
        self.single_action_space = Discrete(k)
        self.observation_space = Box(0.0, 1.0, (self.num_envs, d), np.float32)
        self.action_space = MultiDiscrete(np.full(self.num_envs, k))
        self._seed = None

    @property
    def unwrapped(self):
        return self

    @property
    def num_agents(self) -> int:
        return self.envs.num_agents

    @property
    def layout(self) -> dict:
        return self.envs.layout

    def reset(self, seed=None, options=None):
        """Every environment's first episode -> (obs, info); environment i draws its episodes
        from its own seed stream derived from ``seed``."""
        if seed is not None or self._seed is None:
            self._seed = _seed_or_random(seed)
            self.action_space.seed(self._seed)
        else:
            self._seed = _splitmix64(self._seed)
        self.envs.reset(self._seed)
        return self._obs, self._info()

    def step(self, actions):
        """actions: int32 [num_envs], one valid slot each (an invalid one raises DecisionError
        before any environment moves) -> (obs, rewards, terminated, truncated, info)."""
        self.envs.step(np.asarray(actions, dtype=np.int32))
        info = self._info()
        finished = self.envs.take_finished()
        if finished:
            # take_finished lists them in environment order, one per environment that ended.
            ended = np.flatnonzero(self._terminated)
            info["episode"] = [dict(s.as_dict(), env=int(i)) for i, s in zip(ended, finished)]
        return self._obs, self._rewards, self._terminated, self._truncated, info

    def action_masks(self) -> np.ndarray:
        return self._mask.astype(bool)

    def _info(self) -> dict:
        return {"action_mask": self._mask, "agent": self._agents}

    def close(self):
        pass

    def __repr__(self):
        c = self.config
        return (f"<clustersim.gym.VecSchedulingEnv {self.source.workload.name!r} num_envs={self.num_envs} "
                f"window={c.window} episode_jobs={c.episode_jobs} reward={c.reward} agents={c.agents}>")


# ---------------------------------------------------------------------------------------------
# Training.


def train(workload, cluster=None, *, model="model.pt", config=None, callback=None, as_frame=True, torch_threads=1,
          window=128, episode_jobs=256, reward="bsld", alpha=1.0, beta=1.0, agents=None, split="train",
          estimate="requested", throughputs=None, reference_gpu="v100", cross_rack_penalty=0.0, engine=None,
          train_fraction=0.7, validation_fraction=0.15, eval_every=0, eval_windows=4, **params):
    """Trains PPO / MAPPO / DDPG with the C++ trainer (what ``clustersim train`` runs) and
    saves the model to ``model`` (None: not saved); ``clustersim.run(w, policy="ppo",
    params={"model": model})`` then schedules with it.

    ``params`` are the training hyper-parameters (``clustersim.rl.TrainConfig.keys()``: algo,
    total_steps, num_envs, rollout, lr, ...; a misspelt one raises InputError), or pass a
    ``clustersim.rl.TrainConfig`` as ``config``. ``agents`` defaults to per-type for
    algo="mappo", else single. Environment and source keywords as :class:`SchedulingEnv`.

    ``eval_every`` > 0: every that many records (and after the last) the greedy agent is run
    as a policy on ``eval_windows`` windows of the validation split, as ``clustersim train``
    does; those records carry the means in ``validation_bsld`` / ``validation_jct_s`` (NaN in
    the others). That is the smoother learning curve: training episodes are each a different
    window, so their metric is noisy.

    ``callback(record)`` is called after each learning-curve record (one PPO update) with the
    record's dict; returning False stops training early (the model is still saved). Returns
    the learning curve: a pandas DataFrame (``as_frame=False``: a list of dicts) with the
    columns update, steps, episodes, mean_return, episode_metric, policy_loss, value_loss,
    entropy, approx_kl, steps_per_s, sim_s, inference_s, update_s, wall_s, validation_bsld,
    validation_jct_s.
    """
    if config is not None and params:
        raise TypeError(f"train: pass hyper-parameters as keywords or as config=, not both ({sorted(params)})")
    algo = str(params.get("algo", config.algo if config is not None else "ppo"))
    cfg = config if config is not None else _rl.TrainConfig.from_params(params)
    cfg.validate()
    if agents is None:
        agents = "per-type" if algo == "mappo" else "single"
    source = episode_source(workload, cluster, throughputs=throughputs, reference_gpu=reference_gpu,
                            cross_rack_penalty=cross_rack_penalty, engine=engine, train_fraction=train_fraction,
                            validation_fraction=validation_fraction)
    env = _env_config(window, episode_jobs, reward, alpha, beta, agents, split, estimate)
    if torch_threads is not None:
        _rl.set_torch_threads(int(torch_threads))
    records = _rl.train(source, env, cfg, None if model is None else os.fspath(model), callback,
                        int(eval_every), int(eval_windows))
    if not as_frame:
        return records
    import pandas as pd

    return pd.DataFrame.from_records(records, columns=_RECORD_COLUMNS)


_RECORD_COLUMNS = ["update", "steps", "episodes", "mean_return", "episode_metric", "policy_loss", "value_loss",
                   "entropy", "approx_kl", "steps_per_s", "sim_s", "inference_s", "update_s", "wall_s",
                   "validation_bsld", "validation_jct_s"]
