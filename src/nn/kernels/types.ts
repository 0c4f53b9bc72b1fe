import type { DataType, KernelConfig } from '@tensorflow/tfjs';

/** A kernel implementation for one backend and the input dtypes it computes correctly. */
export interface DmcKernel {
  readonly config: KernelConfig;
  /** Inputs of another dtype make the op take its composite path on that backend. */
  readonly dtypes: readonly DataType[];
}
