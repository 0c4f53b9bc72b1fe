"""Python Optuna side of the fANOVA parity test (test/unit/engine/importance/forest.optuna.test.ts).

    optuna_importances.py FILE STUDY SEED...   print {"per_seed": [...], "mean": {...}} as JSON

Opens the journal FILE and prints, for each SEED, what
optuna.importance.get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=SEED))
returns, and the mean over the seeds. Needs scikit-learn (Optuna's fANOVA fits its forest).
"""
import json
import sys

import optuna
from optuna.importance import FanovaImportanceEvaluator, get_param_importances

from optuna_common import open_storage


def main():
    path, name, seeds = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3:]]
    study = optuna.load_study(study_name=name, storage=open_storage(path))
    per_seed = [dict(get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=s))) for s in seeds]
    mean = {k: sum(r[k] for r in per_seed) / len(per_seed) for k in per_seed[0]}
    print(json.dumps({"optuna": optuna.__version__, "per_seed": per_seed, "mean": mean}))


if __name__ == "__main__":
    main()
