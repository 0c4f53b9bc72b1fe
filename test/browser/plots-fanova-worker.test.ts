/** The fANOVA worker in a real module Worker: same answer as on the main thread, cancel, latest wins. */
import { afterEach, describe, expect, it } from 'vitest';
import { FanovaClient } from '../../src/workers/fanova-client.ts';
import { fanovaImportances } from '../../src/engine/index.ts';
import type { Distribution, FrozenTrial } from '../../src/engine/types.ts';
import { Rng } from '../../src/shared/rng.ts';
import { makeTrial, studyFixture } from '../unit/plots/fixtures.ts';

const U01: Distribution = { type: 'float', low: 0, high: 1, log: false, step: null };

function linearStudy(n: number, seed: number): FrozenTrial[] {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: n }, (_, k) => {
    const x1 = rng.float();
    const x2 = rng.float();
    return makeTrial({ number: k, value: 3 * x1 + x2, params: { x1, x2 }, distributions: { x1: U01, x2: U01 } });
  });
}

let client: FanovaClient | null = null;
afterEach(() => {
  client?.dispose();
  client = null;
});

describe('fANOVA worker', () => {
  it('computes the same importances as the main thread', async () => {
    client = new FanovaClient();
    const trials = studyFixture();
    const outcome = await client.importances(trials, { seed: 3 });
    expect(outcome).toEqual({ ok: true, importances: fanovaImportances(trials, undefined, { seed: 3 }), seed: 3 });
    if (!outcome.ok) throw new Error(outcome.reason);
    expect(outcome.importances.map((p) => p.name).sort()).toEqual([
      'batch_size',
      'dropout',
      'embed_dim',
      'lr',
      'num_seeds',
    ]);
  });

  it('accepts trials behind proxies, as a Svelte $state list holds them', async () => {
    client = new FanovaClient();
    const trials = studyFixture();
    const proxied = trials.map(
      (t) =>
        new Proxy(
          { ...t, params: new Proxy({ ...t.params }, {}), distributions: new Proxy({ ...t.distributions }, {}) },
          {},
        ),
    );
    expect(() => structuredClone(proxied)).toThrow();
    expect(await client.importances(proxied, { seed: 1 })).toEqual({
      ok: true,
      importances: fanovaImportances(trials, undefined, { seed: 1 }),
      seed: 1,
    });
  });

  it('answers with the reason when it cannot assess', async () => {
    client = new FanovaClient();
    expect(await client.importances([])).toEqual({
      ok: false,
      reason: 'Cannot evaluate parameter importances without completed trials.',
    });
  });

  it('latest request wins; abort rejects with AbortError and the client recovers', async () => {
    client = new FanovaClient();
    const big = linearStudy(400, 1);
    const small = linearStudy(50, 2);
    const first = client.importances(big, { seed: 2 });
    const second = client.importances(small, { seed: 2 });
    const expected = { ok: true, importances: fanovaImportances(small, undefined, { seed: 2 }), seed: 2 };
    expect(await second).toEqual(expected);
    expect(await first).toEqual(expected);

    const ctrl = new AbortController();
    const aborted = client.importances(big, { signal: ctrl.signal });
    ctrl.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(await client.importances(small, { seed: 2 })).toEqual(expected);
  });
});
