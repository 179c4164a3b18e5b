"""The RL environment layer from Python (python/bind_rl.cpp, clustersim/gym.py): observations
that are views of the C++ buffers, the hand-computed episode of tests/rl/env_test.cpp, masks
checked against the cluster's free cores, same-step auto-reset of the vectorised environments,
thread-count independence, and a tiny PPO training whose model `run(policy="ppo")` uses."""

import numpy as np
import pytest

import clustersim as cs
from clustersim import gym, rl


def three_jobs():
    """A (4 cores, 100 s, asks 200 s) and B (1 core, 10 s, asks 20 s) at t=0, C (2 cores, 10 s) at t=5."""
    jobs = [cs.Job(trace_id=1, submit=0, runtime=100, walltime=200, tasks=4),
            cs.Job(trace_id=2, submit=0, runtime=10, walltime=20, tasks=1),
            cs.Job(trace_id=3, submit=5, runtime=10, walltime=10, tasks=2)]
    return cs.Workload.from_jobs(jobs, name="three", machine_procs=4)


def three_job_env():
    return gym.SchedulingEnv(three_jobs(), cs.Cluster.pool(4), window=4, episode_jobs=3, split="all")


# The first observation by hand (the layout of policies/rl/env.hpp): free cores 4/4, no GPUs, node
# up; 2 queued of a cap of 4 x K = 16, none running; then per slot: present, waited w/(w+1h),
# asks r/(r+1h), cores and GPUs as fractions of the cluster's, fits now, speed.
FIRST_OBS = [1, 0, 1, 2 / 16, 0,
             1, 0, 200 / 3800, 1, 0, 1, 1,
             1, 0, 20 / 3620, 0.25, 0, 1, 1] + [0] * 14


def data_pointer(a):
    return a.__array_interface__["data"][0]


def test_the_first_observation_is_the_hand_computed_one_and_a_view_of_the_cpp_buffer():
    env = three_job_env()
    obs, info = env.reset(seed=1)
    assert obs.dtype == np.float32 and obs.shape == (33,) == env.observation_space.shape
    np.testing.assert_allclose(obs, FIRST_OBS, rtol=1e-6)
    assert info["action_mask"].tolist() == [1, 1, 0, 0] and info["action_mask"].dtype == np.uint8
    assert env.layout == {"cluster_dim": 5, "window": 4, "job_features": 7, "num_agents": 1,
                          "state_dim": 33, "obs_dim": 33}
    # Read-only views owned by the C++ environment: no copy per step.
    assert not obs.flags.writeable and not obs.flags.owndata and obs.base is not None
    with pytest.raises(ValueError):
        obs[0] = 2
    before = data_pointer(obs)
    obs2, _, _, _, info2 = env.step(1)  # B starts at t=0; time runs to t=5 (C arrives)
    assert data_pointer(obs2) == before and np.shares_memory(obs, obs2)
    assert np.shares_memory(info["action_mask"], info2["action_mask"])
    # The array handed out before the step shows the new state: 3 of 4 cores free.
    assert obs[0] == pytest.approx(0.75) and info["action_mask"].tolist() == [0, 1, 0, 0]
    # The raw binding gives views of the same memory.
    assert data_pointer(env.env.obs) == before and np.array_equal(env.env.obs, obs)


def test_the_hand_computed_episode_ends_with_the_mean_bounded_slowdown_as_reward():
    env = three_job_env()
    env.reset(seed=1)
    rewards, terminated = [], []
    for action in (1, 1, 0):
        obs, reward, term, trunc, info = env.step(action)
        rewards.append(reward)
        terminated.append(term)
        assert trunc is False
    assert terminated == [False, False, True]
    # bsld: B 10/10 = 1, C 10/10 = 1, A (waits 15 s) 115/100 = 1.15 -> mean 1.05.
    assert rewards[:2] == [0.0, 0.0] and rewards[2] == pytest.approx(-1.05, abs=1e-6)
    ep = info["episode"]
    assert ep["mean_bsld"] == pytest.approx(1.05) and ep["mean_jct_s"] == pytest.approx(45.0)
    assert ep["return"] == pytest.approx(-1.05) and ep["steps"] == 3 and ep["finished"] == 3
    assert ep["makespan_s"] == pytest.approx(115.0)
    assert ep["utilisation"] == pytest.approx((4 * 100 + 1 * 10 + 2 * 10) / (4 * 115))
    assert info["action_mask"].tolist() == [0, 0, 0, 0] and obs.shape == (33,)
    with pytest.raises(cs.DecisionError, match="reset"):
        env.step(0)
    obs, info = env.reset()  # the same window (the only one): the same first observation
    np.testing.assert_allclose(obs, FIRST_OBS, rtol=1e-6)


