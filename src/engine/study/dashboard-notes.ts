/**
 * Markdown notes as optuna-dashboard (0.21, optuna_dashboard/_note.py) stores them: all in the STUDY's
 * system attrs, the study's note under "dashboard:note_ver" (an integer version, +1 per save) and
 * "dashboard:note_str:0", ":1", … (chunks of 2045 characters, concatenated in index order); a trial's
 * under "dashboard:<trial_id>:note_ver" and "dashboard:<trial_id>:note_str:<i>", keyed by the storage's
 * trial id (not its number). A shorter save blanks the chunks it no longer needs, so every chunk key
 * present is part of the body. Reading needs the trials of the same storage to map ids to numbers.
 */
import type { Storage } from '../storages/storage.ts';
import type { FrozenTrial, JsonValue } from '../types.ts';

/** optuna-dashboard's `SYSTEM_ATTR_MAX_LENGTH`: the RDB storage's limit on one system attr value. */
export const NOTE_CHUNK_LENGTH = 2045;

export interface DashboardNotes {
  /** The study's note, or null when none was saved. */
  readonly study: string | null;
  /** Trial number → note, for the trials with a saved note. */
  readonly trials: ReadonlyMap<number, string>;
}

const verKey = (trialId: number | null): string =>
  trialId === null ? 'dashboard:note_ver' : `dashboard:${trialId}:note_ver`;
const strPrefix = (trialId: number | null): string =>
  trialId === null ? 'dashboard:note_str:' : `dashboard:${trialId}:note_str:`;

/** The note stored for the study (trialId null) or one trial, or null (`get_note_from_system_attrs`). */
export function noteFromSystemAttrs(
  attrs: Readonly<Record<string, JsonValue>>,
  trialId: number | null,
): { version: number; body: string } | null {
  const ver = attrs[verKey(trialId)];
  if (ver === undefined) return null;
  const prefix = strPrefix(trialId);
  const count = Object.keys(attrs).filter((k) => k.startsWith(prefix)).length;
  let body = '';
  for (let i = 0; i < count; i++) {
    const chunk = attrs[`${prefix}${i}`];
    if (typeof chunk === 'string') body += chunk;
  }
  return { version: Number(ver), body };
}

/** Every note of a study: its own and its trials', trials by number (ids from `trials`, the same storage's). */
export function dashboardNotes(
  studySystemAttrs: Readonly<Record<string, JsonValue>>,
  trials: readonly Pick<FrozenTrial, 'trialId' | 'number'>[],
): DashboardNotes {
  const out = new Map<number, string>();
  for (const t of trials) {
    const n = noteFromSystemAttrs(studySystemAttrs, t.trialId);
    if (n !== null) out.set(t.number, n.body);
  }
  return { study: noteFromSystemAttrs(studySystemAttrs, null)?.body ?? null, trials: out };
}

/** A save refused because the note changed since the editor read it (optuna-dashboard answers 409). */
export class NoteConflictError extends Error {
  constructor(readonly current: { version: number; body: string }) {
    super(
      `This note was saved elsewhere (version ${current.version}) since it was opened here: your text was not saved over it.`,
    );
    this.name = 'NoteConflictError';
  }
}

/**
 * Saves a note as optuna-dashboard does (`save_note_with_version`): version + 1, the body in chunks of
 * 2045 characters, the chunks it no longer needs blanked (never deleted: a journal cannot delete an
 * attr), so that optuna-dashboard shows it and can edit it next. With `baseVersion` (the version the
 * editor started from) the save is refused with a NoteConflictError when the stored version is another
 * one — the check of the dashboard's PUT .../note (`version_is_incremented`). Returns the new version.
 */
export async function saveDashboardNote(
  storage: Pick<Storage, 'getStudySystemAttrs' | 'setStudySystemAttr'>,
  studyId: number,
  trialId: number | null,
  body: string,
  opts: { baseVersion?: number } = {},
): Promise<number> {
  const attrs = await storage.getStudySystemAttrs(studyId);
  const stored = noteFromSystemAttrs(attrs, trialId) ?? { version: 0, body: '' };
  if (opts.baseVersion !== undefined && opts.baseVersion !== stored.version) throw new NoteConflictError(stored);
  const version = stored.version + 1;
  await storage.setStudySystemAttr(studyId, verKey(trialId), version);
  const prefix = strPrefix(trialId);
  const chunks = Math.ceil(body.length / NOTE_CHUNK_LENGTH);
  for (let i = 0; i < chunks; i++)
    await storage.setStudySystemAttr(
      studyId,
      `${prefix}${i}`,
      body.slice(i * NOTE_CHUNK_LENGTH, (i + 1) * NOTE_CHUNK_LENGTH),
    );
  const existing = Object.keys(attrs).filter((k) => k.startsWith(prefix)).length;
  for (let i = chunks; i < existing; i++) await storage.setStudySystemAttr(studyId, `${prefix}${i}`, '');
  return version;
}

/** A trial's note key: "dashboard:<trial_id>:note_ver" or "dashboard:<trial_id>:note_str:<i>". */
const TRIAL_NOTE_KEY = /^dashboard:(\d+):(note_ver|note_str:\d+)$/;

export function isTrialNoteKey(key: string): boolean {
  return TRIAL_NOTE_KEY.test(key);
}

/**
 * Study system attrs with each trial note key moved to the trial's id in another storage or journal
 * (`ids`: old trial id → new one), as optuna-dashboard's `copy_notes` does for a copied study. A note
 * keyed by an id not in `ids` (no trial of this study) is dropped: under a new id it could land on
 * another study's trial. Other attrs are kept as they are.
 */
export function remapTrialNoteKeys(
  attrs: Readonly<Record<string, JsonValue>>,
  ids: ReadonlyMap<number, number>,
): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(attrs)) {
    const m = TRIAL_NOTE_KEY.exec(k);
    if (m === null) {
      out[k] = v;
      continue;
    }
    const to = ids.get(Number(m[1]));
    if (to !== undefined) out[`dashboard:${to}:${m[2]}`] = v;
  }
  return out;
}
