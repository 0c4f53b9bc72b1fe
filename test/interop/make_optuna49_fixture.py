"""Writes test/fixtures/journal/optuna49-demo.log with the real Optuna 4.9.0 (a one-off; kept verbatim)."""
import math
import optuna
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend

optuna.logging.set_verbosity(optuna.logging.WARNING)
storage = JournalStorage(JournalFileBackend("optuna49-demo.log"))


def constraints(t):
    return (t.params["x"] - 0.5,)


study = optuna.create_study(study_name="optuna49-demo", storage=storage,
                            sampler=optuna.samplers.TPESampler(seed=3, n_startup_trials=4, constraints_func=constraints))
study.set_user_attr("made_by", "optuna " + optuna.__version__)


def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    n = trial.suggest_int("n", 1, 8)
    opt = trial.suggest_categorical("opt", ["adam", "sgd"])
    trial.set_user_attr("tag", f"t{trial.number}")
    for step in range(3):
        trial.report(x + step / 10 + (0.1 if opt == "sgd" else 0), step)
    if trial.number == 3:
        raise optuna.TrialPruned()
    if trial.number == 5:
        raise ValueError("boom")
    return (x - 0.3) ** 2 + math.log10(lr) ** 2 / 100 + n / 50


study.optimize(objective, n_trials=9, catch=(ValueError,))
mo = optuna.create_study(study_name="optuna49-mo", storage=storage, directions=["minimize", "maximize"],
                         sampler=optuna.samplers.RandomSampler(seed=1))
mo.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_int("b", 0, 3)), n_trials=4)
print(optuna.__version__)