def test_an_invalid_action_raises_a_runtime_error_and_leaves_the_env_usable():
    env = three_job_env()
    env.reset(seed=1)
    env.step(1)  # t=5: A does not fit, C (slot 1) does
    for bad in (0, 3, -1, 4):
        with pytest.raises(cs.DecisionError, match="not a valid slot") as e:
            env.step(bad)
        assert isinstance(e.value, RuntimeError)
    with pytest.raises(TypeError):
        env.step(1.5)
    assert env.env.now == 5.0 and env.step(np.int64(1))[2] is False and env.env.now == 15.0


def test_bad_settings_raise_input_errors_naming_the_field():
    with pytest.raises(cs.InputError, match="reward 'speed'"):
        gym.SchedulingEnv(three_jobs(), window=4, episode_jobs=3, split="all", reward="speed")
    with pytest.raises(cs.InputError, match="fewer than an episode"):
        gym.SchedulingEnv(three_jobs(), window=4, episode_jobs=4, split="all")
    with pytest.raises(cs.InputError, match="split 'everything'"):
        gym.SchedulingEnv(three_jobs(), window=4, episode_jobs=3, split="everything")
    with pytest.raises(TypeError, match="did you mean 'window'"):
        rl.EnvConfig(windw=3)
    with pytest.raises(cs.InputError, match="total_steps"):
        gym.train(three_jobs(), window=4, episode_jobs=3, split="all", total_steps=0, model=None)


@pytest.fixture(scope="module")
def busy():
    """600 jobs of 1-16 cores on a 64-core pool, offered ~1.4 times what it can run: a queue
    builds, so most decision points offer several valid jobs."""
    rng = np.random.default_rng(7)
    n = 600
    submit = np.sort(rng.uniform(0, n * 60, n))
    runtime = rng.integers(60, 1200, n).astype(float)
    return cs.Workload.from_arrays(submit, runtime, rng.integers(1, 17, n), walltime=2 * runtime, name="busy",
                                   machine_procs=64)


def test_random_play_masks_exactly_the_queued_jobs_that_fit_the_free_cores(busy):
    env = gym.SchedulingEnv(busy, cs.Cluster.pool(64), window=8, episode_jobs=100)
    assert env.source.split_range("train") == (0, 420)
    cores = np.array([busy[i].tasks * busy[i].per_task.cores for i in range(len(busy))])
    for episode in range(3):
        obs, info = env.reset(seed=10 + episode)
        offset = info["offset"]
        assert 0 <= offset <= 420 - 100
        steps = choices = 0
        while True:
            mask, slots = info["action_mask"], env.env.slots
            free = round(obs[0] * 64)
            present = slots >= 0
            # FCFS window: the oldest queued jobs, in arrival order, then empty slots.
            assert np.all(np.diff(slots[present]) > 0) and present.tolist() == sorted(present.tolist(), reverse=True)
            fits = present & (cores[offset + np.maximum(slots, 0)] <= free)
            assert mask.tolist() == fits.astype(np.uint8).tolist()
            assert np.array_equal(obs[5::7][:8], present)  # the "present" feature of each slot
            choices += mask.sum() > 1
            action = env.action_space.sample(mask=mask)
            assert mask[action] == 1 and env.action_space.contains(action)
            obs, reward, terminated, truncated, info = env.step(action)
            steps += 1
            if terminated:
                break
            assert reward == 0.0 and env.observation_space.contains(obs)
        # One step starts one job; every job of the window fits the pool, so all finish.
        assert steps == 100 and info["episode"]["steps"] == 100 and info["episode"]["finished"] == 100
        assert reward == pytest.approx(-info["episode"]["mean_bsld"], rel=1e-6)
        assert choices >= 10  # the check above saw masks with several valid jobs


