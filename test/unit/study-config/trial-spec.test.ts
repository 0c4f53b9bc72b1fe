import { describe, expect, it } from 'vitest';
import { DEFAULT_TRIAL_NETWORK, trialSpec, type TrialSpec } from '../../../src/nn/model/trial-spec.ts';
import {
  HYPERPARAMETER_NAMES,
  PRESETS,
  studyTrialSpec,
  toDmcConfig,
  trialNetwork,
  type StudyConfig,
  type SuggestedHyperparameters,
} from '../../../src/study-config/index.ts';

/** One point of the search space: each distribution's low end (or first choice). */
function firstPoint(c: StudyConfig): SuggestedHyperparameters {
  const out = {} as SuggestedHyperparameters;
  for (const name of HYPERPARAMETER_NAMES) {
    const d = c.searchSpace[name];
    out[name] = d.type === 'categorical' ? (d.choices[0] as number) : d.low;
  }
  return out;
}

/** Paths of every undefined value in `x`: a spec writes each setting out, so there must be none. */
function undefinedPaths(x: unknown, path = 'spec'): string[] {
  if (x === undefined) return [path];
  if (x === null || typeof x !== 'object') return [];
  return Object.entries(x).flatMap(([k, v]) => undefinedPaths(v, `${path}.${k}`));
}

const variants: [string, (c: StudyConfig) => void][] = [
  ['as configured', () => undefined],
  [
    'with every network option and online data',
    (c) => {
      c.network = {
        variant: 'reference',
        standardizeCondition: true,
        standardizeTrials: true,
        matmulF16: true,
        flowDraws: 4,
      };
      c.data = { ...c.data, mode: 'online', batchesPerEpoch: 7 };
    },
  ],
];

describe('studyTrialSpec', () => {
  for (const [preset, make] of Object.entries(PRESETS)) {
    for (const [label, edit] of variants) {
      it(`carries every setting the objective needs: preset ${preset}, ${label}`, () => {
        const config = structuredClone(make());
        edit(config);
        const params = firstPoint(config);
        const spec = studyTrialSpec(config, { studyName: 'S', trialNumber: 4, params, seed: 99 });
        expect(spec.hyperparameters).toEqual({
          dropout: params.dropout,
          lr: params.lr,
          numSeeds: params.num_seeds,
          batchSize: params.batch_size,
          embedDim: params.embed_dim,
          summaryDim: params.summary_dim,
          epochs: config.epochs,
          posteriorDraws: config.diagnostics.posteriorDraws,
          integrationSteps: config.diagnostics.integrationSteps,
          integrator: config.diagnostics.integrator,
        });
        expect(spec.seed).toBe(99);
        expect(spec.weights).toEqual(config.weights);
        const n = config.network;
        expect(spec.network).toEqual({
          variant: n?.variant ?? 'as-tuned',
          standardizeCondition: n?.standardizeCondition ?? false,
          standardizeTrials: n?.standardizeTrials ?? false,
          flowDraws: n?.flowDraws ?? 1,
          overrides: {},
          ops: n?.matmulF16 === true ? { matmulPrecision: 'f16' } : {},
        });
        if (config.data.mode === 'online') {
          const dmc = toDmcConfig(config);
          expect(spec.online).toEqual({
            batchesPerEpoch: config.data.batchesPerEpoch,
            maxObs: dmc.fixedNumObs ?? dmc.maxNumObs,
            standardizationSets: null,
          });
        } else expect(spec.online).toBeNull();
        expect(spec.keep).toEqual({
          network: { metadata: { study: 'S', trialNumber: 4, studyConfig: config } },
          draws: true,
          preview: true,
        });
        expect([spec.patience, spec.microBatchSize, spec.sampleChunkSize]).toEqual([null, null, null]);
        expect(undefinedPaths(spec)).toEqual([]);
        // Plain data: it crosses to the worker (structured clone) and into JSON unchanged.
        expect(structuredClone(spec)).toEqual(spec);
        expect(JSON.parse(JSON.stringify(spec)) as TrialSpec).toEqual(spec);
      });
    }
  }

  it('reads a configuration without network options as the default network', () => {
    expect(trialNetwork(undefined)).toEqual(DEFAULT_TRIAL_NETWORK);
    expect(
      trialSpec(
        studyTrialSpec(PRESETS.smoke(), {
          studyName: 'S',
          trialNumber: 0,
          params: firstPoint(PRESETS.smoke()),
          seed: 1,
        }).hyperparameters,
      ).network,
    ).toEqual(DEFAULT_TRIAL_NETWORK);
  });
});
