"""Python Optuna 5 side of the Optuna 5 parity tests (test/unit/engine/samplers/tpe/tpe-sampler.optuna5-parity.test.ts).

    optuna5_parity.py parzen FILE STUDY     the Parzen estimators TPESampler() fits on the study
    optuna5_parity.py ped-anova FILE STUDY  get_param_importances(study) with the default evaluator

Runs under the project's .venv (Optuna 5.0.0). `parzen` builds what `TPESampler()._sample` builds for
the next trial, with Optuna's own code: the relative (intersection) search space, the trials with the
constant liar's RUNNING ones, `_split_trials`, and `_build_parzen_estimator` for below (l) and above
(g), jointly over the relative space and for each parameter alone (independent sampling). It prints
each mixture's weights and, per parameter, the kernels' mus and sigmas (numbers, transformed space) or
the kernels' probability rows (categoricals).
"""
import json
import sys

import optuna
from optuna.samplers._tpe.parzen_estimator import _ParzenEstimator
from optuna.samplers._tpe.probability_distributions import _BatchedCategoricalDistributions
from optuna.samplers._tpe.sampler import _split_trials
from optuna.trial import TrialState

from optuna_common import open_storage


def mixture(mpe: _ParzenEstimator, names):
    m = mpe._mixture_distribution
    out = {"weights": m.weights.tolist(), "params": {}}
    for name, d in zip(names, m.distributions):
        if isinstance(d, _BatchedCategoricalDistributions):
            out["params"][name] = {"rows": d.weights.tolist()}
        else:
            out["params"][name] = {"mu": d.mu.tolist(), "sigma": d.sigma.tolist()}
    return out


def parzen(study):
    sampler = optuna.samplers.TPESampler()
    study.sampler = sampler
    # The trial being sampled is not in the study (the engine side passes a fresh number), so the
    # constant liar's filter of the current trial has nothing to drop.
    trials = study._get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING), use_cache=False)
    n = sum(t.state != TrialState.RUNNING for t in trials)
    below, above = _split_trials(study, trials, optuna.samplers._tpe.sampler.default_gamma(n))
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
        "optuna": optuna.__version__,
        "defaults": {"multivariate": sampler._is_multivariate(study), "constant_liar": sampler._constant_liar},
        "n_below": len(below),
        "joint_space": list(joint),
        "joint": fit(joint),
        "independent": {name: fit({name: d}) for name, d in sorted(union.items())},
    }


def ped_anova(study):
    from optuna.importance import PedAnovaImportanceEvaluator

    default = dict(optuna.importance.get_param_importances(study))
    explicit = dict(optuna.importance.get_param_importances(study, evaluator=PedAnovaImportanceEvaluator()))
    return {"optuna": optuna.__version__, "default_is_ped_anova": default == explicit, "importances": default}


def main():
    cmd, path, name = sys.argv[1], sys.argv[2], sys.argv[3]
    study = optuna.load_study(study_name=name, storage=open_storage(path))
    out = parzen(study) if cmd == "parzen" else ped_anova(study)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
