/**
 * networkParameterCount (src/nn/model/parameter-count.ts) against the parameters the real approximator
 * allocates, over SAB and ISAB summaries and the hyperparameters a study tunes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Approximator, defaultNetworkConfig, type NetworkConfig } from '../../../../src/nn/index.ts';
import { networkParameterCount } from '../../../../src/nn/model/parameter-count.ts';
import { useWasm } from '../helpers.ts';

beforeAll(useWasm);

const CASES: Partial<NetworkConfig>[] = [
  {},
  { paramDim: 5, summaryDim: 4, numSeeds: 1, embedDim: 128 },
  { paramDim: 6, summaryDim: 32, numSeeds: 8, embedDim: 64 },
  { numInducingPoints: 16, embedDim: 32, numHeads: 2, mlpWidths: [64], flowWidths: [128, 64] },
];

describe('networkParameterCount', () => {
  for (const partial of CASES) {
    it(`equals the built approximator's count for ${JSON.stringify(partial)}`, () => {
      const config = defaultNetworkConfig(partial);
      const approx = new Approximator(config, { seed: 1 });
      try {
        expect(networkParameterCount(config)).toEqual(approx.parameterCounts);
      } finally {
        approx.dispose();
      }
    });
  }
});
