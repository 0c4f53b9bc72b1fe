/**
 * `study.py`: the study's objective for Optuna workers on a cluster — the same search space (names,
 * distributions and suggestion order as src/study-config/convert.ts, so Optuna accepts the browser's
 * trials as the same parameters), sampler, pruner, epochs, data sizes and weights, trained with
 * BayesFlow 2.0.5 (networks.md §3–§8). Every value is written as a literal from the configuration, so
 * the script is readable without dmc-tune.
 */
import { HYPERPARAMETER_NAMES, PARAM_NAMES, type HyperparameterName, type SearchDistribution, type StudyConfig } from '../study-config/index.ts';
import { pyBool, pyFloat, pyNumber, pyOptionalFloat, pyString } from './python.ts';
import type { ClusterOptions } from './types.ts';

/** Hyperparameters the networks take as integers (networks.md §8); the others are floats. */
/** BasicWorkflow's `standardize` for the study's network options (inference variables always). */
function pyStandardize(c: StudyConfig): string {
  const keys = ['inference_variables'];
  if (c.network?.standardizeCondition === true) keys.push('inference_conditions');
  if (c.network?.standardizeTrials === true) keys.push('summary_variables');
  return keys.length === 1 ? '"inference_variables"' : `[${keys.map((k) => `"${k}"`).join(', ')}]`;
}

const INTEGER_HYPERPARAMETERS: ReadonlySet<HyperparameterName> = new Set(['num_seeds', 'batch_size', 'embed_dim', 'summary_dim']);

function suggestCall(name: HyperparameterName, d: SearchDistribution): string {
  const n = pyString(name);
  switch (d.type) {
    case 'float': {
      const extra = [d.log === true ? 'log=True' : null, d.step !== undefined && d.step !== null ? `step=${pyFloat(d.step)}` : null].filter((x) => x !== null);
      return `trial.suggest_float(${[n, pyFloat(d.low), pyFloat(d.high), ...extra].join(', ')})`;
    }
    case 'int': {
      const extra = [d.log === true ? 'log=True' : null, d.step !== undefined && d.step !== 1 ? `step=${d.step}` : null].filter((x) => x !== null);
      return `trial.suggest_int(${[n, String(d.low), String(d.high), ...extra].join(', ')})`;
    }
    case 'categorical': {
      const cast = INTEGER_HYPERPARAMETERS.has(name) ? 'int' : 'float';
      return `${cast}(trial.suggest_categorical(${n}, [${d.choices.map(pyNumber).join(', ')}]))`;
    }
  }
}

function suggestBlock(c: StudyConfig): string {
  return HYPERPARAMETER_NAMES.map((h) => `        ${h}=${suggestCall(h, c.searchSpace[h])},`).join('\n');
}

function samplerBlock(c: StudyConfig): string {
  if (c.sampler.type === 'random') {
    return `def make_sampler(seed: int) -> optuna.samplers.BaseSampler:
    return optuna.samplers.RandomSampler(seed=seed)`;
  }
  return `def make_sampler(seed: int) -> optuna.samplers.BaseSampler:
    # constant_liar: trials running on other workers count as bad guesses, so parallel workers spread out
    # instead of all sampling next to the current best.
    return optuna.samplers.TPESampler(
        seed=seed,
        n_startup_trials=${c.sampler.nStartupTrials},
        multivariate=${pyBool(c.sampler.multivariate)},
        constant_liar=${pyBool(c.sampler.constantLiar)},
    )`;
}

function prunerBlock(c: StudyConfig): string {
  const p = c.pruner;
  switch (p.type) {
    case 'none':
      return `def make_pruner() -> optuna.pruners.BasePruner:
    return optuna.pruners.NopPruner()`;
    case 'median':
      return `def make_pruner() -> optuna.pruners.BasePruner:
    return optuna.pruners.MedianPruner(
        n_startup_trials=${p.nStartupTrials},
        n_warmup_steps=${p.nWarmupSteps},
        interval_steps=${p.intervalSteps},
        n_min_trials=${p.nMinTrials},
    )`;
    case 'successive-halving':
      return `def make_pruner() -> optuna.pruners.BasePruner:
    return optuna.pruners.SuccessiveHalvingPruner(
        min_resource=${p.minResource === 'auto' ? '"auto"' : p.minResource},
        reduction_factor=${p.reductionFactor},
        min_early_stopping_rate=${p.minEarlyStoppingRate},
        bootstrap_count=${p.bootstrapCount},
    )`;
  }
}

