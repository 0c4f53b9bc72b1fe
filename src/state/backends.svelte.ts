/**
 * What the header and the Simulate view say about tfjs backends: the probe of every backend, the one
 * training will use and, when it is not WebGPU on a GPU, why (the visible fallback notice of issue 5
 * item 7). Once a training worker has really initialised tfjs, `reportInUse` replaces the plan with
 * the backend tfjs actually runs on.
 */
import { planBackend, probeAll, type BackendName, type BackendPlan, type BackendProbe } from './backend-probe.ts';

export class BackendStatus {
  #probes = $state.raw<BackendProbe[] | null>(null);
  #error = $state<string | null>(null);
  #inUse = $state.raw<{ backend: BackendName; fallbackReason: string | null } | null>(null);
  #probing: Promise<void> | null = null;
  readonly #probe: () => Promise<BackendProbe[]>;

  constructor(probe: () => Promise<BackendProbe[]> = probeAll) {
    this.#probe = probe;
  }

  get probes(): BackendProbe[] | null {
    return this.#probes;
  }

  get error(): string | null {
    return this.#error;
  }

  /** The backend training uses (reported by a worker) or will use (planned from the probes). */
  get plan(): (BackendPlan & { confirmed: boolean }) | null {
    if (this.#inUse !== null) return { ...this.#inUse, confirmed: true };
    if (this.#probes === null) return null;
    return { ...planBackend(this.#probes), confirmed: false };
  }

  /** True when a WebGPU adapter on real GPU hardware exists (the demo then runs the notebook preset). */
  get hasGpu(): boolean {
    return this.#probes?.some((p) => p.backend === 'webgpu' && p.available && p.hardware === true) ?? false;
  }

  /** Probes once; later calls share the first result. */
  load(): Promise<void> {
    this.#probing ??= this.#probe().then(
      (p) => {
        this.#probes = p;
      },
      (err: unknown) => {
        this.#error = `Could not probe the tfjs backends: ${err instanceof Error ? err.message : String(err)}`;
      },
    );
    return this.#probing;
  }

  reportInUse(backend: BackendName, fallbackReason: string | null): void {
    this.#inUse = { backend, fallbackReason };
  }
}
