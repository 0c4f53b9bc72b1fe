import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/nn/runtime/backend.ts';
import {
  HyperparameterError,
  runObjective,
  trialNetworkConfig,
  validateHyperparameters,
  type ObjectiveOutcome,
  type ObjectiveResult,
  type TrialHyperparameters,
} from '../../../src/nn/objective.ts';
import { parseNetworkFile } from '../../../src/nn/model/network-file.ts';
import { trialSpec } from '../../../src/nn/model/trial-spec.ts';
import { NOTEBOOK_CONFIG, simulateBatch, type DmcBatch } from '../../../src/sim/index.ts';

const h: TrialHyperparameters = {
  dropout: 0.1,
  lr: 1e-3,
  numSeeds: 2,
  batchSize: 8,
  embedDim: 8,
  summaryDim: 4,
  epochs: 2,
  posteriorDraws: 10,
  integrationSteps: 3,
  integrator: 'rk4',
};
const network = { numHeads: 1, mlpWidths: [16], flowWidths: [16, 16] };
let train: DmcBatch;
let val: DmcBatch;

function completed(o: ObjectiveOutcome): ObjectiveResult {
  if (o.status !== 'complete') throw new Error(`expected a completed run, got ${JSON.stringify(o)}`);
  return o.result;
}

beforeAll(async () => {
  await selectBackend('wasm', { strict: true });
  const sim = { ...NOTEBOOK_CONFIG, fixedNumObs: 12 };
  train = simulateBatch(sim, 1, 24);
  val = simulateBatch(sim, 2, 6);
});

describe('runObjective', () => {
  it('wires the tuned hyperparameters into the network (dropout reaches both networks, embed both blocks)', () => {
    const c = trialNetworkConfig(h, 6, network);
    expect(c).toMatchObject({
      paramDim: 6,
      summaryDim: 4,
      numSeeds: 2,
      embedDim: 8,
      dropout: 0.1,
      flowDropout: 0.1,
      numHeads: 1,
    });
    expect(c.flowWidths).toEqual([16, 16]);
    // Defaults otherwise: BayesFlow's FlowMatching 5 × 256 and SetTransformer MLP (128, 128).
    const d = trialNetworkConfig(h, 6);
    expect(d.flowWidths).toEqual([256, 256, 256, 256, 256]);
    expect(d.mlpWidths).toEqual([128, 128]);
  });

  it('returns L, the table, history, timing and backend; the same seed gives the same result', async () => {
    const before = tf.memory().numTensors;
    const epochs: number[] = [];
    const a = completed(
      await runObjective(trialSpec(h, { seed: 7, keep: { network: { metadata: { trialNumber: 3 } } } }), train, val, {
        onEpoch: (r) => void epochs.push(r.epoch),
      }),
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(epochs).toEqual([0, 1]);
    expect(a.history.valLoss).toHaveLength(2);
    expect(a.table.rows).toEqual(['NRMSE', 'Posterior Contraction', 'Calibration Error']);
    expect(a.backend).toBe('wasm');
    expect(a.msPerStep).toBeGreaterThan(0);
    expect(Number.isFinite(a.L)).toBe(true);
    const file = parseNetworkFile(JSON.parse(JSON.stringify(a.network)));
    expect(file.metadata['trialNumber']).toBe(3);
    expect(file.metadata['L']).toBe(a.L);
    expect(file.metadata['hyperparameters']).toEqual(h);
    const b = completed(await runObjective(trialSpec(h, { seed: 7 }), train, val));
    expect(b.L).toBe(a.L);
    expect(b.history).toEqual(a.history);
    const c = completed(await runObjective(trialSpec(h, { seed: 8 }), train, val));
    expect(c.history.loss).not.toEqual(a.history.loss);
  });

  it('a prune request resolves to {status: pruned} with the epoch and its validation loss, without leaks', async () => {
    const before = tf.memory().numTensors;
    let last = Number.NaN;
    const epochs: number[] = [];
    const out = await runObjective(trialSpec({ ...h, epochs: 5 }, { seed: 1 }), train, val, {
      onEpoch: async (r) => {
        epochs.push(r.epoch);
        last = r.valLoss;
        return r.epoch === 1;
      },
    });
    expect(out).toEqual({ status: 'pruned', epoch: 1, value: last });
    expect(epochs).toEqual([0, 1]); // training stopped right after the prune decision
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an aborted signal stops the run with an AbortError, without leaks', async () => {
    const before = tf.memory().numTensors;
    const ac = new AbortController();
    const p = runObjective(trialSpec({ ...h, epochs: 20 }, { seed: 1 }), train, val, {
      signal: ac.signal,
      onBatch: (b) => {
        if (b.step === 1) ac.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('hyperparameter errors name the field and value', () => {
    expect(() => validateHyperparameters({ ...h, batchSize: 0 })).toThrow(
      'hyperparameter batchSize must be a positive integer, got 0',
    );
    expect(() => validateHyperparameters({ ...h, embedDim: 2.5 })).toThrow(HyperparameterError);
    expect(() => validateHyperparameters({ ...h, dropout: 1 })).toThrow(
      'hyperparameter dropout must be in [0, 1), got 1',
    );
    expect(() => validateHyperparameters({ ...h, lr: -1 })).toThrow(
      'hyperparameter lr must be a positive number, got -1',
    );
    expect(() => validateHyperparameters({ ...h, integrator: 'rk45' as 'rk4' })).toThrow(
      `integrator must be 'euler' or 'rk4', got "rk45"`,
    );
  });
});
