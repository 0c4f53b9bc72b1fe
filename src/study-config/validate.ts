/**
 * `validateStudyConfig(x)`: checks an untyped value (parsed JSON, or the Setup form's state) against the
 * StudyConfig format of docs/study-config.md and returns either a fresh, normalized config (optional
 * fields filled with their Optuna defaults) or every problem found, each with its field path.
 */
import { DmcConfigError, validateDmcConfig } from '../sim/index.ts';
import { toDmcConfig } from './convert.ts';
import { join, MISSING, Reader, show } from './reader.ts';
import { readEnqueueTrials, readSearchSpace } from './search-space.ts';
import {
  DEFAULT_NETWORK_SPEC,
  OBJECTIVE_METRICS,
  type BudgetSpec,
  type DataSpec,
  type ObjectiveMetric,
  type ObjectiveSpec,
  PARAM_NAMES,
  STUDY_CONFIG_VERSION,
  type DiagnosticsSpec,
  type NetworkSpec,
  type NumObsSpec,
  type PrunerSpec,
  type SamplerSpec,
  type SimulatorSpec,
  type StudyConfig,
  type ValidationResult,
  type WeightsSpec,
} from './types.ts';
import { errorMessage } from '../shared/index.ts';

const MAX_SEED = 2 ** 32 - 1;

function readSimulator(r: Reader, v: unknown, path: string): SimulatorSpec | null {
  const o = r.object(v, path, ['prior', 'sdr', 'tmax', 'numObs', 'contamination']);
  if (o === null) return null;
  const before = r.issues.length;
  const prior = {} as SimulatorSpec['prior'];
  const po = r.object(o.prior, join(path, 'prior'), PARAM_NAMES);
  if (po !== null) {
    for (const name of PARAM_NAMES) {
      const pp = join(join(path, 'prior'), name);
      const e = po[name] === undefined ? null : r.object(po[name], pp, ['mean', 'sd']);
      if (e === null) continue;
      const mean = r.num(e.mean, join(pp, 'mean'));
      const sd = r.num(e.sd, join(pp, 'sd'), { above: 0 });
      if (mean !== null && sd !== null) {
        // The prior is truncated at 0 (docs/design/simulator.md#prior); with the mass almost all below 0 it is
        // meaningless and sampling it by rejection would not terminate.
        if (mean / sd < -5) {
          r.fail(
            join(pp, 'mean'),
            `Mean ${mean} lies more than 5 SDs below 0, so the prior (cut off at 0) has almost no mass left: enter a mean of at least ${-5 * sd} (5 SDs below 0)`,
          );
        }
        prior[name] = { mean, sd };
      }
    }
  }
  const sdr = r.oneOf(o.sdr, join(path, 'sdr'), ['estimated', 'fixed'] as const);
  // ≤ 10^6 ms as the simulator requires (src/sim/config.ts).
  const tmax = r.num(o.tmax, join(path, 'tmax'), { integer: true, min: 1, max: 1_000_000 });
  const numObs = readNumObs(r, o.numObs, join(path, 'numObs'));
  const contamination = r.nullableNum(o.contamination, join(path, 'contamination'), { min: 0, max: 1 });
  if (r.issues.length > before || sdr === null || tmax === null || numObs === null) return null;
  return { prior, sdr, tmax, numObs, contamination: contamination.value };
}

function readNumObs(r: Reader, v: unknown, path: string): NumObsSpec | null {
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && 'fixed' in v) {
    const o = r.object(v, path, ['fixed']);
    const fixed = o === null ? null : r.num(o.fixed, join(path, 'fixed'), { integer: true, min: 1 });
    return fixed === null ? null : { fixed };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    if (v !== undefined)
      r.fail(path, `Enter a fixed N as {"fixed": N} or a range as {"min": N1, "max": N2} (got ${show(v)})`);
    return null;
  }
  const o = r.object(v, path, ['min', 'max']);
  if (o === null) return null;
  const min = r.num(o.min, join(path, 'min'), { integer: true, min: 1 });
  const max = r.num(o.max, join(path, 'max'), { integer: true, min: 1 });
  if (min === null || max === null) return null;
  if (min > max) {
    r.fail(join(path, 'min'), `Min must not exceed max (${min} > ${max})`);
    return null;
  }
  return { min, max };
}

