/**
 * One tab at a time per study: a Web Lock named after the study is held while a tab runs it, so a
 * second tab (or the same study continued twice) is refused instead of interleaving trials. Where the
 * Locks API is missing (old browsers, Node tests) every run is allowed.
 */
import { heldLockNames, holdLock, webLocks } from '../persistence/index.ts';

export interface RunLock {
  /** Takes the study's lock; resolves to its release function, or null when another tab holds it. */
  acquire(studyId: number): Promise<(() => void) | null>;
  /** Whether some tab holds the study's lock now. */
  held(studyId: number): Promise<boolean>;
}

const name = (studyId: number): string => `dmc-tune-run:${studyId}`;

export function webRunLock(locks: LockManager | null = webLocks()): RunLock {
  if (locks === null) return { acquire: async () => () => undefined, held: async () => false };
  return {
    acquire: (studyId) => holdLock(locks, name(studyId), true),
    held: async (studyId) => (await heldLockNames(locks)).includes(name(studyId)),
  };
}