function simulatorBlock(c: StudyConfig, opts: ClusterOptions): string {
  if (opts.simulator === 'numpy') {
    return `def simulate(n: int, seed: int) -> dict[str, np.ndarray]:
    """n data sets from the NumPy port of dmc-tune's simulator (dmc_simulator.py, next to this script)."""
    from dmc_simulator import DmcSimulator

    return DmcSimulator(seed).sample(n)`;
  }
  const s = c.simulator;
  const names = s.sdr === 'estimated' ? PARAM_NAMES : PARAM_NAMES.slice(0, 5);
  const numObs = s.numObs;
  const fixed = 'fixed' in numObs ? String(numObs.fixed) : 'None';
  const range = 'fixed' in numObs ? '' : `\n        min_num_obs=${numObs.min},\n        max_num_obs=${numObs.max},`;
  return `def simulate(n: int, seed: int) -> dict[str, np.ndarray]:
    """n data sets from simschaefer/amortized-dmc's DMC class with this study's prior and settings."""
    try:
        from dmc import DMC
    except ImportError:
        sys.exit(
            "--simulator amortized-dmc needs the DMC class of simschaefer/amortized-dmc: "
            "git clone https://github.com/simschaefer/amortized-dmc and extend PYTHONPATH "
            "so that 'from dmc import DMC' works"
        )
    # The reference draws from NumPy's global generator.
    np.random.seed(seed)
    simulator = DMC(
        prior_means=np.array([${names.map((p) => pyFloat(s.prior[p].mean)).join(', ')}]),
        prior_sds=np.array([${names.map((p) => pyFloat(s.prior[p].sd)).join(', ')}]),
        param_names=(${names.map((p) => pyString(p)).join(', ')}),
        fixed_num_obs=${fixed},${range}
        tmax=${s.tmax},
        sdr_fixed=${s.sdr === 'estimated' ? 'None' : '0'},
        contamination_probability=${pyOptionalFloat(s.contamination)},
    )
    return simulator.sample(n)`;
}

function networksBlock(c: StudyConfig, opts: ClusterOptions): string {
  const d = c.diagnostics;
  const integrate = `{"method": ${d.integrator === 'euler' ? '"euler"' : '"rk45"'}, "steps": ${d.integrationSteps}}`;
  if (opts.network === 'reference') {
    return `def build_networks(bf: Any, h: Hyperparameters) -> tuple[Any, Any]:
    """The networks the reference notebook effectively trained (networks.md §3): its FlowMatching dropout
    argument never reached the MLP (which keeps BayesFlow's default 0.05) and its embed_dim argument was not
    a SetTransformer parameter (embed_dims stays (64, 64)); dropout reaches only the SetTransformer."""
    summary_network = bf.networks.SetTransformer(summary_dim=h.summary_dim, num_seeds=h.num_seeds, dropout=h.dropout)
    inference_network = bf.networks.FlowMatching(integrate_kwargs=${integrate})
    return summary_network, inference_network`;
  }
  return `def build_networks(bf: Any, h: Hyperparameters) -> tuple[Any, Any]:
    """SetTransformer + FlowMatching with dropout and embed_dim applied as the study tunes them
    (networks.md §3, §8): subnet_kwargs carries the dropout to the FlowMatching MLP, embed_dims widens
    the attention blocks."""
    summary_network = bf.networks.SetTransformer(
        summary_dim=h.summary_dim,
        num_seeds=h.num_seeds,
        dropout=h.dropout,
        embed_dims=(h.embed_dim, h.embed_dim),
    )
    inference_network = bf.networks.FlowMatching(
        subnet_kwargs={"dropout": h.dropout},
        integrate_kwargs=${integrate},
    )
    return summary_network, inference_network`;
}