/**
 * The sampler; absent TPE settings take the defaults of the configuration's version (types.ts
 * STUDY_CONFIG_VERSION): Optuna 5.0's for version 2 (multivariate with one objective, independent
 * with several), Optuna ≤ 4.x's for version 1.
 */
function readSampler(r: Reader, v: unknown, path: string, version: number, pareto: boolean): SamplerSpec | null {
  const o = r.object(
    v,
    path,
    ['type', 'seed'],
    ['multivariate', 'nStartupTrials', 'constantLiar', 'bandwidth', 'populationSize'],
  );
  if (o === null) return null;
  const optuna5 = version >= 2;
  const type = r.oneOf(o.type, join(path, 'type'), ['tpe', 'random', 'nsga2'] as const);
  const seed = r.num(o.seed, join(path, 'seed'), { integer: true, min: 0, max: MAX_SEED });
  // Optuna 5.0's TPESampler samples jointly by default with one objective, independently with several.
  const multivariate = r.bool(o.multivariate, join(path, 'multivariate'), optuna5 && !pareto);
  const constantLiar = r.bool(o.constantLiar, join(path, 'constantLiar'), true);
  const bandwidth =
    o.bandwidth === undefined
      ? optuna5
        ? 'neighbor'
        : 'scott'
      : r.oneOf(o.bandwidth, join(path, 'bandwidth'), ['neighbor', 'scott'] as const);
  const nStartupTrials =
    o.nStartupTrials === undefined
      ? 10
      : r.num(o.nStartupTrials, join(path, 'nStartupTrials'), { integer: true, min: 0 });
  // NSGA-II's population_size: Optuna's default 50, at least 2 (it raises below).
  let populationSize: number | null | undefined;
  if (type === 'nsga2')
    populationSize =
      o.populationSize === undefined
        ? 50
        : r.num(o.populationSize, join(path, 'populationSize'), { integer: true, min: 2 });
  else if (o.populationSize !== undefined)
    r.fail(
      join(path, 'populationSize'),
      'A population size belongs to the NSGA-II sampler only: remove it or choose nsga2',
    );
  if (type === null || seed === null || nStartupTrials === null || bandwidth === null || populationSize === null)
    return null;
  return {
    type,
    seed,
    multivariate,
    nStartupTrials,
    constantLiar,
    bandwidth,
    ...(populationSize === undefined ? {} : { populationSize }),
  };
}

/** An optional integer option with its Optuna default. */
function opt(
  r: Reader,
  o: Record<string, unknown>,
  path: string,
  key: string,
  fallback: number,
  min: number,
): number | null {
  return o[key] === undefined ? fallback : r.num(o[key], join(path, key), { integer: true, min });
}

