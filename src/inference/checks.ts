/**
 * What a network was trained on, and whether a participant's data lie inside it.
 *
 * Network files carry the simulator settings in their metadata: `simulator` (a DmcConfig; CLI
 * `train --save`) or `studyConfig` (the whole study configuration; networks saved by the app). Older
 * or foreign files may carry neither; then the checks that need them say so instead of passing.
 *
 * Prior predictive check: the statistics mean RT, error rate and congruency effect of data sets
 * simulated from the prior; a participant whose value lies outside their central 99 % is data the
 * network has (almost) never seen, and its posterior there is an extrapolation.
 */
import { validateDmcConfig, type DmcConfig, type DmcParams } from '../sim/index.ts';
import { toDmcConfig, validateStudyConfig } from '../study-config/index.ts';
import { quantileSorted } from './posterior.ts';
import { trialStats, type TrialArrays } from './ppc.ts';

export interface SimulatorSettings {
  config: DmcConfig;
  /** Trained range of trials per data set. */
  numObs: [number, number];
  /** Where the settings came from in the file. */
  source: 'simulator' | 'studyConfig';
}

/** The simulator settings a network file's metadata carries, or null when it has none (older files). */
export function simulatorSettings(metadata: Record<string, unknown>): SimulatorSettings | null {
  const make = (config: DmcConfig, source: SimulatorSettings['source']): SimulatorSettings => ({
    config,
    numObs:
      config.fixedNumObs !== null ? [config.fixedNumObs, config.fixedNumObs] : [config.minNumObs, config.maxNumObs],
    source,
  });
  if (metadata['simulator'] !== undefined) {
    try {
      return make(validateDmcConfig(metadata['simulator']), 'simulator');
    } catch {
      // fall through: a malformed block counts as absent
    }
  }
  if (metadata['studyConfig'] !== undefined) {
    const v = validateStudyConfig(metadata['studyConfig']);
    if ('config' in v) return make(toDmcConfig(v.config), 'studyConfig');
  }
  return null;
}

export type WarningKind = 'no-settings' | 'num-obs' | 'mean-rt' | 'error-rate' | 'congruency-effect';

export interface InferenceWarning {
  kind: WarningKind;
  message: string;
}

/** What to do when a participant's data lie outside the prior predictive range (not for trial counts: see NUM_OBS_FIX). */
export const ADVICE = 'Set a prior that covers the data (Setup → simulator prior) and train again.';

/** What to do when the data's trial counts lie outside those the network was trained on. */
export function numObsFix(lo: number, hi: number = lo): string {
  const what = lo === hi ? `includes ${lo}` : `covers ${lo}–${hi}`;
  return `Train a network on a range of trial counts that ${what} (the final network in Results, or Setup → trials per data set: a range such as 50–1000).`;
}

export function numObsWarning(trials: number, settings: SimulatorSettings | null): InferenceWarning | null {
  if (settings === null) {
    return {
      kind: 'no-settings',
      message:
        'The network file carries no simulator settings (an older file): the trial count and the prior predictive range cannot be checked.',
    };
  }
  const [lo, hi] = settings.numObs;
  if (trials >= lo && trials <= hi) return null;
  const range = lo === hi ? `${lo}` : `${lo}–${hi}`;
  return {
    kind: 'num-obs',
    message: `${trials} trials, but the network was trained on data sets of ${range} trials; its posterior here is an extrapolation. ${numObsFix(trials)}`,
  };
}

export type StatName = 'meanRt' | 'overallErrorRate' | 'congruencyEffect';
export const CHECKED_STATS: readonly {
  name: StatName;
  kind: WarningKind;
  label: string;
  unit: string;
  scale: number;
}[] = [
  { name: 'meanRt', kind: 'mean-rt', label: 'mean RT', unit: 'ms', scale: 1 },
  { name: 'overallErrorRate', kind: 'error-rate', label: 'error rate', unit: '%', scale: 100 },
  { name: 'congruencyEffect', kind: 'congruency-effect', label: 'congruency effect', unit: 'ms', scale: 1 },
];

/** Central 99 % of each checked statistic over data sets simulated from the prior. */
export type PriorRanges = Record<StatName, [number, number]>;

/** The ranges from prior predictive data sets (rt/accuracy/conditions n × numObs row-major). */
export function priorRanges(batch: {
  n: number;
  numObs: number;
  rt: Float32Array;
  accuracy: Float32Array;
  conditions: Float32Array;
}): PriorRanges {
  const values: Record<StatName, number[]> = { meanRt: [], overallErrorRate: [], congruencyEffect: [] };
  const N = batch.numObs;
  for (let i = 0; i < batch.n; i++) {
    const s = trialStats({
      rt: batch.rt.subarray(i * N, (i + 1) * N),
      accuracy: batch.accuracy.subarray(i * N, (i + 1) * N),
      conditions: batch.conditions.subarray(i * N, (i + 1) * N),
    });
    for (const { name } of CHECKED_STATS) if (Number.isFinite(s[name])) values[name].push(s[name]);
  }
  const range = (xs: number[]): [number, number] => {
    const s = Float64Array.from(xs).sort();
    return [quantileSorted(s, 0.005), quantileSorted(s, 0.995)];
  };
  return {
    meanRt: range(values.meanRt),
    overallErrorRate: range(values.overallErrorRate),
    congruencyEffect: range(values.congruencyEffect),
  };
}

