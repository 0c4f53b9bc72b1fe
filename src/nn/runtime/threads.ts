/**
 * How many threads tfjs's wasm backend trains with, and why (issue 18 item 1). No tfjs import: the page
 * uses the same words for the backend panel, and the decision is unit-tested on its own.
 *
 * The threaded SIMD binary needs SharedArrayBuffer, which a browser offers only to a cross-origin
 * isolated page (COOP same-origin + COEP require-corp, see README "Cross-origin isolation"); Node's
 * tfjs-backend-wasm never uses threads (tfjs issue 3830). Where threads exist, training takes every
 * core but one (the page's) and those the simulation pool keeps busy *while training runs*: XNNPACK's thread pool spins
 * briefly and then sleeps, so a core shared with a simulation worker is time-sliced, not lost, but two
 * busy threads on one core make both slower than one. The count is fixed when the wasm backend
 * initializes (tfjs `setThreadsCount` before `setBackend`), so it is decided once per training worker.
 * At most TFJS_MAX_THREADS: tfjs pre-creates that many pthread workers and never uses more.
 */

/** tfjs-backend-wasm's pthread pool size (src/cc/backend.cc `max_num_threads`). */
export const TFJS_MAX_THREADS = 8;

export interface ThreadInputs {
  /** navigator.hardwareConcurrency (logical cores); undefined where the platform does not say. */
  cores: number | undefined;
  /** globalThis.crossOriginIsolated of the context that runs tfjs (the worker inherits the page's). */
  isolated: boolean;
  /** SharedArrayBuffer exists (false in old browsers even when isolated). */
  sharedMemory: boolean;
  /** Running in Node (tfjs-backend-wasm has no threads there). */
  node?: boolean;
  /**
   * Simulation workers busy while training runs. 0 while data sets are simulated before training (the
   * offline data path: the pool is idle during the trials); the pool's size when batches are simulated
   * during training (online training).
   */
  simulationWorkersBusy?: number;
  /** A count the user asked for (the page address's `?threads=N`): replaces the arithmetic, within tfjs's pool. */
  requested?: number;
}

export interface ThreadPlan {
  /** Threads to ask tfjs for (`setThreadsCount`), at least 1. */
  threads: number;
  /** Why this many, in a user's words. */
  reason: string;
}

/** Why the single-threaded build runs, or null when threads are possible. */
export function whyNoThreads(i: Pick<ThreadInputs, 'isolated' | 'sharedMemory' | 'node'>): string | null {
  if (i.node === true) return 'tfjs-backend-wasm uses no threads in Node';
  if (!i.isolated) {
    return 'the page is not cross-origin isolated (the server sends no COOP/COEP headers and the service worker has not taken over yet), so the browser withholds SharedArrayBuffer and tfjs loads its single-threaded wasm build';
  }
  if (!i.sharedMemory) return 'this browser offers no SharedArrayBuffer, so tfjs loads its single-threaded wasm build';
  return null;
}

export function planThreads(i: ThreadInputs): ThreadPlan {
  const no = whyNoThreads(i);
  if (no !== null) return { threads: 1, reason: no };
  if (i.requested !== undefined && Number.isInteger(i.requested) && i.requested >= 1) {
    const threads = Math.min(TFJS_MAX_THREADS, i.requested);
    return {
      threads,
      reason: `asked for in the page address (?threads=${i.requested})${threads < i.requested ? `, at most tfjs's ${TFJS_MAX_THREADS}` : ''}`,
    };
  }
  if (i.cores === undefined || !Number.isFinite(i.cores) || i.cores < 1) {
    return { threads: 1, reason: 'the browser does not say how many cores it has (navigator.hardwareConcurrency)' };
  }
  const cores = Math.floor(i.cores);
  if (cores === 1) return { threads: 1, reason: 'this machine has one core' };
  const busy = Math.max(0, Math.floor(i.simulationWorkersBusy ?? 0));
  // One core stays with the page and the browser (rendering, charts, the worker messages): on 2 cores a
  // second XNNPACK thread that has to share a core made every step 2–3× slower, not faster (README,
  // "Threads"), because each small product waits for the descheduled thread.
  const free = Math.max(1, cores - 1 - busy);
  const threads = Math.min(TFJS_MAX_THREADS, free);
  if (threads < free)
    return { threads, reason: `${free} cores free, but tfjs's wasm thread pool has ${TFJS_MAX_THREADS} threads` };
  const sims = busy === 0 ? '' : ` and the ${busy} simulation worker${busy === 1 ? '' : 's'} running beside training`;
  return { threads, reason: `${cores} cores less one for the page${sims}` };
}