function readPruner(r: Reader, v: unknown, path: string): PrunerSpec | null {
  const type =
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? r.oneOf((v as Record<string, unknown>).type, join(path, 'type'), [
          'none',
          'median',
          'successive-halving',
        ] as const)
      : null;
  if (type === null) {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      r.fail(path, `Expected a group of settings {…} here (got ${show(v)})`);
    else if ((v as Record<string, unknown>).type === undefined) r.fail(join(path, 'type'), MISSING);
    return null;
  }
  if (type === 'none') return r.object(v, path, ['type']) === null ? null : { type };
  if (type === 'median') {
    const keys = ['nStartupTrials', 'nWarmupSteps', 'intervalSteps', 'nMinTrials'];
    const o = r.object(v, path, ['type'], keys);
    if (o === null) return null;
    // MedianPruner defaults (docs/design/study-engine.md#pruners).
    const nStartupTrials = opt(r, o, path, 'nStartupTrials', 5, 0);
    const nWarmupSteps = opt(r, o, path, 'nWarmupSteps', 0, 0);
    const intervalSteps = opt(r, o, path, 'intervalSteps', 1, 1);
    const nMinTrials = opt(r, o, path, 'nMinTrials', 1, 1);
    if (nStartupTrials === null || nWarmupSteps === null || intervalSteps === null || nMinTrials === null) return null;
    return { type, nStartupTrials, nWarmupSteps, intervalSteps, nMinTrials };
  }
  const o = r.object(v, path, ['type'], ['minResource', 'reductionFactor', 'minEarlyStoppingRate', 'bootstrapCount']);
  if (o === null) return null;
  let minResource: 'auto' | number | null = 'auto';
  if (o.minResource !== undefined && o.minResource !== 'auto') {
    minResource =
      typeof o.minResource === 'string'
        ? (r.fail(
            join(path, 'minResource'),
            `Enter auto or a whole number of epochs of at least 1 (got ${show(o.minResource)})`,
          ),
          null)
        : r.num(o.minResource, join(path, 'minResource'), { integer: true, min: 1 });
  }
  // SuccessiveHalvingPruner defaults (docs/design/study-engine.md#pruners).
  const reductionFactor = opt(r, o, path, 'reductionFactor', 4, 2);
  const minEarlyStoppingRate = opt(r, o, path, 'minEarlyStoppingRate', 0, 0);
  const bootstrapCount = opt(r, o, path, 'bootstrapCount', 0, 0);
  if (minResource === null || reductionFactor === null || minEarlyStoppingRate === null || bootstrapCount === null)
    return null;
  if (bootstrapCount > 0 && minResource === 'auto') {
    // Optuna's SuccessiveHalvingPruner raises on this pair, so a cluster worker would fail at start.
    r.fail(join(path, 'bootstrapCount'), SH_BOOTSTRAP_NEEDS_MIN_RESOURCE);
    return null;
  }
  return { type, minResource, reductionFactor, minEarlyStoppingRate, bootstrapCount };
}

/** Optuna: "bootstrap_count > 0 and min_resource == 'auto' are mutually incompatible". */
export const SH_BOOTSTRAP_NEEDS_MIN_RESOURCE =
  "A bootstrap count above 0 needs a whole number of epochs as the minimum resource, not auto: Optuna's SuccessiveHalvingPruner refuses the two together";

function readWeights(r: Reader, v: unknown, path: string): WeightsSpec | null {
  const o = r.object(v, path, ['recovery', 'pc', 'sbc']);
  if (o === null) return null;
  const recovery = r.num(o.recovery, join(path, 'recovery'), { min: 0 });
  const pc = r.num(o.pc, join(path, 'pc'), { min: 0 });
  const sbc = r.num(o.sbc, join(path, 'sbc'), { min: 0 });
  if (recovery === null || pc === null || sbc === null) return null;
  if (recovery + pc + sbc === 0) {
    r.fail(
      join(path, 'recovery'),
      'Give at least one weight a value above 0: with all three at 0 every trial would score 0',
    );
    return null;
  }
  return { recovery, pc, sbc };
}

function readDiagnostics(r: Reader, v: unknown, path: string): DiagnosticsSpec | null {
  const o = r.object(v, path, ['posteriorDraws', 'integrationSteps', 'integrator']);
  if (o === null) return null;
  // ≥ 2 draws: posterior variance uses ddof 1 (docs/design/networks.md#diagnostics).
  const posteriorDraws = r.num(o.posteriorDraws, join(path, 'posteriorDraws'), { integer: true, min: 2 });
  const integrationSteps = r.num(o.integrationSteps, join(path, 'integrationSteps'), { integer: true, min: 1 });
  const integrator = r.oneOf(o.integrator, join(path, 'integrator'), ['euler', 'rk4'] as const);
  if (posteriorDraws === null || integrationSteps === null || integrator === null) return null;
  return { posteriorDraws, integrationSteps, integrator };
}

