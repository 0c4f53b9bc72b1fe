/**
 * The reference network: what BayesFlow 2.0.5 actually built for the notebook (FlowMatching MLP dropout
 * 0.05, SetTransformer embed_dims (64, 64)) whatever the trial suggests, so trial values can be
 * compared with the published study; and explicit network overrides are never silently dropped.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src/nn/runtime/backend.ts';
import { NetworkConfigError, REFERENCE_NETWORK } from '../../../../src/nn/model/config.ts';
import { Approximator } from '../../../../src/nn/networks/approximator.ts';
import { runObjective, trialNetworkConfig, type TrialHyperparameters } from '../../../../src/nn/objective.ts';
import { trialSpec } from '../../../../src/nn/model/trial-spec.ts';
import { parseNetworkFile } from '../../../../src/nn/model/network-file.ts';
import { NOTEBOOK_CONFIG, simulateBatch } from '../../../../src/sim/index.ts';

const trial = (over: Partial<TrialHyperparameters>): TrialHyperparameters => ({
  dropout: 0.2,
  lr: 5e-4,
  numSeeds: 2,
  batchSize: 8,
  embedDim: 128,
  summaryDim: 10,
  epochs: 1,
  posteriorDraws: 10,
  integrationSteps: 2,
  integrator: 'euler',
  ...over,
});

function counts(c: ReturnType<typeof trialNetworkConfig>): { summary: number; inference: number; total: number } {
  const a = new Approximator(c, { seed: 1 });
  try {
    return a.parameterCounts;
  } finally {
    a.dispose();
  }
}

beforeAll(async () => {
  await selectBackend('wasm', { strict: true });
});

describe('the "reference" network', () => {
  it('builds the reference widths and dropout rates whatever the trial suggests', () => {
    const a = trialNetworkConfig(trial({ embedDim: 128, dropout: 0.2 }), 6, {}, 'reference');
    const b = trialNetworkConfig(trial({ embedDim: 64, dropout: 0.01 }), 6, {}, 'reference');
    expect(REFERENCE_NETWORK).toEqual({ flowDropout: 0.05, embedDim: 64 });
    for (const [c, d] of [
      [a, 0.2],
      [b, 0.01],
    ] as const) {
      expect(c.embedDim).toBe(64);
      expect(c.flowDropout).toBe(0.05);
      // The SetTransformer honoured its dropout in the reference.
      expect(c.dropout).toBe(d);
      expect(c.flowWidths).toEqual([256, 256, 256, 256, 256]);
      expect(c.mlpWidths).toEqual([128, 128]);
    }
    // embed_dim 128 and 64 give one and the same network: the argument never reached BayesFlow.
    const ca = counts(a);
    expect(counts(b)).toEqual(ca);
    expect(ca).toEqual(counts(trialNetworkConfig(trial({ embedDim: 64 }), 6)));
    expect(ca).toEqual(REFERENCE_COUNTS);
    // As tuned, embed_dim 128 is a wider network and dropout reaches the flow.
    const tuned = trialNetworkConfig(trial({ embedDim: 128, dropout: 0.2 }), 6);
    expect([tuned.embedDim, tuned.flowDropout]).toEqual([128, 0.2]);
    expect(counts(tuned).summary).toBeGreaterThan(ca.summary);
  });
});

/**
 * num_seeds 2, summary_dim 10, 6 parameters, embed 64: the SetTransformer and the FlowMatching 5 × 256
 * MLP as this project builds them; pinned so a change to the reference's widths is noticed.
 */
const REFERENCE_COUNTS = { summary: 419210, inference: 537606, total: 956816 };

describe('explicit network overrides', () => {
  it('are applied, the FlowMatching dropout included', () => {
    const c = trialNetworkConfig(trial({ dropout: 0.2 }), 6, { flowDropout: 0.05, numHeads: 2 });
    expect([c.dropout, c.flowDropout, c.numHeads]).toEqual([0.2, 0.05, 2]);
  });

  it('are refused, not dropped, where they contradict what the trial sets', () => {
    expect(() => trialNetworkConfig(trial({ embedDim: 128 }), 6, { embedDim: 32 })).toThrow(NetworkConfigError);
    expect(() => trialNetworkConfig(trial({ embedDim: 128 }), 6, { embedDim: 32 })).toThrow(
      /override embedDim = 32 contradicts the trial's embedDim = 128/,
    );
    expect(() => trialNetworkConfig(trial({}), 6, { embedDim: 128 }, 'reference')).toThrow(
      /embedDim = 64 \(reference network\)/,
    );
    expect(() => trialNetworkConfig(trial({}), 6, { paramDim: 5 })).toThrow(/paramDim/);
    // The same value is no contradiction.
    expect(trialNetworkConfig(trial({ dropout: 0.2 }), 6, { dropout: 0.2 }).dropout).toBe(0.2);
  });
});

describe('runObjective with the reference network and a standardized condition', () => {
  it('trains it and records both choices in the network file', async () => {
    const sim = { ...NOTEBOOK_CONFIG, fixedNumObs: 10 };
    const train = simulateBatch(sim, 1, 16);
    const val = simulateBatch(sim, 2, 4);
    const before = tf.memory().numTensors;
    const spec = trialSpec(trial({ embedDim: 128 }), {
      seed: 3,
      network: {
        variant: 'reference',
        standardizeCondition: true,
        overrides: { numHeads: 1, mlpWidths: [16], flowWidths: [16, 16] },
      },
      keep: { network: { metadata: {} } },
    });
    const out = await runObjective(spec, train, val);
    expect(tf.memory().numTensors).toBe(before);
    if (out.status !== 'complete') throw new Error('expected a complete run');
    const file = parseNetworkFile(JSON.parse(JSON.stringify(out.result.network)));
    expect([file.config.embedDim, file.config.flowDropout, file.config.dropout]).toEqual([64, 0.05, 0.2]);
    expect(file.metadata['network']).toBe('reference');
    expect(file.metadata['standardizeCondition']).toBe(true);
    expect(file.standardization.condition).toBeDefined();
  }, 120_000);
});
