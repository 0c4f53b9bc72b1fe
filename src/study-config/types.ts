/**
 * The study configuration: one JSON document that describes a whole hyperparameter study — simulator
 * and prior, data sizes, search space, budget, sampler, pruner, objective weights, diagnostics and the
 * preferred tfjs backend. It is what the Setup view edits, what "Save"/"Load"/"Share" move around, what
 * `npm run --silent cli -- config default` prints, and what a study stores (as a study user attribute)
 * so that a reloaded study can regenerate its data sets and continue. Documented field by field in
 * docs/study-config.md; validated by validate.ts. Pure data: no DOM, Svelte, tfjs or IndexedDB.
 */
import { OBJECTIVE_METRICS, type ObjectiveMetric } from '../metrics/index.ts';

/** The DMC parameters in the inference order of the notebook adapter (docs/design/simulator.md#prior). */
export const PARAM_NAMES = ['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r'] as const;
export type PriorParamName = (typeof PARAM_NAMES)[number];

/** Independent normal truncated at 0 (docs/design/simulator.md#prior). */
export interface PriorSpec {
  mean: number;
  sd: number;
}

/** num_obs: the same N for every data set, or N ~ U{min..max} drawn once per simulated batch (docs/design/simulator.md#data-sets-and-batches). */
export type NumObsSpec = { fixed: number } | { min: number; max: number };

export interface SimulatorSpec {
  /** Prior per parameter; `sd_r` is still required when `sdr` is "fixed" (it is then unused). */
  prior: Record<PriorParamName, PriorSpec>;
  /**
   * "estimated": sd_r is drawn from its prior and inferred (6 parameters, the notebook).
   * "fixed": no sd_r is drawn, the non-decision time is constant mu_r (5 parameters; the reference's
   * `sdr_fixed` not None, whose numeric value is never used — docs/design/simulator.md#prior).
   */
  sdr: 'estimated' | 'fixed';
  /** Last simulated time step in ms (grid t = 1..tmax, dt = 1 ms). */
  tmax: number;
  /** Trials per data set. */
  numObs: NumObsSpec;
  /** Per-trial contamination probability in [0, 1], or null for none. */
  contamination: number | null;
}

export interface DataSpec {
  /** Simulated data sets the networks are trained on (shared by all trials of the study; offline mode). */
  trainingSets: number;
  /** Held-out data sets for validation loss and the diagnostics (fixed in both modes). */
  validationSets: number;
  /**
   * "offline" (default; BayesFlow `fit_offline`): every epoch goes over the same trainingSets.
   * "online" (BayesFlow `fit_online`): every batch is freshly simulated, batchesPerEpoch batches per epoch.
   * Absent in configurations saved before it existed: offline.
   */
  mode?: DataMode;
  /** Online mode: optimizer steps (fresh batches) per epoch. */
  batchesPerEpoch?: number;
}

export type DataMode = 'offline' | 'online';

/**
 * Optuna's short distribution form (docs/design/study-engine.md#journal-storage; readers also accept the short form), so a
 * search space pasted from an ask-tell JSON search space works unchanged.
 */
export type SearchDistribution =
  | { type: 'float'; low: number; high: number; log?: boolean; step?: number | null }
  | { type: 'int'; low: number; high: number; log?: boolean; step?: number }
  | { type: 'categorical'; choices: number[] };

/** The notebook's tuned hyperparameters (docs/design/study-engine.md#the-reference-study), wired as docs/design/networks.md#hyperparameters-the-notebook-meant says. */
export const HYPERPARAMETER_NAMES = ['dropout', 'lr', 'num_seeds', 'batch_size', 'embed_dim', 'summary_dim'] as const;
export type HyperparameterName = (typeof HYPERPARAMETER_NAMES)[number];
export type SearchSpace = Record<HyperparameterName, SearchDistribution>;

export type SamplerType = 'tpe' | 'random' | 'nsga2';

export interface SamplerSpec {
  /** 'nsga2': Optuna's NSGAIISampler (multi-objective; it runs single-objective studies too). */
  type: SamplerType;
  seed: number;
  /**
   * TPE only: joint sampling over the intersection space. Absent: on in version 2 (Optuna 5.0's
   * default) with one objective, off with a Pareto objective (5.0 samples independently there), off
   * in version 1 (Optuna ≤ 4.x's).
   */
  multivariate: boolean;
  /** TPE only: random trials before TPE starts (Optuna default 10). */
  nStartupTrials: number;
  /**
   * TPE only: other workers' RUNNING trials count as the worst value (Optuna's `constant_liar`), so
   * tabs, CLIs and cluster workers on one journal spread out; with one worker it changes nothing.
   */
  constantLiar: boolean;
  /**
   * TPE only, multivariate kernels' bandwidth: "neighbor" (Optuna 5.0: per dimension, distance to the
   * neighbouring observations) or "scott" (Optuna ≤ 4.x: 0.2·n^(−1/(d+4)) of the range). Absent:
   * "neighbor" in version 2, "scott" in version 1, so a study configured before keeps its proposals.
   */
  bandwidth: TpeBandwidth;
  /** NSGA-II only: individuals per generation (Optuna's population_size, default 50); absent otherwise. */
  populationSize?: number;
}

export type TpeBandwidth = 'neighbor' | 'scott';

export type PrunerSpec =
  | { type: 'none' }
  | { type: 'median'; nStartupTrials: number; nWarmupSteps: number; intervalSteps: number; nMinTrials: number }
  | {
      type: 'successive-halving';
      minResource: 'auto' | number;
      reductionFactor: number;
      minEarlyStoppingRate: number;
      bootstrapCount: number;
    };

