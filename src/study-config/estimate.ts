/**
 * How long a trial and a study of a configuration will take on a tfjs backend, before it is started.
 * Cost model: forward FLOPs of the notebook network derived from docs/design/networks.md#flow-matching, docs/design/networks.md#set-transformer, docs/design/networks.md#cost
 * (multiply-add = 2 FLOPs, backward ≈ 2× forward) plus the memory-bound work on the attention
 * probabilities (softmax, dropout) that FLOPs miss; both turned into seconds with rates calibrated on
 * the README's Performance table, measured with tfjs wasm in Node on a 2 vCPU AMD EPYC:
 *   - a training step at batch 64, N = 500, embed 64 / 128 (summary_dim 16, 1 seed) took 9.1 s / 17.3 s;
 *   - posterior sampling at N = 500, 100 Euler steps gave 213 draws per second (embed 64, 2 sets × 250);
 *   - tfjs cpu was 290 s / 504 s for the same steps, ≈ 30× wasm.
 *   - at N = 50 a set-step costs about twice the FLOP model (see WASM_S_PER_SET_EMBED).
 * No GPU run has been measured, so webgpu and webgl get no estimate (the wasm figure is given as a
 * labelled reference only). Fixed costs per trial (building the network, tfjs kernel warm-up, worker
 * messages) were not measured and are left out, so tiny configurations (the smoke preset) read low. Pure: no DOM, Svelte or tfjs.
 */
import type { SearchDistribution, StudyConfig } from './types.ts';
import { onlineBatchesPerEpoch } from './convert.ts';

/** The tfjs backends the app can train on (src/state/adapters/backend-probe.ts names the same four). */
export type EstimateBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Network hyperparameters that change the cost (dropout and learning rate do not). */
export interface CostShape {
  /** Trials per data set. */
  numObs: number;
  embedDim: number;
  numSeeds: number;
  summaryDim: number;
  /** Inferred parameters: 6 with sd_r estimated, 5 with it fixed. */
  paramDim: number;
}

/** Seconds, as the cheapest and the dearest corner of the search space. */
export interface SecondsRange {
  low: number;
  high: number;
}

export type StudyEstimate =
  | { kind: 'estimate'; backend: 'wasm' | 'cpu'; perTrial: SecondsRange; study: SecondsRange }
  | { kind: 'none'; backend: EstimateBackend; reason: string; wasmPerTrial: SecondsRange };

// SetTransformer constants fixed by the notebook (docs/design/networks.md#set-transformer): 4 heads, MAB MLPs of 2 blocks × 128,
// input (rt, accuracy, condition) of width 3.
const HEADS = 4;
const MLP_WIDTH = 128;
const INPUT_WIDTH = 3;
// FlowMatching velocity network (docs/design/networks.md#flow-matching): 5 residual blocks of width 256.
const FLOW_WIDTH = 256;
const FLOW_BLOCKS = 5;

const dense = (rows: number, inW: number, outW: number): number => 2 * rows * inW * outW;

/** MLP of a MAB: two residual blocks `P(x) + gelu(Dense(x))`, both P and Dense full (docs/design/networks.md#set-transformer). */
const mabMlp = (rows: number, inW: number): number =>
  2 * dense(rows, inW, MLP_WIDTH) + 2 * dense(rows, MLP_WIDTH, MLP_WIDTH);

/** MAB(X, Y) with `q` query rows of width `qW` and `k` key rows of width `kW`; key_dim = e per head. */
function mab(q: number, qW: number, k: number, kW: number, e: number): number {
  const inner = HEADS * e;
  const projections = dense(q, qW, inner) + 2 * dense(k, kW, inner);
  const attention = 2 * (2 * q * k * inner); // scores QKᵀ and the weighted sum of V
  return projections + attention + dense(q, inner, e) + dense(q, qW, e) + mabMlp(q, e) + dense(q, MLP_WIDTH, e);
}

/** Forward FLOPs of the SetTransformer on one data set: SAB → SAB → PMA → Dense(summary_dim). */
export function summaryFlops(s: CostShape): number {
  const { numObs: n, embedDim: e, numSeeds: m } = s;
  const pma = mabMlp(n, e) + mab(m, e, n, MLP_WIDTH, e);
  return mab(n, INPUT_WIDTH, n, INPUT_WIDTH, e) + mab(n, e, n, e, e) + pma + dense(1, m * e, s.summaryDim);
}

/** Forward FLOPs of one velocity evaluation for one draw; input x_t, t, sqrt(N) and the summary. */
export function velocityFlops(s: Pick<CostShape, 'summaryDim' | 'paramDim'>): number {
  const inW = s.paramDim + 1 + 1 + s.summaryDim;
  return (
    2 * dense(1, inW, FLOW_WIDTH) +
    (FLOW_BLOCKS - 1) * 2 * dense(1, FLOW_WIDTH, FLOW_WIDTH) +
    dense(1, FLOW_WIDTH, s.paramDim)
  );
}

