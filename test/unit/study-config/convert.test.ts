import { describe, expect, it } from 'vitest';
import {
  createStudy,
  InMemoryStorage,
  MedianPruner,
  NopPruner,
  RandomSampler,
  SuccessiveHalvingPruner,
  TPESampler,
} from '../../../src/engine/index.ts';
import { NOTEBOOK_CONFIG, simulateBatch } from '../../../src/sim/index.ts';
import {
  dataSeeds,
  defaultStudyConfig,
  makePruner,
  makeSampler,
  smokeStudyConfig,
  suggestAll,
  toDistribution,
  toDmcConfig,
  trialHyperparameters,
  trialSeed,
} from '../../../src/study-config/index.ts';

describe('toDmcConfig', () => {
  it('maps the notebook configuration onto the simulator’s notebook config (docs/design/simulator.md#parameters, docs/design/simulator.md#prior)', () => {
    const c = toDmcConfig(defaultStudyConfig());
    expect(c.paramNames).toEqual(NOTEBOOK_CONFIG.paramNames);
    expect(c.priorMeans).toEqual(NOTEBOOK_CONFIG.priorMeans);
    expect(c.priorSds).toEqual(NOTEBOOK_CONFIG.priorSds);
    expect(c.sdrFixed).toBeNull();
    expect([c.tmax, c.a, c.sigma, c.startPoint, c.fixedNumObs, c.contamination]).toEqual([
      NOTEBOOK_CONFIG.tmax,
      NOTEBOOK_CONFIG.a,
      NOTEBOOK_CONFIG.sigma,
      NOTEBOOK_CONFIG.startPoint,
      NOTEBOOK_CONFIG.fixedNumObs,
      NOTEBOOK_CONFIG.contamination,
    ]);
  });

  it('drops sd_r when it is fixed and passes a num_obs range', () => {
    const s = defaultStudyConfig();
    s.simulator.sdr = 'fixed';
    s.simulator.numObs = { min: 50, max: 1000 };
    s.simulator.contamination = 0.05;
    const c = toDmcConfig(s);
    expect(c.paramNames).toEqual(['A', 'tau', 'mu_c', 'mu_r', 'b']);
    expect(c.priorMeans).toHaveLength(5);
    expect(c.sdrFixed).toBe(0);
    expect([c.fixedNumObs, c.minNumObs, c.maxNumObs, c.contamination]).toEqual([null, 50, 1000, 0.05]);
    const batch = simulateBatch(c, 3, 2);
    expect(batch.paramNames).toEqual(c.paramNames);
    expect(batch.numObs).toBeGreaterThanOrEqual(50);
    expect(batch.numObs).toBeLessThanOrEqual(1000);
  });
});

describe('seeds', () => {
  it('are deterministic, distinct per stream and per trial', () => {
    const c = defaultStudyConfig();
    const a = dataSeeds(c);
    expect(dataSeeds(defaultStudyConfig())).toEqual(a);
    expect(a.training).not.toBe(a.validation);
    const trials = new Set([0, 1, 2, 3, 4].map((k) => trialSeed(c, k)));
    expect(trials.size).toBe(5);
    expect(trials.has(a.training)).toBe(false);
    c.seed = 7;
    expect(dataSeeds(c).training).not.toBe(a.training);
  });

  it('give training and validation sets that differ', () => {
    const c = smokeStudyConfig();
    const s = dataSeeds(c);
    const dmc = toDmcConfig(c);
    expect(simulateBatch(dmc, s.training, 2).params).not.toEqual(simulateBatch(dmc, s.validation, 2).params);
  });
});

describe('engine objects', () => {
  it('builds the configured sampler and pruner', () => {
    const c = defaultStudyConfig();
    expect(makeSampler(c)).toBeInstanceOf(TPESampler);
    c.sampler.type = 'random';
    expect(makeSampler(c)).toBeInstanceOf(RandomSampler);
    expect(makePruner(c)).toBeInstanceOf(NopPruner);
    c.pruner = { type: 'median', nStartupTrials: 1, nWarmupSteps: 0, intervalSteps: 1, nMinTrials: 1 };
    expect(makePruner(c)).toBeInstanceOf(MedianPruner);
    c.pruner = {
      type: 'successive-halving',
      minResource: 'auto',
      reductionFactor: 3,
      minEarlyStoppingRate: 0,
      bootstrapCount: 0,
    };
    expect(makePruner(c)).toBeInstanceOf(SuccessiveHalvingPruner);
  });

  it('suggests every hyperparameter inside its distribution, in the configured order', async () => {
    const c = defaultStudyConfig();
    c.sampler.type = 'random';
    const study = await createStudy({ storage: new InMemoryStorage(), sampler: makeSampler(c), pruner: makePruner(c) });
    for (let k = 0; k < 20; k++) {
      const trial = await study.ask();
      const h = await suggestAll(trial, c);
      expect(Object.keys(h)).toEqual(['dropout', 'lr', 'num_seeds', 'batch_size', 'embed_dim', 'summary_dim']);
      expect(h.dropout).toBeGreaterThanOrEqual(0.01);
      expect(h.dropout).toBeLessThanOrEqual(0.3);
      expect(h.lr).toBeGreaterThanOrEqual(1e-4);
      expect(h.lr).toBeLessThanOrEqual(1e-3);
      expect(Number.isInteger(h.num_seeds) && h.num_seeds >= 1 && h.num_seeds <= 8).toBe(true);
      expect([16, 32, 64, 128]).toContain(h.batch_size);
      expect([64, 128]).toContain(h.embed_dim);
      expect(Number.isInteger(h.summary_dim) && h.summary_dim >= 4 && h.summary_dim <= 32).toBe(true);
      const hp = trialHyperparameters(h, c);
      expect(hp).toMatchObject({
        numSeeds: h.num_seeds,
        batchSize: h.batch_size,
        embedDim: h.embed_dim,
        summaryDim: h.summary_dim,
        epochs: 10,
        posteriorDraws: 1000,
      });
      await study.tell(trial, k);
    }
    const trials = await study.getTrials();
    expect(trials[0]!.distributions.lr).toEqual(toDistribution(c.searchSpace.lr));
    expect(trials[0]!.distributions.batch_size).toEqual(toDistribution(c.searchSpace.batch_size));
  });

  it('keeps the sampler seed on resume: a continued study neither repeats nor changes its draws', async () => {
    const c = defaultStudyConfig();
    c.sampler.type = 'random';
    const lrs = async (storage: InMemoryStorage, n: number): Promise<number[]> => {
      // A fresh sampler object for every call: what a reload or a second session does.
      const study = await createStudy({ storage, studyName: 's', sampler: makeSampler(c), loadIfExists: true });
      const out: number[] = [];
      for (let k = 0; k < n; k++) {
        const t = await study.ask();
        out.push((await suggestAll(t, c)).lr);
        await study.tell(t, k);
      }
      return out;
    };
    const whole = await lrs(new InMemoryStorage(), 4);
    const resumed = new InMemoryStorage();
    const parts = [...(await lrs(resumed, 2)), ...(await lrs(resumed, 2))];
    expect(parts).toEqual(whole);
    expect(new Set(whole).size).toBe(4);
  });
});
