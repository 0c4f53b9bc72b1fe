/**
 * The service-worker route to cross-origin isolation, for static hosts that cannot send COOP/COEP
 * headers (GitHub Pages, a plain file server): public/sw.js adds both headers to every response it
 * serves, but the first visit is answered by the host alone, so the page is not isolated until it is
 * loaded again under the worker's control. This reloads it once when that happens, and never loops:
 * one try per tab (sessionStorage), cleared once the page is isolated. A reload in the middle of a
 * study is safe: the Run view offers to continue it (workbench.offerResumeAfterReload).
 */

const KEY = 'dmc-tune-isolation-reload';

export interface IsolationState {
  /** globalThis.crossOriginIsolated. */
  isolated: boolean;
  /** A service worker controls the page (navigator.serviceWorker.controller). */
  controlled: boolean;
  /** This tab has already reloaded once for isolation (or cannot remember that it did). */
  triedBefore: boolean;
}

/** Reload when a worker controls a page that is still not isolated, once per tab. */
export function shouldReloadForIsolation(s: IsolationState): boolean {
  return !s.isolated && s.controlled && !s.triedBefore;
}

export interface IsolationWindow {
  crossOriginIsolated: boolean;
  navigator: { serviceWorker: Pick<ServiceWorkerContainer, 'controller' | 'addEventListener'> };
  sessionStorage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  location: Pick<Location, 'reload'>;
}

/** Watches for the service worker taking control and reloads once if the page is not yet isolated. */
export function isolateViaServiceWorker(win: IsolationWindow): void {
  const store = win.sessionStorage;
  const triedBefore = (): boolean => {
    try {
      return store.getItem(KEY) !== null;
    } catch {
      return true; // storage blocked: a reload could not be remembered, so never risk a loop
    }
  };
  if (win.crossOriginIsolated) {
    try {
      store.removeItem(KEY);
    } catch {
      // nothing remembered, nothing to clear
    }
    return;
  }
  const sw = win.navigator.serviceWorker;
  const check = (): void => {
    if (
      !shouldReloadForIsolation({
        isolated: win.crossOriginIsolated,
        controlled: sw.controller !== null,
        triedBefore: triedBefore(),
      })
    )
      return;
    store.setItem(KEY, String(Date.now()));
    win.location.reload();
  };
  sw.addEventListener('controllerchange', check);
  check();
}
