"""Python Optuna 5 side of the multi-objective parity tests (test/unit/engine/multi-objective/*.test.ts).

    optuna5_multi_objective.py < REQUEST.json > ANSWER.json

One process answers a whole test file: the request is a JSON object of task lists, each answered in
order with Optuna's own (mostly private) functions:

    hypervolume  [{points, ref}]                  optuna._hypervolume.compute_hypervolume
    pareto       [{loss, penalty?, n_below?}]     _is_pareto_front and _fast_non_domination_rank
    hssp         [{loss, subset}]                 _solve_hssp with TPE's _get_reference_point
    tpe          [{file, study}]                  TPESampler()'s split and Parzen estimators for the next trial
    nsga2        [{file, study, population_size}] NSGA-II's elite selection and constrained domination
"""
import json
import sys

import numpy as np
import optuna
from optuna._hypervolume import compute_hypervolume
from optuna._hypervolume.hssp import _solve_hssp
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator
from optuna.samplers._tpe.probability_distributions import _BatchedCategoricalDistributions
from optuna.samplers._tpe.sampler import _get_reference_point, _split_trials, default_gamma_multiobjective
from optuna.study._multi_objective import _fast_non_domination_rank, _is_pareto_front
from optuna.trial import TrialState

from optuna_common import open_storage


def hypervolume(task):
    ref = np.array(task["ref"], dtype=float)
    points = np.array(task["points"], dtype=float).reshape(-1, len(ref))
    return float(compute_hypervolume(points, ref))


def pareto(task):
    loss = np.array(task["loss"], dtype=float)
    penalty = None if task.get("penalty") is None else np.array(task["penalty"], dtype=float)
    return {
        "front": _is_pareto_front(loss, assume_unique_lexsorted=False).tolist(),
        "ranks": _fast_non_domination_rank(loss, penalty=penalty, n_below=task.get("n_below")).tolist(),
    }


def hssp(task):
    loss = np.array(task["loss"], dtype=float)
    ref = _get_reference_point(loss)
    chosen = _solve_hssp(loss, np.arange(len(loss)), task["subset"], ref)
    return {"ref": ref.tolist(), "chosen": sorted(int(i) for i in chosen)}


def mixture(mpe: _ParzenEstimator, names):
    m = mpe._mixture_distribution
    out = {"weights": m.weights.tolist(), "params": {}}
    for name, d in zip(names, m.distributions):
        if isinstance(d, _BatchedCategoricalDistributions):
            out["params"][name] = {"rows": d.weights.tolist()}
        else:
            out["params"][name] = {"mu": d.mu.tolist(), "sigma": d.sigma.tolist()}
    return out


def tpe(task):
    """What TPESampler()._sample builds for the next trial (which is not in the study)."""
    study = optuna.load_study(study_name=task["study"], storage=open_storage(task["file"]))
    sampler = optuna.samplers.TPESampler()
    study.sampler = sampler
    states = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)
    trials = study._get_trials(deepcopy=False, states=states, use_cache=False)
    n = sum(t.state != TrialState.RUNNING for t in trials)
    below, above = _split_trials(study, trials, default_gamma_multiobjective(n))
    joint = {k: v for k, v in sampler._search_space.calculate(study).items() if not v.single()}

    def fit(space):
        return {
            "below": mixture(sampler._build_parzen_estimator(study, space, below, handle_below=True), list(space)),
            "above": mixture(sampler._build_parzen_estimator(study, space, above, handle_below=False), list(space)),
        }

    union = {}
    for t in study.get_trials(deepcopy=False):
        union.update(t.distributions)
    return {
        "directions": [d.name.lower() for d in study.directions],
        "multivariate": sampler._is_multivariate(study),
        "n_below": len(below),
        "below": [t.number for t in below],
        "joint_space": list(joint),
        "joint": fit(joint),
        "independent": {name: fit({name: d}) for name, d in sorted(union.items())},
    }


def crowding(front, distances):
    return {str(t.number): float(distances[t.number]) for t in front}


def nsga2(task):
    from optuna.samplers.nsgaii._constraints_evaluation import _constrained_dominates
    from optuna.samplers.nsgaii._elite_population_selection_strategy import (
        NSGAIIElitePopulationSelectionStrategy,
        _calc_crowding_distance,
        _rank_population,
    )

    study = optuna.load_study(study_name=task["study"], storage=open_storage(task["file"]))
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    constrained = any(len(t.constraints) > 0 for t in trials)
    size = task["population_size"]
    strategy = NSGAIIElitePopulationSelectionStrategy(population_size=size, constraints_func=None)
    elite = strategy(study, trials)
    fronts = _rank_population(trials, study.directions, is_constrained=constrained)
    dominates = [
        [_constrained_dominates(a, b, study.directions) for b in trials] for a in trials
    ]
    return {
        "constrained": constrained,
        "elite": [t.number for t in elite],
        "fronts": [[t.number for t in f] for f in fronts],
        "crowding": [crowding(f, _calc_crowding_distance(list(f))) for f in fronts],
        "dominates": [[i for i, d in enumerate(row) if d] for row in dominates],
    }


def plain(x):
    """JSON for JavaScript: non-finite floats as the strings "inf", "-inf", "nan"."""
    if isinstance(x, float) and not np.isfinite(x):
        return repr(x)
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    return x


TASKS = {"hypervolume": hypervolume, "pareto": pareto, "hssp": hssp, "tpe": tpe, "nsga2": nsga2}


def main():
    request = json.load(sys.stdin)
    answer = {"optuna": optuna.__version__}
    for name, tasks in request.items():
        answer[name] = [TASKS[name](t) for t in tasks]
    print(json.dumps(plain(answer), allow_nan=False))


if __name__ == "__main__":
    main()
