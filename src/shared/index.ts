/** Public surface of the leaf utilities: the seeded RNG, the ziggurat normal sampler over its state, the Philox counter-based generator, file names and error messages. */
export { Rng, splitmix32 } from './rng.ts';
export { ZIG_K, ZIG_W, float53, nextI32, nextI32Many, normal, normalSlow, stateFromRng } from './ziggurat.ts';
export { errorMessage } from './error-message.ts';
export { safeFileName } from './file-name.ts';
export { mulhi32, philox4x32, uniform24 } from './philox.ts';
