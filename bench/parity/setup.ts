/**
 * What the learning-parity benchmark trains on, built once and handed to both implementations: the
 * simulated training and validation sets, the network inputs exactly as our adapter builds them for
 * `fit` (standardized parameters, raw trials, the direct condition), plus fixed validation draws
 * (x0, t) on which both sides report their final validation loss.
 */
import { buildHostInputs, DataSets, fitStandardization, type Standardization } from '../../src/nn/model/adapter.ts';
import { NOTEBOOK_CONFIG, simulateBatch, validateDmcConfig, type DmcBatch } from '../../src/sim/index.ts';
import { Rng, splitmix32 } from '../../src/shared/index.ts';
import { REFERENCE_ADAM } from '../../src/nn/training/adam.ts';
import { WARMUP_FRACTION, WARMUP_START_FACTOR } from '../../src/nn/training/schedule.ts';
import type { ParityBudget } from './budget.ts';

/** As src/cli/commands/train.ts: validation sets get their own simulation seed. */
const VALIDATION_SALT = 0x76616c;
const FIXED_DRAWS_SALT = 0x6669786;

export interface ParityData {
  train: DmcBatch;
  val: DmcBatch;
  standardization: Standardization;
  /** Arrays for the data file: inputs of all training / validation sets and the fixed draws. */
  arrays: Record<string, { shape: number[]; data: Float32Array }>;
}

export function buildParityData(b: ParityBudget): ParityData {
  const sim = validateDmcConfig({ ...NOTEBOOK_CONFIG, fixedNumObs: b.obs });
  const train = simulateBatch(sim, b.dataSeed, b.trainSets);
  const val = simulateBatch(sim, splitmix32(b.dataSeed ^ VALIDATION_SALT), b.valSets);
  // What fit() does when given no standardization: fitted on the training sets.
  const standardization = fitStandardization(train, { condition: b.standardizeCondition });
  const p = train.paramNames.length;
  const arrays: ParityData['arrays'] = {};
  for (const [name, batch] of [
    ['train', train],
    ['val', val],
  ] as const) {
    const sets = DataSets.from(batch);
    const h = buildHostInputs(
      sets,
      Int32Array.from({ length: sets.n }, (_, i) => i),
      standardization,
    );
    arrays[`${name}_trials`] = { shape: [h.size, h.numObs, 3], data: h.summary };
    arrays[`${name}_cond`] = { shape: [h.size, 1], data: h.sqrtNumObs };
    arrays[`${name}_x1`] = { shape: [h.size, p], data: h.x1! };
  }
  const x0 = new Float32Array(b.valReps * b.valSets * p);
  const t = new Float32Array(b.valReps * b.valSets);
  for (let k = 0; k < b.valReps; k++) {
    const rng = Rng.stream(splitmix32(b.dataSeed ^ FIXED_DRAWS_SALT), k);
    for (let i = 0; i < b.valSets * p; i++) x0[k * b.valSets * p + i] = rng.normal();
    for (let i = 0; i < b.valSets; i++) t[k * b.valSets + i] = rng.float();
  }
  arrays['val_x0'] = { shape: [b.valReps, b.valSets, p], data: x0 };
  arrays['val_t'] = { shape: [b.valReps, b.valSets, 1], data: t };
  return { train, val, standardization, arrays };
}

/** The header torch_parity.py reads: the budget and the optimizer/schedule constants of src/nn/training/. */
export function parityHeader(b: ParityBudget, paramNames: readonly string[]): Record<string, unknown> {
  return {
    paramNames,
    seeds: b.seeds,
    posteriorDraws: b.posteriorDraws,
    integrationSteps: b.integrationSteps,
    hyperparameters: {
      epochs: b.epochs,
      batchSize: b.batchSize,
      lr: b.lr,
      dropout: b.dropout,
      numSeeds: b.numSeeds,
      embedDim: b.embedDim,
      summaryDim: b.summaryDim,
      beta1: REFERENCE_ADAM.beta1,
      beta2: REFERENCE_ADAM.beta2,
      epsilon: REFERENCE_ADAM.epsilon,
      // fit()'s default clip norm (FitOptions.clipNorm), which runObjective does not override.
      clipNorm: 1.5,
      warmupFraction: WARMUP_FRACTION,
      warmupStartFactor: WARMUP_START_FACTOR,
    },
  };
}
