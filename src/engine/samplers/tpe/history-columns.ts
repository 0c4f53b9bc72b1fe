/**
 * Column view of a trial history for TPE: the internal value of one parameter in every trial of a
 * list (NaN where the trial lacks it; internal values are never NaN). Keyed property lookups on a
 * thousand trial objects per suggest dominated TPE's time, so computed rows are kept between calls.
 *
 * The cache is only an accelerator: rows are reused for the longest prefix of trial objects that are
 * identical (===) to the ones they were computed from. Finished trial snapshots are immutable, so
 * identical objects mean identical values; a storage that returns fresh objects (or another study)
 * simply recomputes. Nothing the sampler proposes depends on what is cached.
 */
import { choicesEqual } from '../../distributions.ts';
import type { CategoricalChoice, Distribution, FrozenTrial, ParamValue } from '../../types.ts';

interface Column {
  data: Float64Array;
  length: number;
}

/** Internal value of a categorical choice with Optuna's equality (first Python-equal choice). */
function categoricalIndex(choices: readonly CategoricalChoice[], v: ParamValue): number {
  for (let i = 0; i < choices.length; i++) if (choicesEqual(v, choices[i] as CategoricalChoice)) return i;
  return NaN;
}

export class HistoryColumns {
  /** The trial list the cached rows were computed from (row i ↔ seen[i]). */
  private seen: readonly FrozenTrial[] = [];
  private readonly columns = new Map<string, Column>();

  /** Internal values of `name` aligned with `trials` (a view valid until the next call). */
  column(trials: readonly FrozenTrial[], name: string): Float64Array {
    if (trials !== this.seen) this.sync(trials);
    let col = this.columns.get(name);
    if (col === undefined) {
      col = { data: new Float64Array(Math.max(16, trials.length)), length: 0 };
      this.columns.set(name, col);
    }
    if (col.data.length < trials.length) {
      const bigger = new Float64Array(Math.max(trials.length, 2 * col.data.length));
      bigger.set(col.data.subarray(0, col.length));
      col.data = bigger;
    }
    for (let i = col.length; i < trials.length; i++) {
      const t = trials[i] as FrozenTrial;
      const v = t.params[name];
      if (v === undefined) {
        col.data[i] = NaN;
        continue;
      }
      const d = t.distributions[name] as Distribution;
      col.data[i] = d.type === 'categorical' ? categoricalIndex(d.choices, v) : (v as number);
    }
    col.length = trials.length;
    return col.data.subarray(0, trials.length);
  }

  /** Keeps the rows of the longest prefix of identical trial objects. */
  private sync(trials: readonly FrozenTrial[]): void {
    const prev = this.seen;
    const limit = Math.min(prev.length, trials.length);
    let p = 0;
    while (p < limit && prev[p] === trials[p]) p++;
    for (const col of this.columns.values()) if (col.length > p) col.length = p;
    this.seen = trials;
  }
}