/** Entries of the attention-probability tensors of one data set: the softmax and dropout work. */
export function attentionEntries(s: Pick<CostShape, 'numObs' | 'numSeeds'>): number {
  return HEADS * (2 * s.numObs * s.numObs + s.numSeeds * s.numObs);
}

// ---- Calibration on the README's wasm figures ------------------------------------------------------

const BENCH_BATCH = 64;
const BENCH = { numObs: 500, numSeeds: 1, summaryDim: 16, paramDim: 6 } as const;
const BENCH_STEP_S = { 64: 9.1, 128: 17.3 } as const;
const BENCH_DRAWS_PER_S = 213;
const BENCH_SAMPLING = { dataSets: 2, draws: 250, steps: 100 } as const;
/** tfjs cpu over wasm: 290 / 9.1 = 32 and 504 / 17.3 = 29 in the README. */
export const CPU_SLOWDOWN = 30;
/** DMC simulator, one 500-trial data set on the calling thread (README), per trial of a data set. */
const SIM_S_PER_OBS = 0.4e-3 / 500;

// One training step = forward + backward ≈ 3 forward passes, for both kinds of work.
const stepWork = (e: 64 | 128): { flops: number; entries: number } => {
  const s = { ...BENCH, embedDim: e };
  return {
    flops: 3 * BENCH_BATCH * (summaryFlops(s) + velocityFlops(s)),
    entries: 3 * BENCH_BATCH * attentionEntries(s),
  };
};
const W64 = stepWork(64);
const W128 = stepWork(128);
/**
 * The two steps share N and so the attention entries: the time difference is the FLOP difference at
 * the wasm matmul rate, and what is left of the embed-64 step is the per-entry cost.
 */
/**
 * Seconds per data set and training step per embedding unit that neither FLOPs nor attention entries
 * explain: kernel dispatch and small matrices running below the matmul rate. Measured with `cli train`
 * at N = 50 (600 sets × 3 epochs, 2-core development machine): 11.2 ms per set-step at e = 64 and 22.6 ms
 * at e = 128, twice the FLOP model, i.e. 5.4 / 10.4 ms ≈ e · 8.2e-5 s more. Small at N = 500 (≈ 4 %).
 */
export const WASM_S_PER_SET_EMBED = 8.2e-5;
const benchOverhead = (e: 64 | 128): number => BENCH_BATCH * e * WASM_S_PER_SET_EMBED;
export const WASM_FLOPS_PER_S =
  (W128.flops - W64.flops) / (BENCH_STEP_S[128] - benchOverhead(128) - (BENCH_STEP_S[64] - benchOverhead(64)));
export const WASM_S_PER_ENTRY = (BENCH_STEP_S[64] - benchOverhead(64) - W64.flops / WASM_FLOPS_PER_S) / W64.entries;

/** Forward pass of the summary network on one data set, seconds on wasm. */
const summaryForwardS = (s: CostShape): number =>
  summaryFlops(s) / WASM_FLOPS_PER_S + attentionEntries(s) * WASM_S_PER_ENTRY;

/** The sampling bench ran the summary net once per data set, then draws × steps velocity passes. */
export const WASM_SAMPLING_FLOPS_PER_S = (() => {
  const s = { ...BENCH, embedDim: 64 };
  const seconds =
    (BENCH_SAMPLING.dataSets * BENCH_SAMPLING.draws) / BENCH_DRAWS_PER_S - BENCH_SAMPLING.dataSets * summaryForwardS(s);
  return (BENCH_SAMPLING.dataSets * BENCH_SAMPLING.draws * BENCH_SAMPLING.steps * velocityFlops(s)) / seconds;
})();

/** Seconds of one training step of `batch` data sets on wasm. */
export function trainingStepSeconds(s: CostShape, batch: number): number {
  return batch * (3 * (summaryForwardS(s) + velocityFlops(s) / WASM_FLOPS_PER_S) + s.embedDim * WASM_S_PER_SET_EMBED);
}

/** Seconds to draw `draws` posterior samples for one data set on wasm (RK4: 4 evaluations per step). */
export function samplingSeconds(s: CostShape, draws: number, steps: number, integrator: 'euler' | 'rk4'): number {
  const evaluations = draws * steps * (integrator === 'rk4' ? 4 : 1);
  return summaryForwardS(s) + (evaluations * velocityFlops(s)) / WASM_SAMPLING_FLOPS_PER_S;
}

// ---- A configuration's trial and study --------------------------------------------------------------

