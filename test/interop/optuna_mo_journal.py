"""Python Optuna side of the multi-objective journal test (test/unit/engine/storages/journal/journal-multi-objective.optuna.test.ts).

    optuna_mo_journal.py create FILE            (5.0) write two multi-objective studies, then `best`
    optuna_mo_journal.py best FILE              every study's directions, trial states and best_trials
    optuna_mo_journal.py resume-nsga FILE STUDY N
                                                (5.0) N more trials of STUDY with NSGAIISampler, then `best`

Runs under the project's .venv Optuna 5.0.0 and Debian's Optuna 3.1 (`best` only). `create` writes
"mo5-tpe" (minimize, minimize, maximize; 5.0's default TPESampler; FAIL and PRUNED trials; a
`set_constraint` on every trial, some violated) and "mo5-nsga" (minimize twice; NSGAIISampler with a
population of 6, so generations and cached parents are in the journal).
"""
import json
import math
import sys

import optuna

from optuna_common import open_storage


def best(storage):
    out = []
    for s in optuna.get_all_study_summaries(storage):
        study = optuna.load_study(study_name=s.study_name, storage=storage)
        trials = study.get_trials(deepcopy=False)
        out.append(
            {
                "name": s.study_name,
                "directions": [int(d) for d in study.directions],
                "states": [int(t.state) for t in trials],
                "best": sorted([t.number, t.values] for t in study.best_trials),
                "system_attrs": {
                    k: v
                    for k, v in storage.get_study_system_attrs(study._study_id).items()
                    if k.startswith("NSGAIISampler")
                },
                "generations": [t.system_attrs.get("NSGAIISampler:generation") for t in trials],
            }
        )
    print(json.dumps({"optuna": optuna.__version__, "studies": out}))


def zdt(trial):
    x = trial.suggest_float("x", 0, 1)
    g = 1 + 3 * (trial.suggest_float("a", 0, 1) + trial.suggest_int("k", 0, 4) / 4)
    return x, g * (1 - math.sqrt(x / g))


def create(storage):
    tpe = optuna.create_study(
        study_name="mo5-tpe", storage=storage, directions=["minimize", "minimize", "maximize"],
        sampler=optuna.samplers.TPESampler(seed=3),
    )

    def objective(trial):
        f1, f2 = zdt(trial)
        trial.suggest_categorical("opt", ["adam", "sgd"])
        trial.set_constraint("budget", trial.params["x"] - 0.6)
        if trial.number % 9 == 4:
            raise RuntimeError("boom")
        if trial.number % 9 == 7:
            raise optuna.TrialPruned()
        return f1, f2, -f1 - f2

    tpe.optimize(objective, n_trials=30, catch=(RuntimeError,))
    nsga = optuna.create_study(
        study_name="mo5-nsga", storage=storage, directions=["minimize", "minimize"],
        sampler=optuna.samplers.NSGAIISampler(population_size=6, seed=1),
    )
    nsga.optimize(zdt, n_trials=20)
    best(storage)


def resume_nsga(storage, name, n):
    study = optuna.load_study(
        study_name=name, storage=storage, sampler=optuna.samplers.NSGAIISampler(population_size=6, seed=2)
    )
    study.optimize(zdt, n_trials=n)
    best(storage)


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    cmd, path = sys.argv[1], sys.argv[2]
    storage = open_storage(path)
    if cmd == "create":
        create(storage)
    elif cmd == "best":
        best(storage)
    elif cmd == "resume-nsga":
        resume_nsga(storage, sys.argv[3], int(sys.argv[4]))
    else:
        raise SystemExit("unknown command " + cmd)
