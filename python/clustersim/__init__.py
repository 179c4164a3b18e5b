"""clustersim: a deterministic discrete-event simulator of compute clusters, from Python.

The simulator itself is C++ (the ``_clustersim`` extension, re-exported here); this package
adds shorthands, and helpers that load run files into pandas (:mod:`clustersim.analysis`) and
plot them (:mod:`clustersim.plots`). A tour: docs/python.md.

    import clustersim as cs
    w = cs.read_swf("tests/data/lublin_256.swf")
    r = cs.run(w, policy="easy", out="easy.h5")
    r.summary["bounded_slowdown_mean"], r.jobs["wait"]

Policies written in Python subclass :class:`Policy` and define ``schedule(view, decisions)``.
The scheduler as a reinforcement-learning environment: :mod:`clustersim.gym` (Gymnasium-style
environments, training) over :mod:`clustersim.rl` (the C++ environment layer).
"""

import sys as _sys


from ._clustersim import (
    Cluster,
    DecisionError,
    Decisions,
    EngineConfig,
    InputError,
    InvariantError,
    Job,
    JobRecord,
    LublinClassParams,
    LublinConfig,
    MachineHint,
    NodeType,
    ParamInfo,
    PoissonConfig,
    Policy,
    PolicyInfo,
    Resources,
    RunResult,
    SwfOptions,
    View,
    Workload,
    __version__,
    file_checksum,
    generate_lublin,
    generate_poisson,
    reproduce,
    reproduce_experiment,
    read_cluster_spec,
    read_trace,
    generate_dl,
    assign_dl_job_types,
    gavel_throughputs,
    git_revision,
    parse_swf,
    policies,
    read_swf,
    run,
    rl,
)

# The C++ RL submodule, importable as `clustersim.rl` (`from clustersim.rl import VecEnv`).
_sys.modules[__name__ + ".rl"] = rl


# Show the C++ types and errors as clustersim.X (not clustersim._clustersim.X) in reprs and
# tracebacks.
for _name, _obj in list(globals().items()) + [(_n, getattr(rl, _n)) for _n in dir(rl)]:
    if isinstance(_obj, type) and _obj.__module__ == "clustersim._clustersim":
        _obj.__module__ = __name__
    elif isinstance(_obj, type) and _obj.__module__ == "clustersim._clustersim.rl":
        _obj.__module__ = __name__ + ".rl"
del _name, _obj


def lublin(**fields) -> Workload:
    """A Lublin-Feitelson workload; keyword arguments are :class:`LublinConfig` fields."""
    return generate_lublin(LublinConfig(**fields))


def poisson(**fields) -> Workload:
    """A Poisson workload; keyword arguments are :class:`PoissonConfig` fields."""
    return generate_poisson(PoissonConfig(**fields))


def policy_names() -> list:
    """The names of the built-in policies, as :func:`run` accepts them."""
    return [p.name for p in policies()]


def __getattr__(name):
    # analysis (pandas, h5py), plots (matplotlib) and gym load on first use: `import clustersim`
    # stays fast.
    if name in ("analysis", "plots", "gym"):
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    # workloads and clusters
    "Cluster", "Job", "LublinClassParams", "LublinConfig", "MachineHint", "NodeType", "PoissonConfig",
    "Resources", "SwfOptions", "Workload", "file_checksum", "generate_lublin", "generate_poisson",
    "lublin", "parse_swf", "poisson", "read_swf",
    # running, policies
    "Decisions", "EngineConfig", "JobRecord", "ParamInfo", "Policy", "PolicyInfo", "RunResult", "View",
    "policies", "policy_names", "run",
    # published tables under other simulators' protocols (docs/rlscheduler.md)
    "reproduce", "reproduce_experiment",
    # DL clusters (docs/dl.md)
    "read_cluster_spec", "read_trace", "generate_dl", "assign_dl_job_types", "gavel_throughputs",
    # reinforcement learning (docs/python.md "RL environments", docs/rl.md)
    "rl", "gym",
    # errors
    "DecisionError", "InputError", "InvariantError",
    # submodules (loaded on first use), version
    "analysis", "plots", "__version__", "git_revision",
]
