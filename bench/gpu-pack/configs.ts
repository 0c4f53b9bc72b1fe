/**
 * The sizes the GPU pack measures (bench/gpu-pack/measure.ts), in their own module so that tests can run
 * the same configurations on wasm without starting the measurements.
 */

/** The network every part trains: the CLI's defaults, and torch_reference.py's with the same variables. */
export const NETWORK = { summaryDim: 16, numSeeds: 1, dropout: 0.05 } as const;

/** --quick (tests on software Vulkan): a network small enough for CPU emulation. */
export const QUICK_NETWORK = { numHeads: 1, mlpWidths: [8], flowWidths: [16, 16] } as const;

export interface TrainConfig {
  trainSets: number;
  valSets: number;
  obs: number;
  seed: number;
  valSeed: number;
  /** The run passes when its last validation loss is at most this. */
  target: number;
  hparams: {
    epochs: number; batchSize: number; lr: number; dropout: number; numSeeds: number; embedDim: number; summaryDim: number;
    posteriorDraws: number; integrationSteps: number; integrator: 'euler';
  };
  network?: typeof QUICK_NETWORK;
}

/**
 * The short training run: `cli train`'s defaults (512 + 128 sets of N = 100, 5 epochs of batch 32). On
 * wasm here (2026-12-07) its validation loss went 6.99, 5.24, 3.22, 2.44, 2.22 over the five epochs; the
 * stated target leaves room for float differences between backends.
 */
export const TRAIN: TrainConfig = {
  trainSets: 512, valSets: 128, obs: 100, seed: 1, valSeed: 2, target: 3.0,
  hparams: { epochs: 5, batchSize: 32, lr: 5e-4, dropout: 0.05, numSeeds: 1, embedDim: 64, summaryDim: 16, posteriorDraws: 100, integrationSteps: 20, integrator: 'euler' },
};

/** --quick: four steps of a tiny network; its target only says the loss stayed finite and bounded. */
export const TRAIN_QUICK: TrainConfig = {
  trainSets: 16, valSets: 4, obs: 16, seed: 7, valSeed: 8, target: 25,
  hparams: { epochs: 1, batchSize: 4, lr: 1e-3, dropout: 0.05, numSeeds: 1, embedDim: 8, summaryDim: 4, posteriorDraws: 4, integrationSteps: 2, integrator: 'euler' },
  network: QUICK_NETWORK,
};