def test_per_type_agents_see_their_own_node_type(busy):
    # Two node types of 32 cores each: 4 nodes of 8 and 1 of 32; one agent per type.
    c = cs.Cluster()
    small = c.add_node_type(cs.NodeType(name="small", capacity=cs.Resources(cores=8)))
    big = c.add_node_type(cs.NodeType(name="big", capacity=cs.Resources(cores=32)))
    c.add_nodes(small, 4)
    c.add_nodes(big, 1)
    env = gym.SchedulingEnv(busy.filter(lambda j: j.tasks <= 8), c, window=8, episode_jobs=50, agents="per-type")
    assert env.num_agents == 2 and env.layout["obs_dim"] == env.layout["state_dim"] + 2
    tasks = np.array([j.tasks for j in (env.source.workload[i] for i in range(env.source.num_jobs))])
    obs, info = env.reset(seed=2)
    acted = set()
    while True:
        agent = info["agent"]
        acted.add(agent)
        assert obs[-2:].tolist() == [agent == 0, agent == 1]  # the agent one-hot
        free = round(obs[3 * agent] * 32)  # free cores of the agent's type (one-core tasks)
        slots = env.env.slots
        fits = (slots >= 0) & (tasks[info["offset"] + np.maximum(slots, 0)] <= free)
        assert info["action_mask"].tolist() == fits.astype(np.uint8).tolist()
        obs, _, terminated, _, info = env.step(env.action_space.sample(mask=info["action_mask"]))
        if terminated:
            break
    assert acted == {0, 1} and info["episode"]["finished"] == 50


def test_the_vector_env_resets_finished_episodes_in_the_same_step(busy):
    vec = gym.VecSchedulingEnv(busy, cs.Cluster.pool(64), num_envs=3, window=8, episode_jobs=30)
    single = gym.SchedulingEnv(vec.source, window=8, episode_jobs=30)
    obs, info = vec.reset(seed=5)
    assert obs.shape == (3, vec.single_observation_space.shape[0]) and info["action_mask"].shape == (3, 8)
    assert obs.dtype == np.float32 and not obs.flags.writeable
    pointer = data_pointer(obs)
    steps_in_episode = np.zeros(3, dtype=int)
    ended = 0
    for _ in range(200):
        obs, rewards, terminated, truncated, info = vec.step(vec.action_space.sample(mask=info["action_mask"]))
        assert data_pointer(obs) == pointer and terminated.dtype == bool and not truncated.any()
        steps_in_episode += 1
        episodes = info.get("episode", [])
        assert [e["env"] for e in episodes] == np.flatnonzero(terminated).tolist()
        for e in episodes:
            i = e["env"]
            assert steps_in_episode[i] == e["steps"] == 30 and e["finished"] == 30
            assert rewards[i] == pytest.approx(-e["mean_bsld"], rel=1e-6)
            # Its row is already the next episode's first observation.
            first, first_info = single.reset(options={"offset": int(vec.envs.offsets[i])})
            np.testing.assert_array_equal(obs[i], first)
            np.testing.assert_array_equal(info["action_mask"][i], first_info["action_mask"])
            steps_in_episode[i] = 0
            ended += 1
        assert np.all(rewards[~terminated] == 0)
    assert ended >= 15  # 200 steps x 3 envs / 30 steps an episode = 20, less the ones under way


def test_an_invalid_vector_action_changes_nothing(busy):
    vec = gym.VecSchedulingEnv(busy, cs.Cluster.pool(64), num_envs=2, window=8, episode_jobs=30)
    obs, info = vec.reset(seed=1)
    before = obs.copy()
    bad = np.array([int(np.argmax(info["action_mask"][0])), int(np.argmin(info["action_mask"][1]))], np.int32)
    assert info["action_mask"][1, bad[1]] == 0
    with pytest.raises(cs.DecisionError, match="environment 1: action"):
        vec.step(bad)
    with pytest.raises(cs.InputError, match="expected 2 actions"):
        vec.step(np.zeros(3, np.int32))
    np.testing.assert_array_equal(obs, before)