const ROOT_KEYS = [
  'version',
  'name',
  'seed',
  'simulator',
  'data',
  'searchSpace',
  'epochs',
  'nTrials',
  'timeout',
  'sampler',
  'pruner',
  'weights',
  'diagnostics',
  'backend',
] as const;
/** Added after configurations were first saved; absent means the default. */
const OPTIONAL_ROOT_KEYS = ['network', 'enqueueTrials', 'objective', 'budget'] as const;

/** Optuna cannot prune a multi-objective trial (`trial.report` raises), so the pruner must be none. */
export const PARETO_NO_PRUNER =
  'A Pareto (multi-objective) study cannot prune: Optuna cannot prune trials with several objectives. Set the pruner to none';

function readObjective(r: Reader, v: unknown, path: string): ObjectiveSpec | null {
  const type =
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? r.oneOf((v as Record<string, unknown>).type, join(path, 'type'), ['weighted-sum', 'pareto'] as const)
      : (r.fail(path, `Expected {"type": "weighted-sum"} or {"type": "pareto", "metrics": [...]} (got ${show(v)})`),
        null);
  if (type === null) return null;
  if (type === 'weighted-sum') return r.object(v, path, ['type']) === null ? null : { type };
  const o = r.object(v, path, ['type', 'metrics']);
  if (o === null) return null;
  const m = o.metrics;
  const mp = join(path, 'metrics');
  if (!Array.isArray(m) || m.length < 2 || m.length > 3) {
    r.fail(mp, `Choose 2 or 3 of ${OBJECTIVE_METRICS.join(', ')} (got ${show(m)})`);
    return null;
  }
  const metrics: ObjectiveMetric[] = [];
  for (let i = 0; i < m.length; i++) {
    const x = r.oneOf(m[i], `${mp}[${i}]`, OBJECTIVE_METRICS);
    if (x === null) return null;
    if (metrics.includes(x)) {
      r.fail(`${mp}[${i}]`, `${x} is listed twice: each objective once`);
      return null;
    }
    metrics.push(x);
  }
  return { type, metrics };
}

function readBudget(r: Reader, v: unknown, path: string): BudgetSpec | null {
  const o = r.object(v, path, [], ['maxParams', 'maxMemoryMB']);
  if (o === null) return null;
  const maxParams =
    o.maxParams === undefined
      ? { ok: true, value: null }
      : r.nullableNum(o.maxParams, join(path, 'maxParams'), { integer: true, min: 1 });
  const maxMemoryMB =
    o.maxMemoryMB === undefined
      ? { ok: true, value: null }
      : r.nullableNum(o.maxMemoryMB, join(path, 'maxMemoryMB'), { above: 0 });
  if (!maxParams.ok || !maxMemoryMB.ok) return null;
  return { maxParams: maxParams.value, maxMemoryMB: maxMemoryMB.value };
}

function readNetwork(r: Reader, x: unknown, path: string): NetworkSpec | null {
  const o = r.object(x, path, [], ['variant', 'standardizeCondition', 'matmulF16', 'flowDraws', 'standardizeTrials']);
  if (o === null) return null;
  const variant =
    o.variant === undefined
      ? DEFAULT_NETWORK_SPEC.variant
      : r.oneOf(o.variant, join(path, 'variant'), ['as-tuned', 'reference'] as const);
  const standardizeCondition = r.bool(
    o.standardizeCondition,
    join(path, 'standardizeCondition'),
    DEFAULT_NETWORK_SPEC.standardizeCondition,
  );
  const matmulF16 = r.bool(o.matmulF16, join(path, 'matmulF16'), false);
  const standardizeTrials = r.bool(o.standardizeTrials, join(path, 'standardizeTrials'), false);
  const flowDraws =
    o.flowDraws === undefined ? 1 : r.num(o.flowDraws, join(path, 'flowDraws'), { integer: true, min: 1, max: 64 });
  if (variant === null || flowDraws === null) return null;
  return {
    variant,
    standardizeCondition,
    ...(matmulF16 ? { matmulF16 } : {}),
    ...(flowDraws !== 1 ? { flowDraws } : {}),
    ...(standardizeTrials ? { standardizeTrials } : {}),
  };
}

