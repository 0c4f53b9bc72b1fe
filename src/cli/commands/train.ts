/**
 * `npm run --silent cli -- train --train-sets 512 --val-sets 128 --obs 100 --epochs 5 --seed 1 [--online --batches-per-epoch 100 --obs 50-1000 --workers N --patience N]
 *   [--batch-size 32 --lr 5e-4 --dropout 0.05 --num-seeds 1 --embed-dim 64 --summary-dim 16
 *    --samples 100 --steps 20 --integrator euler --backend wasm --network as-tuned|reference
 *    --standardize-condition --matmul-f16 --save MODEL.json --micro-batch N --heads N --attention auto|fused|composite] [--json] [--profile]`
 *
 * Simulates training and validation sets with the notebook prior (N = --obs trials per set), trains the
 * notebook's approximator in Node on the wasm backend (cpu with --backend cpu, webgpu through Dawn:
 * src/cli/main.ts installs it before this module loads tfjs), samples the validation posteriors and prints
 * {backend, epochs: [{loss, valLoss}], metrics, L, msPerStep}; with --profile also {profile: StepProfile}
 * of the second optimizer step (src/nn/profiling/step-profiler.ts). Per-epoch progress goes to stderr. --save
 * writes the trained network file (src/nn/model/network-file.ts). --matmul-f16 (webgpu only) runs the Dense layers'
 * products in mixed precision (binary16 operands, float32 accumulation; ops.matmulPrecision 'f16').
 * --micro-batch, --heads and --attention force the pass size, the heads and the attention path (e.g. a
 * configuration over the GPU's buffer limit, which fails with its message).
 */
import { writeFile } from 'node:fs/promises';
import { UsageError, optFlag, optInt, optNumber, optPositiveInt, optString, printJson } from '../args.ts';
import { parseWithSpec, type CommandUsage } from '../usage.ts';
import {
  type BackendName,
  profileStepWrapper,
  runObjective,
  trialSpec,
  selectBackend,
  type TrialHyperparameters,
  validateHyperparameters,
  webgpuFeatures,
} from '../../nn/index.ts';
import { tableToRecord } from '../../metrics/index.ts';
import { toDmcConfig, trialNetwork } from '../../study-config/index.ts';
import { makeTrainData, parseObs, simulatorFor } from './train-data.ts';
import { trialFromJournal } from './train-journal.ts';
import { errorMessage } from '../../shared/index.ts';