/** L = recovery·mean NRMSE + pc·mean(1 − contraction) + sbc·mean calibration error (docs/design/simulator.md#objective). */
export interface WeightsSpec {
  recovery: number;
  pc: number;
  sbc: number;
}

/**
 * The separate objectives a Pareto study minimises: mean NRMSE, mean calibration error, mean
 * 1 − contraction — the metrics layer's own list (src/metrics/objectives.ts computes, names and labels them).
 */
export { OBJECTIVE_METRICS, type ObjectiveMetric };

/**
 * What a trial's value is. "weighted-sum" (the default, and what a configuration without the field
 * means): one value, L with `weights`. "pareto": 2 or 3 of OBJECTIVE_METRICS as separate minimised
 * objectives (a multi-objective study; L is still recorded as the user attribute `L`). Optuna cannot
 * prune multi-objective trials, so a Pareto study's pruner must be "none".
 */
export type ObjectiveSpec = { type: 'weighted-sum' } | { type: 'pareto'; metrics: ObjectiveMetric[] };

/**
 * A budget a sampled configuration must fit before it trains (bayesflow-hpo's max parameter count and
 * memory): one over it is rejected at once and recorded as a PRUNED trial with Optuna 5 constraints
 * `params` (count − maxParams) and `memory` (MB over maxMemoryMB), which TPE and NSGA-II rank after
 * every feasible trial; it does not count towards nTrials. null: no limit.
 */
export interface BudgetSpec {
  /** Most trainable parameters (src/nn/model/parameter-count.ts). */
  maxParams: number | null;
  /** Most MB (10^6 bytes) the planner estimates for one training pass of a full batch (wasm figures). */
  maxMemoryMB: number | null;
}

export interface DiagnosticsSpec {
  /** Posterior draws per validation data set (BayesFlow default 1000). */
  posteriorDraws: number;
  /** Fixed steps of the flow-matching ODE integration (BayesFlow default 100). */
  integrationSteps: number;
  integrator: 'euler' | 'rk4';
}

export type BackendPreference = 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/**
 * Which network the trials train. `variant` "as-tuned" applies dropout and embed_dim as the notebook
 * intended; "reference" builds what BayesFlow 2.0.5 actually ran for it (FlowMatching dropout 0.05,
 * embed_dims (64, 64) whatever the trial suggests), to compare trial values with the published study.
 * `standardizeCondition` also standardizes sqrt(num_obs) (off: the notebook's raw value). `matmulF16`
 * (opt-in, webgpu only) runs the Dense products in mixed precision: binary16 operands, float32 sums.
 */
export interface NetworkSpec {
  variant: 'as-tuned' | 'reference';
  standardizeCondition: boolean;
  /** Absent in configurations saved before it existed: off. */
  matmulF16?: boolean;
  /**
   * Flow-matching draws (x0, t) per data set and training step, 1–64; absent: 1, BayesFlow's. More draws
   * give a less noisy gradient for the summary network at the cost of the cheap flow network only.
   */
  flowDraws?: number;
  /**
   * Standardize the summary network's per-trial inputs (rt, accuracy, condition) with moments of the
   * training sets; absent: off, the notebook's raw inputs. Stored in every network file it trains.
   */
  standardizeTrials?: boolean;
}

export const DEFAULT_NETWORK_SPEC: Readonly<NetworkSpec> = Object.freeze({
  variant: 'as-tuned',
  standardizeCondition: false,
});

/**
 * 2: Optuna 5.0's TPE defaults (multivariate, per-dimension bandwidth). A version-1 configuration is
 * read with its own defaults written out (multivariate off unless set, bandwidth "scott") and comes
 * back as version 2, so an old study proposes what it proposed before.
 */
export const STUDY_CONFIG_VERSION = 2;

export interface StudyConfig {
  version: typeof STUDY_CONFIG_VERSION;
  /** Study name (unique in the library; the journal's study_name). */
  name: string;
  /** Master seed: data sets, network initialisation and training order derive from it. */
  seed: number;
  simulator: SimulatorSpec;
  data: DataSpec;
  searchSpace: SearchSpace;
  /** Training epochs per trial. */
  epochs: number;
  /** Number of trials the study runs (its total, counting finished trials on resume). */
  nTrials: number;
  /** Stop starting new trials after this many seconds (Optuna's timeout), or null. */
  timeout: number | null;
  sampler: SamplerSpec;
  pruner: PrunerSpec;
  weights: WeightsSpec;
  diagnostics: DiagnosticsSpec;
  backend: BackendPreference;
  /** Absent in configurations saved before it existed: DEFAULT_NETWORK_SPEC. */
  network?: NetworkSpec;
  /**
   * Parameter sets tried first, in order, before the sampler proposes any (Optuna's `enqueue_trial`,
   * skipped when a trial with the same parameters exists, so a continued study does not repeat them).
   * They count towards nTrials. Absent: none.
   */
  enqueueTrials?: Record<string, number>[];
  /** Absent in configurations saved before it existed, and written only for Pareto: the weighted sum. */
  objective?: ObjectiveSpec;
  /** Absent: no budget. */
  budget?: BudgetSpec;
}

/** One problem found in a configuration, with the dotted path of the field (e.g. `simulator.prior.A.sd`). */
export interface ConfigIssue {
  path: string;
  message: string;
}

export type ValidationResult = { config: StudyConfig } | { errors: ConfigIssue[] };
