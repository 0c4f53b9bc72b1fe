// Run by gpu-error-study.test.ts in its own process (Dawn needs SwiftShader's variables at start): a
// study on webgpu whose first trial is forced over the GPU's buffer limit and whose second fits. The
// study's objective is runObjective, as the train worker runs it, with optimize's `catch` as the
// study runner (src/state/study-run.svelte.ts) sets it. Prints one JSON line.
import { ensureNodeWebgpu } from '../../../../src/nn/node/index.ts';

await ensureNodeWebgpu();
const tf = await import('@tensorflow/tfjs');
await import('@tensorflow/tfjs-backend-webgpu');
const { registerKernels, runObjective, trialSpec } = await import('../../../../src/nn/index.ts');
const { createStudy, failReasonOf, NopPruner, RandomSampler } = await import('../../../../src/engine/index.ts');
const { NOTEBOOK_CONFIG, simulateBatch } = await import('../../../../src/sim/index.ts');

registerKernels();
if (!(await tf.setBackend('webgpu'))) throw new Error('no webgpu backend');
// The same network and attention path in both trials (shaders compiled once on SwiftShader).
const network = { numHeads: 64, mlpWidths: [8], flowWidths: [8, 8] };
const ops = { attention: 'composite' as const };
// Trial 0: 1 set × 64 heads × 2100² scores in one pass = 1.13 GB > 1 GiB. Trial 1: 12 trials per set.
const bigSim = { ...NOTEBOOK_CONFIG, fixedNumObs: 2100 };
const big = { train: simulateBatch(bigSim, 1, 2), val: simulateBatch(bigSim, 2, 2) };
const small = {
  train: simulateBatch({ ...NOTEBOOK_CONFIG, fixedNumObs: 12 }, 3, 8),
  val: simulateBatch({ ...NOTEBOOK_CONFIG, fixedNumObs: 12 }, 4, 4),
};

const study = await createStudy({ sampler: new RandomSampler({ seed: 1 }), pruner: new NopPruner() });
const before = tf.memory().numTensors;
const tensorsAfter: number[] = [];
const ms: number[] = [];
await study.optimize(
  async (trial) => {
    const t0 = performance.now();
    const forced = trial.number === 0;
    const data = forced ? big : small;
    try {
      const out = await runObjective(
        trialSpec(
          {
            dropout: await trial.suggestFloat('dropout', 0.01, 0.3),
            lr: await trial.suggestFloat('lr', 1e-4, 1e-2, { log: true }),
            numSeeds: 1,
            batchSize: forced ? 1 : 4,
            embedDim: 4,
            summaryDim: 2,
            epochs: 1,
            posteriorDraws: 4,
            integrationSteps: 2,
            integrator: 'euler',
          },
          { seed: trial.number, network: { overrides: network, ops }, microBatchSize: forced ? 1 : null },
        ),
        data.train,
        data.val,
      );
      if (out.status !== 'complete') throw new Error(`trial ${trial.number} stopped at epoch ${out.epoch}`);
      return out.result.L;
    } finally {
      tensorsAfter.push(tf.memory().numTensors);
      ms.push(performance.now() - t0);
    }
  },
  { nTrials: 2, catch: () => true },
);
const attrs = await study.storage.getStudySystemAttrs(study.studyId);
const trials = (await study.getTrials()).map((t) => ({
  state: t.state,
  value: t.values?.[0] ?? null,
  reason: failReasonOf(t, attrs) ?? null,
}));
process.stdout.write(
  `${JSON.stringify({ trials, tensorsBefore: before, tensorsAfter, ms, maxRss: process.resourceUsage().maxRSS * 1024 })}\n`,
);
