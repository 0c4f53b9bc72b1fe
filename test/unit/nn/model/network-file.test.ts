import 'fake-indexeddb/auto';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src/nn/runtime/backend.ts';
import { Approximator, defaultNetworkConfig, fit, samplePosterior } from '../../../../src/nn/index.ts';
import {
  NetworkFileError,
  base64ToFloat32,
  float32ToBase64,
  parseNetworkFile,
  type NetworkFile,
} from '../../../../src/nn/model/network-file.ts';
import { restoreNetwork, serializeNetwork } from '../../../../src/nn/networks/network-file-io.ts';
import { ModelStore, ModelStoreError } from '../../../../src/persistence/model-store.ts';
import { NOTEBOOK_CONFIG, simulateBatch, type DmcBatch } from '../../../../src/sim/index.ts';

// A tiny network: this file tests persistence, not learning.
const config = defaultNetworkConfig({
  paramDim: 6,
  summaryDim: 4,
  numSeeds: 1,
  embedDim: 8,
  numHeads: 1,
  mlpWidths: [16],
  flowWidths: [16, 16],
  dropout: 0.1,
});
const sim = { ...NOTEBOOK_CONFIG, fixedNumObs: 20 };
let train: DmcBatch;
let val: DmcBatch;
let file: NetworkFile;
let reference: Float32Array;
const sampleOpts = { numSamples: 16, steps: 5, seed: 11 };

beforeAll(async () => {
  await selectBackend('wasm', { strict: true });
  train = simulateBatch(sim, 3, 24);
  val = simulateBatch(sim, 4, 6);
  const approx = new Approximator(config, { seed: 5 });
  // One short epoch so the weights differ from the seed's initial weights.
  await fit(approx, train, val, { epochs: 1, batchSize: 8, lr: 1e-3, seed: 5 });
  reference = await samplePosterior(approx, val, approx.standardization!, sampleOpts);
  file = await serializeNetwork(approx, train.paramNames, { note: 'unit test' });
  approx.dispose();
}, 120_000);

describe('base64 float32 codec', () => {
  it('round-trips exactly, including special values and lengths that need padding', () => {
    for (const len of [0, 1, 2, 3, 5]) {
      const x = Float32Array.from({ length: len }, (_, i) => (i - 1.5) * 1.1e-3);
      expect(Array.from(base64ToFloat32(float32ToBase64(x)))).toEqual(Array.from(x));
    }
    const special = new Float32Array([0, -0, 1e-45, 3.4e38, -1]);
    expect(Object.is(base64ToFloat32(float32ToBase64(special))[1], -0)).toBe(true);
    // Little-endian 1.0f = 00 00 80 3f → "AACAPw==" (known answer, independent of the platform)
    expect(float32ToBase64(new Float32Array([1]))).toBe('AACAPw==');
    expect(base64ToFloat32('AACAPw==')[0]).toBe(1);
  });

  it('rejects malformed base64', () => {
    expect(() => base64ToFloat32('AAC')).toThrow(/not a multiple of 4/);
    expect(() => base64ToFloat32('AA*APw==')).toThrow(/invalid base64 character '\*'/);
    expect(() => base64ToFloat32('AACA')).toThrow(/not a whole number of float32/);
  });
});

