/**
 * The Simulate view's state: DMC parameters validated at the field, one simulation at a
 * time through the worker pool with progress and cancel (latest request wins: a new run aborts the old
 * one, squoosh-style), and the result shaped for the view — per-condition summary and RT histograms.
 */
import { summarizeConditions, type ConditionSummaries, type DmcParams, type DmcTrials } from '../sim/index.ts';
import { NumberField } from './number-field.svelte.ts';
import { rtHistograms, type RtHistograms } from '../plots/index.ts';
import { errorMessage } from '../shared/index.ts';

export interface TrialsRequest {
  params: DmcParams;
  trialsPerCondition: number;
  tmax: number;
  seed: number;
}

/** Runs one experiment off the main thread (wired to SIM's pool in main.ts). */
export type TrialsSimulator = (
  request: TrialsRequest,
  opts: { signal: AbortSignal; onProgress: (done: number, total: number) => void },
) => Promise<DmcTrials>;

export interface SimulationResult {
  request: TrialsRequest;
  trials: DmcTrials;
  summary: ConditionSummaries;
  histograms: RtHistograms;
  seconds: number;
}

export const PARAM_PRESETS: readonly { name: string; description: string; values: DmcParams }[] = [
  {
    name: 'DMCfun, tau = 30',
    description: 'Ulrich et al. (2015) Fig. 3 settings: a negative-going delta function (Simon-like)',
    values: { A: 20, tau: 30, mu_c: 0.5, mu_r: 300, b: 75, sd_r: 30 },
  },
  {
    name: 'DMCfun, tau = 150',
    description: 'Ulrich et al. (2015) Fig. 4 settings: a positive-going delta function (flanker-like)',
    values: { A: 20, tau: 150, mu_c: 0.5, mu_r: 300, b: 75, sd_r: 30 },
  },
  {
    name: 'Notebook prior means',
    description: 'the means of the prior the notebook study trains on (docs/design/simulator.md#prior)',
    values: { A: 70.8, tau: 114.71, mu_c: 0.71, mu_r: 332.34, b: 98.36, sd_r: 43.36 },
  },
];

const MAX_TRIALS = 1_000_000;

export class SimulationRun {
  readonly fields = {
    A: new NumberField('A', 'A', 20, { min: 0 }, 'evidence', 'amplitude of the automatic activation'),
    tau: new NumberField('tau', 'τ (tau)', 30, { above: 0 }, 'ms', 'time constant of the automatic pulse'),
    mu_c: new NumberField('mu_c', 'μc (mu_c)', 0.5, { min: 0 }, 'evidence/ms', 'drift of the controlled process'),
    mu_r: new NumberField('mu_r', 'μr (mu_r)', 300, { min: 0 }, 'ms', 'mean non-decision time'),
    b: new NumberField('b', 'b', 75, { above: 0 }, 'evidence', 'decision boundary (±b)'),
    sd_r: new NumberField('sd_r', 'σr (sd_r)', 30, { min: 0 }, 'ms', 'SD of the non-decision time'),
    trials: new NumberField('trials', 'Trials per condition', 10_000, { integer: true, min: 1, max: MAX_TRIALS }),
    tmax: new NumberField(
      'tmax',
      'tmax',
      1500,
      { integer: true, min: 1, max: 100_000 },
      'ms',
      'last simulated time step',
    ),
    seed: new NumberField('seed', 'Seed', 1, { integer: true, min: 0, max: 2 ** 32 - 1 }, '', 'same seed, same data'),
  };

  #running = $state(false);
  #progress = $state({ done: 0, total: 0 });
  #result = $state.raw<SimulationResult | null>(null);
  #error = $state<string | null>(null);
  #cancelled = $state(false);
  #controller: AbortController | null = null;
  readonly #simulate: TrialsSimulator;

  constructor(simulate: TrialsSimulator) {
    this.#simulate = simulate;
  }

  get running(): boolean {
    return this.#running;
  }
  get progress(): { done: number; total: number } {
    return this.#progress;
  }
  get result(): SimulationResult | null {
    return this.#result;
  }
  get error(): string | null {
    return this.#error;
  }
  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** The request the form describes, or null while any field is invalid. */
  get request(): TrialsRequest | null {
    const f = this.fields;
    const v = (x: NumberField): number | null => x.value;
    const [A, tau, mu_c, mu_r, b, sd_r, trials, tmax, seed] = [
      f.A,
      f.tau,
      f.mu_c,
      f.mu_r,
      f.b,
      f.sd_r,
      f.trials,
      f.tmax,
      f.seed,
    ].map(v);
    if ([A, tau, mu_c, mu_r, b, sd_r, trials, tmax, seed].some((x) => x === null)) return null;
    return {
      params: { A: A!, tau: tau!, mu_c: mu_c!, mu_r: mu_r!, b: b!, sd_r: sd_r! },
      trialsPerCondition: trials!,
      tmax: tmax!,
      seed: seed!,
    };
  }

  applyPreset(values: DmcParams): void {
    for (const k of ['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r'] as const) this.fields[k].set(values[k]);
  }

  async run(): Promise<void> {
    const request = this.request;
    if (request === null) {
      this.#error = 'Fix the fields marked in red first.';
      return;
    }
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.#running = true;
    this.#cancelled = false;
    this.#error = null;
    this.#progress = { done: 0, total: request.trialsPerCondition * 2 };
    const t0 = performance.now();
    try {
      const trials = await this.#simulate(request, {
        signal: controller.signal,
        onProgress: (done, total) => {
          if (this.#controller === controller) this.#progress = { done, total };
        },
      });
      if (this.#controller !== controller) return; // superseded by a newer run
      this.#result = {
        request,
        trials,
        summary: summarizeConditions(trials.rt, trials.accuracy, trials.conditions),
        histograms: rtHistograms(trials),
        seconds: (performance.now() - t0) / 1000,
      };
    } catch (err) {
      if (this.#controller !== controller) return;
      if (controller.signal.aborted) this.#cancelled = true;
      else this.#error = `Simulation failed: ${errorMessage(err)}`;
    } finally {
      if (this.#controller === controller) {
        this.#running = false;
        this.#controller = null;
      }
    }
  }

  cancel(): void {
    this.#controller?.abort();
  }
}
