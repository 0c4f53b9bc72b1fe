/**
 * Composition root: the only file that wires layers together. It opens the study library and the
 * model store (IndexedDB), starts the worker clients (simulation pool, training worker, fANOVA worker),
 * builds the state classes on them and mounts App.svelte. A study the tab was running before a reload
 * is offered for continuing from here.
 */
import { mount } from 'svelte';
import './ui/styles.css';
import App from './ui/App.svelte';
import BootError from './ui/BootError.svelte';
import { FinalRunStore, InferenceStore, ModelStore, openIdbStorage } from './persistence/index.ts';
import {
  type AppContext,
  BackendStatus,
  FinalNetworkRun,
  InferenceSession,
  isolateViaServiceWorker,
  rememberActiveRun,
  Router,
  SetupDraft,
  SimulationRun,
  DmcExplorer,
  StudyCompare,
  StudyLibrary,
  StudyResults,
  StudyRun,
  trialsViaPool,
  webRunLock,
  Workbench,
} from './state/index.ts';
import { FanovaClient } from './workers/fanova-client.ts';
import { InferClient } from './workers/infer-client.ts';
import { SimPool } from './workers/sim-pool.ts';
import { TrainClient, type InjectedFault } from './workers/train-client.ts';
import { errorMessage } from './shared/index.ts';

/** Build id, and whether this is a build (not the dev server), from vite.config.ts (`define`). */
declare const __BUILD_ID__: string;
declare const __REGISTER_SW__: boolean;

// Offline support and, on hosts that send no COOP/COEP headers, cross-origin isolation (sw.js adds
// them): only in builds (a dev server's modules change under the cache; it sends the headers itself).
if (__REGISTER_SW__ && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    void navigator.serviceWorker.register(`./sw.js?build=${__BUILD_ID__}`, { scope: './' }).catch(() => undefined);
  });
  isolateViaServiceWorker(window);
}

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

async function boot(el: HTMLElement): Promise<void> {
  const [storage, models, inferences, finalRuns] = await Promise.all([
    openIdbStorage(),
    ModelStore.open(),
    InferenceStore.open(),
    FinalRunStore.open(),
  ]);
  const pool = new SimPool();
  // `?threads=N` in the address: wasm training threads chosen by hand (e.g. 1 on a machine busy with other
  // work, where threads wait on each other; README "Performance: wasm threads").
  const threads = Number(new URLSearchParams(location.search).get('threads') ?? NaN);
  const trainer = new TrainClient(Number.isInteger(threads) && threads >= 1 ? { threads } : {});
  const router = new Router();
  const backends = new BackendStatus(trainer);
  const library = new StudyLibrary(storage, models);
  const lock = webRunLock();
  const run = new StudyRun({ storage, pool, trainer, networks: models, backends, markActive: rememberActiveRun, lock });
  // Metrics vs N (final networks and Infer's network) on an inference worker of its own, started on first
  // use, so Infer's sampling never waits behind it; its calls queue.
  const scorer = new InferClient();
  const app: AppContext = {
    router,
    backends,
    simulation: new SimulationRun(trialsViaPool(pool)),
    explorer: new DmcExplorer(),
    storage,
    library,
    run,
    workbench: new Workbench({ storage, library, run, router, backends, lock }),
    results: new StudyResults(storage, models, new FanovaClient(), (dmc, seed, n) => pool.simulate(dmc, seed, n)),
    compare: new StudyCompare(storage),
    setup: new SetupDraft(storage),
    inference: new InferenceSession({
      sampler: new InferClient(),
      numObsEvaluator: scorer,
      pool,
      networks: models,
      runs: inferences,
      studies: storage,
    }),
    // A training worker of its own (started on first use): a final run never swaps a study's data sets.
    final: new FinalNetworkRun({
      storage,
      pool,
      trainer: new TrainClient(),
      runs: finalRuns,
      networks: models,
      numObsEvaluator: scorer,
    }),
  };
  mount(App, { target: el, props: { app } });
  void backends.load();
  // The e2e tests reach the training worker's fault injection through this; dev server only.
  if (import.meta.env.DEV)
    Object.assign(globalThis, {
      __dmcTuneTest: { injectFatalError: (f?: InjectedFault) => trainer.injectFatalErrorForTests(f) },
    });
  await app.workbench.offerResumeAfterReload();
}

boot(target).catch((err: unknown) => {
  const message = errorMessage(err);
  mount(BootError, { target, props: { message } });
});
