/**
 * A fake Worker for the worker bridge's tests: a MessageChannel with `api` exposed by comlink on the far
 * end, so calls really cross a message port; `crash` fires the 'error' event a browser Worker would.
 */
import * as Comlink from 'comlink';
import type { WorkerLike } from '../../../src/workers/worker-bridge.ts';

export class FakeWorker<Api extends object = object> implements WorkerLike {
  terminated = false;
  private readonly port: MessagePort;
  private readonly far: MessagePort;
  private readonly errorListeners = new Set<EventListenerOrEventListenerObject>();

  constructor(api: Api) {
    const ch = new MessageChannel();
    this.port = ch.port1;
    this.far = ch.port2;
    Comlink.expose(api, this.far);
  }

  postMessage(message: unknown, transfer?: Transferable[]): void {
    if (!this.terminated) this.port.postMessage(message, transfer ?? []);
  }

  addEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    if (type === 'error') this.errorListeners.add(listener);
    else {
      this.port.addEventListener(type, listener);
      this.port.start();
    }
  }

  removeEventListener(type: string, listener: EventListenerOrEventListenerObject): void {
    if (type === 'error') this.errorListeners.delete(listener);
    else this.port.removeEventListener(type, listener);
  }

  terminate(): void {
    this.terminated = true;
    this.port.close();
    this.far.close();
  }

  /** An uncaught error in the worker, as a browser reports it. */
  crash(message: string): void {
    const ev = Object.assign(new Event('error'), { message });
    for (const l of this.errorListeners) {
      if ('handleEvent' in l) l.handleEvent(ev);
      else l(ev);
    }
  }
}
