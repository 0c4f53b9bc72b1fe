"""Python side of the export-fidelity test (test/unit/persistence/idb-storage.export-fidelity.test.ts).

    optuna_types.py write FILE   a journal whose values a JS number cannot carry: categorical float
                                 choices (1.0), ints beyond 2**53, float-typed user attributes
    optuna_types.py describe FILE  every study as Python sees it, types included (repr), one JSON object
"""
import json
import sys

import optuna

from optuna_common import open_storage


def write(path):
    study = optuna.create_study(study_name="types", storage=open_storage(path), sampler=optuna.samplers.RandomSampler(seed=1))
    study.set_user_attr("scale", 2.0)
    study.set_user_attr("huge", 2**60 + 1)

    def objective(trial):
        c = trial.suggest_categorical("c", [1.0, 2.5, 3])
        trial.set_user_attr("f", 1.0)
        trial.set_user_attr("big", 2**53 + 1)
        trial.set_user_attr("e", 1e16)
        trial.set_user_attr("nested", [2.0, {"x": 3.0, "n": -(2**63)}, 4])
        trial.set_user_attr("plain", 0.5)
        return float(c)

    study.optimize(objective, n_trials=6)


def describe(path):
    out = []
    s = open_storage(path)
    for summary in optuna.get_all_study_summaries(s):
        study = optuna.load_study(study_name=summary.study_name, storage=s)
        out.append(
            {
                "name": summary.study_name,
                "user_attrs": repr(sorted(study.user_attrs.items())),
                "trials": [
                    {
                        "params": repr(sorted(t.params.items())),
                        "distributions": {k: optuna.distributions.distribution_to_json(d) for k, d in t.distributions.items()},
                        "user_attrs": repr(sorted(t.user_attrs.items())),
                        "value": repr(t.value),
                    }
                    for t in study.get_trials(deepcopy=False)
                ],
            }
        )
    print(json.dumps(out))


if __name__ == "__main__":
    {"write": write, "describe": describe}[sys.argv[1]](sys.argv[2])
