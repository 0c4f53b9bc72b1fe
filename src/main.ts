/**
 * Composition root: the only file that wires layers together. It builds the state classes (and,
 * through them, the worker clients and storage) and mounts App.svelte.
 */
import { mount } from 'svelte';
import './ui/styles.css';
import App from './ui/App.svelte';
import type { AppContext } from './state/app.ts';
import { BackendStatus } from './state/backends.svelte.ts';
import { Router } from './state/router.svelte.ts';
import { SimulationRun } from './state/simulation-run.svelte.ts';
import { trialsViaPool } from './state/trials-via-pool.ts';
import { SimPool } from './workers/sim-pool.ts';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

const simPool = new SimPool();
const app: AppContext = {
  router: new Router(),
  backends: new BackendStatus(),
  simulation: new SimulationRun(trialsViaPool(simPool)),
};
void app.backends.load();
mount(App, { target, props: { app } });