/** data.mode and data.batchesPerEpoch: absent means offline; online needs its batches per epoch. */
function readOnline(r: Reader, d: Record<string, unknown>): Pick<DataSpec, 'mode' | 'batchesPerEpoch'> | null {
  const mode = d.mode === undefined ? 'offline' : r.oneOf(d.mode, 'data.mode', ['offline', 'online'] as const);
  if (mode === null) return null;
  if (d.batchesPerEpoch === undefined) {
    if (mode === 'online') {
      r.fail(
        'data.batchesPerEpoch',
        'Online training needs the number of batches per epoch (fresh simulations for each batch)',
      );
      return null;
    }
    return d.mode === undefined ? {} : { mode };
  }
  const batchesPerEpoch = r.num(d.batchesPerEpoch, 'data.batchesPerEpoch', { integer: true, min: 1 });
  if (batchesPerEpoch === null) return null;
  return { ...(d.mode === undefined ? {} : { mode }), batchesPerEpoch };
}

export function validateStudyConfig(x: unknown): ValidationResult {
  const r = new Reader();
  const o = r.object(x, '', ROOT_KEYS, OPTIONAL_ROOT_KEYS);
  if (o === null) return { errors: r.issues };
  // Version 1 (before Optuna 5.0's defaults) is read and written back as the current version.
  if (o.version !== undefined && o.version !== 1 && o.version !== STUDY_CONFIG_VERSION) {
    r.fail(
      'version',
      `Unknown format version ${show(o.version)}: this app reads versions 1 to ${STUDY_CONFIG_VERSION}`,
    );
  }
  const version = typeof o.version === 'number' ? o.version : STUDY_CONFIG_VERSION;
  const name = r.str(o.name, 'name', 100);
  const seed = r.num(o.seed, 'seed', { integer: true, min: 0, max: MAX_SEED });
  const simulator = o.simulator === undefined ? null : readSimulator(r, o.simulator, 'simulator');
  const d =
    o.data === undefined
      ? null
      : r.object(o.data, 'data', ['trainingSets', 'validationSets'], ['mode', 'batchesPerEpoch']);
  const trainingSets = d === null ? null : r.num(d.trainingSets, 'data.trainingSets', { integer: true, min: 1 });
  // ≥ 2 validation sets: contraction and NRMSE need the spread of the true parameters (docs/design/networks.md#diagnostics).
  const validationSets = d === null ? null : r.num(d.validationSets, 'data.validationSets', { integer: true, min: 2 });
  const online = d === null ? null : readOnline(r, d);
  const searchSpace = o.searchSpace === undefined ? null : readSearchSpace(r, o.searchSpace, 'searchSpace');
  const epochs = r.num(o.epochs, 'epochs', { integer: true, min: 1 });
  const nTrials = r.num(o.nTrials, 'nTrials', { integer: true, min: 1 });
  const timeout =
    o.timeout === undefined ? { ok: false, value: null } : r.nullableNum(o.timeout, 'timeout', { above: 0 });
  const paretoObjective =
    typeof o.objective === 'object' &&
    o.objective !== null &&
    (o.objective as Record<string, unknown>).type === 'pareto';
  const sampler = o.sampler === undefined ? null : readSampler(r, o.sampler, 'sampler', version, paretoObjective);
  const pruner = o.pruner === undefined ? null : readPruner(r, o.pruner, 'pruner');
  const weights = o.weights === undefined ? null : readWeights(r, o.weights, 'weights');
  const diagnostics = o.diagnostics === undefined ? null : readDiagnostics(r, o.diagnostics, 'diagnostics');
  const backend = r.oneOf(o.backend, 'backend', ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const);
  const network = o.network === undefined ? undefined : readNetwork(r, o.network, 'network');
  const objective = o.objective === undefined ? undefined : readObjective(r, o.objective, 'objective');
  const budget = o.budget === undefined ? undefined : readBudget(r, o.budget, 'budget');
  if (objective?.type === 'pareto' && pruner !== null && pruner.type !== 'none')
    r.fail('pruner.type', PARETO_NO_PRUNER);
  const enqueueTrials =
    o.enqueueTrials === undefined ? undefined : readEnqueueTrials(r, o.enqueueTrials, 'enqueueTrials', searchSpace);
  if (
    r.issues.length > 0 ||
    name === null ||
    seed === null ||
    simulator === null ||
    trainingSets === null ||
    online === null ||
    validationSets === null ||
    searchSpace === null ||
    epochs === null ||
    nTrials === null ||
    !timeout.ok ||
    sampler === null ||
    pruner === null ||
    weights === null ||
    diagnostics === null ||
    backend === null ||
    network === null ||
    objective === null ||
    budget === null
  ) {
    return { errors: r.issues };
  }
  const config: StudyConfig = {
    version: STUDY_CONFIG_VERSION,
    name,
    seed,
    simulator,
    data: { trainingSets, validationSets, ...online },
    searchSpace,
    epochs,
    nTrials,
    timeout: timeout.value,
    sampler,
    pruner,
    weights,
    diagnostics,
    backend,
    ...(network === undefined ? {} : { network }),
    ...(enqueueTrials === undefined || enqueueTrials === null || enqueueTrials.length === 0 ? {} : { enqueueTrials }),
    // The weighted sum is what an absent field means, so it is not written out: old configurations
    // (and their share links) come back unchanged.
    ...(objective?.type === 'pareto' ? { objective } : {}),
    ...(budget === undefined || (budget.maxParams === null && budget.maxMemoryMB === null) ? {} : { budget }),
  };
  // The simulator has the last word on its own input; its field names map back to config paths.
  try {
    validateDmcConfig(toDmcConfig(config));
  } catch (err) {
    if (!(err instanceof DmcConfigError)) throw err;
    return {
      errors: [{ path: simulatorPath(err.field), message: `The simulator cannot run with this: ${err.message}` }],
    };
  }
  return { config };
}

function simulatorPath(field: string): string {
  const m = /^prior(Means|Sds)\[(\d+)\]$/.exec(field);
  if (m !== null) return `simulator.prior.${PARAM_NAMES[Number(m[2])] ?? m[2]}.${m[1] === 'Means' ? 'mean' : 'sd'}`;
  if (field === 'tmax' || field === 'contamination') return `simulator.${field}`;
  if (field === 'fixedNumObs') return 'simulator.numObs.fixed';
  if (field === 'minNumObs') return 'simulator.numObs.min';
  if (field === 'maxNumObs') return 'simulator.numObs.max';
  return 'simulator';
}

/** Parses JSON text and validates it; a JSON syntax error is reported at the root path. */
export function parseStudyConfig(text: string): ValidationResult {
  let x: unknown;
  try {
    x = JSON.parse(text);
  } catch (err) {
    return { errors: [{ path: '', message: `This is not valid JSON: ${errorMessage(err)}` }] };
  }
  return validateStudyConfig(x);
}

/** The path list formatted for a terminal or an alert: one `path: message` per line. */
export function formatIssues(issues: readonly { path: string; message: string }[]): string {
  return issues.map((i) => `${i.path === '' ? '(root)' : i.path}: ${i.message}`).join('\n');
}