function meanNumObs(c: StudyConfig): number {
  const n = c.simulator.numObs;
  return 'fixed' in n ? n.fixed : (n.min + n.max) / 2;
}

function bounds(d: SearchDistribution): [number, number] {
  return d.type === 'categorical' ? [Math.min(...d.choices), Math.max(...d.choices)] : [d.low, d.high];
}

/**
 * Expected value of a quadratic cost f(N) for N uniform on min..max (each simulated batch draws its N):
 * f's coefficients from f(0), f(1), f(2), then E[N] and E[N²] of the discrete uniform.
 */
function expectOverN(f: (n: number) => number, numObs: StudyConfig['simulator']['numObs']): number {
  if ('fixed' in numObs) return f(numObs.fixed);
  const [f0, f1, f2] = [f(0), f(1), f(2)];
  const c2 = (f2 - 2 * f1 + f0) / 2;
  const c1 = f1 - f0 - c2;
  const mean = (numObs.min + numObs.max) / 2;
  const k = numObs.max - numObs.min + 1;
  return f0 + c1 * mean + c2 * ((k * k - 1) / 12 + mean * mean);
}

/**
 * Seconds of one trial on wasm with the network `corner` of the search space: every epoch trains on all
 * training sets and validates on all validation sets (forward only ≈ a third of a step), then the
 * diagnostics draw the posterior of every validation set. The batch size only regroups the same sets,
 * so it changes the cost by the per-step Adam update alone, which is small beside ~1 M-parameter passes.
 */
function trialSeconds(c: StudyConfig, corner: Omit<CostShape, 'numObs' | 'paramDim'>, batchSize: number): number {
  const paramDim = c.simulator.sdr === 'fixed' ? 5 : 6;
  const shape = (n: number): CostShape => ({ ...corner, numObs: n, paramDim });
  const perSet = expectOverN((n) => trainingStepSeconds(shape(n), 1), c.simulator.numObs);
  // Online training trains on batchesPerEpoch fresh batches per epoch, simulated alongside (counted in
  // full: on a machine of few cores the simulation workers take their share from training).
  const online = onlineBatchesPerEpoch(c);
  const trainSets = online === null ? c.data.trainingSets : online * batchSize;
  const simulation = online === null ? 0 : trainSets * meanNumObs(c) * SIM_S_PER_OBS;
  const epoch = trainSets * perSet + simulation + (c.data.validationSets * perSet) / 3;
  const { posteriorDraws, integrationSteps, integrator } = c.diagnostics;
  const diagnostics =
    c.data.validationSets *
    expectOverN((n) => samplingSeconds(shape(n), posteriorDraws, integrationSteps, integrator), c.simulator.numObs);
  return c.epochs * epoch + diagnostics;
}

/** What a final-network run costs: one trial's network, its budget, trial counts and validation sets. */
export interface FinalRunCost {
  network: Omit<CostShape, 'numObs' | 'paramDim'>;
  epochs: number;
  /** Data sets trained per epoch (online: batches per epoch × batch size). */
  setsPerEpoch: number;
  /** Online: every set is simulated alongside training. */
  online: boolean;
  numObs: StudyConfig['simulator']['numObs'];
  validationSets: number;
}

/**
 * Seconds of a final-network run on wasm, by the same model as a trial: the epochs' training and
 * validation, the online simulation, then the diagnostics on the validation sets (an upper bound when
 * early stopping ends it sooner).
 */
export function finalRunSeconds(c: StudyConfig, r: FinalRunCost): number {
  const paramDim = c.simulator.sdr === 'fixed' ? 5 : 6;
  const shape = (n: number): CostShape => ({ ...r.network, numObs: n, paramDim });
  const perSet = expectOverN((n) => trainingStepSeconds(shape(n), 1), r.numObs);
  const meanN = 'fixed' in r.numObs ? r.numObs.fixed : (r.numObs.min + r.numObs.max) / 2;
  const simulation = r.online ? r.setsPerEpoch * meanN * SIM_S_PER_OBS : 0;
  const epoch = r.setsPerEpoch * perSet + simulation + (r.validationSets * perSet) / 3;
  const { posteriorDraws, integrationSteps, integrator } = c.diagnostics;
  const diagnostics =
    r.validationSets *
    expectOverN((n) => samplingSeconds(shape(n), posteriorDraws, integrationSteps, integrator), r.numObs);
  return r.epochs * epoch + diagnostics;
}

/** Per-trial seconds on wasm for the cheapest and the dearest network of the search space. */
export function wasmTrialSeconds(c: StudyConfig): SecondsRange {
  const s = c.searchSpace;
  const [e, m, d, b] = [bounds(s.embed_dim), bounds(s.num_seeds), bounds(s.summary_dim), bounds(s.batch_size)];
  return {
    low: trialSeconds(c, { embedDim: e[0], numSeeds: m[0], summaryDim: d[0] }, b[0]),
    high: trialSeconds(c, { embedDim: e[1], numSeeds: m[1], summaryDim: d[1] }, b[1]),
  };
}