export const USAGE: CommandUsage = {
  name: 'train',
  summary: 'simulate, train and score a network in Node',
  options: [
    { name: 'train-sets', value: 'N', help: 'training data sets simulated from the notebook prior (512)' },
    { name: 'val-sets', value: 'N', help: 'validation data sets, at least 2 (128)' },
    {
      name: 'obs',
      value: 'N|MIN-MAX',
      help: 'trials per data set (100), or a range with --online (50-1000: one N per batch)',
    },
    { name: 'epochs', value: 'N', help: 'training epochs (5)' },
    { name: 'seed', value: 'S', help: 'seed of the simulation and the training (1)' },
    { name: 'batch-size', value: 'N', help: 'data sets per training step (32)' },
    { name: 'lr', value: 'X', help: 'learning rate (5e-4)' },
    { name: 'dropout', value: 'X', help: 'dropout rate in [0, 1) (0.05)' },
    { name: 'num-seeds', value: 'N', help: 'seeds of the pooling (PMA) block (1)' },
    { name: 'embed-dim', value: 'N', help: 'SetTransformer embedding width (64)' },
    { name: 'summary-dim', value: 'N', help: 'summary statistics per data set (16)' },
    { name: 'samples', value: 'N', help: 'posterior draws per validation set (100)' },
    { name: 'steps', value: 'N', help: 'flow-matching integration steps (20)' },
    { name: 'integrator', value: 'euler|rk4', help: 'ODE integrator for sampling (euler)' },
    {
      name: 'backend',
      value: 'wasm|cpu|webgpu',
      help: 'tfjs backend (wasm); webgpu through Dawn, on a GPU Vulkan driver or SwiftShader',
    },
    {
      name: 'network',
      value: 'as-tuned|reference',
      help: 'as-tuned, or what BayesFlow 2.0.5 ran for the notebook (as-tuned)',
    },
    { name: 'standardize-condition', help: 'standardize the direct condition sqrt(num_obs) (off: the raw value)' },
    {
      name: 'standardize-trials',
      help: 'standardize the per-trial summary inputs rt, accuracy, condition (off: the raw values, as the notebook)',
    },
    {
      name: 'matmul-f16',
      help: 'webgpu only: Dense products with binary16 operands and float32 accumulation (native f16 where the adapter offers shader-f16)',
    },
    { name: 'save', value: 'MODEL.json', help: 'write the trained network file' },
    { name: 'json', help: 'print the result as one JSON object on the last line' },
    {
      name: 'profile',
      help: 'also report what the second optimizer step sent to the device (dispatches, uploads, JS random numbers, peak bytes)',
    },
    {
      name: 'flow-draws',
      value: 'K',
      help: 'flow-matching draws (x0, t) per data set and step, 1-64 (1, as BayesFlow)',
    },
    {
      name: 'micro-batch',
      value: 'N',
      help: "data sets per forward/backward pass, bypassing the planner's device limits (planned)",
    },
    { name: 'heads', value: 'N', help: 'attention heads per block (4)' },
    {
      name: 'attention',
      value: 'auto|fused|composite',
      help: 'attention kernels: fused on webgpu, or tfjs ops writing the whole score tensor (auto)',
    },
    {
      name: 'online',
      help: "online training (BayesFlow's fit_online): a fresh simulated batch for every step; --train-sets is then unused",
    },
    { name: 'batches-per-epoch', value: 'N', help: 'online: optimizer steps per epoch (100)' },
    { name: 'workers', value: 'N', help: 'online: simulation worker threads preparing the batches (cores − 1)' },
    {
      name: 'patience',
      value: 'N',
      help: 'early stopping: end training after N epochs without a lower validation loss',
    },
    {
      name: 'from-journal',
      value: 'FILE',
      help: "train a trial's hyperparameters from an Optuna journal (with the study's simulator, diagnostics and seed when it carries the dmc-tune configuration)",
    },
    { name: 'trial', value: 'N', help: 'with --from-journal: the trial number' },
    {
      name: 'study',
      value: 'NAME',
      help: 'with --from-journal: the study (required when the journal holds more than one)',
    },
  ],
  notes: 'Per-epoch progress goes to stderr.',
};

// The shared check (args.ts), under the name the option lines below use.
const positive = optPositiveInt;

/** The tuned hyperparameters: from the journal's trial, or by flag (never both). */
const TUNED_FLAGS = ['batch-size', 'lr', 'dropout', 'num-seeds', 'embed-dim', 'summary-dim'] as const;

