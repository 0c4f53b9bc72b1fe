/**
 * Measurement of training steps (what a step sends to the device, and its peak memory): tools for the
 * benchmarks, the CLI's `--profile` and the tests, kept apart from the runtime kernels they watch. A
 * profiler patches backend and WebGPU methods for the length of its window and restores them after.
 */
export {
  StepProfiler,
  profileStepWrapper,
  type Count,
  type ProfileOptions,
  type StepProfile,
  type StepWrapperOptions,
} from './step-profiler.ts';
