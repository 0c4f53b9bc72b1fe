/**
 * How a Field finds its own error: every field's error is a function of its path in the study
 * configuration, so the view that owns the setup draft provides the lookup once and each Field asks it
 * with its `path`, instead of every use passing the same path twice (`path` and `error={d.error(path)}`).
 */
import { getContext, setContext } from 'svelte';

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
