/** Which training errors mean the worker's tfjs is broken and the worker must be replaced. */
import { describe, expect, it } from 'vitest';
import { isFatalBackendError } from '../../../src/workers/train-client.ts';

describe('isFatalBackendError', () => {
  it('wasm aborts and traps, lost GPU devices and crashed workers are fatal', () => {
    for (const e of [
      Object.assign(new Error('whatever'), { name: 'RuntimeError' }),
      new Error('Aborted(). Build with -sASSERTIONS for more info.'),
      new Error('Aborted(OOM)'),
      new Error('memory access out of bounds'),
      new Error('unreachable'),
      new Error('WebGPU device lost (destroyed): mapAsync failed'),
      new Error('training worker failed: Uncaught Error: boom'),
    ]) {
      expect(isFatalBackendError(e), e.message).toBe(true);
    }
  });

  it('ordinary trial failures and cancellations are not', () => {
    for (const e of [
      new Error('training diverged: loss is NaN'),
      new DOMException('Cancelled by the user', 'AbortError'),
      'Aborted(',
      null,
      undefined,
    ]) {
      expect(isFatalBackendError(e)).toBe(false);
    }
  });
});
