/**
 * `study.py`: the study's objective for Optuna workers on a cluster — the same search space (names,
 * distributions and suggestion order as src/study-config/convert.ts, so Optuna accepts the browser's
 * trials as the same parameters), sampler, pruner, epochs, data sizes and weights, trained with
 * BayesFlow 2.0.5 (networks.md §3–§8). Every value is written as a literal from the configuration, so
 * the script is readable without dmc-tune.
 */
import {
  HYPERPARAMETER_NAMES,
  objectiveMetrics,
  PARAM_NAMES,
  trialNetwork,
  type HyperparameterName,
  type SearchDistribution,
  type StudyConfig,
} from '../study-config/index.ts';
import { pyBool, pyFloat, pyNumber, pyOptionalFloat, pyString } from './python.ts';
import { TRAINING_NPZ, VALIDATION_NPZ } from './data.ts';
import { failoverPy } from './study-py-failover.ts';
import { objectiveBlock } from './study-py-objective.ts';
import { budgetBlock, budgetConstants } from './study-py-budget.ts';
import type { ClusterOptions } from './types.ts';

/** Hyperparameters the networks take as integers (networks.md §8); the others are floats. */
const INTEGER_HYPERPARAMETERS: ReadonlySet<HyperparameterName> = new Set([
  'num_seeds',
  'batch_size',
  'embed_dim',
  'summary_dim',
]);

function suggestCall(name: HyperparameterName, d: SearchDistribution): string {
  const n = pyString(name);
  switch (d.type) {
    case 'float': {
      const extra = [
        d.log === true ? 'log=True' : null,
        d.step !== undefined && d.step !== null ? `step=${pyFloat(d.step)}` : null,
      ].filter((x) => x !== null);
      return `trial.suggest_float(${[n, pyFloat(d.low), pyFloat(d.high), ...extra].join(', ')})`;
    }
    case 'int': {
      const extra = [
        d.log === true ? 'log=True' : null,
        d.step !== undefined && d.step !== 1 ? `step=${d.step}` : null,
      ].filter((x) => x !== null);
      return `trial.suggest_int(${[n, String(d.low), String(d.high), ...extra].join(', ')})`;
    }
    case 'categorical': {
      const cast = INTEGER_HYPERPARAMETERS.has(name) ? 'int' : 'float';
      return `${cast}(trial.suggest_categorical(${n}, [${d.choices.map(pyNumber).join(', ')}]))`;
    }
  }
}

/** OBJECTIVES: None for the weighted sum, the Pareto objectives' names otherwise (objective_values). */
function objectivesPy(c: StudyConfig): string {
  const m = objectiveMetrics(c);
  return m === null ? 'None' : `[${m.map((x) => pyString(x)).join(', ')}]`;
}

function suggestBlock(c: StudyConfig): string {
  return HYPERPARAMETER_NAMES.map((h) => `        ${h}=${suggestCall(h, c.searchSpace[h])},`).join('\n');
}

