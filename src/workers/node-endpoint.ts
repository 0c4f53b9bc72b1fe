/**
 * comlink endpoint over a Node `MessagePort` or `Worker` (their 'message' events carry the value itself,
 * not a MessageEvent). Own adapter instead of comlink's dist/esm/node-adapter.mjs, which ships no types
 * that TypeScript can resolve for the .mjs path.
 */
import type { Endpoint } from 'comlink';

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
