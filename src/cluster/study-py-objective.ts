/**
 * The training part of the generated study.py: BayesFlow's import, the networks, the metrics and L, and
 * the Objective that trains and scores one trial (networks.md §3-§9). Python text spliced into study.py
 * by studyPy (study-py.ts), which defines the constants and helpers it uses.
 */
import { trialNetwork, type StudyConfig } from '../study-config/index.ts';
import type { ClusterOptions } from './types.ts';

/** BasicWorkflow's `standardize` for the study's network options as a trial reads them (inference variables always). */
function pyStandardize(c: StudyConfig): string {
  const keys = ['inference_variables'];
  const network = trialNetwork(c.network);
  if (network.standardizeCondition) keys.push('inference_conditions');
  if (network.standardizeTrials) keys.push('summary_variables');
  return keys.length === 1 ? '"inference_variables"' : `[${keys.map((k) => `"${k}"`).join(', ')}]`;
}

function networksBlock(c: StudyConfig, opts: ClusterOptions): string {
  const d = c.diagnostics;
  const integrate = `{"method": ${d.integrator === 'euler' ? '"euler"' : '"rk45"'}, "steps": ${d.integrationSteps}}`;
  if (opts.network === 'reference') {
    return `def build_networks(bf: Any, h: Hyperparameters) -> tuple[Any, Any]:
    """The networks the reference notebook effectively trained (networks.md §3): its FlowMatching dropout
    argument never reached the MLP (which keeps BayesFlow's default 0.05) and its embed_dim argument was not
    a SetTransformer parameter (embed_dims stays (64, 64)); dropout reaches only the SetTransformer.
    Reproduces the notebook with bayesflow 2.0.5 only: later versions changed FlowMatching's default subnet,
    the SetTransformer and the "rk45" integrator."""
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

export function objectiveBlock(c: StudyConfig, opts: ClusterOptions): string {
  return `def check_bayesflow_version(version: str, allow: bool) -> None:
    """Only the tested BayesFlow builds the browser's networks, optimizer and diagnostics: later versions changed
    FlowMatching's default subnet, the SetTransformer, the "rk45" integrator, fit_offline's optimizer (AdamW)."""
    if version in TESTED_BAYESFLOW:
        return
    message = (
        f"this script was tested with bayesflow {' or '.join(TESTED_BAYESFLOW)}, found {version}: other versions "
        "build different networks and train them differently, so its trials would not compare with the "
        "browser's. Install the tested versions with: python3 -m pip install -r requirements.txt"
    )
    if not allow:
        sys.exit(message + "\\n(or pass --allow-bayesflow-version to run with this version anyway)")
    warnings.warn(message, stacklevel=1)


def import_bayesflow(allow_version: bool = False) -> Any:
    """BayesFlow 2.0.5 on Keras 3; the backend defaults to PyTorch, as in the reference study."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    try:
        import bayesflow
    except ImportError as error:
        sys.exit(
            f"training needs BayesFlow 2.0.5 and a Keras backend, but the import failed: {error!r}\\n"
            "On Python 3.10 to 3.12 install the tested versions (bayesflow 2.0.5, keras 3.10.0, numpy < 2) with:\\n"
            "    python3 -m pip install -r requirements.txt torch\\n"
            "(or run with --dry-run to test the wiring without them)"
        )
    check_bayesflow_version(bayesflow.__version__, allow_version)
    return bayesflow


def library_versions(bf: Any) -> dict[str, str]:
    """The versions a trial ran with, kept as its user attributes."""
    import importlib.metadata
    import platform

    import keras

    backend = keras.backend.backend()
    try:
        backend_version = importlib.metadata.version(backend)
    except importlib.metadata.PackageNotFoundError:
        backend_version = "unknown"
    return {
        "python_version": platform.python_version(),
        "bayesflow_version": bf.__version__,
        "keras_version": keras.__version__,
        "keras_backend": backend,
        "keras_backend_version": backend_version,
    }


${networksBlock(c, opts)}


def make_optimizer(keras: Any, lr: float, epochs: int, num_batches: int) -> Any:
    """The browser's optimizer (networks.md §7, BayesFlow 2.0.5's build_optimizer): Adam with each variable's
    gradient clipped to norm 1.5; the learning rate rises from 0.1 lr to lr over the first 5 % of the steps,
    then follows a cosine down to 0. Explicit, because from 2.0.6 on fit_offline defaults to AdamW."""
    total = int(epochs * num_batches)
    warmup = int(WARMUP_FRACTION * total)
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.1 * lr,
        warmup_target=lr,
        warmup_steps=warmup,
        decay_steps=total - warmup,
        alpha=0.0,
    )
    return keras.optimizers.Adam(schedule, beta_1=0.9, beta_2=0.999, epsilon=1e-7, clipnorm=1.5)


# The diagnostics of BayesFlow 2.0.5 (bayesflow/diagnostics/metrics/*.py, networks.md §9), computed here so
# that a BayesFlow version with other formulas cannot shift L. draws: (data sets, draws, parameters);
# truths: (data sets, parameters). Undefined cells are NaN.
CALIBRATION_ALPHAS = np.linspace(0.005, 0.995, 20)


def nrmse(draws: np.ndarray, truths: np.ndarray) -> np.ndarray:
    """Per draw index, the RMSE over data sets divided by the range of the truths; the median over draws."""
    spread = truths.max(axis=0) - truths.min(axis=0)
    rmse = np.sqrt(np.mean((draws - truths[:, None, :]) ** 2, axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.median(rmse / spread, axis=0)
    return np.where(spread == 0, np.nan, values)


def posterior_contraction(draws: np.ndarray, truths: np.ndarray) -> np.ndarray:
    """Per data set clip(1 - posterior variance / variance of the truths, 0, 1) (ddof 1); the median over data sets."""
    spread = truths.max(axis=0) - truths.min(axis=0)
    if draws.shape[1] < 2:
        return np.full(truths.shape[1], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        contraction = np.clip(1 - draws.var(axis=1, ddof=1) / truths.var(axis=0, ddof=1), 0, 1)
    return np.where(spread == 0, np.nan, np.median(contraction, axis=0))


def calibration_error(draws: np.ndarray, truths: np.ndarray) -> np.ndarray:
    """The median over alpha of |share of truths inside the central alpha interval of the draws - alpha|."""
    lowers = (1 - CALIBRATION_ALPHAS) / 2
    bounds = np.quantile(draws, np.stack([lowers, 1 - lowers]), axis=1)
    inside = (bounds[0] <= truths[None]) & (bounds[1] >= truths[None])
    return np.median(np.abs(inside.mean(axis=1) - CALIBRATION_ALPHAS[:, None]), axis=0)


def diagnostics(draws: np.ndarray, truths: np.ndarray) -> dict[str, np.ndarray]:
    """The table L is computed from: row name -> one value per inference variable."""
    draws = np.asarray(draws, dtype=np.float64)
    truths = np.asarray(truths, dtype=np.float64)
    if not np.isfinite(draws).all():
        nan = np.full(truths.shape[1], np.nan)
        return {"NRMSE": nan, "Posterior Contraction": nan, "Calibration Error": nan}
    return {
        "NRMSE": nrmse(draws, truths),
        "Posterior Contraction": posterior_contraction(draws, truths),
        "Calibration Error": calibration_error(draws, truths),
    }


ROW_WEIGHTS = {"NRMSE": "recovery", "Posterior Contraction": "pc", "Calibration Error": "sbc"}


def undefined_cells(table: dict[str, np.ndarray]) -> list[str]:
    """The NaN cells of weighted rows, named, e.g. 'NRMSE[b] = nan'."""
    return [
        f"{row}[{name}] = {value}"
        for row, weight in ROW_WEIGHTS.items()
        if WEIGHTS[weight] != 0
        for name, value in zip(INFERENCE_VARIABLES, table[row])
        if not np.isfinite(value)
    ]


def objective_values(table: dict[str, np.ndarray]) -> tuple[float, ...]:
    """A Pareto study's values, in OBJECTIVES' order, each minimised: the three terms of L without weights."""
    means = {
        "nrmse": np.mean(table["NRMSE"]),
        "calibration": np.mean(table["Calibration Error"]),
        "contraction": np.mean(1 - table["Posterior Contraction"]),
    }
    return tuple(float(means[name]) for name in OBJECTIVES)


def weighted_metric_sum(table: dict[str, np.ndarray]) -> float:
    """L = recovery * mean NRMSE + pc * mean (1 - contraction) + sbc * mean calibration error; a row of weight
    0 is skipped. NaN in any weighted cell makes L NaN (np.mean, unlike pandas' mean, does not skip it)."""
    terms = {
        "recovery": np.mean(table["NRMSE"]),
        "pc": np.mean(1 - table["Posterior Contraction"]),
        "sbc": np.mean(table["Calibration Error"]),
    }
    return float(sum(WEIGHTS[key] * value for key, value in terms.items() if WEIGHTS[key] != 0))


def posterior_draws(workflow: Any, data: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """POSTERIOR_DRAWS draws per data set on the parameters' scale, (n, S, P), and the truths, (n, P)."""
    samples = workflow.sample(num_samples=POSTERIOR_DRAWS, conditions=data)
    n = len(data[INFERENCE_VARIABLES[0]])
    draws = np.concatenate([np.asarray(samples[p]).reshape(n, POSTERIOR_DRAWS, 1) for p in INFERENCE_VARIABLES], axis=2)
    truths = np.concatenate([np.asarray(data[p]).reshape(n, 1) for p in INFERENCE_VARIABLES], axis=1)
    return draws, truths


def json_number(x: float) -> float | str:
    return float(x) if np.isfinite(x) else str(float(x))


def record_failure(trial: optuna.Trial, reason: str) -> None:
    """Why a trial failed, where the app (system attribute) and Optuna's dashboard (user attribute) show it."""
    trial.set_user_attr("fail_reason", reason)
    if isinstance(trial, optuna.Trial):  # not a FixedTrial, which has no storage
        trial.storage.set_trial_system_attr(trial._trial_id, "fail_reason", reason)


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


def load_sets(file: str) -> dict[str, np.ndarray]:
    """Data sets exported by the app (the browser's very training or validation sets, see README.md)."""
    path = HERE / file
    if not path.exists():
        sys.exit(f"{path} is missing: export the study again, or pass --simulate to simulate fresh data sets here")
    with np.load(path, allow_pickle=False) as npz:
        return {key: npz[key] for key in [*INFERENCE_VARIABLES, *DATA_KEYS]}


class Objective:
    """Trains and scores one network per trial: on the exported data sets (default) or on sets simulated once
    per worker (--simulate); an online study simulates fresh training batches for every step either way."""

    def __init__(self, simulate_fresh: bool = False, allow_bayesflow_version: bool = False) -> None:
        self.bf = import_bayesflow(allow_bayesflow_version)
        self.versions = library_versions(self.bf)
        if simulate_fresh:
            # Seeds derived from the study seed only: every worker trains on the same data sets.
            training_seed = np.random.SeedSequence([SEED, 1]).generate_state(1)[0]
            self.training = simulate(TRAINING_SETS, training_seed) if DATA_MODE == "offline" else None
            self.validation = simulate(VALIDATION_SETS, np.random.SeedSequence([SEED, 2]).generate_state(1)[0])
            self.data_source = "simulated"
        else:
            self.training = load_sets(TRAINING_FILE) if DATA_MODE == "offline" else None
            self.validation = load_sets(VALIDATION_FILE)
            self.data_source = "exported"

    def __call__(self, trial: optuna.Trial) -> float | tuple[float, ...]:
        import keras

        for key, value in self.versions.items():
            trial.set_user_attr(key, value)
        trial.set_user_attr("data_sets", self.data_source)
        try:
            return self.train_and_score(trial)
        except optuna.TrialPruned:
            raise
        except Exception as error:
            # The worker goes on (optimize's catch); the reason stays with the trial.
            record_failure(trial, f"{type(error).__name__}: {error}")
            raise
        finally:
            # A trial's networks and optimizer state go, so the next trial starts with the memory free.
            keras.backend.clear_session()
            gc.collect()

    def train_and_score(self, trial: optuna.Trial) -> float | tuple[float, ...]:
        import keras

        h = suggest_hyperparameters(trial)
        check_budget(trial, h)
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
        num_batches = BATCHES_PER_EPOCH if DATA_MODE == "online" else math.ceil(TRAINING_SETS / h.batch_size)
        workflow = self.bf.BasicWorkflow(
            simulator=make_online_simulator(self.bf, trial.number) if DATA_MODE == "online" else None,
            adapter=adapter,
            inference_network=inference_network,
            summary_network=summary_network,
            # Given to the workflow: 2.0.5's fit_offline / fit_online take no optimizer argument, and _fit builds its
            # default only when none was given.
            optimizer=make_optimizer(keras, h.lr, EPOCHS, num_batches),
            inference_variables=INFERENCE_VARIABLES,
            # The browser standardizes the per-trial inputs with fixed moments of the training sets; BayesFlow's
            # Standardization layer keeps running moments of the same inputs ("summary_variables").
            standardize=${pyStandardize(c)},
        )
        pruned = False

        def report(epoch: int, logs: dict[str, float]) -> None:
            nonlocal pruned
            if OBJECTIVES is not None:
                return  # Optuna cannot prune a multi-objective trial (trial.report raises there)
            trial.report(logs["val_loss"], epoch)
            if trial.should_prune():
                pruned = True
                workflow.approximator.stop_training = True

        callbacks = [keras.callbacks.LambdaCallback(on_epoch_end=report)]
        if DATA_MODE == "online":
            history = workflow.fit_online(
                epochs=EPOCHS,
                num_batches_per_epoch=BATCHES_PER_EPOCH,
                batch_size=h.batch_size,
                validation_data=self.validation,
                callbacks=callbacks,
            )
        else:
            history = workflow.fit_offline(
                self.training,
                epochs=EPOCHS,
                batch_size=h.batch_size,
                validation_data=self.validation,
                callbacks=callbacks,
            )
        optimizer = workflow.approximator.optimizer
        trial.set_user_attr("optimizer", {"class": type(optimizer).__name__, "clipnorm": optimizer.clipnorm})
        trial.set_user_attr("loss", [json_number(x) for x in history.history.get("loss", [])])
        trial.set_user_attr("val_loss", [json_number(x) for x in history.history.get("val_loss", [])])
        if pruned:
            raise optuna.TrialPruned()
        table = diagnostics(*posterior_draws(workflow, self.validation))
        metrics = {row: dict(zip(INFERENCE_VARIABLES, map(json_number, values))) for row, values in table.items()}
        trial.set_user_attr("metrics", metrics)
        trial.set_user_attr("mean_nrmse", json_number(np.mean(table["NRMSE"])))
        trial.set_user_attr("mean_contraction", json_number(np.mean(table["Posterior Contraction"])))
        trial.set_user_attr("mean_calibration_error", json_number(np.mean(table["Calibration Error"])))
        undefined = undefined_cells(table)
        if undefined:
            # Optuna records a NaN value as FAIL.
            record_failure(trial, f"L is undefined: {'; '.join(undefined)}")
            return float("nan") if OBJECTIVES is None else tuple(float("nan") for _ in OBJECTIVES)
        value = weighted_metric_sum(table)
        # L always: a Pareto study marks the weighted sum's best among its trade-offs.
        trial.set_user_attr("L", value)
        # The trial ends COMPLETE: its network goes to networks/ for the app (dmc_network.py).
        from dmc_network import save_trial_network

        save_trial_network(
            HERE,
            workflow.approximator,
            trial,
            study_name=trial.study.study_name,
            seed=int(np.random.SeedSequence([SEED, 1000 + trial.number]).generate_state(1)[0]),
            param_names=INFERENCE_VARIABLES,
            variant=${opts.network === 'reference' ? '"reference"' : '"as-tuned"'},
            hyperparameters=vars(h),
            L=value,
            metrics=metrics,
            history=history.history,
        )
        return value if OBJECTIVES is None else objective_values(table)`;
}
