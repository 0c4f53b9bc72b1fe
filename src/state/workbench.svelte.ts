/**
 * The app's actions that span several state objects: start a study from a configuration (or the demo
 * preset for this browser), continue one, and pick up the study a reloaded tab was running. The study
 * this tab runs is remembered in localStorage (per origin) until it finishes, is cancelled or fails, so
 * closing the tab and coming back offers to continue it: a reload is not always a wish to go on (the
 * tab may have crashed because of the study), so it asks instead of starting a GPU job on its own.
 */
import {
  demoPresetFor,
  PRESETS,
  validateStudyConfig,
  formatIssues,
  type PresetName,
  type StudyConfig,
} from '../study-config/index.ts';
import type { BackendStatus } from './backends.svelte.ts';
import type { StudyLibrary } from './library.svelte.ts';
import type { Router } from './router.svelte.ts';
import type { RunLock } from './run-lock.ts';
import { createStudyFromConfig, setStudyConfig, type LibraryStorage } from './study-meta.ts';
import type { StudyRun } from './study-run.svelte.ts';
import { errorMessage } from '../shared/index.ts';

export const ACTIVE_RUN_KEY = 'dmc-tune:active-run';

/** localStorage, or null where it is unavailable (private modes, tests). */
function local(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function rememberActiveRun(studyId: number | null): void {
  const ls = local();
  if (ls === null) return;
  if (studyId === null) ls.removeItem(ACTIVE_RUN_KEY);
  else ls.setItem(ACTIVE_RUN_KEY, String(studyId));
}

export function activeRun(): number | null {
  const v = local()?.getItem(ACTIVE_RUN_KEY);
  return v !== null && v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
}

/** A study a closed or reloaded tab was running, waiting for Continue / Not now. */
export interface ResumeOffer {
  studyId: number;
  name: string;
  /** Trials it left RUNNING: continuing marks them interrupted and re-runs them first. */
  interrupted: number[];
}

export class Workbench {
  #startError = $state<string | null>(null);
  #busy = $state(false);
  #resumeOffer = $state.raw<ResumeOffer | null>(null);

  constructor(
    private readonly deps: {
      storage: LibraryStorage;
      library: StudyLibrary;
      run: StudyRun;
      router: Router;
      backends: BackendStatus;
      lock?: RunLock;
    },
  ) {}

  /** Why the last start failed (shown next to the button that started it). */
  get startError(): string | null {
    return this.#startError;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get resumeOffer(): ResumeOffer | null {
    return this.#resumeOffer;
  }

  /** The preset "Run demo study" uses here, and why. */
  get demo(): { preset: PresetName; reason: string } | null {
    const probes = this.deps.backends.probes;
    if (probes === null) return null;
    const gpu = probes.find((p) => p.backend === 'webgpu');
    const reason =
      gpu === undefined
        ? undefined
        : gpu.available
          ? `WebGPU has a ${gpu.detail}`
          : `WebGPU is unavailable (${gpu.detail})`;
    return demoPresetFor({ available: this.deps.backends.hasGpu, ...(reason !== undefined ? { reason } : {}) });
  }

  async runDemo(): Promise<void> {
    const d = this.demo;
    if (d === null) {
      this.#startError = 'Still probing the backends; try again in a moment.';
      return;
    }
    const config = PRESETS[d.preset]();
    config.name = await this.deps.library.freeName(`demo-${d.preset}`);
    await this.start(config);
  }

  /** Creates a study for `config` and runs it in the Run view. Resolves when the run ends. */
  async start(config: StudyConfig): Promise<void> {
    const checked = validateStudyConfig(config);
    if ('errors' in checked) {
      this.#startError = `The configuration is invalid:\n${formatIssues(checked.errors)}`;
      return;
    }
    await this.#launch(() => createStudyFromConfig(this.deps.storage, checked.config));
  }

  /** Gives an existing (e.g. imported) study a configuration and continues it. */
  async continueWith(studyId: number, config: StudyConfig): Promise<void> {
    await this.#launch(async () => {
      await setStudyConfig(this.deps.storage, studyId, config);
      return studyId;
    });
  }

  /** Continues a study of the library from its next trial. */
  async continue(studyId: number): Promise<void> {
    await this.#launch(async () => studyId);
  }

  /** After a reload: offers to continue the study this tab was running, if any. Returns its id. */
  async offerResumeAfterReload(): Promise<number | null> {
    const id = activeRun();
    if (id === null || this.deps.run.active) return null;
    // Another tab is running it (the marker is per origin, shared by tabs): leave it to that tab. Right
    // after a reload the unloaded page may still hold the lock for a moment, so wait a little first.
    for (let i = 0; i < 20 && (await this.deps.lock?.held(id)) === true; i++)
      await new Promise((r) => setTimeout(r, 250));
    if ((await this.deps.lock?.held(id)) === true) return null;
    let name: string;
    try {
      name = await this.deps.storage.getStudyNameFromId(id);
    } catch {
      rememberActiveRun(null); // deleted meanwhile
      return null;
    }
    const interrupted = (await this.deps.storage.staleRunningTrials(id)).map((t) => t.number);
    if (this.deps.run.active) return null; // started by hand meanwhile
    this.#resumeOffer = { studyId: id, name, interrupted };
    return id;
  }

  /** Continue: runs the offered study from its interrupted trial (re-run) or next trial. */
  acceptResume(): Promise<void> {
    const offer = this.#resumeOffer;
    this.#resumeOffer = null;
    return offer === null ? Promise.resolve() : this.continue(offer.studyId);
  }

  /**
   * Not now: forgets the offer. The interrupted trials are marked now, so the library does not show
   * them as running; Continue in the library still re-runs them.
   */
  async dismissResume(): Promise<void> {
    const offer = this.#resumeOffer;
    this.#resumeOffer = null;
    if (offer === null) return;
    rememberActiveRun(null);
    await this.deps.storage.failStaleTrials(offer.studyId);
    await this.deps.library.refresh();
  }

  async #launch(studyIdOf: () => Promise<number>): Promise<void> {
    this.#resumeOffer = null;
    if (this.deps.run.active) {
      this.#startError = `Study "${this.deps.run.studyName}" is running; cancel it before starting another.`;
      return;
    }
    this.#startError = null;
    this.#busy = true;
    let id: number;
    try {
      id = await studyIdOf();
    } catch (e) {
      this.#startError = errorMessage(e);
      return;
    } finally {
      this.#busy = false;
    }
    this.deps.router.go({ view: 'run', studyId: id });
    await this.deps.run.run(id);
    await this.deps.library.refresh();
  }
}
