/**
 * The training part of the generated study.py: BayesFlow's import, the networks, the metrics and L, and
 * the Objective that trains and scores one trial (networks.md §3-§9). Python text spliced into study.py
 * by studyPy (study-py.ts), which defines the constants and helpers it uses.
 */
import type { StudyConfig } from '../study-config/index.ts';
import type { ClusterOptions } from './types.ts';

/** BasicWorkflow's `standardize` for the study's network options (inference variables always). */
function pyStandardize(c: StudyConfig): string {
  const keys = ['inference_variables'];
  if (c.network?.standardizeCondition === true) keys.push('inference_conditions');
  if (c.network?.standardizeTrials === true) keys.push('summary_variables');
  return keys.length === 1 ? '"inference_variables"' : `[${keys.map((k) => `"${k}"`).join(', ')}]`;
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

export function objectiveBlock(c: StudyConfig, opts: ClusterOptions): string {
  return `def import_bayesflow() -> Any:
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
        return weighted_metric_sum(table)`;
}