/** Prior predictive data sets to simulate for the ranges: the 0.5 % tails need a few hundred each side. */
export const PRIOR_PREDICTIVE_SETS = 1000;

/** The prior of the network at a given trial count (the data's typical count), for the prior predictive check. */
export function priorPredictiveConfig(settings: SimulatorSettings, numObs: number): DmcConfig {
  return { ...settings.config, fixedNumObs: numObs, minNumObs: numObs, maxNumObs: numObs };
}

/** The prior predictive check at the data's typical size: the participants' median trial count. */
export function priorCheckConfig(
  settings: SimulatorSettings,
  participants: readonly { rt: ArrayLike<number> }[],
): DmcConfig {
  const ns = participants.map((p) => p.rt.length).sort((a, b) => a - b);
  return priorPredictiveConfig(settings, ns[Math.floor(ns.length / 2)]!);
}

export function dataWarnings(t: TrialArrays, ranges: PriorRanges | null): InferenceWarning[] {
  if (ranges === null) return [];
  const s = trialStats(t);
  const out: InferenceWarning[] = [];
  for (const c of CHECKED_STATS) {
    const v = s[c.name];
    const [lo, hi] = ranges[c.name];
    if (!Number.isFinite(v) || (v >= lo && v <= hi)) continue;
    // "+ 0" turns a rounded −0 ("-0 ms") into 0
    const f = (x: number): string => (Number((x * c.scale).toFixed(c.unit === '%' ? 1 : 0)) + 0).toString();
    out.push({
      kind: c.kind,
      message: `The ${c.label} ${f(v)} ${c.unit} lies outside the central 99 % of data simulated from the network's prior (${f(lo)} to ${f(hi)} ${c.unit}). ${ADVICE}`,
    });
  }
  return out;
}

/** All warnings of one participant. */
export function participantWarnings(
  t: TrialArrays,
  settings: SimulatorSettings | null,
  ranges: PriorRanges | null,
): InferenceWarning[] {
  const w = numObsWarning(t.rt.length, settings);
  return [...(w === null ? [] : [w]), ...dataWarnings(t, ranges)];
}

/**
 * A posterior draw as simulator parameters. The prior is truncated at 0 but the flow's draws are
 * not, so a draw near the bound can come out slightly negative; it is clamped into the support (tau
 * and b strictly positive: the drift divides by tau, b = 0 has no interior).
 */
export function drawToParams(names: readonly string[], row: ArrayLike<number>): DmcParams {
  const get = (n: string): number => {
    const j = names.indexOf(n);
    return j < 0 ? 0 : row[j]!;
  };
  const pos = (x: number): number => (Number.isFinite(x) && x > 0 ? x : 0);
  return {
    A: pos(get('A')),
    tau: Math.max(1e-3, pos(get('tau'))),
    mu_c: pos(get('mu_c')),
    mu_r: pos(get('mu_r')),
    b: Math.max(1e-3, pos(get('b'))),
    sd_r: pos(get('sd_r')),
  };
}

/** A prior that is a point mass at `p` (sd 0), so the simulation pool simulates exactly these parameters. */
export function pointMass(p: DmcParams, base: DmcConfig, numObs: number): DmcConfig {
  const sdrFixed = p.sd_r === 0 ? 0 : null;
  const means = [p.A, p.tau, p.mu_c, p.mu_r, p.b];
  if (sdrFixed === null) means.push(p.sd_r);
  return {
    ...base,
    paramNames: (['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r'] as const).slice(0, means.length),
    priorMeans: means,
    priorSds: means.map(() => 0),
    sdrFixed,
    fixedNumObs: numObs,
    minNumObs: numObs,
    maxNumObs: numObs,
  };
}

/**
 * Simulation seed of posterior predictive replicate `rep` of participant `i`: its own stream per
 * (participant, replicate), so the app and the CLI simulate the same check from the same draws.
 */
export function ppcSeed(seed: number, i: number, rep: number): number {
  return (seed + 7919 * (i + 1) + rep) >>> 0;
}

/** `k` draw indices spread evenly over `s` draws (the posterior predictive replicates). */
export function spreadIndices(s: number, k: number): number[] {
  const m = Math.min(s, k);
  return Array.from({ length: m }, (_, i) => Math.floor((i * s) / m));
}
