/**
 * Out-of-range warnings: silent on participants simulated from inside the network's prior, firing on
 * participants simulated far outside it, and on trial counts outside the trained num_obs range; a file
 * without simulator settings says it cannot check. Also the settings a network file carries.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  participantWarnings,
  PRIOR_PREDICTIVE_SETS,
  priorPredictiveConfig,
  priorRanges,
  simulatorSettings,
} from '../../../src/inference/index.ts';
import { parseNetworkFile } from '../../../src/nn/model/network-file.ts';
import { NOTEBOOK_CONFIG, simulateBatch, simulateTrials, type DmcParams } from '../../../src/sim/index.ts';
import { defaultStudyConfig } from '../../../src/study-config/index.ts';

const settings = simulatorSettings({
  simulator: { ...NOTEBOOK_CONFIG, fixedNumObs: null, minNumObs: 100, maxNumObs: 400 },
})!;
const N = 200;
const ranges = priorRanges(simulateBatch(priorPredictiveConfig(settings, N), 1, PRIOR_PREDICTIVE_SETS));

describe('simulator settings in network files', () => {
  it('from `simulator` (CLI train), from `studyConfig` (app), and none in an older file', () => {
    expect(settings.numObs).toEqual([100, 400]);
    expect(settings.config.tmax).toBe(1500);
    const fromStudy = simulatorSettings({ studyConfig: defaultStudyConfig() });
    expect(fromStudy?.source).toBe('studyConfig');
    expect(fromStudy?.config.priorMeans).toEqual(NOTEBOOK_CONFIG.priorMeans);
    expect(simulatorSettings({ createdAt: 'x' })).toBeNull();
    const fixture = parseNetworkFile(
      readFileSync(new URL('../../fixtures/inference/network-small.json', import.meta.url), 'utf8'),
    );
    expect(simulatorSettings(fixture.metadata)?.numObs).toEqual([100, 400]);
  });
});

describe('prior predictive warnings', () => {
  it('stay silent on data simulated from inside the prior', () => {
    const inside: DmcParams[] = [
      { A: 70.8, tau: 114.71, mu_c: 0.71, mu_r: 332.34, b: 98.36, sd_r: 43.36 },
      { A: 60, tau: 100, mu_c: 0.7, mu_r: 320, b: 90, sd_r: 40 },
      { A: 80, tau: 130, mu_c: 0.6, mu_r: 350, b: 110, sd_r: 45 },
      { A: 50, tau: 90, mu_c: 0.8, mu_r: 300, b: 80, sd_r: 35 },
    ];
    inside.forEach((p, i) =>
      expect(participantWarnings(simulateTrials(p, N, 10 + i), settings, ranges), JSON.stringify(p)).toEqual([]),
    );
  });

  it('fire on data simulated far outside it, naming the statistic and what to do', () => {
    const slow = participantWarnings(
      simulateTrials({ A: 70, tau: 115, mu_c: 0.7, mu_r: 900, b: 98, sd_r: 43 }, N, 1),
      settings,
      ranges,
    );
    expect(slow.map((w) => w.kind)).toContain('mean-rt');
    expect(slow[0]!.message).toMatch(/mean RT \d+ ms lies outside the central 99 % .*Set a prior that covers the data/);
    const sloppy = participantWarnings(
      simulateTrials({ A: 70, tau: 115, mu_c: 0.05, mu_r: 330, b: 15, sd_r: 43 }, N, 2),
      settings,
      ranges,
    );
    expect(sloppy.map((w) => w.kind)).toContain('error-rate');
    const conflict = participantWarnings(
      simulateTrials({ A: 300, tau: 400, mu_c: 0.5, mu_r: 330, b: 160, sd_r: 43 }, N, 3),
      settings,
      ranges,
    );
    expect(conflict.map((w) => w.kind)).toContain('congruency-effect');
  });

  it('trial counts outside the trained range, and files without settings', () => {
    const t = simulateTrials({ A: 70.8, tau: 114.71, mu_c: 0.71, mu_r: 332.34, b: 98.36, sd_r: 43.36 }, 50, 4);
    const w = participantWarnings(t, settings, ranges);
    expect(w.map((x) => x.kind)).toEqual(['num-obs']);
    expect(w[0]!.message).toContain('50 trials, but the network was trained on data sets of 100–400 trials');
    expect(w[0]!.message).toContain('Train a network on a range of trial counts that includes 50');
    expect(w[0]!.message).not.toContain('prior');
    const none = participantWarnings(t, null, null);
    expect(none.map((x) => x.kind)).toEqual(['no-settings']);
  });
});
