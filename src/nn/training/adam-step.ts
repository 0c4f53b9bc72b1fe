/**
 * What both implementations of Adam (adam.ts: per variable; adam-multi.ts: one kernel over all
 * variables) share: the optimizer's constants and the contract of one implementation. Its own module so
 * that adam.ts, which picks an implementation, and adam-multi.ts, which is one, both import it and
 * neither imports the other back.
 */
import type * as tf from '@tensorflow/tfjs';

export interface AdamOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Per-variable L2 clip norm; null = no clipping. */
  clipNorm: number | null;
}

/** One implementation of the update; α comes from the caller, which owns t. */
export interface AdamStep {
  /** The update; `guard` (kernel path only): the loss, whose non-finiteness halts on the device. */
  step(grads: readonly tf.Tensor[], alpha: number, guard: tf.Scalar | null): void;
  /** Halts from the host, which has seen a non-finite loss. */
  halt(): void;
  /** The moments, flat (AdamState.m, .v). */
  readMoments(): Promise<{ m: Float32Array; v: Float32Array }>;
  /** Replaces the moments (flat, as readMoments returns them). */
  writeMoments(m: Float32Array, v: Float32Array): void;
  /** Halted as far as the host knows without reading anything. */
  readonly hostHalted: boolean;
  halted(): Promise<boolean>;
  dispose(): void;
}
