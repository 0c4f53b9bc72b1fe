import { sweepCorners } from './wasm-sweep.ts';

sweepCorners([1000]);