def test_two_threads_give_the_observations_of_one(busy):
    one = gym.VecSchedulingEnv(busy, cs.Cluster.pool(64), num_envs=4, threads=1, window=8, episode_jobs=30)
    two = gym.VecSchedulingEnv(one.source, num_envs=4, threads=2, window=8, episode_jobs=30)
    o1, i1 = one.reset(seed=9)
    o2, i2 = two.reset(seed=9)
    rng = np.random.default_rng(4)
    episodes = 0
    for _ in range(150):
        np.testing.assert_array_equal(o1, o2)
        np.testing.assert_array_equal(i1["action_mask"], i2["action_mask"])
        actions = np.array([rng.choice(np.flatnonzero(row)) for row in i1["action_mask"]], np.int32)
        o1, r1, t1, _, i1 = one.step(actions)
        o2, r2, t2, _, i2 = two.step(actions)
        np.testing.assert_array_equal(r1, r2)
        np.testing.assert_array_equal(t1, t2)
        assert i1.get("episode") == i2.get("episode")
        episodes += len(i1.get("episode", []))
    assert episodes > 0


def test_a_tiny_ppo_training_writes_a_model_that_run_uses(busy, tmp_path):
    path = tmp_path / "ppo.pt"
    seen = []
    curve = gym.train(busy, cs.Cluster.pool(64), model=path, callback=seen.append, window=8, episode_jobs=30,
                      algo="ppo", num_envs=2, rollout=16, total_steps=64, epochs=1, minibatches=2, hidden=16, seed=3)
    assert list(curve["update"]) == [0, 1]
    assert list(curve["steps"]) == [32, 64] and len(seen) == 2 and seen[-1]["steps"] == 64
    assert set(seen[0]) == set(curve.columns)
    assert path.exists()

    model = rl.load_model(path)
    assert model.algo == "ppo" and model.layout["window"] == 8 and model.env_config.window == 8
    # The policy `ppo` makes the environment's decisions: a run on a test window gives the
    # mean bounded slowdown of the greedy episode played in the environment.
    env = gym.SchedulingEnv(busy, cs.Cluster.pool(64), window=8, episode_jobs=30, split="test")
    offset = int(env.env.eval_offsets(1)[0])
    obs, info = env.reset(options={"offset": offset})
    choices = 0
    while True:
        choices += info["action_mask"].sum() > 1
        obs, _, terminated, _, info = env.step(model.act(obs, info["action_mask"]))
        if terminated:
            break
    assert choices >= 5
    r = cs.run(busy.take(30, offset).shift_to_zero(), cs.Cluster.pool(64), policy="ppo",
               params={"model": str(path)}, sample_interval=0)
    assert r.summary["finished"] == 30
    assert r.summary["bounded_slowdown_mean"] == pytest.approx(info["episode"]["mean_bsld"], rel=1e-9)

    # A callback returning False stops after the first record (the model is still written).
    early = gym.train(busy, cs.Cluster.pool(64), model=tmp_path / "early.pt", callback=lambda rec: False,
                      window=8, episode_jobs=30, as_frame=False, num_envs=2, rollout=16, total_steps=64,
                      epochs=1, minibatches=2, hidden=16)
    assert len(early) == 1 and (tmp_path / "early.pt").exists()


def test_the_package_exposes_the_rl_layer():
    assert "ppo" in cs.policy_names() and "ddpg" in cs.policy_names()
    assert cs.rl.VecEnv.__module__ == "clustersim.rl" and "total_steps" in rl.TrainConfig.keys()
    assert rl.TrainConfig.from_params({"algo": "mappo", "num_envs": 2}).algo == "ppo"
    with pytest.raises(cs.InputError, match="totl_steps"):
        rl.TrainConfig.from_params({"totl_steps": 5})