export async function run(args: string[]): Promise<number> {
  const p = parseWithSpec(args, USAGE.options);
  const journal = optString(p, 'from-journal');
  const trialNumber = optInt(p, 'trial');
  if (journal === undefined && trialNumber !== undefined)
    throw new UsageError('option --trial: needs --from-journal FILE');
  if (journal === undefined && optString(p, 'study') !== undefined)
    throw new UsageError('option --study: needs --from-journal FILE');
  if (journal !== undefined && (trialNumber === undefined || trialNumber < 0))
    throw new UsageError('option --from-journal: give the trial with --trial N (a trial number ≥ 0)');
  for (const f of TUNED_FLAGS) {
    if (journal !== undefined && optString(p, f) !== undefined) {
      throw new UsageError(
        `option --${f}: the hyperparameters come from the journal's trial (--from-journal); drop --${f} or --from-journal`,
      );
    }
  }
  const source = journal !== undefined ? await trialFromJournal(journal, trialNumber!, optString(p, 'study')) : null;
  const study = source?.config ?? null;
  const trainSets = positive(p, 'train-sets', 512);
  const valSets = positive(p, 'val-sets', study?.data.validationSets ?? 128);
  const obsOption = optString(p, 'obs');
  const obs = obsOption === undefined && study !== null ? study.simulator.numObs : parseObs(obsOption);
  const online = optFlag(p, 'online');
  const batchesPerEpoch = positive(p, 'batches-per-epoch');
  if (batchesPerEpoch !== undefined && !online)
    throw new UsageError('option --batches-per-epoch: only for online training (add --online)');
  const workers = positive(p, 'workers');
  const patience = positive(p, 'patience');
  const seed = optInt(p, 'seed') ?? source?.seed ?? 1;
  const integrator = optString(p, 'integrator') ?? study?.diagnostics.integrator ?? 'euler';
  if (integrator !== 'euler' && integrator !== 'rk4')
    throw new UsageError(`option --integrator: expected euler or rk4, got '${integrator}'`);
  const backend = (optString(p, 'backend') ?? 'wasm') as BackendName;
  if (backend !== 'wasm' && backend !== 'cpu' && backend !== 'webgpu')
    throw new UsageError(`option --backend: Node offers wasm, cpu or webgpu, got '${backend}'`);
  const profiler = optFlag(p, 'profile') ? profileStepWrapper({ warmupSteps: 1 }) : null;
  let hparams: TrialHyperparameters;
  try {
    const t = source?.params;
    hparams = validateHyperparameters({
      epochs: positive(p, 'epochs', study?.epochs ?? 5),
      batchSize: t?.batch_size ?? positive(p, 'batch-size', 32),
      lr: t?.lr ?? optNumber(p, 'lr') ?? 5e-4,
      dropout: t?.dropout ?? optNumber(p, 'dropout') ?? 0.05,
      numSeeds: t?.num_seeds ?? positive(p, 'num-seeds', 1),
      embedDim: t?.embed_dim ?? positive(p, 'embed-dim', 64),
      summaryDim: t?.summary_dim ?? positive(p, 'summary-dim', 16),
      posteriorDraws: positive(p, 'samples', study?.diagnostics.posteriorDraws ?? 100),
      integrationSteps: positive(p, 'steps', study?.diagnostics.integrationSteps ?? 20),
      integrator,
    });
  } catch (e) {
    throw new UsageError(errorMessage(e));
  }
  // The journal's study network as the browser and the cluster read it; each option given overrides it.
  const studyNetwork = trialNetwork(study?.network);
  const variant = optString(p, 'network') ?? studyNetwork.variant;
  if (variant !== 'as-tuned' && variant !== 'reference')
    throw new UsageError(`option --network: expected as-tuned or reference, got '${variant}'`);
  const standardizeCondition = optFlag(p, 'standardize-condition') || studyNetwork.standardizeCondition;
  const standardizeTrials = optFlag(p, 'standardize-trials') || studyNetwork.standardizeTrials;
  const microBatch = positive(p, 'micro-batch');
  const flowDraws = positive(p, 'flow-draws') ?? studyNetwork.flowDraws;
  if (flowDraws > 64) throw new UsageError(`option --flow-draws: expected 1 to 64, got ${flowDraws}`);
  const heads = positive(p, 'heads');
  const attention = optString(p, 'attention') ?? 'auto';
  if (attention !== 'auto' && attention !== 'fused' && attention !== 'composite') {
    throw new UsageError(`option --attention: expected auto, fused or composite, got '${attention}'`);
  }
  const matmulF16 = optFlag(p, 'matmul-f16');
  if (matmulF16 && backend !== 'webgpu')
    throw new UsageError(
      `option --matmul-f16: needs --backend webgpu (the mixed-precision kernel exists only there), got '${backend}'`,
    );
  const save = optString(p, 'save');
  if (valSets < 2)
    throw new UsageError(`option --val-sets: the diagnostics need at least 2 validation sets, got ${valSets}`);
  if (trainSets < 2)
    throw new UsageError(`option --train-sets: standardization needs at least 2 training sets, got ${trainSets}`);

  const choice = await selectBackend(backend, { strict: true });
  const simConfig = simulatorFor(obs, study === null ? undefined : toDmcConfig(study));
  if (source !== null) {
    process.stderr.write(
      `trial ${source.trialNumber} of "${source.studyName}": ${JSON.stringify(source.params)}${study === null ? ' (no dmc-tune configuration in the journal: the notebook simulator)' : ''}\n`,
    );
  }
  const obsText = 'fixed' in obs ? `${obs.fixed}` : `${obs.min}-${obs.max}`;
  const t0 = performance.now();
  const onlineSpec = online
    ? {
        batchesPerEpoch: batchesPerEpoch ?? 100,
        epochs: hparams.epochs,
        batchSize: hparams.batchSize,
        ...(workers !== undefined ? { workers } : {}),
      }
    : null;
  const data = makeTrainData({ config: simConfig, seed, trainSets, valSets, online: onlineSpec });
  const simMs = performance.now() - t0;
  process.stderr.write(
    onlineSpec === null
      ? `simulated ${trainSets} + ${valSets} data sets of ${obsText} trials in ${(simMs / 1000).toFixed(1)} s; training on ${choice.backend}\n`
      : `simulated ${valSets} validation sets of ${obsText} trials in ${(simMs / 1000).toFixed(1)} s; training online (${onlineSpec.batchesPerEpoch} fresh batches of ${hparams.batchSize} per epoch) on ${choice.backend}\n`,
  );

  const feed = data.feed;
  const spec = trialSpec(hparams, {
    seed,
    network: {
      variant,
      standardizeCondition,
      standardizeTrials,
      flowDraws,
      overrides: heads !== undefined ? { numHeads: heads } : {},
      ops: {
        ...(attention !== 'auto' ? { attention } : {}),
        ...(matmulF16 ? { matmulPrecision: 'f16' as const } : {}),
      },
    },
    online:
      onlineSpec === null
        ? null
        : { batchesPerEpoch: onlineSpec.batchesPerEpoch, maxObs: simConfig.fixedNumObs ?? simConfig.maxNumObs },
    patience,
    microBatchSize: microBatch,
    keep: {
      network:
        save === undefined
          ? false
          : {
              metadata: {
                simulator: simConfig,
                ...(source !== null
                  ? {
                      study: source.studyName,
                      trialNumber: source.trialNumber,
                      ...(study !== null ? { studyConfig: study } : {}),
                    }
                  : {}),
                ...(onlineSpec === null ? { trainSets } : { online: { batchesPerEpoch: onlineSpec.batchesPerEpoch } }),
                valSets,
                source: 'cli train',
              },
            },
    },
  });
  const outcome = await runObjective(spec, data.train, data.val, {
    onlineBatch: feed === null ? undefined : (j: number) => feed.next(j),
    wrapStep: profiler?.wrapStep,
    onEpoch: (r) => {
      process.stderr.write(
        `epoch ${r.epoch + 1}/${r.epochs}: loss ${r.loss.toFixed(4)}, val_loss ${r.valLoss.toFixed(4)} (${(r.trainMs / 1000).toFixed(1)} s)\n`,
      );
    },
  }).finally(() => data.dispose());
  // onEpoch above never asks to prune, so a run that returns has completed.
  if (outcome.status !== 'complete')
    throw new Error(`train: the run stopped after epoch ${outcome.epoch + 1} although nothing asked to prune it`);
  const result = outcome.result;
  if (save !== undefined && result.network !== undefined) {
    await writeFile(save, JSON.stringify(result.network));
    process.stderr.write(`saved the trained network to ${save}\n`);
  }
  const out = {
    backend: result.backend,
    network: variant,
    standardizeCondition,
    seed,
    hyperparameters: hparams,
    ...(source !== null ? { fromJournal: { study: source.studyName, trial: source.trialNumber } } : {}),
    data:
      onlineSpec === null
        ? { mode: 'offline', trainingSets: trainSets }
        : {
            mode: 'online',
            batchesPerEpoch: onlineSpec.batchesPerEpoch,
            onlineBatches: feed?.delivered ?? 0,
            dataWaitMs: result.dataWaitMs ?? 0,
          },
    ...(result.stoppedEarly != null ? { stoppedEarly: result.stoppedEarly } : {}),
    matmulPrecision: matmulF16 ? 'f16' : 'f32',
    ...(matmulF16 ? { shaderF16: webgpuFeatures()?.shaderF16 ?? false } : {}),
    parameterCount: result.parameterCount,
    epochs: result.history.loss.map((loss, i) => ({ loss, valLoss: result.history.valLoss[i]! })),
    metrics: tableToRecord(result.table),
    L: result.L,
    msPerStep: result.msPerStep,
    ...(profiler !== null
      ? {
          profile: profiler.result() ?? {
            skipped: 'the run took fewer than 2 optimizer steps (one warm-up, one measured)',
          },
        }
      : {}),
  };
  if (optFlag(p, 'json')) printJson(out);
  else {
    process.stdout.write(
      `backend ${out.backend}, ${out.msPerStep.toFixed(1)} ms per step, sampling ${(result.samplingMs / 1000).toFixed(1)} s\n`,
    );
    for (const [row, vals] of Object.entries(out.metrics)) {
      process.stdout.write(
        `${row.padEnd(22)} ${Object.entries(vals)
          .map(([k, v]) => `${k} ${v.toFixed(3)}`)
          .join('  ')}\n`,
      );
    }
    process.stdout.write(`L = ${out.L}\n`);
  }
  return 0;
}
