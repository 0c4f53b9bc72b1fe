/**
 * A study trial's TrialSpec (src/nn/model/trial-spec.ts), built once from the study configuration, the trial's
 * suggested hyperparameters, its number and its seed; the study run hands it unchanged to the training
 * worker. `trialNetwork` is the one reading of a configuration's network options, shared by the final
 * network and the cluster export so that a trial means the same network everywhere.
 */
import { trialSpec, type TrialNetworkSpec, type TrialSpec } from '../nn/pure.ts';
import { onlineBatchesPerEpoch, toDmcConfig, trialHyperparameters, type SuggestedHyperparameters } from './convert.ts';
import type { NetworkSpec, StudyConfig } from './types.ts';

/** A configuration's network options (absent in old configurations: the defaults) as a spec's. */
export function trialNetwork(n: NetworkSpec | undefined): TrialNetworkSpec {
  return {
    variant: n?.variant ?? 'as-tuned',
    standardizeCondition: n?.standardizeCondition ?? false,
    standardizeTrials: n?.standardizeTrials ?? false,
    flowDraws: n?.flowDraws ?? 1,
    overrides: {},
    ops: n?.matmulF16 === true ? { matmulPrecision: 'f16' } : {},
  };
}

/** Online training's batches per epoch and largest trial count of a configuration, or null for offline. */
export function trialOnline(config: StudyConfig): { batchesPerEpoch: number; maxObs: number } | null {
  const batchesPerEpoch = onlineBatchesPerEpoch(config);
  if (batchesPerEpoch === null) return null;
  const dmc = toDmcConfig(config);
  return { batchesPerEpoch, maxObs: dmc.fixedNumObs ?? dmc.maxNumObs };
}

export interface StudyTrial {
  studyName: string;
  trialNumber: number;
  params: SuggestedHyperparameters;
  seed: number;
}

/**
 * Trial `t` of the study: its hyperparameters, the configuration's weights, network and data mode; it
 * keeps its network (with the study, trial and configuration in the file's metadata), its draws (for
 * the stored recovery plots) and sends the live preview.
 */
export function studyTrialSpec(config: StudyConfig, t: StudyTrial): TrialSpec {
  return trialSpec(trialHyperparameters(t.params, config), {
    seed: t.seed,
    weights: config.weights,
    network: trialNetwork(config.network),
    online: trialOnline(config),
    keep: {
      network: { metadata: { study: t.studyName, trialNumber: t.trialNumber, studyConfig: config } },
      draws: true,
      preview: true,
    },
  });
}
