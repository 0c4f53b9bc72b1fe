/**
 * Everything the UI gets from the composition root (src/main.ts): one instance of each state class.
 * Views receive what they need from here as props; nothing in ui/ constructs state or workers.
 */
import type { BackendStatus } from './backends.svelte.ts';
import type { Router } from './router.svelte.ts';
import type { SimulationRun } from './simulation-run.svelte.ts';

export interface AppContext {
  router: Router;
  backends: BackendStatus;
  simulation: SimulationRun;
}