describe('network file', () => {
  it('is versioned JSON with config, standardization, named weights and metadata', () => {
    const parsed = JSON.parse(JSON.stringify(file)) as NetworkFile;
    expect(parsed.format).toBe('dmc-tune-network');
    expect(parsed.version).toBe(1);
    expect(parsed.config.embedDim).toBe(8);
    expect(parsed.standardization.mean).toHaveLength(6);
    expect(parsed.metadata.paramNames).toEqual(['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r']);
    expect(parsed.metadata.seed).toBe(5);
    expect(parsed.metadata['note']).toBe('unit test');
    expect(parsed.weights.every((w) => w.dtype === 'float32')).toBe(true);
    expect(parseNetworkFile(JSON.stringify(file))).toEqual(parsed);
  });

  it('loading reproduces the same posterior draws for the same sampling seed', async () => {
    const text = JSON.stringify(file);
    const before = tf.memory().numTensors;
    const restored = await restoreNetwork(text);
    const draws = await samplePosterior(restored, val, restored.standardization!, sampleOpts);
    expect(Array.from(draws)).toEqual(Array.from(reference));
    restored.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the draws come from the stored weights, not from re-initialising with the stored seed', async () => {
    const otherSeed = { ...file, metadata: { ...file.metadata, seed: 999 } };
    const restored = await restoreNetwork(otherSeed);
    const draws = await samplePosterior(restored, val, restored.standardization!, sampleOpts);
    expect(Array.from(draws)).toEqual(Array.from(reference));
    restored.dispose();
    // …whereas a fresh network with the original seed (untrained) samples differently.
    const fresh = new Approximator(config, { seed: 5, standardization: restored.standardization });
    const freshDraws = await samplePosterior(fresh, val, fresh.standardization!, sampleOpts);
    expect(Array.from(freshDraws)).not.toEqual(Array.from(reference));
    fresh.dispose();
  });

  it('keeps a standardized condition (opt-in adapter option): the restored network draws the same', async () => {
    const approx = new Approximator(config, { seed: 6 });
    await fit(approx, train, val, { epochs: 1, batchSize: 8, lr: 1e-3, seed: 6, standardizeCondition: true });
    const cond = approx.standardization!.condition!;
    expect(cond.std).toBeGreaterThan(0);
    const before = await samplePosterior(approx, val, approx.standardization!, sampleOpts);
    const f = await serializeNetwork(approx, train.paramNames);
    approx.dispose();
    expect(JSON.parse(JSON.stringify(f)).standardization.condition).toEqual({ mean: cond.mean, std: cond.std });
    expect(file.standardization.condition).toBeUndefined();
    const restored = await restoreNetwork(JSON.stringify(f));
    expect(restored.standardization!.condition).toEqual(cond);
    expect(Array.from(await samplePosterior(restored, val, restored.standardization!, sampleOpts))).toEqual(
      Array.from(before),
    );
    restored.dispose();
    const broken = JSON.parse(JSON.stringify(f)) as NetworkFile;
    broken.standardization.condition!.std = 0;
    expect(() => parseNetworkFile(broken)).toThrow('standardization.condition.std must be a number > 0, got number 0');
  });

  it('keeps standardized per-trial inputs (opt-in adapter option): the restored network draws the same', async () => {
    const approx = new Approximator(config, { seed: 7 });
    await fit(approx, train, val, { epochs: 1, batchSize: 8, lr: 1e-3, seed: 7, standardizeTrials: true });
    const trials = approx.standardization!.trials!;
    expect(trials.std.every((v) => v > 0)).toBe(true);
    const before = await samplePosterior(approx, val, approx.standardization!, sampleOpts);
    const f = await serializeNetwork(approx, train.paramNames);
    approx.dispose();
    expect(JSON.parse(JSON.stringify(f)).standardization.trials).toEqual({
      mean: [...trials.mean],
      std: [...trials.std],
    });
    const restored = await restoreNetwork(JSON.stringify(f));
    expect(restored.standardization!.trials).toEqual({ mean: [...trials.mean], std: [...trials.std] });
    expect(Array.from(await samplePosterior(restored, val, restored.standardization!, sampleOpts))).toEqual(
      Array.from(before),
    );
    restored.dispose();
    const broken = JSON.parse(JSON.stringify(f)) as NetworkFile;
    broken.standardization.trials!.std[1] = -2;
    expect(() => parseNetworkFile(broken)).toThrow('standardization.trials.std[1] must be a number > 0, got number -2');
  });

  it('validation errors name the field and the bad value', async () => {
    const bad = (patch: (f: NetworkFile) => unknown): (() => NetworkFile) => {
      const copy = JSON.parse(JSON.stringify(file)) as NetworkFile;
      const out = patch(copy) ?? copy;
      return () => parseNetworkFile(out);
    };
    expect(() => parseNetworkFile('{')).toThrow(/not valid JSON/);
    expect(bad((f) => ({ ...f, format: 'keras' }))).toThrow(
      `network file: format must be 'dmc-tune-network', got string "keras"`,
    );
    expect(bad((f) => ({ ...f, version: 2 }))).toThrow(
      /version must be 1 \(the only version this build reads\), got number 2/,
    );
    expect(bad((f) => void ((f.config as { embedDim: number }).embedDim = 0))).toThrow(
      /config: .*embedDim must be an integer >= 1, got 0/,
    );
    expect(bad((f) => void (f.standardization.std[2] = 0))).toThrow(
      'standardization.std[2] must be a number > 0, got number 0',
    );
    expect(bad((f) => void f.standardization.mean.pop())).toThrow('standardization.mean must be an array of 6 numbers');
    expect(bad((f) => void (f.weights[0]!.shape = [3, 3]))).toThrow(
      /weights\[0\]\.data \(.+\) holds \d+ float32 values, shape \[3,3\] needs 9/,
    );
    expect(bad((f) => void ((f.weights[1] as { dtype: string }).dtype = 'float16'))).toThrow(
      /weights\[1\]\.dtype .* must be 'float32'/,
    );
    expect(bad((f) => void (f.metadata.paramNames = ['A']))).toThrow(
      /metadata\.paramNames must be an array of 6 strings/,
    );
    // A well-formed file for a different architecture fails when rebuilt, naming the weight.
    const renamed = JSON.parse(JSON.stringify(file)) as NetworkFile;
    renamed.weights[0]!.name = 'summary/nonexistent';
    await expect(restoreNetwork(renamed)).rejects.toThrow(NetworkFileError);
    await expect(restoreNetwork(renamed)).rejects.toThrow(/does not fit its architecture: .*missing/);
  });
});

