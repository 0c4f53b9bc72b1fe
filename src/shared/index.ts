/** Public surface of the leaf utilities: the seeded RNG and the ziggurat normal sampler over its state. */
export { Rng, splitmix32 } from './rng.ts';
export { ZIG_K, ZIG_W, float53, nextI32, nextI32Many, normal, normalSlow, stateFromRng } from './ziggurat.ts';
