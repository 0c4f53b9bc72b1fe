"""Records test/fixtures/tpe/optuna49-multivariate.json with the real Optuna 4.9.0 (a one-off, in a temporary
venv: python3 -m venv /tmp/o49 && /tmp/o49/bin/pip install optuna==4.9.0): the Parzen estimators that
TPESampler(multivariate=True) fits on the journal FILE that test/unit/engine/samplers/tpe/tpe-sampler.optuna5-parity.test.ts's
"4.x bandwidth" history describes (written by the engine; 40 trials). Usage: make_optuna49_tpe_fixture.py FILE"""
import json, sys, optuna, numpy as np
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
from optuna.samplers._tpe.sampler import _split_trials, default_gamma
from optuna.samplers._tpe.probability_distributions import _BatchedCategoricalDistributions
from optuna.trial import TrialState
optuna.logging.set_verbosity(optuna.logging.ERROR)
study = optuna.load_study(study_name="h", storage=JournalStorage(JournalFileBackend(sys.argv[1])))
sampler = optuna.samplers.TPESampler(multivariate=True)
trials = study._get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED), use_cache=False)
below, above = _split_trials(study, trials, default_gamma(len(trials)), False)
space = {k: v for k, v in sampler._search_space.calculate(study).items() if not v.single()}
def mix(mpe):
    m = mpe._mixture_distribution
    return {"weights": m.weights.tolist(), "params": {n: ({"rows": d.weights.ravel().tolist()} if isinstance(d, _BatchedCategoricalDistributions) else {"mu": d.mu.tolist(), "sigma": d.sigma.tolist()}) for n, d in zip(space, m.distributions)}}
print(json.dumps({"optuna": optuna.__version__, "space": list(space), "below": mix(sampler._build_parzen_estimator(study, space, below, True)), "above": mix(sampler._build_parzen_estimator(study, space, above, False))}))
