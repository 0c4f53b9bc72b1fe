/**
 * Realistic FrozenTrial fixtures for the plot tests, built with the engine's own shapes: the notebook's
 * search space (docs/design/study-engine.md#the-reference-study) plus a log-scale learning rate, every trial state, and NaN/±Infinity
 * values where Optuna allows them (COMPLETE ±Infinity; NaN only in intermediate values).
 */
import { TrialState } from '../../../src/engine/types.ts';
import type { Distribution, FrozenTrial, JsonValue, ParamValue } from '../../../src/engine/types.ts';

export interface TrialSpec {
  number: number;
  state?: TrialState;
  value?: number | null;
  params?: Record<string, ParamValue>;
  distributions?: Record<string, Distribution>;
  start?: string | null;
  complete?: string | null;
  userAttrs?: Record<string, JsonValue>;
  systemAttrs?: Record<string, JsonValue>;
  intermediate?: [number, number][];
}

export function makeTrial(s: TrialSpec): FrozenTrial {
  const state = s.state ?? TrialState.COMPLETE;
  const value = s.value === undefined ? (state === TrialState.COMPLETE ? 1 : null) : s.value;
  return {
    number: s.number,
    trialId: s.number,
    state,
    values: value === null ? null : [value],
    datetimeStart: s.start === undefined ? null : s.start,
    datetimeComplete: s.complete === undefined ? null : s.complete,
    params: s.params ?? {},
    distributions: s.distributions ?? {},
    userAttrs: s.userAttrs ?? {},
    systemAttrs: s.systemAttrs ?? {},
    intermediateValues: new Map(s.intermediate ?? []),
  };
}

export const DIST = {
  dropout: { type: 'float', low: 0.01, high: 0.3, log: false, step: null },
  lr: { type: 'float', low: 1e-4, high: 1e-2, log: true, step: null },
  num_seeds: { type: 'int', low: 1, high: 8, log: false, step: 1 },
  batch_size: { type: 'categorical', choices: [16, 32, 64, 128] },
  embed_dim: { type: 'categorical', choices: [64, 128] },
} as const satisfies Record<string, Distribution>;

const ALL: Record<string, Distribution> = { ...DIST };

function at(second: number): string {
  const base = Date.UTC(2025, 4, 23, 12, 27, 0);
  const d = new Date(base + Math.floor(second * 1000));
  const micros = String(Math.round((second * 1e6) % 1e6)).padStart(6, '0');
  return `${d.toISOString().slice(0, 19)}.${micros}`;
}

/**
 * Twelve trials of a minimisation study: 0–6 COMPLETE, 7 COMPLETE with +Infinity, 8 PRUNED with a
 * NaN intermediate value, 9 FAIL (with a smaller search space), 10 RUNNING, 11 WAITING (never started).
 */
export function studyFixture(): FrozenTrial[] {
  const rows: [number, number, number, number, number, number][] = [
    // dropout, lr, num_seeds, batch idx, embed idx, value
    [0.2687, 5.95e-4, 4, 0, 1, 1.4345],
    [0.1, 2e-3, 7, 2, 1, 1.9],
    [0.05, 1.2e-4, 2, 1, 0, 2.75],
    [0.29, 8e-3, 5, 3, 0, 1.6],
    [0.15, 3e-4, 8, 2, 1, 1.5],
    [0.011, 1e-3, 1, 0, 0, 2.1],
    [0.22, 4.5e-3, 3, 3, 1, 1.45],
  ];
  const trials: FrozenTrial[] = rows.map(([dropout, lr, seeds, b, e, value], k) =>
    makeTrial({
      number: k,
      value,
      params: {
        dropout,
        lr,
        num_seeds: seeds,
        batch_size: DIST.batch_size.choices[b]!,
        embed_dim: DIST.embed_dim.choices[e]!,
      },
      distributions: ALL,
      start: at(k * 110),
      complete: at(k * 110 + 100 + k * 0.5),
      userAttrs: {
        nrmse: 0.1 * (k + 1),
        'posterior contraction': 0.9 - 0.01 * k,
        note: k === 2 ? 'slow, "odd"\nrun' : 'ok',
      },
      intermediate: [
        [0, value + 1],
        [1, value + 0.5],
        [2, value],
      ],
    }),
  );
  trials.push(
    makeTrial({
      number: 7,
      value: Infinity,
      params: { dropout: 0.3, lr: 1e-2, num_seeds: 6, batch_size: 16, embed_dim: 64 },
      distributions: ALL,
      start: at(770),
      complete: at(800),
      intermediate: [[0, Infinity]],
    }),
    makeTrial({
      number: 8,
      state: TrialState.PRUNED,
      value: null,
      params: { dropout: 0.12, lr: 7e-4, num_seeds: 3, batch_size: 32, embed_dim: 128 },
      distributions: ALL,
      start: at(880),
      complete: at(930),
      intermediate: [
        [0, 3.1],
        [1, Number.NaN],
        [2, 2.9],
      ],
    }),
    makeTrial({
      number: 9,
      state: TrialState.FAIL,
      value: null,
      params: { dropout: 0.2, lr: 5e-3 },
      distributions: { dropout: DIST.dropout, lr: DIST.lr },
      start: at(990),
      complete: at(995),
    }),
    makeTrial({
      number: 10,
      state: TrialState.RUNNING,
      value: null,
      params: { dropout: 0.17, lr: 6e-4, num_seeds: 4, batch_size: 64, embed_dim: 64 },
      distributions: ALL,
      start: at(1000),
      complete: null,
      intermediate: [[0, 2.2]],
    }),
    makeTrial({ number: 11, state: TrialState.WAITING, value: null, start: null, complete: null }),
  );
  return trials;
}

export const FIXTURE_START = at(0);
export { at as fixtureTime };
