/**
 * Hash routes of the app. Hash routing keeps the app a set of static files (it works from any path,
 * offline, and under `vite preview`) and lets the browser's back/forward buttons move between views.
 * Pure functions, so the mapping is unit-tested without a DOM.
 */
export type ViewName = 'home' | 'simulate' | 'setup' | 'run' | 'results' | 'infer';

export type Route =
  | { view: 'home' }
  | { view: 'simulate' }
  /**
   * A new study, optionally prefilled from an existing study's configuration or from a study link
   * (`#/setup?study=v1.…`, the configuration packed into the fragment: study-config/share-link.ts).
   */
  | { view: 'setup'; fromStudy: number | null; link?: string }
  /** The run view of one study, or its empty state when no study is named. */
  | { view: 'run'; studyId: number | null }
  /** `filter`: the trial filter's query text (state/trial-filter.ts reads it), absent when none. */
  | { view: 'results'; studyId: number | null; filter?: string }
  /** Posteriors for the user's own data from a trained network. */
  | { view: 'infer' }
  /** Studies side by side (`#/compare?studies=3,5`): their histories and EDFs in one plot each. */
  | { view: 'compare'; studies: number[] }
  | { view: 'not-found'; hash: string };

export const NAV: readonly { view: ViewName; label: string }[] = [
  { view: 'home', label: 'Home' },
  { view: 'simulate', label: 'Simulate' },
  { view: 'setup', label: 'Setup' },
  { view: 'run', label: 'Run' },
  { view: 'results', label: 'Results' },
  { view: 'infer', label: 'Infer' },
];

function studyId(part: string | undefined): number | null | undefined {
  if (part === undefined || part === '') return null;
  return /^\d{1,9}$/.test(part) ? Number(part) : undefined;
}

export function parseHash(hash: string): Route {
  const bare = hash.replace(/^#/, '');
  const q = bare.indexOf('?');
  const path = (q < 0 ? bare : bare.slice(0, q)).replace(/^\/+/, '').replace(/\/+$/, '');
  const [head = '', arg, ...extra] = path.split('/');
  if (extra.length > 0) return { view: 'not-found', hash };
  if (q >= 0 && head === 'results' && arg !== undefined) {
    // Results of a study take a query: its trial filter, read (malformed parts and all) by trial-filter.ts.
    const id = studyId(arg);
    const filter = bare.slice(q + 1);
    if (id === undefined || id === null) return { view: 'not-found', hash };
    return filter === '' ? { view: 'results', studyId: id } : { view: 'results', studyId: id, filter };
  }
  if (q >= 0 && head === 'compare') return compareRoute(arg, new URLSearchParams(bare.slice(q + 1)), hash);
  if (q >= 0) {
    // Setup takes a query too: the study link. Its value is base64url, so it needs no decoding here.
    const query = new URLSearchParams(bare.slice(q + 1));
    const link = query.get('study');
    const onlyStudy = [...query.keys()].every((k) => k === 'study');
    return head === 'setup' && arg === undefined && link !== null && onlyStudy
      ? { view: 'setup', fromStudy: null, link }
      : { view: 'not-found', hash };
  }
  const id = studyId(arg);
  switch (head) {
    case '':
      return arg === undefined ? { view: 'home' } : { view: 'not-found', hash };
    case 'simulate':
      return arg === undefined ? { view: 'simulate' } : { view: 'not-found', hash };
    case 'infer':
      return arg === undefined ? { view: 'infer' } : { view: 'not-found', hash };
    case 'setup':
      return id === undefined ? { view: 'not-found', hash } : { view: 'setup', fromStudy: id };
    case 'run':
    case 'results':
      return id === undefined ? { view: 'not-found', hash } : { view: head, studyId: id };
    default:
      return { view: 'not-found', hash };
  }
}

/** `#/compare?studies=3,5`: one or more study ids, comma-separated, and nothing else. */
function compareRoute(arg: string | undefined, query: URLSearchParams, hash: string): Route {
  const ids = (query.get('studies') ?? '').split(',').map(studyId);
  const ok = arg === undefined && [...query.keys()].every((k) => k === 'studies');
  return ok && ids.every((id) => typeof id === 'number')
    ? { view: 'compare', studies: ids as number[] }
    : { view: 'not-found', hash };
}

export function href(route: Exclude<Route, { view: 'not-found' }>): string {
  switch (route.view) {
    case 'home':
      return '#/';
    case 'simulate':
      return '#/simulate';
    case 'infer':
      return '#/infer';
    case 'setup':
      if (route.link !== undefined) return `#/setup?study=${route.link}`;
      return route.fromStudy === null ? '#/setup' : `#/setup/${route.fromStudy}`;
    case 'run':
      return route.studyId === null ? '#/run' : `#/run/${route.studyId}`;
    case 'results':
      if (route.studyId === null) return '#/results';
      return route.filter === undefined || route.filter === ''
        ? `#/results/${route.studyId}`
        : `#/results/${route.studyId}?${route.filter}`;
    case 'compare':
      return `#/compare?studies=${route.studies.join(',')}`;
  }
}