describe('IndexedDB model store (fake-indexeddb in Node)', () => {
  it('save / list / load / delete keyed by study and trial; load → restore → same draws', async () => {
    const store = await ModelStore.open('model-store-test');
    const withL = { ...file, metadata: { ...file.metadata, L: 1.25 } };
    const s = await store.save('study-a', 3, withL);
    expect(s).toMatchObject({ studyName: 'study-a', trialNumber: 3, L: 1.25, paramNames: file.metadata.paramNames });
    expect(s.parameterCount).toBeGreaterThan(1000);
    await store.save('study-a', 1, file);
    await store.save('study-b', 0, file);
    expect((await store.list('study-a')).map((x) => x.trialNumber)).toEqual([1, 3]);
    expect((await store.list()).length).toBe(3);
    expect((await store.list('study-a'))[0]!.L).toBeNull();

    const loaded = await store.load('study-a', 3);
    expect(loaded?.metadata['L']).toBe(1.25);
    const restored = await restoreNetwork(loaded!);
    const draws = await samplePosterior(restored, val, restored.standardization!, sampleOpts);
    expect(Array.from(draws)).toEqual(Array.from(reference));
    restored.dispose();

    expect(await store.delete('study-a', 3)).toBe(true);
    expect(await store.delete('study-a', 3)).toBe(false);
    expect(await store.load('study-a', 3)).toBeUndefined();
    expect(await store.deleteStudy('study-a')).toBe(1);
    expect((await store.list()).map((x) => x.studyName)).toEqual(['study-b']);
    await expect(store.save('', 0, file)).rejects.toThrow(ModelStoreError);
    await expect(store.save('s', -1, file)).rejects.toThrow('trialNumber must be an integer >= 0, got -1');
    await expect(store.save('s', 0, { ...file, version: 7 } as unknown as NetworkFile)).rejects.toThrow(
      NetworkFileError,
    );
    store.close();
  });
});
