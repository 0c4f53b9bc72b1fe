import { expect, it } from 'vitest';
import { errorMessage } from '../../../src/shared/index.ts';

it('gives an Error its message and anything else its string form', () => {
  expect(errorMessage(new RangeError('out of range'))).toBe('out of range');
  expect(errorMessage(new DOMException('quota exceeded', 'QuotaExceededError'))).toBe('quota exceeded');
  expect(errorMessage('worker died')).toBe('worker died');
  expect(errorMessage(42)).toBe('42');
  expect(errorMessage(undefined)).toBe('undefined');
});