/**
 * When the study's pruner may stop trials early: trials after the first `afterTrials` can stop after
 * `epochs` epochs (a median pruner compares from its startup trials on, after its warm-up; successive
 * halving's first rung is its minimum resource). Null without a pruner.
 */
export function earliestPrune(c: StudyConfig): { afterTrials: number; epochs: number } | null {
  const p = c.pruner;
  if (p.type === 'median')
    return { afterTrials: Math.max(1, p.nStartupTrials), epochs: Math.min(c.epochs, p.nWarmupSteps + 1) };
  if (p.type === 'successive-halving')
    return { afterTrials: 1, epochs: Math.min(c.epochs, p.minResource === 'auto' ? 1 : p.minResource) };
  return null;
}

/**
 * Seconds of a study whose trials cost `cost(k)` each, run one after the other, when no trial starts
 * after `timeout` seconds (Optuna's timeout counts from the start of optimize; the running trial ends).
 */
function sequence(nTrials: number, cost: (k: number) => number, timeout: number | null): number {
  let t = 0;
  for (let k = 0; k < nTrials; k++) {
    if (timeout !== null && t >= timeout) break;
    t += cost(k);
  }
  return t;
}

/**
 * The estimate for `config` on `backend`: per trial, the cheapest and the dearest network of the search
 * space; for the study, simulating the data sets once, then trials one after the other until nTrials or
 * the timeout (no trial starts after it). The low end also assumes that every trial the pruner may stop
 * is stopped at its first chance (training only, no diagnostics), the high end that none is.
 */
export function estimateStudy(config: StudyConfig, backend: EstimateBackend): StudyEstimate {
  const wasm = wasmTrialSeconds(config);
  if (backend === 'webgpu' || backend === 'webgl') {
    return {
      kind: 'none',
      backend,
      reason: 'no estimate for GPUs yet (no GPU training run has been measured)',
      wasmPerTrial: wasm,
    };
  }
  const factor = backend === 'cpu' ? CPU_SLOWDOWN : 1;
  const perTrial = { low: wasm.low * factor, high: wasm.high * factor };
  // Online training simulates no training sets up front (its batches are in the trial's time).
  const upFront = (onlineBatchesPerEpoch(config) === null ? config.data.trainingSets : 0) + config.data.validationSets;
  const simulation = upFront * meanNumObs(config) * SIM_S_PER_OBS;
  const prune = earliestPrune(config);
  const lowCost = (k: number): number =>
    prune !== null && k >= prune.afterTrials ? (perTrial.low * prune.epochs) / config.epochs : perTrial.low;
  return {
    kind: 'estimate',
    backend,
    perTrial,
    study: {
      low: simulation + sequence(config.nTrials, lowCost, config.timeout),
      high: simulation + sequence(config.nTrials, () => perTrial.high, config.timeout),
    },
  };
}

/** "45 s", "4 min", "1.5 h", "3 days": two significant figures at most, in the largest fitting unit. */
export function formatDuration(seconds: number): string {
  const round = (x: number): string => String(x >= 10 ? Math.round(x) : Math.round(x * 10) / 10);
  if (seconds < 1) return '< 1 s';
  if (seconds < 90) return `${round(seconds)} s`;
  if (seconds < 90 * 60) return `${round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${round(seconds / 3600)} h`;
  return `${round(seconds / 86400)} days`;
}

/** "≈ 45 s", "≈ 11–14 min", "≈ 40 s – 1.3 min": one unit written once, one figure when both round alike. */
export function formatRange(r: SecondsRange): string {
  const [a, b] = [formatDuration(r.low), formatDuration(r.high)];
  if (a === b) return a.startsWith('<') ? a : `≈ ${a}`;
  const [na, ua] = [a.slice(0, a.indexOf(' ')), a.slice(a.indexOf(' ') + 1)];
  const [nb, ub] = [b.slice(0, b.indexOf(' ')), b.slice(b.indexOf(' ') + 1)];
  return ua === ub && na !== '<' ? `≈ ${na}–${nb} ${ub}` : `≈ ${a} – ${b}`;
}

/** The one-line summary the Setup view shows above Start. */
export function describeEstimate(e: StudyEstimate): string {
  if (e.kind === 'none')
    return `${e.backend}: ${e.reason}. For reference, on wasm (CPU) a trial would take ${formatRange(e.wasmPerTrial)}.`;
  return `${formatRange(e.perTrial)} per trial on ${e.backend}, ${formatRange(e.study)} for the study`;
}