export function studyPy(c: StudyConfig, opts: ClusterOptions, journalFile: string): string {
  const names = c.simulator.sdr === 'estimated' ? PARAM_NAMES : PARAM_NAMES.slice(0, 5);
  const w = c.weights;
  return `#!/usr/bin/env python3
"""Optuna worker for the dmc-tune study ${pyString(c.name)}, generated by dmc-tune.

Each run of this script is one worker: it opens the study in the given storage (the first worker copies
the trials done in the browser into an empty one), asks Optuna for hyperparameters, trains BayesFlow 2.0.5
networks on simulated DMC data, reports each epoch's validation loss to the pruner and tells the weighted
metric sum L back. Any number of workers may share one storage. See README.md for the commands.

    python3 study.py                                   # one worker on ${journalFile}
    python3 study.py --storage sqlite:///study.db      # ... on an RDB (trials copied over once)
    python3 study.py --dry-run --n-trials 5            # wiring test: no simulation, no training
    python3 study.py --storage URL --export-journal grown.log   # bring the study back to the app
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import numpy as np
    import optuna
except ImportError as error:
    sys.exit(f"{error.name} is missing; install it with: python3 -m pip install 'optuna>=3.1' numpy")

try:
    from optuna.storages.journal import JournalFileBackend as JournalFile  # Optuna >= 4.0
except ImportError:
    from optuna.storages import JournalFileStorage as JournalFile  # Optuna 3.x (renamed in 4.0)

HERE = Path(__file__).resolve().parent
EXPORTED_JOURNAL = HERE / ${pyString(journalFile)}
STUDY_NAME = ${pyString(c.name)}

SEED = ${c.seed}
SAMPLER_SEED = ${c.sampler.seed}
EPOCHS = ${c.epochs}
TOTAL_TRIALS = ${c.nTrials}
TIMEOUT_S: float | None = ${pyOptionalFloat(c.timeout)}
# "offline": fit_offline on TRAINING_SETS fixed sets; "online": fit_online, a fresh batch for every step.
DATA_MODE = ${pyString(c.data.mode ?? 'offline')}
TRAINING_SETS = ${c.data.trainingSets}
BATCHES_PER_EPOCH = ${c.data.batchesPerEpoch ?? 100}
VALIDATION_SETS = ${c.data.validationSets}
POSTERIOR_DRAWS = ${c.diagnostics.posteriorDraws}
# Flow-matching draws per data set and step in the browser (network.flowDraws); BayesFlow draws one.
BROWSER_FLOW_DRAWS = ${c.network?.flowDraws ?? 1}
# The study's first trials (its configuration's enqueueTrials), queued once: Optuna skips one that exists.
ENQUEUE_TRIALS: list[dict[str, float]] = json.loads(${pyString(JSON.stringify(c.enqueueTrials ?? []))})
INFERENCE_VARIABLES = [${names.map((p) => pyString(p)).join(', ')}]
WEIGHTS = {"recovery": ${pyFloat(w.recovery)}, "pc": ${pyFloat(w.pc)}, "sbc": ${pyFloat(w.sbc)}}

# How long concurrent workers wait for the first one to copy the exported trials into a new storage, and
# how long SQLite connections wait for a lock held by another worker instead of failing.
SEED_WAIT_S = 600
SQLITE_LOCK_TIMEOUT_S = 300
STORAGE_ATTEMPTS = 5


@dataclass(frozen=True)
class Hyperparameters:
    dropout: float
    lr: float
    num_seeds: int
    batch_size: int
    embed_dim: int
    summary_dim: int


def suggest_hyperparameters(trial: optuna.Trial) -> Hyperparameters:
    # Same names, distributions and order as the browser's trials, so Optuna sees one search space.
    return Hyperparameters(
${suggestBlock(c)}
    )


${samplerBlock(c)}


${prunerBlock(c)}


${simulatorBlock(c, opts)}


def import_bayesflow() -> Any:
    """BayesFlow 2.0.5 on Keras 3; the backend defaults to PyTorch, as in the reference study."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    try:
        import bayesflow
    except ImportError:
        sys.exit(
            "training needs BayesFlow 2.0.5 and a Keras backend; install them with:\\n"
            "    python3 -m pip install 'bayesflow==2.0.5' torch\\n"
            "(or run with --dry-run to test the wiring without them)"
        )
    if bayesflow.__version__ != "2.0.5":
        warnings.warn(f"this script was written for bayesflow 2.0.5, found {bayesflow.__version__}", stacklevel=1)
    return bayesflow


${networksBlock(c, opts)}


def weighted_metric_sum(table: Any) -> float:
    """L = recovery * mean NRMSE + pc * mean (1 - contraction) + sbc * mean calibration error (rows bound by name)."""
    rows = table if "NRMSE" in table.index else table.T
    return float(
        WEIGHTS["recovery"] * rows.loc["NRMSE"].mean()
        + WEIGHTS["pc"] * (1 - rows.loc["Posterior Contraction"]).mean()
        + WEIGHTS["sbc"] * rows.loc["Calibration Error"].mean()
    )


def make_online_simulator(bf: Any, seed: int) -> Any:
    """BayesFlow's OnlineDataset asks its simulator for sample((batch_size,)) once per batch: each call
    simulates fresh data sets under the next seed of a SeedSequence, so a trial's batches are reproducible."""

    class OnlineSimulator(bf.simulators.Simulator):
        def __init__(self) -> None:
            self.seeds = np.random.SeedSequence([SEED, 3, seed])

        def sample(self, batch_shape: Any, **kwargs: Any) -> dict[str, np.ndarray]:
            n = int(np.prod(batch_shape))
            return simulate(n, int(self.seeds.spawn(1)[0].generate_state(1)[0]))

    return OnlineSimulator()


class Objective:
    """Trains and scores one network per trial: on data sets simulated once per worker (offline), or on
    fresh simulations for every batch (online)."""

    def __init__(self) -> None:
        self.bf = import_bayesflow()
        # Seeds derived from the study seed only: every worker trains on the same data sets.
        training_seed = np.random.SeedSequence([SEED, 1]).generate_state(1)[0]
        self.training = simulate(TRAINING_SETS, training_seed) if DATA_MODE == "offline" else None
        self.validation = simulate(VALIDATION_SETS, np.random.SeedSequence([SEED, 2]).generate_state(1)[0])

    def __call__(self, trial: optuna.Trial) -> float:
        import keras

        h = suggest_hyperparameters(trial)
        keras.utils.set_random_seed(int(np.random.SeedSequence([SEED, 1000 + trial.number]).generate_state(1)[0]))
        summary_network, inference_network = build_networks(self.bf, h)
        adapter = (
            self.bf.adapters.Adapter()
            .convert_dtype("float64", "float32")
            .sqrt("num_obs")
            .concatenate(INFERENCE_VARIABLES, into="inference_variables")
            .concatenate(["rt", "accuracy", "conditions"], into="summary_variables")
            .rename("num_obs", "inference_conditions")
        )
        workflow = self.bf.BasicWorkflow(
            simulator=make_online_simulator(self.bf, trial.number) if DATA_MODE == "online" else None,
            adapter=adapter,
            inference_network=inference_network,
            summary_network=summary_network,
            initial_learning_rate=h.lr,
            inference_variables=INFERENCE_VARIABLES,
            # The browser standardizes the per-trial inputs with fixed moments of the training sets; BayesFlow's
            # Standardization layer keeps running moments of the same inputs ("summary_variables").
            standardize=${pyStandardize(c)},
        )
        pruned = False

        def report(epoch: int, logs: dict[str, float]) -> None:
            nonlocal pruned
            trial.report(logs["val_loss"], epoch)
            if trial.should_prune():
                pruned = True
                workflow.approximator.stop_training = True

        callbacks = [keras.callbacks.LambdaCallback(on_epoch_end=report)]
        if DATA_MODE == "online":
            workflow.fit_online(
                epochs=EPOCHS,
                num_batches_per_epoch=BATCHES_PER_EPOCH,
                batch_size=h.batch_size,
                validation_data=self.validation,
                callbacks=callbacks,
            )
        else:
            workflow.fit_offline(
                self.training,
                epochs=EPOCHS,
                batch_size=h.batch_size,
                validation_data=self.validation,
                callbacks=callbacks,
            )
        if pruned:
            raise optuna.TrialPruned()
        table = workflow.compute_default_diagnostics(test_data=self.validation, num_samples=POSTERIOR_DRAWS)
        value = weighted_metric_sum(table)
        if np.isfinite(value):  # the trial ends COMPLETE: its network goes to networks/ for the app (dmc_network.py)
            from dmc_network import save_trial_network

            seed = int(np.random.SeedSequence([SEED, 1000 + trial.number]).generate_state(1)[0])
            save_trial_network(HERE, workflow.approximator, trial, study_name=trial.study.study_name, seed=seed,
                               param_names=INFERENCE_VARIABLES, variant=${pyString(opts.network === 'reference' ? 'reference' : 'as-tuned')},
                               hyperparameters=vars(h), L=value, table=table)
        return value


def dry_run_objective(trial: optuna.Trial) -> float:
    """DRY RUN: no simulation and no training. A cheap deterministic function of the parameters (a bowl in
    the unit cube of the search space) stands in for L, and a decreasing curve for the validation losses."""
    suggest_hyperparameters(trial)
    trial.set_user_attr("dry_run", True)
    units = []
    for name, distribution in trial.distributions.items():
        internal = distribution.to_internal_repr(trial.params[name])
        if isinstance(distribution, optuna.distributions.CategoricalDistribution):
            width = len(distribution.choices) - 1
            units.append(internal / width if width > 0 else 0.0)
        else:
            width = distribution.high - distribution.low
            units.append((internal - distribution.low) / width if width > 0 else 0.0)
    value = 0.1 + sum((u - 0.3) ** 2 for u in units) / len(units)
    for epoch in range(EPOCHS):
        trial.report(value * (1 + 2 / (epoch + 1)), epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return value


def open_storage(spec: str) -> optuna.storages.BaseStorage:
    if spec.startswith("journal:"):
        return optuna.storages.JournalStorage(JournalFile(spec.removeprefix("journal:")))
    from sqlalchemy.exc import DBAPIError

    engine_kwargs = {"connect_args": {"timeout": SQLITE_LOCK_TIMEOUT_S}} if spec.startswith("sqlite") else {}
    attempt = 1
    while True:
        try:
            return optuna.storages.RDBStorage(spec, engine_kwargs=engine_kwargs)
        except DBAPIError:
            # Workers starting together race to create the tables (and their version row); a loser finds them
            # there on the next try.
            if attempt == STORAGE_ATTEMPTS:
                raise
            time.sleep(attempt)
            attempt += 1


def study_exists(storage: optuna.storages.BaseStorage, name: str) -> bool:
    try:
        storage.get_study_id_from_name(name)
    except KeyError:
        return False
    return True


def exported_trial_count() -> int:
    exported = optuna.load_study(study_name=STUDY_NAME, storage=open_storage(f"journal:{EXPORTED_JOURNAL}"))
    return len(exported.get_trials(deepcopy=False))


def seed_storage(storage: optuna.storages.BaseStorage, name: str) -> None:
    """Copies the exported study into a storage that lacks it, once, however many workers start together."""
    if not study_exists(storage, name):
        try:
            optuna.copy_study(
                from_study_name=STUDY_NAME,
                from_storage=open_storage(f"journal:{EXPORTED_JOURNAL}"),
                to_storage=storage,
                to_study_name=name,
            )
            return
        except optuna.exceptions.DuplicatedStudyError:
            pass
    # Another worker may have created the study and still be copying the trials into it.
    expected = exported_trial_count()
    deadline = time.monotonic() + SEED_WAIT_S
    study = optuna.load_study(study_name=name, storage=storage)
    while len(study.get_trials(deepcopy=False)) < expected:
        if time.monotonic() > deadline:
            sys.exit(f"the exported trials did not reach study {name!r} within {SEED_WAIT_S} s; delete it, restart")
        time.sleep(1)


def worker_seed(storage: optuna.storages.BaseStorage, name: str, seed: int | None) -> int:
    """The sampler seed: --seed, else one derived from the study's sampler seed, this worker and the trials so far
    (workers with one seed would draw the same random startup trials)."""
    if seed is not None:
        return seed
    worker = int(os.environ.get("SLURM_ARRAY_TASK_ID", os.getpid()))
    trials = len(optuna.load_study(study_name=name, storage=storage).get_trials(deepcopy=False))
    return int(np.random.SeedSequence([SAMPLER_SEED, worker, trials]).generate_state(1)[0])


def stop_at_total(total: int) -> Callable[[optuna.Study, optuna.trial.FrozenTrial], None]:
    def callback(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        if len(study.get_trials(deepcopy=False)) >= total:
            study.stop()

    return callback


def export_journal(storage: optuna.storages.BaseStorage, name: str, path: Path) -> None:
    if path.exists():
        sys.exit(f"{path} exists; choose a new file name (the copy must start a fresh journal)")
    optuna.copy_study(from_study_name=name, from_storage=storage, to_storage=open_storage(f"journal:{path}"))
    count = len(optuna.load_study(study_name=name, storage=open_storage(f"journal:{path}")).get_trials(deepcopy=False))
    print(f"copied study {name!r} with {count} trials to {path}; import it in dmc-tune's Results view")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--storage",
        default=f"journal:{EXPORTED_JOURNAL}",
        help="journal:PATH (a journal file on a shared file system) or an RDB URL such as sqlite:///study.db "
        "(default: the exported journal next to this script)",
    )
    parser.add_argument("--study-name", default=STUDY_NAME, help="study in the storage (default: %(default)s)")
    parser.add_argument("--n-trials", type=int, help="trials this worker runs at most (default: up to the total)")
    parser.add_argument(
        "--total-trials",
        type=int,
        default=TOTAL_TRIALS,
        help="stop once the study holds this many trials, the browser's included (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, help="sampler seed of this worker (default: derived, see worker_seed)")
    parser.add_argument("--dry-run", action="store_true", help="replace simulation and training by a cheap function")
    parser.add_argument(
        "--export-journal",
        type=Path,
        metavar="FILE",
        help="copy the study from --storage into a new journal FILE and exit",
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    # Optuna 3.x marks JournalStorage and constant_liar experimental; both are what this script is for.
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    storage = open_storage(args.storage)
    if args.export_journal is not None:
        export_journal(storage, args.study_name, args.export_journal)
        return
    seed_storage(storage, args.study_name)
    study = optuna.load_study(
        study_name=args.study_name,
        storage=storage,
        sampler=make_sampler(worker_seed(storage, args.study_name, args.seed)),
        pruner=make_pruner(),
    )
    if len(study.get_trials(deepcopy=False)) >= args.total_trials:
        print(f"study {args.study_name!r} already holds {args.total_trials} trials; nothing to do")
        return
    for params in ENQUEUE_TRIALS:
        study.enqueue_trial(params, skip_if_exists=True)
    if BROWSER_FLOW_DRAWS != 1:
        print(f"note: the browser trained with {BROWSER_FLOW_DRAWS} flow-matching draws per data set;"
              " BayesFlow trains with one, so values here compare with each other, not exactly with the browser's")
    if args.dry_run:
        print("DRY RUN: no simulation, no training; values are a synthetic function of the parameters")
    objective = dry_run_objective if args.dry_run else Objective()
    study.optimize(objective, n_trials=args.n_trials, timeout=TIMEOUT_S, callbacks=[stop_at_total(args.total_trials)])
    complete = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    best = min((t.value for t in complete if t.value is not None), default=None)
    label = " (dry run)" if args.dry_run else ""
    print(f"study {args.study_name!r}: {len(complete)} complete trials, best L{label} = {best}")


if __name__ == "__main__":
    main()
`;
}
