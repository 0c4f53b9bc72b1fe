/**
 * How a Field finds its own error: every field's error is a function of its path in the study
 * configuration, so the view that owns the setup draft provides the lookup once and each Field asks it
 * with its `path`, instead of every use passing the same path twice (`path` and `error={d.error(path)}`).
 */
import { getContext, setContext } from 'svelte';
import type { NumberRead } from '../../state/index.ts';

export type FieldErrors = (path: string) => string | null;

const KEY = Symbol('field-errors');

/** Call during a component's initialisation; applies to every Field rendered below it. */
export function provideFieldErrors(lookup: FieldErrors): void {
  setContext(KEY, lookup);
}

/** The lookup provided above the calling component; none provided means no field has an error. */
export function fieldErrors(): FieldErrors {
  return getContext<FieldErrors | undefined>(KEY) ?? (() => null);
}

/**
 * Where number fields keep what was typed (the setup draft): text that is not a number stays in the
 * field and is flagged there, instead of the browser emptying the field or the form storing NaN.
 */
export interface TypedNumbers {
  numberText(path: string, value: number | null | string): string;
  keepTyped(path: string, text: string, read: NumberRead, keyword?: 'auto'): void;
}

const TYPED_KEY = Symbol('typed-numbers');

export function provideTypedNumbers(store: TypedNumbers): void {
  setContext(TYPED_KEY, store);
}

/** The store provided above; without one a number field shows its value and keeps nothing. */
export function typedNumbers(): TypedNumbers {
  return (
    getContext<TypedNumbers | undefined>(TYPED_KEY) ?? {
      numberText: (_p, v) => (v === null ? '' : String(v)),
      keepTyped: () => undefined,
    }
  );
}
