/**
 * The Results view's trial filter as state: the URL query it was read from, the filter that applies
 * (conditions on parameters the study lacks dropped), the notices for what was ignored, and the
 * filtered trials. `shown` is the one list the table and every plot of Results take, so a plot added
 * later follows the filter by using it. Pure logic: trial-filter.ts.
 */
import type { FrozenTrial, StudyDirection } from '../engine/index.ts';
import {
  applyTrialFilter,
  filterFromQuery,
  filterToQuery,
  isFilterEmpty,
  paramDomains,
  withKnownParams,
  type ParamDomain,
  type TrialFilter,
} from './trial-filter.ts';

export class TrialFilterView {
  #query = $state('');
  readonly #parsed = $derived(filterFromQuery(this.#query));
  readonly #domains = $derived.by(() => paramDomains(this.source()));
  readonly #known = $derived(withKnownParams(this.#parsed.filter, this.#domains));
  readonly #shown = $derived.by(() => applyTrialFilter(this.source(), this.#known.filter, this.directions()));

  constructor(
    /** The study's trials (all of them). */
    private readonly source: () => readonly FrozenTrial[],
    /** The study's directions: best only and top K rank by them. */
    private readonly directions: () => readonly StudyDirection[],
  ) {}

  /** The query as the address has it. */
  get query(): string {
    return this.#query;
  }
  /** Takes the address's query; true when it changed. */
  setQuery(query: string): boolean {
    if (query === this.#query) return false;
    this.#query = query;
    return true;
  }
  /** The filter that applies. */
  get filter(): TrialFilter {
    return this.#known.filter;
  }
  get active(): boolean {
    return !isFilterEmpty(this.#known.filter);
  }
  /** Plain sentences for every part of the address that was ignored. */
  get notices(): readonly string[] {
    return [...this.#parsed.notices, ...this.#known.notices];
  }
  /** What each parameter of the study spans, for the filter bar. */
  get domains(): readonly ParamDomain[] {
    return this.#domains;
  }
  get shown(): FrozenTrial[] {
    return this.#shown;
  }
  /** Every trial of the study. */
  get all(): readonly FrozenTrial[] {
    return this.source();
  }
  get total(): number {
    return this.source().length;
  }
  get multiObjective(): boolean {
    return this.directions().length > 1;
  }
  /** The address query for another filter (for the router). */
  queryFor(f: TrialFilter): string {
    return filterToQuery(f);
  }
}
