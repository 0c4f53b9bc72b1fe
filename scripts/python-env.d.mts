// Types for python-env.mjs (plain JavaScript so that it runs before `npm ci` has installed tsx).

export declare const VENV_DIR: string;
export declare const VENV_PYTHON: string;
export declare const LOCK_FILE: string;
export declare const STAMP_FILE: string;
export declare const BASE_PYTHON: string;
export declare const SETUP_COMMAND: string;

export interface VenvFacts {
  /** .venv/bin/python exists. */
  venvPython: boolean;
  /** The lock hash recorded by the last completed install, if any. */
  stamp: string | undefined;
  /** The hash of python/requirements.lock now. */
  lockHash: string;
  /** /usr/bin/python3 exists. */
  basePython: boolean;
  /** /usr/bin/python3 imports venv and ensurepip (Debian's python3-venv). */
  hasVenvModule: boolean;
  isRoot: boolean;
  hasAptGet: boolean;
  noProvision: boolean;
}

export type VenvPlan =
  | { kind: 'found' }
  | { kind: 'create'; why: string; apt: string[] }
  | { kind: 'missing'; message: string };

export declare function lockHash(text: string): string;
export declare function planVenv(facts: VenvFacts): VenvPlan;
export declare function venvSteps(): string[][];
export declare function venvFacts(base: { isRoot: boolean; hasAptGet: boolean; noProvision: boolean }): VenvFacts;
export declare function createVenv(sh: (argv: readonly string[]) => boolean, hash: string): boolean;
