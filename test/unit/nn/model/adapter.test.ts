import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdapterError, DataSets, fitStandardization, unstandardize, type SimBatch } from '../../../../src/nn/index.ts';
import { buildHostInputs, disposeInputs, toTensors } from '../../../../src/nn/model/adapter.ts';
import { randomBatch, useWasm } from '../helpers.ts';

beforeAll(useWasm);

const tiny: SimBatch = {
  n: 3,
  numObs: 2,
  paramNames: ['A', 'tau'],
  params: Float64Array.from([1, 10, 2, 20, 6, 60]),
  rt: Float32Array.from([0.4, 0.5, -1, 0.7, 0.8, 0.9]),
  accuracy: Float32Array.from([1, 0, -1, 1, 1, 1]),
  conditions: Float32Array.from([0, 1, 0, 1, 0, 1]),
};

describe('standardized per-trial inputs (opt-in adapter option `trials`)', () => {
  it('known moments over every trial; applied to real rows only, padding stays zero; absent by default', () => {
    const s = fitStandardization(tiny, { trials: true });
    expect(fitStandardization(tiny).trials).toBeUndefined();
    const mom = (xs: number[]) => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return { m, sd: Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) };
    };
    const rt = mom([0.4, 0.5, -1, 0.7, 0.8, 0.9].map((x) => Math.fround(x)));
    const acc = mom([1, 0, -1, 1, 1, 1]);
    const cond = mom([0, 1, 0, 1, 0, 1]);
    expect(s.trials!.mean[0]).toBeCloseTo(rt.m, 6);
    expect(s.trials!.std[0]).toBeCloseTo(rt.sd, 6);
    expect(s.trials!.mean[1]).toBeCloseTo(acc.m, 12);
    expect(s.trials!.std[1]).toBeCloseTo(acc.sd, 12);
    expect(s.trials!.mean[2]).toBeCloseTo(cond.m, 12);
    expect(s.trials!.std[2]).toBeCloseTo(cond.sd, 12);
    // A shorter set among longer ones is padded: its padding row stays 0, its real row is standardized.
    const short: SimBatch = {
      ...tiny,
      n: 1,
      numObs: 1,
      params: Float64Array.from([3, 30]),
      rt: Float32Array.from([0.6]),
      accuracy: Float32Array.from([1]),
      conditions: Float32Array.from([1]),
    };
    const sets = DataSets.from([tiny, short]);
    const h = buildHostInputs(sets, [0, 3], s);
    expect(h.summary[0]).toBeCloseTo((Math.fround(0.4) - s.trials!.mean[0]!) / s.trials!.std[0]!, 6);
    expect(h.summary[7]).toBeCloseTo((1 - s.trials!.mean[1]!) / s.trials!.std[1]!, 6);
    expect(Array.from(h.summary.subarray(9, 12))).toEqual([0, 0, 0]);
    expect(Array.from(h.mask!)).toEqual([1, 1, 1, 0]);
    // A constant input gets std 1 (no division by zero).
    const oneCond: SimBatch = { ...tiny, conditions: Float32Array.from([0, 0, 0, 0, 0, 0]) };
    expect(fitStandardization(oneCond, { trials: true }).trials!.std[2]).toBe(1);
    expect(() => buildHostInputs(sets, [0], { ...s, trials: { mean: [0, 0], std: [1, 1] } })).toThrow(
      /trials must have 3 means/,
    );
  });
});

