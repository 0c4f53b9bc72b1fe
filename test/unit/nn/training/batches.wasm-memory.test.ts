import { sweepCorners } from './wasm-sweep.ts';

sweepCorners([50, 200, 500]);
