/**
 * Everything the UI gets from the composition root (src/main.ts): one instance of each state class.
 * Views receive what they need from here as props; nothing in ui/ constructs state or workers.
 */
import type { BackendStatus } from './backends.svelte.ts';
import type { DmcExplorer } from './dmc-explorer.svelte.ts';
import type { FinalNetworkRun } from './final-network.svelte.ts';
import type { InferenceSession } from './inference-session.svelte.ts';
import type { StudyLibrary } from './library.svelte.ts';
import type { Router } from './router.svelte.ts';
import type { SimulationRun } from './simulation-run.svelte.ts';
import type { SetupDraft } from './setup-draft.svelte.ts';
import type { LibraryStorage } from './study-meta.ts';
import type { StudyCompare } from './study-compare.svelte.ts';
import type { StudyResults } from './study-results.svelte.ts';
import type { StudyRun } from './study-run.svelte.ts';
import type { Workbench } from './workbench.svelte.ts';

export interface AppContext {
  router: Router;
  backends: BackendStatus;
  simulation: SimulationRun;
  /** Simulate → Explore the model (live sliders). */
  explorer: DmcExplorer;
  storage: LibraryStorage;
  library: StudyLibrary;
  run: StudyRun;
  workbench: Workbench;
  results: StudyResults;
  /** Home → Compare: several studies' histories and EDFs. */
  compare: StudyCompare;
  setup: SetupDraft;
  inference: InferenceSession;
  /** Results → Final network. */
  final: FinalNetworkRun;
}
