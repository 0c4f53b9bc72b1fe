import { describe, expect, it } from 'vitest';
import {
  isolateViaServiceWorker,
  shouldReloadForIsolation,
  type IsolationWindow,
} from '../../../../src/state/adapters/isolation.ts';

function fakeWindow(opts: { isolated: boolean; controlled: boolean; stored?: string | null; blocked?: boolean }) {
  const store = new Map<string, string>();
  if (opts.stored != null) store.set('dmc-tune-isolation-reload', opts.stored);
  const listeners: (() => void)[] = [];
  let reloads = 0;
  const sw = {
    controller: opts.controlled ? ({} as ServiceWorker) : null,
    addEventListener: (_t: string, f: () => void) => void listeners.push(f),
  };
  const win = {
    crossOriginIsolated: opts.isolated,
    navigator: { serviceWorker: sw as unknown as IsolationWindow['navigator']['serviceWorker'] },
    sessionStorage: {
      getItem: (k: string) => {
        if (opts.blocked) throw new Error('SecurityError');
        return store.get(k) ?? null;
      },
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    },
    location: { reload: () => void reloads++ },
  };
  return {
    win,
    store,
    takeControl: () => {
      sw.controller = {} as ServiceWorker;
      for (const f of listeners) f();
    },
    reloads: () => reloads,
  };
}

describe('service-worker isolation', () => {
  it('reloads only a controlled, non-isolated page that has not tried yet', () => {
    expect(shouldReloadForIsolation({ isolated: false, controlled: true, triedBefore: false })).toBe(true);
    expect(shouldReloadForIsolation({ isolated: true, controlled: true, triedBefore: false })).toBe(false);
    expect(shouldReloadForIsolation({ isolated: false, controlled: false, triedBefore: false })).toBe(false);
    expect(shouldReloadForIsolation({ isolated: false, controlled: true, triedBefore: true })).toBe(false);
  });

  it('reloads once when the worker takes control of a first visit', () => {
    const f = fakeWindow({ isolated: false, controlled: false });
    isolateViaServiceWorker(f.win);
    expect(f.reloads()).toBe(0);
    f.takeControl();
    expect(f.reloads()).toBe(1);
    expect(f.store.has('dmc-tune-isolation-reload')).toBe(true);
  });

  it('does not loop when the reloaded page is still not isolated', () => {
    const f = fakeWindow({ isolated: false, controlled: true, stored: '1' });
    isolateViaServiceWorker(f.win);
    f.takeControl();
    expect(f.reloads()).toBe(0);
  });

  it('an already controlled, non-isolated page reloads at once', () => {
    const f = fakeWindow({ isolated: false, controlled: true });
    isolateViaServiceWorker(f.win);
    expect(f.reloads()).toBe(1);
  });

  it('an isolated page forgets the try, so a later visit may reload again', () => {
    const f = fakeWindow({ isolated: true, controlled: true, stored: '1' });
    isolateViaServiceWorker(f.win);
    expect(f.store.size).toBe(0);
    expect(f.reloads()).toBe(0);
  });

  it('never reloads where it could not remember doing so (storage blocked)', () => {
    const f = fakeWindow({ isolated: false, controlled: true, blocked: true });
    isolateViaServiceWorker(f.win);
    expect(f.reloads()).toBe(0);
  });
});
