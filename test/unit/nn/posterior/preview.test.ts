/**
 * The live recovery preview (src/nn/posterior/preview.ts): the means it reports are the means of the posterior
 * draws the sampler gives for the same sets and noise, it is the same on every call for the same
 * weights, it leaves no tensor behind, and runObjective sends it with every epoch report when asked.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Approximator,
  defaultNetworkConfig,
  fitStandardization,
  headSets,
  recoveryPreview,
  runObjective,
  samplePosterior,
  trialSpec,
} from '../../../../src/nn/index.ts';
import type { EpochReport, TrialHyperparameters } from '../../../../src/nn/index.ts';
import { randomBatch, useWasm } from '../helpers.ts';

beforeAll(useWasm);

const tiny = {
  embedDim: 8,
  numHeads: 2,
  mlpWidths: [8],
  numSeeds: 1,
  summaryDim: 4,
  flowWidths: [16, 16],
  paramDim: 6,
  dropout: 0,
};

describe('headSets', () => {
  it('takes the first k sets in order across batches, as views', () => {
    const a = randomBatch(3, 4, 1);
    const b = randomBatch(5, 6, 2);
    const h = headSets([a, b], 4);
    expect(h.map((x) => x.n)).toEqual([3, 1]);
    expect(h[1]!.numObs).toBe(6);
    expect(Array.from(h[1]!.params)).toEqual(Array.from(b.params.subarray(0, 6)));
    expect(Array.from(h[1]!.rt)).toEqual(Array.from(b.rt.subarray(0, 6)));
    expect(headSets([a, b], 2)).toHaveLength(1);
    expect(headSets([a], 10)[0]!.n).toBe(3);
  });
});

describe('recoveryPreview', () => {
  const val = [randomBatch(5, 8, 3), randomBatch(4, 8, 4)];

  it('reports, per shown parameter, the truths and the means of the sampler draws for the same noise', async () => {
    const a = new Approximator(defaultNetworkConfig(tiny), { seed: 7 });
    const st = fitStandardization(val);
    a.standardization = st;
    const before = tf.memory().numTensors;
    const p = await recoveryPreview(a, val, { sets: 6, draws: 9, steps: 4, seed: 21 });
    expect(tf.memory().numTensors).toBe(before);
    expect(p.params).toEqual(['b', 'mu_r']);
    const draws = await samplePosterior(a, headSets(val, 6), st, { numSamples: 9, steps: 4, seed: 21, chunkSize: 6 });
    for (const [k, name] of p.params.entries()) {
      const j = val[0]!.paramNames.indexOf(name);
      expect(p.truths[k]).toHaveLength(6);
      for (let i = 0; i < 6; i++) {
        let s = 0;
        for (let d = 0; d < 9; d++) s += draws[(i * 9 + d) * 6 + j]!;
        expect(p.means[k]![i]).toBeCloseTo(s / 9, 5);
        const src = i < 5 ? val[0]! : val[1]!;
        expect(p.truths[k]![i]).toBe(src.params[(i < 5 ? i : i - 5) * 6 + j]);
      }
    }
    // Same weights, same noise: the same points (so between epochs they move only with the weights).
    const again = await recoveryPreview(a, val, { sets: 6, draws: 9, steps: 4, seed: 21 });
    expect(again).toEqual(p);
    a.dispose();
  });

  it('leaves out parameters the data lack and refuses a network without standardization', async () => {
    const five = [randomBatch(3, 8, 5, 5)];
    const a = new Approximator(defaultNetworkConfig({ ...tiny, paramDim: 5 }), { seed: 1 });
    await expect(recoveryPreview(a, five)).rejects.toThrow(/standardization/);
    a.standardization = fitStandardization(five);
    const p = await recoveryPreview(a, five, { params: ['b', 'sd_r'], draws: 3, steps: 2 });
    expect(p.params).toEqual(['b']);
    a.dispose();
  });
});

describe('runObjective with preview', () => {
  it('sends a preview of b and mu_r with every epoch report, and none without the option', async () => {
    const h: TrialHyperparameters = {
      dropout: 0,
      lr: 1e-3,
      numSeeds: 1,
      batchSize: 4,
      embedDim: 8,
      summaryDim: 4,
      epochs: 2,
      posteriorDraws: 5,
      integrationSteps: 3,
      integrator: 'euler',
    };
    const train = randomBatch(8, 8, 11);
    const val = randomBatch(6, 8, 12);
    const network = { numHeads: 2, mlpWidths: [8], flowWidths: [16, 16] };
    const reports: EpochReport[] = [];
    const out = await runObjective(
      trialSpec(h, { seed: 3, network: { overrides: network }, keep: { preview: { sets: 4, draws: 5, steps: 3 } } }),
      train,
      val,
      { onEpoch: (r) => void reports.push(r) },
    );
    expect(out.status).toBe('complete');
    expect(reports).toHaveLength(2);
    for (const r of reports) {
      expect(r.preview?.params).toEqual(['b', 'mu_r']);
      expect(r.preview?.means[0]).toHaveLength(4);
      expect(r.preview?.means.flat().every(Number.isFinite)).toBe(true);
    }
    // The weights changed between the epochs, so the points did too.
    expect(reports[1]!.preview!.means).not.toEqual(reports[0]!.preview!.means);
    const plain: EpochReport[] = [];
    await runObjective(trialSpec(h, { seed: 3, network: { overrides: network } }), train, val, {
      onEpoch: (r) => void plain.push(r),
    });
    expect(plain.every((r) => r.preview === undefined)).toBe(true);
    // The preview's sampling does not touch the training: same losses with and without it.
    expect(plain.map((r) => r.valLoss)).toEqual(reports.map((r) => r.valLoss));
  });
});
