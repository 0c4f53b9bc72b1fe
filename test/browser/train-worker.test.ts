/**
 * The training worker in real headless Chromium: a module worker owning tfjs, driven through
 * TrainClient (comlink). Tiny networks and data keep this fast; wasm is what the automatic choice picks
 * on this GPU-less machine (SwiftShader WebGPU/WebGL are skipped as software).
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { TrainClient, TrainDataError } from '../../src/workers/train-client.ts';
import type { TrialHyperparameters } from '../../src/nn/objective.ts';
import { trialSpec, type TrialSpec } from '../../src/nn/model/trial-spec.ts';
import { NOTEBOOK_CONFIG, simulateBatch, type DmcBatch } from '../../src/sim/index.ts';

const sim = { ...NOTEBOOK_CONFIG, fixedNumObs: 20 };
const tiny = { numHeads: 1, mlpWidths: [16], flowWidths: [16, 16] };
const hparams: TrialHyperparameters = {
  dropout: 0.05,
  lr: 1e-3,
  numSeeds: 1,
  batchSize: 8,
  embedDim: 8,
  summaryDim: 4,
  epochs: 2,
  posteriorDraws: 20,
  integrationSteps: 4,
  integrator: 'euler',
};
/** A tiny-network spec of `epochs` epochs and `seed`, optionally asking for the f16 products. */
const spec = (epochs: number, seed: number, f16 = false): TrialSpec =>
  trialSpec({ ...hparams, epochs }, { seed, network: { overrides: tiny, ops: f16 ? { matmulPrecision: 'f16' } : {} } });
const data = (): { train: DmcBatch; val: DmcBatch } => ({
  train: simulateBatch(sim, 1, 24),
  val: simulateBatch(sim, 2, 8),
});

const clients: TrainClient[] = [];
function client(opts?: ConstructorParameters<typeof TrainClient>[0]): TrainClient {
  const c = new TrainClient(opts);
  clients.push(c);
  return c;
}
afterAll(() => {
  for (const c of clients) c.dispose();
});

