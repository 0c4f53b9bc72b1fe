/** The study's data.mode ("offline" | "online") and data.batchesPerEpoch: optional, round-trips, validated in plain words. */
import { describe, expect, it } from 'vitest';
import {
  defaultStudyConfig,
  onlineBatchesPerEpoch,
  parseStudyConfig,
  validateStudyConfig,
  type StudyConfig,
} from '../../../src/study-config/index.ts';
import { estimateStudy, finalRunSeconds, wasmTrialSeconds } from '../../../src/study-config/estimate.ts';

describe('online training option', () => {
  it('is absent in older configurations: offline', () => {
    const r = validateStudyConfig(defaultStudyConfig());
    if (!('config' in r)) throw new Error('the default configuration is valid');
    expect(r.config.data.mode).toBeUndefined();
    expect(onlineBatchesPerEpoch(r.config)).toBeNull();
  });

  it('round-trips through JSON text as given', () => {
    const c = {
      ...defaultStudyConfig(),
      data: { trainingSets: 100, validationSets: 50, mode: 'online', batchesPerEpoch: 250 },
    };
    const r = parseStudyConfig(JSON.stringify(c));
    if (!('config' in r)) throw new Error(JSON.stringify(r.errors));
    expect(r.config.data).toEqual({ trainingSets: 100, validationSets: 50, mode: 'online', batchesPerEpoch: 250 });
    expect(JSON.parse(JSON.stringify(r.config))).toEqual(r.config);
    expect(onlineBatchesPerEpoch(r.config)).toBe(250);
    const offline = validateStudyConfig({ ...c, data: { ...c.data, mode: 'offline' } });
    expect('config' in offline && onlineBatchesPerEpoch(offline.config)).toBeNull();
  });

  it('says what is wrong, at the field', () => {
    const errors = (data: object): { path: string; message: string }[] => {
      const r = validateStudyConfig({
        ...defaultStudyConfig(),
        data: { trainingSets: 100, validationSets: 50, ...data },
      });
      return 'errors' in r ? r.errors : [];
    };
    expect(errors({ mode: 'streaming' })).toEqual([
      { path: 'data.mode', message: 'Choose one of "offline", "online" (got "streaming")' },
    ]);
    expect(errors({ mode: 'online' })).toEqual([
      {
        path: 'data.batchesPerEpoch',
        message: 'Online training needs the number of batches per epoch (fresh simulations for each batch)',
      },
    ]);
    expect(errors({ mode: 'online', batchesPerEpoch: 0 })).toEqual([
      { path: 'data.batchesPerEpoch', message: 'Enter a whole number of at least 1 (got 0)' },
    ]);
    expect(errors({ mode: 'online', batchesPerEpoch: 2.5 })).toEqual([
      { path: 'data.batchesPerEpoch', message: 'Enter a whole number of at least 1 (got 2.5)' },
    ]);
    expect(errors({ batches: 3 }).map((e) => e.path)).toEqual(['data.batches']);
  });

  it('the time estimate counts online batches (batches per epoch × batch size) and no training sets up front', () => {
    const base = defaultStudyConfig();
    const fixedBatch: StudyConfig = {
      ...base,
      searchSpace: { ...base.searchSpace, batch_size: { type: 'categorical', choices: [50] } },
      data: { trainingSets: 500, validationSets: 100 },
    };
    const online: StudyConfig = { ...fixedBatch, data: { ...fixedBatch.data, mode: 'online', batchesPerEpoch: 10 } };
    const off = wasmTrialSeconds(fixedBatch);
    const on = wasmTrialSeconds(online);
    // Same sets per epoch (10 × 50 = 500): the online trial costs the same training plus its simulation.
    expect(on.low).toBeGreaterThan(off.low);
    expect(on.low).toBeLessThan(off.low * 1.05);
    const twice = wasmTrialSeconds({ ...online, data: { ...online.data, batchesPerEpoch: 20 } });
    expect(twice.low).toBeGreaterThan(on.low * 1.5);
    const eOff = estimateStudy({ ...fixedBatch, nTrials: 1 }, 'wasm');
    const eOn = estimateStudy({ ...online, nTrials: 1 }, 'wasm');
    if (eOff.kind !== 'estimate' || eOn.kind !== 'estimate') throw new Error('wasm has an estimate');
    expect(eOn.study.low - eOn.perTrial.low).toBeLessThan(eOff.study.low - eOff.perTrial.low);
  });

  it("a final run's estimate is a trial's estimate at the final budget", () => {
    const base = defaultStudyConfig();
    const one: StudyConfig = {
      ...base,
      searchSpace: {
        ...base.searchSpace,
        embed_dim: { type: 'categorical', choices: [64] },
        num_seeds: { type: 'int', low: 2, high: 2 },
        summary_dim: { type: 'categorical', choices: [16] },
      },
    };
    const network = { embedDim: 64, numSeeds: 2, summaryDim: 16 };
    const asTrial = finalRunSeconds(one, {
      network,
      epochs: one.epochs,
      setsPerEpoch: one.data.trainingSets,
      online: false,
      numObs: one.simulator.numObs,
      validationSets: one.data.validationSets,
    });
    expect(asTrial).toBeCloseTo(wasmTrialSeconds(one).low, 6);
    const published = finalRunSeconds(one, {
      network,
      epochs: 200,
      setsPerEpoch: 250 * 32,
      online: true,
      numObs: { min: 50, max: 1000 },
      validationSets: 200,
    });
    expect(published).toBeGreaterThan(100 * asTrial);
  });
});
