/**
 * Python literals for the generated scripts. Numbers go through Python's own repr rules so a value read
 * back by Python is the very double the app holds (a search-space bound written as `0.1` must equal the
 * journal's distribution bound, or Optuna would see a different distribution).
 */
import { pyFloatRepr } from '../engine/index.ts';

/** A float literal: always with a decimal point or exponent, so Python reads a float. */
export function pyFloat(x: number): string {
  return pyFloatRepr(x);
}

/** A number as written in the configuration: integral values as ints (categorical choices keep their type). */
export function pyNumber(x: number): string {
  return Number.isSafeInteger(x) ? String(x) : pyFloatRepr(x);
}

/** A double-quoted string literal (the style of the generated files). */
export function pyString(s: string): string {
  let out = '"';
  for (const ch of s) {
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch < ' ' || ch === '\x7f') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

export function pyOptionalFloat(x: number | null): string {
  return x === null ? 'None' : pyFloat(x);
}

export function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}

/** Indents every non-empty line of a block by `n` spaces. */
export function indent(block: string, n: number): string {
  const pad = ' '.repeat(n);
  return block
    .split('\n')
    .map((l) => (l === '' ? l : pad + l))
    .join('\n');
}