describe('standardization (fixed, fitted on the training set, ddof 1)', () => {
  it('known values', () => {
    const s = fitStandardization(tiny);
    // A: mean 3, sample var ((−2)² + (−1)² + 3²)/2 = 7; tau = 10·A.
    expect([...s.mean]).toEqual([3, 30]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(7), 14);
    expect(s.std[1]).toBeCloseTo(10 * Math.sqrt(7), 12);
  });

  it('over several batches, constant parameters get std 1, too few sets throw', () => {
    const other: SimBatch = {
      ...tiny,
      n: 1,
      params: Float64Array.from([3, 30]),
      rt: tiny.rt.slice(0, 2),
      accuracy: tiny.accuracy.slice(0, 2),
      conditions: tiny.conditions.slice(0, 2),
    };
    const s = fitStandardization([tiny, other]);
    expect(s.mean[0]).toBeCloseTo(3, 14);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(14 / 3), 14);
    const constant = { ...tiny, params: Float64Array.from([1, 5, 1, 6, 1, 7]) };
    expect(fitStandardization(constant).std[0]).toBe(1);
    expect(() => fitStandardization(other)).toThrow(/at least 2/);
  });

  it('opt-in: the direct condition sqrt(num_obs) standardized with its own mean/std (ddof 1)', () => {
    const long = randomBatch(1, 8, 4, 2);
    const sets = DataSets.from([tiny, long]); // num_obs 2, 2, 2, 8
    const s = fitStandardization(sets, { condition: true });
    const r = [Math.SQRT2, Math.SQRT2, Math.SQRT2, Math.sqrt(8)];
    const m = r.reduce((a, b) => a + b, 0) / 4;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / 3);
    expect(s.condition!.mean).toBeCloseTo(m, 14);
    expect(s.condition!.std).toBeCloseTo(sd, 14);
    const h = buildHostInputs(sets, [0, 3], s);
    expect(h.sqrtNumObs[0]).toBeCloseTo((Math.SQRT2 - m) / sd, 6);
    expect(h.sqrtNumObs[1]).toBeCloseTo((Math.sqrt(8) - m) / sd, 6);
    // Default: the notebook's raw condition; a constant num_obs standardizes to 0.
    expect(fitStandardization(sets).condition).toBeUndefined();
    expect(buildHostInputs(sets, [3], fitStandardization(sets)).sqrtNumObs[0]).toBeCloseTo(Math.sqrt(8), 6);
    const fixed = fitStandardization(tiny, { condition: true });
    expect(fixed.condition).toEqual({ mean: Math.SQRT2, std: 1 });
    expect(buildHostInputs(DataSets.from(tiny), [1], fixed).sqrtNumObs[0]).toBe(0);
    expect(() => buildHostInputs(sets, [0], { ...s, condition: { mean: 0, std: 0 } })).toThrow(
      /condition.std must be > 0, got 0/,
    );
  });

  it('inverse maps standardized values back (in parameter order)', () => {
    const s = fitStandardization(tiny);
    const h = buildHostInputs(DataSets.from(tiny), [0, 1, 2], s);
    const back = unstandardize(h.x1!, s);
    [...tiny.params].forEach((v, i) => expect(back[i]).toBeCloseTo(v, 5));
    expect(h.x1![0]).toBeCloseTo((1 - 3) / Math.sqrt(7), 6);
    expect(() => unstandardize([1, 2, 3], s)).toThrow(/multiple of P = 2/);
  });
});

describe('network inputs', () => {
  it('summary (B, N, 3) = [rt, accuracy, condition], sqrt(num_obs), no mask for equal lengths', () => {
    const h = buildHostInputs(DataSets.from(tiny), [2, 0], null);
    expect(h.numObs).toBe(2);
    expect(h.mask).toBeNull();
    expect(h.x1).toBeNull();
    expect([...h.summary]).toEqual([...[0.8, 1, 0, 0.9, 1, 1], ...[0.4, 1, 0, 0.5, 0, 1]].map(Math.fround));
    expect([...h.sqrtNumObs]).toEqual([Math.fround(Math.SQRT2), Math.fround(Math.SQRT2)]);
  });

  it('data sets of different num_obs share a padded batch with a mask', () => {
    const long = randomBatch(2, 5, 1, 2);
    const sets = DataSets.from([tiny, long]);
    expect(sets.n).toBe(5);
    expect(sets.maxObs).toBe(5);
    const h = buildHostInputs(sets, [0, 3], null);
    expect(h.numObs).toBe(5);
    expect([...h.mask!]).toEqual([1, 1, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect([...h.summary.subarray(6, 15)]).toEqual(new Array(9).fill(0)); // zero padding rows
    expect(h.sqrtNumObs[0]).toBeCloseTo(Math.SQRT2, 6);
    expect(h.sqrtNumObs[1]).toBeCloseTo(Math.sqrt(5), 6);
    expect(h.summary[15]).toBe(long.rt[0]); // set 3 = long row 0, trial 0
  });

  it('toTensors uploads every piece with the right shapes and does not leak', async () => {
    const before = tf.memory().numTensors;
    const s = fitStandardization(tiny);
    const t = toTensors([tiny, randomBatch(2, 4, 3, 2)], s);
    expect(t.summary.shape).toEqual([5, 4, 3]);
    expect(t.mask!.shape).toEqual([5, 4]);
    expect(t.sqrtNumObs.shape).toEqual([5, 1]);
    expect(t.x1!.shape).toEqual([5, 2]);
    disposeInputs(t);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects malformed batches, naming the field and value', () => {
    expect(() => DataSets.from({ ...tiny, rt: new Float32Array(5) })).toThrow(/rt has 5 values, expected n·numObs = 6/);
    expect(() => DataSets.from({ ...tiny, params: new Float64Array(5) })).toThrow(/params has 5 values/);
    expect(() => DataSets.from([tiny, randomBatch(2, 3, 1, 6)])).toThrow(AdapterError);
    expect(() => DataSets.from([])).toThrow(/at least one batch/);
    expect(() =>
      buildHostInputs(DataSets.from(tiny), [0], { mean: new Float64Array(3), std: new Float64Array(3).fill(1) }),
    ).toThrow(/3 means and 3 stds, expected 2/);
  });
});