function samplerBlock(c: StudyConfig): string {
  if (c.sampler.type === 'nsga2') {
    return `def make_sampler(seed: int) -> optuna.samplers.BaseSampler:
    return optuna.samplers.NSGAIISampler(seed=seed, population_size=${c.sampler.populationSize ?? 50})`;
  }
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
    except ImportError as error:
        # The real cause: the clone may be on the path and lack one of its own dependencies.
        sys.exit(
            f"the DMC class of simschaefer/amortized-dmc could not be imported: {error!r}\\n"
            "If it is not installed: git clone https://github.com/simschaefer/amortized-dmc and extend PYTHONPATH "
            "so that 'from dmc import DMC' works; otherwise install what the error names"
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

export function studyPy(c: StudyConfig, opts: ClusterOptions, journalFile: string): string {
  const names = c.simulator.sdr === 'estimated' ? PARAM_NAMES : PARAM_NAMES.slice(0, 5);
  const w = c.weights;
  return `#!/usr/bin/env python3
"""Optuna worker for the dmc-tune study ${pyString(c.name)}, generated by dmc-tune.

Each run of this script is one worker: it opens the study in the given storage (the first worker copies
the trials done in the browser into an empty one), asks Optuna for hyperparameters, trains BayesFlow 2.0.5
networks on the study's exported training and validation sets (--simulate: fresh ones), reports each epoch's
validation loss to the pruner and tells the weighted metric sum L back (a Pareto study: its objectives, L kept
as a user attribute, nothing reported: Optuna cannot prune it). Any number of workers may share one
storage. See README.md for the commands.

    python3 study.py                                   # one worker on ${journalFile}
    python3 study.py --storage postgresql://host/db    # ... on an RDB (trials copied over once)
    python3 study.py --dry-run --storage journal:dry-run.log   # wiring test on a copy of the journal: no training
    python3 study.py --storage URL --export-journal grown.log   # bring the study back to the app
"""

from __future__ import annotations

import argparse
import gc
import json
import math
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
    sys.exit(
        f"{error.name} is missing ({error}). On Python 3.10 to 3.12 install the tested versions "
        "(bayesflow 2.0.5, keras 3.10.0, numpy < 2, optuna 5.0.0) with:\\n"
        "    python3 -m pip install -r requirements.txt torch\\n"
        "(--dry-run needs only optuna and numpy)"
    )

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
# The study's very training and validation sets, exported by the app (the seeds and simulator settings they
# came from are inside); --simulate draws fresh ones instead.
TRAINING_FILE = ${pyString(TRAINING_NPZ)}
VALIDATION_FILE = ${pyString(VALIDATION_NPZ)}
DATA_KEYS = ["rt", "accuracy", "conditions", "num_obs"]
TESTED_BAYESFLOW = ("2.0.5",)
WARMUP_FRACTION = 0.05
# The study user attribute holding when the first worker started: TIMEOUT_S counts from there, for all workers.
STARTED_ATTR = "cluster_started_at"
# Flow-matching draws per data set and step in the browser (network.flowDraws); BayesFlow draws one.
BROWSER_FLOW_DRAWS = ${trialNetwork(c.network).flowDraws}
# The study's first trials (its configuration's enqueueTrials), queued once: Optuna skips one that exists.
ENQUEUE_TRIALS: list[dict[str, float]] = json.loads(${pyString(JSON.stringify(c.enqueueTrials ?? []))})
INFERENCE_VARIABLES = [${names.map((p) => pyString(p)).join(', ')}]
WEIGHTS = {"recovery": ${pyFloat(w.recovery)}, "pc": ${pyFloat(w.pc)}, "sbc": ${pyFloat(w.sbc)}}
# None: one objective, the weighted sum L. A list: a Pareto study minimising these (objective_values), with L
# recorded as the user attribute "L"; Optuna cannot prune it, so no validation loss is reported.
OBJECTIVES: list[str] | None = ${objectivesPy(c)}
${budgetConstants(c, opts)}

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


${budgetBlock()}


${samplerBlock(c)}


${prunerBlock(c)}


${simulatorBlock(c, opts)}


${objectiveBlock(c, opts)}


def dry_run_objective(trial: optuna.Trial) -> float | tuple[float, ...]:
    """DRY RUN: no simulation and no training. A cheap deterministic function of the parameters (a bowl in
    the unit cube of the search space) stands in for L, and a decreasing curve for the validation losses."""
    check_budget(trial, suggest_hyperparameters(trial))
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
    if OBJECTIVES is not None:
        # Bowls around different centres, so the objectives trade off; no reports (no pruning).
        trial.set_user_attr("L", value)
        return tuple(
            0.1 + sum((u - centre) ** 2 for u in units) / len(units) for centre in (0.3, 0.7, 0.5)[: len(OBJECTIVES)]
        )
    for epoch in range(EPOCHS):
        trial.report(value * (1 + 2 / (epoch + 1)), epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return value


${failoverPy()}


def open_storage(spec: str, failover: Failover | None = None) -> optuna.storages.BaseStorage:
    if spec.startswith("journal:"):
        return journal_storage(JournalFile(spec.removeprefix("journal:")), failover)
    from sqlalchemy.exc import DBAPIError

    engine_kwargs = {"connect_args": {"timeout": SQLITE_LOCK_TIMEOUT_S}} if spec.startswith("sqlite") else {}
    attempt = 1
    while True:
        try:
            return optuna.storages.RDBStorage(spec, engine_kwargs=engine_kwargs, **rdb_failover_kwargs(failover))
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
        if total_reached(study, total):
            study.stop()

    return callback


def export_journal(storage: optuna.storages.BaseStorage, name: str, path: Path) -> None:
    if path.exists():
        sys.exit(f"{path} exists; choose a new file name (the copy must start a fresh journal)")
    optuna.copy_study(from_study_name=name, from_storage=storage, to_storage=open_storage(f"journal:{path}"))
    count = len(optuna.load_study(study_name=name, storage=open_storage(f"journal:{path}")).get_trials(deepcopy=False))
    print(f"copied study {name!r} with {count} trials to {path}; import it in dmc-tune's Results view")


def time_left(study: optuna.Study) -> float | None:
    """Seconds left of the study's TIMEOUT_S, counted from the first worker's start and shared by all workers."""
    if TIMEOUT_S is None:
        return None
    started = study.user_attrs.get(STARTED_ATTR)
    if not isinstance(started, (int, float)):
        started = time.time()
        study.set_user_attr(STARTED_ATTR, started)
    return max(0.0, started + TIMEOUT_S - time.time())


def refuse_dry_run_on_exported_journal(storage: str) -> None:
    """Synthetic COMPLETE trials in the study's own journal would be learnt from by real workers."""
    if storage.startswith("journal:") and Path(storage.removeprefix("journal:")).resolve() == EXPORTED_JOURNAL:
        sys.exit(
            f"--dry-run would write synthetic trials into the study's journal {EXPORTED_JOURNAL.name}, which real "
            "workers then learn from. Dry-run on a copy:\\n"
            f"    cp {EXPORTED_JOURNAL.name} dry-run.log && python3 study.py --dry-run --storage journal:dry-run.log"
        )


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
        help="stop once the study holds this many trials, the browser's included; a killed trial and its retry count "
        "once (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, help="sampler seed of this worker (default: derived, see worker_seed)")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="replace simulation and training by a cheap function (needs --storage other than the exported journal)",
    )
    parser.add_argument(
        "--simulate",
        action="store_true",
        help=f"simulate fresh training and validation sets instead of the exported {TRAINING_FILE} / {VALIDATION_FILE}",
    )
    parser.add_argument(
        "--allow-bayesflow-version",
        action="store_true",
        help=f"run with a bayesflow other than the tested {', '.join(TESTED_BAYESFLOW)} (trials will not compare)",
    )
    parser.add_argument(
        "--export-journal",
        type=Path,
        metavar="FILE",
        help="copy the study from --storage into a new journal FILE and exit",
    )
    add_failover_arguments(parser)
    args = parser.parse_args()
    args.failover = failover_settings(parser, args)
    return args


def main() -> None:
    args = parse_args()
    # Optuna 3.x marks JournalStorage and constant_liar experimental; both are what this script is for.
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    if args.dry_run:
        refuse_dry_run_on_exported_journal(args.storage)
    storage = open_storage(args.storage, args.failover)
    if args.export_journal is not None:
        # A killed worker's trial goes back as FAIL (and queued again), not as running.
        sweep_stale_trials(storage, args.study_name)
        export_journal(storage, args.study_name, args.export_journal)
        return
    seed_storage(storage, args.study_name)
    study = optuna.load_study(
        study_name=args.study_name,
        storage=storage,
        sampler=make_sampler(worker_seed(storage, args.study_name, args.seed)),
        pruner=make_pruner(),
    )
    sweep_stale_trials(storage, args.study_name)
    if total_reached(study, args.total_trials):
        print(f"study {args.study_name!r} already holds {args.total_trials} trials; nothing to do")
        return
    for params in ENQUEUE_TRIALS:
        study.enqueue_trial(params, skip_if_exists=True)
    if BROWSER_FLOW_DRAWS != 1:
        print(f"note: the browser trained with {BROWSER_FLOW_DRAWS} flow-matching draws per data set;"
              " BayesFlow trains with one, so values here compare with each other, not exactly with the browser's")
    if args.dry_run:
        print("DRY RUN: no simulation, no training; values are a synthetic function of the parameters")
    timeout = time_left(study)
    if timeout == 0:
        print(
            f"study {args.study_name!r} has used its time limit of {TIMEOUT_S} s "
            "(counted from the first worker's start)"
        )
        return
    train = dry_run_objective if args.dry_run else Objective(args.simulate, args.allow_bayesflow_version)
    objective = record_worker(train)
    # catch: a trial that raises (a CUDA out-of-memory, a BayesFlow error) ends FAIL with its reason; the worker
    # goes on.
    study.optimize(
        objective,
        n_trials=args.n_trials,
        timeout=timeout,
        callbacks=[stop_at_total(args.total_trials)],
        catch=(Exception,),
    )
    complete = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    label = " (dry run)" if args.dry_run else ""
    if OBJECTIVES is not None:
        best_trials = study.best_trials
        front = f"{len(best_trials)} on the Pareto front{label}"
        print(f"study {args.study_name!r}: {len(complete)} complete trials, {front}")
        for t in best_trials:
            values = ", ".join(f"{name} {value:.6g}" for name, value in zip(OBJECTIVES, t.values))
            print(f"  trial {t.number}: {values}")
        return
    best = min((t.value for t in complete if t.value is not None), default=None)
    print(f"study {args.study_name!r}: {len(complete)} complete trials, best L{label} = {best}")


if __name__ == "__main__":
    main()
`;
}
