/**
 * "Metrics vs N" of a network (a finished final network in Results, or Infer's chosen network): the user lists
 * trial counts N (by default five over the range the network was trained on), the inference worker simulates validation
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
  /** The model store, for final networks (`finalSource`). */
  networks?: { load(key: string, trialNumber: number): Promise<NetworkFile | undefined> };
}

/** A network to score: an id (a new id resets the form), its trained range of N, and how to read it. */
export interface NetworkToScore {
  readonly id: string;
  readonly trained: readonly [number, number];
  load(): Promise<NetworkFile | undefined>;
}

const fileIds = new WeakMap<NetworkFile, string>();
let nextFileId = 0;

/** A network file in memory (Infer's chosen network); the same file object keeps its id, so its form. */
export function fileSource(file: NetworkFile, trained: readonly [number, number]): NetworkToScore {
  let id = fileIds.get(file);
  if (id === undefined) {
    id = `file:${nextFileId++}`;
    fileIds.set(file, id);
  }
  return { id, trained, load: async () => file };
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
  /** The network the form and result belong to (NetworkToScore.id). */
  sourceId = $state<string | null>(null);
  #abort: AbortController | null = null;
  readonly #deps: MetricsVsNDeps;

  constructor(deps: MetricsVsNDeps) {
    this.#deps = deps;
  }

  /** A finished final run's network, read from the model store. */
  finalSource(record: FinalRunRecord): NetworkToScore {
    const n = record.settings.numObs;
    const networks = this.#deps.networks;
    return {
      id: `final:${record.id}`,
      trained: 'fixed' in n ? [n.fixed, n.fixed] : [n.min, n.max],
      load: async () => networks?.load(finalNetworkKey(record.modelKey), record.trialNumber),
    };
  }

  /** Shows the form for `source`; another network than last time starts afresh with its default N list. */
  select(source: NetworkToScore): void {
    if (this.sourceId === source.id) return;
    this.cancel();
    this.sourceId = source.id;
    this.numObsText = defaultNumObsList(source.trained).join(', ');
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

  async run(source: NetworkToScore): Promise<void> {
    this.select(source);
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
      const file = await source.load();
      if (file === undefined) throw new Error('The network is no longer stored in this browser.');
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