describe('training worker', () => {
  it('probes all four backends, trains with per-batch/per-epoch/sampling progress, reports the backend', async () => {
    const c = client();
    const probes = await c.probeBackends();
    expect(probes.map((p) => p.backend)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(probes.find((p) => p.backend === 'wasm')!.available).toBe(true);

    const { train, val } = data();
    await c.setData(train, val);
    // Transferred, not copied: the page's buffers are detached now.
    expect(train.rt.byteLength).toBe(0);
    expect(val.params.byteLength).toBe(0);

    const batches: number[] = [];
    const epochs: number[] = [];
    const sampling: number[] = [];
    // The spec reaches the objective as it was sent: what it says is what the network file records.
    const sent = trialSpec(hparams, {
      seed: 3,
      network: { overrides: tiny, standardizeTrials: true },
      keep: { network: { metadata: { trialNumber: 17 } }, draws: true },
    });
    const copy = structuredClone(sent);
    const out = await c.runTrial(sent, {
      onBatch: (p) => batches.push(p.step),
      onEpoch: (r) => {
        epochs.push(r.valLoss);
      },
      onSampling: (p) => sampling.push(p.done),
    });
    expect(out.status).toBe('complete');
    if (out.status !== 'complete') return;
    expect(out.backend.backend).toBe('wasm');
    expect(out.backend.fallbacks.map((f) => f.backend)).toEqual(['webgpu', 'webgl']);
    expect(out.result.backend).toBe('wasm');
    // 24 sets / batch 8 = 3 steps per epoch, 2 epochs. Batch events are fire-and-forget on their own
    // port, ordered among themselves but not with the result: wait for the last one to arrive.
    await vi.waitFor(() => expect(batches).toHaveLength(6), { timeout: 10_000 });
    expect(batches).toEqual([0, 1, 2, 3, 4, 5]);
    expect(epochs).toEqual(out.result.history.valLoss);
    expect(sampling.at(-1)).toBe(8);
    expect(Number.isFinite(out.result.L)).toBe(true);
    expect(out.result.table.names).toEqual(['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r']);
    expect(out.result.draws?.length).toBe(8 * 20 * 6);
    expect(out.result.network?.format).toBe('dmc-tune-network');
    expect(sent).toEqual(copy); // the client sends it, it does not edit it
    expect(out.result.network?.metadata).toMatchObject({
      trialNumber: 17,
      seed: 3,
      hyperparameters: hparams,
      network: 'as-tuned',
      standardizeTrials: true,
    });
    expect(out.result.network?.config).toMatchObject(tiny);
  });

  it('a prune decision from the page stops the trial after that epoch', async () => {
    const c = client();
    const { train, val } = data();
    await c.setData(train, val);
    let reported = Number.NaN;
    const out = await c.runTrial(spec(3, 3), {
      onEpoch: async (r) => {
        reported = r.valLoss;
        await new Promise((res) => setTimeout(res, 10)); // an async decision, as a pruner's storage round trip
        return r.epoch === 0;
      },
    });
    expect(out).toEqual({
      status: 'pruned',
      epoch: 0,
      value: reported,
      backend: expect.anything() as unknown,
      matmulPrecision: 'f32',
    });
  });

  it('no tensor leaks over several consecutive trainings (tf.memory().numTensors in the worker)', async () => {
    const c = client();
    const { train, val } = data();
    await c.setData(train, val);
    await c.selectBackend();
    const before = await c.memory();
    const counts: number[] = [];
    for (let k = 0; k < 3; k++) {
      const out = await c.runTrial(spec(1, k));
      expect(out.status).toBe('complete');
      counts.push((await c.memory()).numTensors);
    }
    // A pruned trial must not leak either.
    await c.runTrial(spec(2, 9), { onEpoch: () => true });
    counts.push((await c.memory()).numTensors);
    expect(counts).toEqual([before.numTensors, before.numTensors, before.numTensors, before.numTensors]);
  });

  it('the opt-in f16 matmul runs on webgpu (SwiftShader: packed halves) and is ignored on wasm, as the outcome says', async () => {
    const c = client();
    const { train, val } = data();
    await c.setData(train, val);
    await c.selectBackend('wasm');
    const onWasm = await c.runTrial(spec(1, 4, true));
    expect(onWasm.status).toBe('complete');
    expect(onWasm.matmulPrecision).toBe('f32');
    expect((await c.selectBackend('webgpu')).backend).toBe('webgpu');
    const f32 = await c.runTrial(spec(1, 4));
    const f16 = await c.runTrial(spec(1, 4, true));
    expect([f32.matmulPrecision, f16.matmulPrecision]).toEqual(['f32', 'f16']);
    if (f32.status !== 'complete' || f16.status !== 'complete')
      throw new Error(`trials did not complete: ${f32.status}, ${f16.status}`);
    // Same seed and data: the f16 products change the losses a little, not the training.
    const [a, b] = [f32.result.history.valLoss[0]!, f16.result.history.valLoss[0]!];
    expect(b).not.toBe(a);
    expect(Math.abs(b - a) / Math.abs(a)).toBeLessThan(2e-2);
  }, 240_000);

  it('abort: the run stops at a batch boundary and the worker survives with its data', async () => {
    const c = client({ graceMs: 60_000 });
    const { train, val } = data();
    await c.setData(train, val);
    const ac = new AbortController();
    const run = c.runTrial(spec(50, 1), {
      signal: ac.signal,
      onBatch: (p) => {
        if (p.step === 2) ac.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(c.alive).toBe(true);
    const again = await c.runTrial(spec(1, 1));
    expect(again.status).toBe('complete');
    expect((await c.memory()).numTensors).toBe(0);
  });

  it('abort past the grace period terminates the worker; kept data is re-sent, transferred data must be set again', async () => {
    const c = client({ graceMs: 1 });
    const d = data();
    await c.setData(d.train, d.val); // transferred
    const ac = new AbortController();
    const run = c.runTrial(spec(50, 1), { signal: ac.signal, onBatch: () => ac.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(c.alive).toBe(false);
    await expect(c.runTrial(spec(hparams.epochs, 0))).rejects.toThrow(TrainDataError);
    const kept = data();
    await c.setData(kept.train, kept.val, { transfer: false });
    expect(kept.train.rt.byteLength).toBeGreaterThan(0);
    const ac2 = new AbortController();
    await expect(c.runTrial(spec(50, 1), { signal: ac2.signal, onBatch: () => ac2.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    const out = await c.runTrial(spec(1, 1));
    expect(out.status).toBe('complete');
  });
});

describe('fatal backend errors', () => {
  it('a wasm abort fails that trial with its message and the next trial runs on a fresh worker', async () => {
    const c = client();
    const d = data();
    // Kept here, as the study run keeps them, so a replacement worker gets them again.
    await c.setData(d.train, d.val, { transfer: false });
    const before = await c.instanceId();
    await c.injectFatalErrorForTests('wasm-abort');
    const failed = c.runTrial(spec(1, 1));
    await expect(failed).rejects.toThrow(/Aborted\(\)\. injected fault: wasm backend abort/);
    expect(c.alive).toBe(false);
    const out = await c.runTrial(spec(1, 1));
    expect(out.status).toBe('complete');
    expect(await c.instanceId()).not.toBe(before);
    expect(c.workersStarted).toBe(2);
  });

  it('a worker that crashes (error event) is replaced too, and keeps the selected backend', async () => {
    const c = client();
    const d = data();
    await c.setData(d.train, d.val, { transfer: false });
    await c.selectBackend('cpu');
    const before = await c.instanceId();
    await c.injectFatalErrorForTests('crash');
    await expect(c.runTrial(spec(1, 1))).rejects.toThrow(/training worker failed: .*injected worker crash/);
    const out = await c.runTrial(spec(1, 1));
    expect(out.status).toBe('complete');
    expect(out.backend.backend).toBe('cpu');
    expect(await c.instanceId()).not.toBe(before);
  });
});
