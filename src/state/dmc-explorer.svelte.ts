/**
 * Simulate → "Explore the model": every DMC parameter on a slider, and the model's predictions redrawn as a
 * slider moves — RT distributions, delta function, conditional accuracy functions and the expected automatic,
 * controlled and superimposed processes (Ulrich et al., 2015). One experiment is simulated on the main thread
 * at every change: the simulator takes about a millisecond per 500 trials, so 2 × 2,000 trials stay well inside
 * a frame's budget on a laptop, and a fixed seed (common random numbers) makes the pictures move only because
 * the parameters moved. The time each update took is measured and shown.
 */
import { trialStats, type TrialStats } from '../inference/index.ts';
import {
  activationCurves,
  simulateTrials,
  type ActivationCurves,
  type DmcParams,
  type ParamName,
} from '../sim/index.ts';
import { rtHistograms, type RtHistograms } from '../plots/index.ts';

export interface ExplorerSlider {
  key: ParamName;
  label: string;
  unit: string;
  min: number;
  max: number;
  step: number;
  help: string;
}

/** Ranges that cover the notebook prior (mean ± 3 SD) and DMCfun's examples; mins keep every value valid. */
export const EXPLORER_SLIDERS: readonly ExplorerSlider[] = [
  { key: 'A', label: 'A', unit: 'evidence', min: 0, max: 150, step: 1, help: 'peak of the automatic activation' },
  { key: 'tau', label: 'τ (tau)', unit: 'ms', min: 5, max: 300, step: 1, help: 'when the automatic activation peaks' },
  {
    key: 'mu_c',
    label: 'μc (mu_c)',
    unit: 'evidence/ms',
    min: 0.05,
    max: 1.5,
    step: 0.01,
    help: 'drift of the controlled process',
  },
  { key: 'b', label: 'b', unit: 'evidence', min: 20, max: 200, step: 1, help: 'decision boundary (±b)' },
  { key: 'mu_r', label: 'μr (mu_r)', unit: 'ms', min: 100, max: 600, step: 1, help: 'mean non-decision time' },
  { key: 'sd_r', label: 'σr (sd_r)', unit: 'ms', min: 0, max: 100, step: 1, help: 'SD of the non-decision time' },
];

export const EXPLORER_TRIALS_PER_CONDITION = 2000;
const TMAX = 1500;
const SEED = 1;
/** The activation plot's time axis (ms): the window in which nearly all decisions fall. */
const ACTIVATION_MS = 1000;

export interface ExplorerView {
  params: DmcParams;
  stats: TrialStats;
  histograms: RtHistograms;
  activation: ActivationCurves;
  /** Trials without a bound crossing by tmax (they enter no statistic). */
  timeouts: number;
  /** Wall time of the simulation and statistics for this update. */
  ms: number;
}

export function explorerView(params: DmcParams): ExplorerView {
  const t0 = performance.now();
  const trials = simulateTrials(params, 2 * EXPLORER_TRIALS_PER_CONDITION, SEED, { tmax: TMAX });
  const stats = trialStats(trials);
  const histograms = rtHistograms(trials);
  let timeouts = 0;
  for (const a of trials.accuracy) if (a !== 0 && a !== 1) timeouts++;
  const activation = activationCurves(params, ACTIVATION_MS);
  return { params, stats, histograms, activation, timeouts, ms: performance.now() - t0 };
}

export class DmcExplorer {
  /** DMCfun's defaults (Ulrich et al., 2015, Fig. 3). */
  params = $state<DmcParams>({ A: 20, tau: 30, mu_c: 0.5, mu_r: 300, b: 75, sd_r: 30 });
  readonly view: ExplorerView = $derived(explorerView({ ...this.params }));

  set(key: ParamName, value: number): void {
    const s = EXPLORER_SLIDERS.find((x) => x.key === key);
    if (s === undefined || !Number.isFinite(value)) return;
    this.params[key] = Math.min(s.max, Math.max(s.min, value));
  }

  apply(values: DmcParams): void {
    for (const s of EXPLORER_SLIDERS) this.set(s.key, values[s.key]);
  }
}
