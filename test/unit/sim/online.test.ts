/**
 * Online training data (src/sim/online.ts): every data set of every online batch comes from its own
 * seeded stream, so the batches are the same for 1 or 2 simulation workers, none repeats another or a
 * training or validation set, and the feed prepares batches ahead without handing one out twice.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  NOTEBOOK_CONFIG,
  ONLINE_BASE,
  OnlineFeed,
  onlineBatchPlan,
  simulateBatch,
  simulateOnlineBatch,
  simulateRange,
  validationPlans,
  type DmcBatch,
  type DmcConfig,
} from '../../../src/sim/index.ts';
import { NodeSimPool } from '../../../src/workers/node-sim-pool.ts';
import { sameBits } from './helpers.ts';

const ranged: DmcConfig = { ...NOTEBOOK_CONFIG, fixedNumObs: null, minNumObs: 20, maxNumObs: 60 };

function expectSameBatch(a: DmcBatch, b: DmcBatch): void {
  expect(a.n).toBe(b.n);
  expect(a.numObs).toBe(b.numObs);
  for (const k of ['params', 'rt', 'accuracy', 'conditions'] as const) expect(sameBits(a[k], b[k])).toBe(true);
}

/** Parameter vectors as strings: a repeated data set would repeat its exact draw. */
function paramRows(b: DmcBatch): string[] {
  const P = b.paramNames.length;
  return Array.from({ length: b.n }, (_, i) => Array.from(b.params.subarray(i * P, (i + 1) * P)).join(','));
}

describe('online batches', () => {
  it('batch j holds data sets ONLINE_BASE + j·B … of the seed, with one N per batch drawn from its own stream', () => {
    const plans = [0, 1, 2, 3].map((j) => onlineBatchPlan(ranged, 7, j, 16));
    expect(plans.map((p) => p.start)).toEqual([0, 16, 32, 48].map((x) => ONLINE_BASE + x));
    for (const p of plans) expect(p.numObs >= 20 && p.numObs <= 60).toBe(true);
    // The N of a batch depends on its index: over 30 batches they are not all equal.
    expect(
      new Set(Array.from({ length: 30 }, (_, j) => onlineBatchPlan(ranged, 7, j, 16).numObs)).size,
    ).toBeGreaterThan(5);
    const b = simulateOnlineBatch(ranged, 7, 2, 16);
    expectSameBatch(b, simulateRange(ranged, 7, ONLINE_BASE + 32, 16, plans[2]!.numObs));
  });

  it('no online set repeats another, a training set of the same seed, or a validation set', () => {
    const seen = new Set<string>();
    for (let j = 0; j < 20; j++) for (const r of paramRows(simulateOnlineBatch(ranged, 3, j, 8))) seen.add(r);
    expect(seen.size).toBe(160);
    const training = paramRows(simulateBatch({ ...ranged, fixedNumObs: 20 }, 3, 200));
    expect(training.filter((r) => seen.has(r))).toEqual([]);
    const val = validationPlans(ranged, 99, 40).flatMap((p) =>
      paramRows(simulateRange(ranged, p.seed, p.start, p.count, p.numObs)),
    );
    expect(val.filter((r) => seen.has(r))).toEqual([]);
  });

  it('validation over a range of N: parts at evenly spaced N from min to max, covering every set once', () => {
    const plans = validationPlans({ ...NOTEBOOK_CONFIG, fixedNumObs: null, minNumObs: 50, maxNumObs: 1000 }, 5, 100);
    expect(plans.map((p) => p.numObs)).toEqual([50, 186, 321, 457, 593, 729, 864, 1000]);
    expect(plans.reduce((a, p) => a + p.count, 0)).toBe(100);
    expect(plans.map((p) => p.start)).toEqual([0, 12, 25, 37, 50, 62, 75, 87]);
    expect(validationPlans({ ...NOTEBOOK_CONFIG, fixedNumObs: 30 }, 5, 10)).toEqual([
      { seed: 5, start: 0, count: 10, numObs: 30 },
    ]);
  });
});

describe('OnlineFeed', () => {
  const one = new NodeSimPool({ workers: 1 });
  const two = new NodeSimPool({ workers: 2, idleTimeoutMs: 60_000 });
  afterAll(() => {
    one.dispose();
    two.dispose();
  });
  const feedOn = (pool: NodeSimPool, ahead?: number): OnlineFeed =>
    new OnlineFeed({
      config: ranged,
      seed: 11,
      batchSize: 12,
      ...(ahead !== undefined ? { ahead } : {}),
      simulate: (p, signal) => pool.simulateRange(ranged, p.seed, p.start, p.count, p.numObs, { signal }),
    });

  it('gives the same batches with 1 and 2 workers, equal to simulateOnlineBatch', async () => {
    const a = feedOn(one);
    const b = feedOn(two);
    for (let j = 0; j < 6; j++) {
      const [x, y] = await Promise.all([a.next(j), b.next(j)]);
      expectSameBatch(x, y);
      expectSameBatch(x, simulateOnlineBatch(ranged, 11, j, 12));
    }
    a.dispose();
    b.dispose();
  });

  it('prepares the next batches ahead and simulates each batch once', async () => {
    const asked: number[] = [];
    const feed = new OnlineFeed({
      config: ranged,
      seed: 11,
      batchSize: 4,
      ahead: 3,
      total: 5,
      simulate: async (p) => {
        asked.push((p.start - ONLINE_BASE) / 4);
        return simulateRange(ranged, p.seed, p.start, p.count, p.numObs);
      },
    });
    await feed.next(0);
    expect(asked).toEqual([0, 1, 2, 3]);
    expect(feed.pending).toEqual([1, 2, 3]);
    for (let j = 1; j < 5; j++) await feed.next(j);
    // Batch 4 is the last (total 5): nothing beyond it is simulated, and nothing twice.
    expect(asked).toEqual([0, 1, 2, 3, 4]);
    expect(feed.delivered).toBe(5);
    feed.dispose();
    await expect(feed.next(5)).rejects.toThrow('used after dispose');
  });

  it('the pool refuses a bad range with the value', async () => {
    await expect(one.simulateRange(ranged, 1, -1, 4, 20)).rejects.toThrow('start = -1: must be an integer ≥ 0');
    await expect(one.simulateRange(ranged, 1, 0, 4, 0)).rejects.toThrow('numObs = 0: must be an integer ≥ 1');
  });
});
