import { RandomSampler, TPESampler } from '../../src/engine/index.ts';
import { samplerConformance } from './sampler-conformance.ts';

samplerConformance('RandomSampler', (seed) => new RandomSampler({ seed }));
samplerConformance('TPESampler', (seed) => new TPESampler({ seed }));
samplerConformance('TPESampler (multivariate)', (seed) => new TPESampler({ seed, multivariate: true }));
