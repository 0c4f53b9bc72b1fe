/**
 * "Metrics vs N" state end to end in Node: the fixture network (trained on N 100–400) scored by the same
 * code the inference worker runs (evaluateAtNumObs on simulateRange, wasm backend), with the study's
 * diagnostics settings (20 draws, 4 steps). Default N list from the run's trained range, progress per N,
 * the curves equal to a direct evaluation with the same seed, Cancel, and a plain message for a network
 * that is gone or an N list that is not one.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { simulatorSettings } from '../../../src/inference/index.ts';
import { evaluateAtNumObs, parseNetworkFile, type NetworkFile } from '../../../src/nn/index.ts';
import type { FinalRunRecord } from '../../../src/persistence/index.ts';
import { simulateRange } from '../../../src/sim/index.ts';
import { MetricsVsN, METRICS_VS_N_SEED, type NumObsEvaluator } from '../../../src/state/metrics-vs-n.svelte.ts';
import { smokeStudyConfig } from '../../../src/study-config/index.ts';
import { useWasm } from '../nn/helpers.ts';

beforeAll(useWasm);

const base = parseNetworkFile(readFileSync('test/fixtures/inference/network-small.json', 'utf8'));
const file: NetworkFile = {
  ...base,
  metadata: {
    ...base.metadata,
    studyConfig: {
      ...smokeStudyConfig(),
      diagnostics: { posteriorDraws: 20, integrationSteps: 4, integrator: 'euler' },
    },
  },
};

/** The worker's metricsVsNumObs on this thread. */
const evaluator: NumObsEvaluator = {
  async metricsVsNumObs(f, req, opts = {}) {
    const settings = simulatorSettings(f.metadata)!;
    const result = await evaluateAtNumObs(f, (n) => simulateRange(settings.config, req.seed, 0, req.valSets, n), {
      ...req,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    return { ...result, backend: 'wasm', trained: [...settings.numObs] };
  },
};

function record(numObs: FinalRunRecord['settings']['numObs'], id = 'study-1/0'): FinalRunRecord {
  return { id, modelKey: 'study-1', trialNumber: 0, settings: { numObs } } as unknown as FinalRunRecord;
}

describe('MetricsVsN', { timeout: 120_000 }, () => {
  it('scores the network at each N with progress, as a direct evaluation with the same seed', async () => {
    const keys: string[] = [];
    const seen: string[] = [];
    // The state's progress as the evaluator reports it, read right after each report.
    const watching: NumObsEvaluator = {
      metricsVsNumObs: (f, req, opts = {}) =>
        evaluator.metricsVsNumObs(f, req, {
          ...opts,
          onProgress: (d, t, n) => {
            opts.onProgress?.(d, t, n);
            seen.push(`${m.progress!.numObs}:${m.progress!.done.toFixed(2)}/${m.progress!.total}`);
          },
        }),
    };
    const m = new MetricsVsN({
      evaluator: watching,
      networks: { load: async (key, t) => (keys.push(`${key}#${t}`), file) },
    });
    const r = m.finalSource(record({ min: 100, max: 400 }));
    m.select(r);
    expect(m.numObsText).toBe('100, 175, 250, 325, 400');
    m.numObsText = '40, 120';
    m.valSets.text = '6';
    const run = m.run(r);
    expect(m.running).toBe(true);
    await run;
    expect(keys).toEqual(['study-1/final#0']);
    expect(m.status).toBe('done');
    expect(m.progress).toBeNull();
    expect(m.result!.numObs).toEqual([40, 120]);
    expect(m.result!.trained).toEqual([100, 400]);
    expect(seen.at(-1)).toBe('120:2.00/2');
    expect(seen.some((x) => x.startsWith('40:'))).toBe(true);
    const direct = await evaluateAtNumObs(
      file,
      (n) => simulateRange(simulatorSettings(file.metadata)!.config, METRICS_VS_N_SEED, 0, 6, n),
      { numObs: [40, 120], numSamples: 20, steps: 4, method: 'euler', seed: METRICS_VS_N_SEED },
    );
    expect(m.result!.values).toEqual(direct.values);
  });

  it('cancels a running evaluation, and says plainly when the network is gone or the list is wrong', async () => {
    const m = new MetricsVsN({ evaluator, networks: { load: async () => file } });
    const r = m.finalSource(record({ fixed: 500 }));
    m.select(r);
    expect(m.numObsText).toBe('100, 200, 300, 400, 500');
    m.valSets.text = '4';
    const run = m.run(r);
    m.cancel();
    await run;
    expect(m.status).toBe('cancelled');
    expect(m.message).toBe('Cancelled.');
    expect(m.result).toBeNull();

    m.numObsText = '100, many';
    expect(m.problem).toMatch(/“many” is not a trial count/);

    const gone = new MetricsVsN({ evaluator, networks: { load: async () => undefined } });
    const lost = gone.finalSource(record({ fixed: 500 }));
    gone.select(lost);
    await gone.run(lost);
    expect(gone.status).toBe('error');
    expect(gone.message).toBe('Could not evaluate the network: The network is no longer stored in this browser.');
  });

  it('starts afresh for another final run', () => {
    const m = new MetricsVsN({ evaluator, networks: { load: async () => file } });
    m.select(m.finalSource(record({ min: 50, max: 1000 }, 'a')));
    m.numObsText = '77';
    m.select(m.finalSource(record({ min: 50, max: 1000 }, 'a')));
    expect(m.numObsText).toBe('77');
    m.select(m.finalSource(record({ min: 200, max: 600 }, 'b')));
    expect(m.numObsText).toBe('200, 300, 400, 500, 600');
    // Any network file works the same way (Infer's chosen network).
    m.select({ id: 'file:x', trained: [300, 300], load: async () => file });
    expect(m.numObsText).toBe('60, 120, 180, 240, 300');
    expect(m.sourceId).toBe('file:x');
  });
});
