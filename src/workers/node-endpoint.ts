/**
 * comlink endpoint over a Node `MessagePort` or `Worker` (their 'message' events carry the value itself,
 * not a MessageEvent). Own adapter instead of comlink's dist/esm/node-adapter.mjs, which ships no types
 * that TypeScript can resolve for the .mjs path.
 */
import type { Worker } from 'node:worker_threads';
import type { Endpoint } from 'comlink';
import type { WorkerLike } from './worker-bridge.ts';
import { errorMessage } from '../shared/index.ts';

interface NodePort {
  postMessage(value: unknown, transferList?: readonly Transferable[]): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
  off(event: 'message', listener: (value: unknown) => void): unknown;
}

export function nodeEndpoint(port: NodePort): Endpoint {
  const wrapped = new WeakMap<EventListenerOrEventListenerObject, (value: unknown) => void>();
  return {
    postMessage: (message: unknown, transfer?: Transferable[]) => port.postMessage(message, transfer),
    addEventListener: (_type: string, listener: EventListenerOrEventListenerObject) => {
      const l = (data: unknown): void => {
        const ev = { data } as MessageEvent;
        if ('handleEvent' in listener) listener.handleEvent(ev);
        else listener(ev);
      };
      wrapped.set(listener, l);
      port.on('message', l);
    },
    removeEventListener: (_type: string, listener: EventListenerOrEventListenerObject) => {
      const l = wrapped.get(listener);
      if (l === undefined) return;
      wrapped.delete(listener);
      port.off('message', l);
    },
  };
}

/**
 * A Node worker as the worker bridge sees a browser Worker: its 'error' and unexpected 'exit' become
 * 'error' events carrying the message; `ref`/`unref` let an idle worker not hold the process open.
 */
export function nodeWorker(worker: Worker): WorkerLike {
  const endpoint = nodeEndpoint(worker);
  const onError = new Set<EventListenerOrEventListenerObject>();
  const fire = (message: string): void => {
    const ev = { type: 'error', message } as unknown as Event;
    for (const l of onError) {
      if ('handleEvent' in l) l.handleEvent(ev);
      else l(ev);
    }
  };
  worker.on('error', (err) => fire(errorMessage(err)));
  worker.on('exit', (code) => fire(`exited with code ${code}`));
  return {
    postMessage: endpoint.postMessage,
    addEventListener: (type, listener) =>
      type === 'error' ? void onError.add(listener) : endpoint.addEventListener(type, listener),
    removeEventListener: (type, listener) =>
      type === 'error' ? void onError.delete(listener) : endpoint.removeEventListener(type, listener),
    terminate: () => {
      worker.removeAllListeners('exit');
      void worker.terminate();
    },
    ref: () => worker.ref(),
    unref: () => worker.unref(),
  };
}
