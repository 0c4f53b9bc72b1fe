"""Python Optuna side of the journal interoperability test (test/unit/engine/storages/journal/journal-storage.python-interop.test.ts).

    optuna_journal.py dump FILE            print every study of the journal as JSON
    optuna_journal.py resume FILE STUDY N  optimize STUDY for N more trials, then dump

Runs under Debian's python3-optuna 3.1 (JournalStorage(JournalFileStorage(path))), Optuna 4.x and the
project's .venv Optuna 5.0 (JournalFileBackend). Under 5.0 the dump has each trial's `constraints` and
the resumed objective also sets a constraint (`trial.set_constraint`, new in 5.0). The resumed objective suggests every parameter with the distribution the study
already uses, reports two intermediate values and sets a user attribute, so each op kind is written.
"""
import json
import math
import sys

import optuna

from optuna_common import open_storage


def trial_dict(t):
    d = {
        "number": t.number,
        "state": int(t.state),
        "values": t.values,
        "params": t.params,
        "distributions": {k: optuna.distributions.distribution_to_json(d) for k, d in t.distributions.items()},
        "user_attrs": t.user_attrs,
        "system_attrs": t.system_attrs,
        "intermediate_values": [[k, v] for k, v in sorted(t.intermediate_values.items())],
        "datetime_start": t.datetime_start.isoformat(timespec="microseconds") if t.datetime_start else None,
        "datetime_complete": t.datetime_complete.isoformat(timespec="microseconds") if t.datetime_complete else None,
    }
    # Optuna 5.0's FrozenTrial.constraints: the old "constraints" list and the "constraints:<name>" attrs.
    if hasattr(type(t), "constraints"):
        d["constraints"] = t.constraints
    return d


def dump(storage):
    out = []
    for s in optuna.get_all_study_summaries(storage):
        study = optuna.load_study(study_name=s.study_name, storage=storage)
        out.append(
            {
                "name": s.study_name,
                "directions": [int(d) for d in study.directions],
                "user_attrs": study.user_attrs,
                "trials": [trial_dict(t) for t in study.get_trials(deepcopy=False)],
            }
        )
    # json.dumps writes NaN/Infinity as bare tokens, which the TypeScript side reads.
    print(json.dumps(out))


def suggest(trial, name, dist):
    D = optuna.distributions
    if isinstance(dist, D.FloatDistribution):
        return trial.suggest_float(name, dist.low, dist.high, log=dist.log, step=dist.step)
    if isinstance(dist, D.IntDistribution):
        return trial.suggest_int(name, dist.low, dist.high, log=dist.log, step=dist.step)
    return trial.suggest_categorical(name, dist.choices)


def resume(storage, study_name, n_trials):
    study = optuna.load_study(study_name=study_name, storage=storage, sampler=optuna.samplers.TPESampler(seed=7))
    space = {}
    for t in study.get_trials(deepcopy=False):
        for k, d in t.distributions.items():
            space.setdefault(k, d)

    def objective(trial):
        total = 0.0
        for name, dist in space.items():
            v = suggest(trial, name, dist)
            total += float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else float(len(str(v)))
        trial.set_user_attr("by", "python-optuna-" + optuna.__version__)
        if hasattr(trial, "set_constraint"):
            trial.set_constraint("budget", total - 3.0)
        trial.report(total + 1.0, 0)
        trial.report(total + 0.5, 1)
        return math.log1p(abs(total))

    study.optimize(objective, n_trials=n_trials)
    dump(storage)


if __name__ == "__main__":
    cmd, path = sys.argv[1], sys.argv[2]
    storage = open_storage(path)
    if cmd == "dump":
        dump(storage)
    elif cmd == "resume":
        resume(storage, sys.argv[3], int(sys.argv[4]))
    else:
        raise SystemExit("unknown command " + cmd)
