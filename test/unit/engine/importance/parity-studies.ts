/**
 * The two studies of the fANOVA parity test, built deterministically so that the recorded Optuna
 * numbers stay valid: trial k's parameters come from mulberry32 (below, 32-bit integer arithmetic
 * only) seeded with `seed + k`, uniformly in each parameter's space (log-uniform for a log float,
 * a uniform choice for a categorical); the values are the closed-form objectives below, noise-free.
 * Nothing from the engine's samplers is used, so a sampler change cannot move the expected numbers.
 */
import type { Distribution, TrialTemplate } from '../../../../src/engine/index.ts';
import { TrialState } from '../../../../src/engine/index.ts';

/** mulberry32: a well-known 32-bit generator, written out so the sequence never changes. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ParityStudy {
  readonly name: string;
  readonly distributions: Record<string, Distribution>;
  readonly trials: TrialTemplate[];
}

function build(
  name: string,
  n: number,
  seed: number,
  distributions: Record<string, Distribution>,
  f: (p: Record<string, number | string>) => number,
): ParityStudy {
  const names = Object.keys(distributions).sort();
  const trials: TrialTemplate[] = [];
  for (let k = 0; k < n; k++) {
    const u = mulberry32(seed + k);
    const params: Record<string, number | string> = {};
    const internal: Record<string, number> = {};
    for (const p of names) {
      const d = distributions[p]!;
      if (d.type === 'categorical') {
        const i = Math.min(d.choices.length - 1, Math.floor(u() * d.choices.length));
        internal[p] = i;
        params[p] = d.choices[i] as string;
      } else {
        const v = d.log
          ? Math.exp(Math.log(d.low) + u() * (Math.log(d.high) - Math.log(d.low)))
          : d.low + u() * (d.high - d.low);
        internal[p] = v;
        params[p] = v;
      }
    }
    trials.push({ state: TrialState.COMPLETE, values: [f(params)], paramsInternal: internal, distributions });
  }
  return { name, distributions, trials };
}

const float = (low: number, high: number, log = false): Distribution => ({ type: 'float', low, high, log, step: null });

/** A 6-choice categorical `c` beside a float `x`: the choice carries almost all of the variance. */
export function categoricalAndFloat(): ParityStudy {
  const offset: Record<string, number> = { a: 0, b: 3, c: 1, d: 4, e: 2, f: 5 };
  return build(
    'cat6-x',
    60,
    1000,
    { c: { type: 'categorical', choices: ['a', 'b', 'c', 'd', 'e', 'f'] }, x: float(0, 1) },
    (p) => offset[p.c as string]! + (p.x as number),
  );
}

/** A log float `lr` beside a 4-choice categorical `opt`; `lr` barely matters. */
export function logFloatAndCategorical(): ParityStudy {
  const offset: Record<string, number> = { sgd: 0, adam: 1, rmsprop: 2.5, adagrad: 0.5 };
  return build(
    'lr-opt4',
    60,
    2000,
    { lr: float(1e-5, 1e-1, true), opt: { type: 'categorical', choices: ['sgd', 'adam', 'rmsprop', 'adagrad'] } },
    (p) => offset[p.opt as string]! + 0.15 * (Math.log10(p.lr as number) + 3),
  );
}
