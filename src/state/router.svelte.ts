/** The current route, following `location.hash` (back/forward included). */
import { href, parseHash, type Route } from './routes.ts';

export class Router {
  #route = $state.raw<Route>({ view: 'home' });
  readonly #onChange = (): void => {
    this.#route = parseHash(window.location.hash);
  };

  constructor() {
    this.#onChange();
    window.addEventListener('hashchange', this.#onChange);
  }

  get route(): Route {
    return this.#route;
  }

  go(route: Exclude<Route, { view: 'not-found' }>): void {
    const h = href(route);
    if (window.location.hash === h) this.#onChange();
    else window.location.hash = h;
  }

  dispose(): void {
    window.removeEventListener('hashchange', this.#onChange);
  }
}
