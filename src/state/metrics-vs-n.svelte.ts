/**
 * "Metrics vs N" of a finished final network (Results → Final network): the user lists trial counts N
 * (by default five over the range the network was trained on), the inference worker simulates validation
 * sets at each N with a fixed seed, samples posteriors and computes NRMSE, contraction and calibration
 * error per parameter (src/nn/posterior/metrics-vs-n.ts), with progress and Cancel. Draws and integration
 * steps are the study's diagnostics settings, as `cli evaluate --num-obs` uses them.
 */
import { defaultNumObsList, parseNumObsList } from '../metrics/index.ts';
import type { NetworkFile } from '../nn/pure.ts';
import type { FinalRunRecord } from '../persistence/index.ts';
import { errorMessage } from '../shared/index.ts';
import { validateStudyConfig } from '../study-config/index.ts';
import type { NumObsRequest, NumObsResult } from '../workers/infer-client.ts';
import { finalNetworkKey } from './final-network-support.ts';
import { NumberField } from './number-field.svelte.ts';

export interface NumObsEvaluator {
  metricsVsNumObs(
    file: NetworkFile,
    req: NumObsRequest,
    opts?: { signal?: AbortSignal; onProgress?: (done: number, total: number, numObs: number) => void },
  ): Promise<NumObsResult>;
}

export interface MetricsVsNDeps {
  evaluator: NumObsEvaluator;
  networks: { load(key: string, trialNumber: number): Promise<NetworkFile | undefined> };
}

/** Seed of the validation sets and of the posterior draws: the same N list always gives the same numbers. */
export const METRICS_VS_N_SEED = 1;

export type MetricsVsNStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

export class MetricsVsN {
  /** The N list as typed ("100, 200, 300"). */
  numObsText = $state('');
  readonly valSets = new NumberField('metrics-vs-n-sets', 'Validation sets per N', 100, {
    integer: true,
    min: 2,
    max: 2000,
  });
  status = $state<MetricsVsNStatus>('idle');
  /** N values done (fractional within the running one), of total; the N being sampled. */
  progress = $state<{ done: number; total: number; numObs: number } | null>(null);
  result = $state<NumObsResult | null>(null);
  message = $state<string | null>(null);
  /** The final run the form and result belong to. */
  recordId = $state<string | null>(null);
  #abort: AbortController | null = null;
  readonly #deps: MetricsVsNDeps;

  constructor(deps: MetricsVsNDeps) {
    this.#deps = deps;
  }

  /** Shows the form for `record`; another record than last time starts afresh with its default N list. */
  select(record: FinalRunRecord): void {
    if (this.recordId === record.id) return;
    this.cancel();
    const n = record.settings.numObs;
    this.recordId = record.id;
    this.numObsText = defaultNumObsList('fixed' in n ? [n.fixed, n.fixed] : [n.min, n.max]).join(', ');
    this.status = 'idle';
    this.result = null;
    this.message = null;
    this.progress = null;
  }

  /** The parsed N list, or why it cannot run. */
  get numObs(): number[] | { error: string } {
    return parseNumObsList(this.numObsText);
  }

  get problem(): string | null {
    const n = this.numObs;
    return 'error' in n ? n.error : this.valSets.error;
  }

  get running(): boolean {
    return this.status === 'running';
  }

  async run(record: FinalRunRecord): Promise<void> {
    this.select(record);
    const numObs = this.numObs;
    const valSets = this.valSets.value;
    if (this.running || 'error' in numObs || valSets === null) return;
    const abort = new AbortController();
    this.#abort = abort;
    this.status = 'running';
    this.message = null;
    this.result = null;
    this.progress = { done: 0, total: numObs.length, numObs: numObs[0]! };
    try {
      const file = await this.#deps.networks.load(finalNetworkKey(record.modelKey), record.trialNumber);
      if (file === undefined) throw new Error('The final network is no longer stored in this browser.');
      const v = file.metadata['studyConfig'] === undefined ? null : validateStudyConfig(file.metadata['studyConfig']);
      const study = v !== null && 'config' in v ? v.config : null;
      const result = await this.#deps.evaluator.metricsVsNumObs(
        file,
        {
          numObs,
          valSets,
          numSamples: study?.diagnostics.posteriorDraws ?? 1000,
          steps: study?.diagnostics.integrationSteps ?? 100,
          method: study?.diagnostics.integrator ?? 'euler',
          seed: METRICS_VS_N_SEED,
        },
        {
          signal: abort.signal,
          onProgress: (done, total, n) => {
            if (this.#abort === abort) this.progress = { done, total, numObs: n };
          },
        },
      );
      if (this.#abort !== abort) return;
      this.result = result;
      this.status = 'done';
    } catch (e) {
      if (this.#abort !== abort) return;
      const cancelled = abort.signal.aborted;
      this.status = cancelled ? 'cancelled' : 'error';
      this.message = cancelled ? 'Cancelled.' : `Could not evaluate the network: ${errorMessage(e)}`;
    } finally {
      if (this.#abort === abort) {
        this.#abort = null;
        this.progress = null;
      }
    }
  }

  cancel(): void {
    const abort = this.#abort;
    if (abort === null) return;
    abort.abort();
    this.#abort = null;
    this.status = 'cancelled';
    this.message = 'Cancelled.';
    this.progress = null;
  }
}
