/**
 * Export and import of Optuna journals (docs/design/study-engine.md#journal-storage).
 * - Compact export (any Storage): per study CREATE_STUDY, its attributes, one full-template
 *   CREATE_TRIAL per trial. Full export (journal-backed storages): the study's own op log, keeping
 *   only ops that took effect, with study and trial ids renumbered from 0. Both load in Optuna 3.1–4.9.
 * - Import is all-or-nothing: the text is parsed and replayed into scratch state first (every defect is
 *   an error naming its line), names are checked against the target, and only then is anything
 *   written — atomically where the storage supports it, otherwise with rollback.
 * Replay during import treats every op as another worker's, as Optuna does when it opens a file:
 * ops it would skip (a second pop of a WAITING trial, updates to finished trials, a parameter with an
 * incompatible distribution) are skipped and reported.
 */
import { EngineError, type StudyDirection } from '../../types.ts';
import type { Storage } from '../storage.ts';
import { journalNow } from './clock.ts';
import {
  JournalDamageError,
  lineError,
  parseJournalDetailed,
  serializeJournal,
  type JournalWarning,
  type ParseOptions,
} from './format.ts';
import { isStudyOp, type JournalOp } from './ops.ts';
import { COMPACT, type PyJsonStyle } from './pyjson.ts';
import { JournalReplay } from './replay.ts';
import { hasTrialIds, remapTrialIdAttrs } from '../../study/trial-id-attrs.ts';
import { compactOps, isBulkImporter, snapshotStudy, type StudySnapshot } from './snapshot.ts';

export const EXPORT_WORKER_ID = 'dmc-tune-export';

/** Storages whose studies live in an Optuna op log can hand it out for a full export. */
export interface JournalOpSource {
  /** All ops of the journal holding the study, the study's id in that journal and its current name. */
  journalFor(studyId: number): Promise<{ ops: JournalOp[]; journalStudyId: number; studyName: string }>;
}

export function isJournalOpSource(s: Storage): s is Storage & JournalOpSource {
  return typeof (s as Partial<JournalOpSource>).journalFor === 'function';
}

export interface ExportOptions {
  /** 'compact' (default): templates; 'full': the recorded op log (journal-backed storages only). */
  readonly form?: 'compact' | 'full';
  /** worker_id of compact ops. */
  readonly workerId?: string;
  /** Separators: Optuna 4.x compact (default) or 3.1's `", "`. */
  readonly style?: PyJsonStyle;
}

/**
 * The ops of one study that took effect in its journal, renumbered for a new journal in which the
 * study gets `studyId` and its trials ids from `firstTrialId` on; its name is set to `name`.
 */
function studyOps(
  ops: readonly JournalOp[],
  journalStudyId: number,
  name: string,
  studyId: number,
  firstTrialId: number,
): JournalOp[] {
  const replay = new JournalReplay();
  const trialIds = new Map<number, number>();
  const out: JournalOp[] = [];
  for (const op of ops) {
    const o = replay.apply(op);
    if (!o.ok) continue;
    if (op.op_code === 0) {
      if (o.result === journalStudyId) out.push({ ...op, study_name: name });
    } else if (isStudyOp(op)) {
      if (op.study_id !== journalStudyId) continue;
      if (op.op_code === 4) trialIds.set(o.result as number, firstTrialId + trialIds.size);
      // Study attrs naming trials by id (dashboard notes, GA parent caches) follow the trials' new ids.
      if (op.op_code === 3) {
        const attr = remapTrialIdAttrs(op.system_attr, trialIds);
        if (Object.keys(attr).length === 0) continue;
        out.push({ ...op, study_id: studyId, system_attr: attr });
        continue;
      }
      out.push({ ...op, study_id: studyId });
    } else {
      const id = trialIds.get(op.trial_id);
      if (id !== undefined) out.push({ ...op, trial_id: id });
    }
  }
  return out;
}

/** Exports several studies (default: all) into one journal text. */
export async function exportJournal(
  storage: Storage,
  studyIds?: readonly number[],
  opts: ExportOptions = {},
): Promise<string> {
  const ids = studyIds ?? (await storage.getAllStudies()).map((s) => s.studyId);
  const style = opts.style ?? COMPACT;
  if (opts.form === 'full') {
    if (!isJournalOpSource(storage)) {
      throw new EngineError(
        'invalid-argument',
        'a full op-log export needs a journal-backed storage; use the compact form',
      );
    }
    const out: JournalOp[] = [];
    for (const [i, id] of ids.entries()) {
      const j = await storage.journalFor(id);
      const firstTrial = out.filter((op) => op.op_code === 4).length;
      out.push(...studyOps(j.ops, j.journalStudyId, j.studyName, i, firstTrial));
    }
    return serializeJournal(out, style);
  }
  const ops: JournalOp[] = [];
  let trials = 0;
  for (const [i, id] of ids.entries()) {
    const snap = await snapshotStudy(storage, id);
    ops.push(...compactOps(snap, i, opts.workerId ?? EXPORT_WORKER_ID, () => journalNow(false), trials));
    trials += snap.trials.length;
  }
  return serializeJournal(ops, style);
}

/** One study as a journal that Python Optuna loads with `optuna.load_study(study_name=..., storage=...)`. */
export function exportStudyJournal(storage: Storage, studyId: number, opts: ExportOptions = {}): Promise<string> {
  return exportJournal(storage, [studyId], opts);
}

export interface ImportResult {
  /** Ids of the new studies in the target storage, in the journal's order. */
  readonly studyIds: number[];
  readonly studyNames: string[];
  /** Ops Optuna's replay rules skip (duplicates from other workers, updates to finished trials, ...). */
  readonly skipped: { readonly line: number; readonly reason: string }[];
  /** The unterminated last line that was ignored as a torn write, or null. */
  readonly tornTail: string | null;
  /** Lines read past: an invalid last line, op codes from a newer Optuna, a prefix cut-off. */
  readonly warnings: JournalWarning[];
}

/**
 * Parses and replays a journal text into study snapshots without touching any storage. An empty text
 * is refused: opening it would make an empty study out of what is most likely the wrong file.
 * `opsUsed`: how many of the parsed ops went into the studies (fewer only with `validPrefix`).
 */
export function readJournalStudies(
  text: string,
  opts: ParseOptions = {},
): { studies: StudySnapshot[]; opsUsed: number } & Omit<ImportResult, 'studyIds' | 'studyNames'> {
  const parsed = parseJournalDetailed(text, opts);
  if (parsed.ops.length === 0) {
    const why = text.trim() === '' ? 'the file is empty' : 'the file holds no complete journal operation';
    throw new EngineError(
      'journal-format',
      `${why}: an Optuna journal has one JSON operation per line, starting with a create-study record`,
    );
  }
  const replay = new JournalReplay();
  const skipped: { line: number; reason: string }[] = [];
  const warnings = [...parsed.warnings];
  let opsUsed = parsed.ops.length;
  for (const [i, op] of parsed.ops.entries()) {
    const line = parsed.lines[i] as number;
    let o;
    try {
      o = replay.apply(op);
    } catch (e) {
      // Content Optuna's replay crashes on, with valid lines before it: the same choice as a bad line.
      const detail = lineError(line, e).message.replace(/^journal line \d+: /, '');
      if (opts.validPrefix !== true) throw new JournalDamageError(line, i, detail);
      warnings.push({
        line,
        message: `journal line ${line} and everything after it were left out (damaged: ${detail})`,
      });
      opsUsed = i;
      break;
    }
    if (!o.ok) skipped.push({ line, reason: o.error.message });
  }
  const studies: StudySnapshot[] = [...replay.studies.values()]
    .sort((a, b) => a.studyId - b.studyId)
    .map((s) => ({
      name: s.name,
      directions: [...s.directions] as StudyDirection[],
      userAttrs: s.userAttrs,
      systemAttrs: s.systemAttrs,
      trialIds: [...s.trialIds],
      trials: s.trialIds.map((id) => {
        const t = replay.trials[id]!;
        const f = t.frozen;
        return {
          state: f.state,
          values: f.values,
          datetimeStart: f.datetimeStart,
          datetimeComplete: f.datetimeComplete,
          paramsInternal: t.paramsInternal,
          distributions: f.distributions,
          userAttrs: f.userAttrs,
          systemAttrs: f.systemAttrs,
          intermediateValues: f.intermediateValues,
        };
      }),
    }));
  return { studies, opsUsed, skipped, tornTail: parsed.tornTail, warnings };
}

/** Writes snapshots into a storage: atomically when it is a BulkImporter, else with rollback. */
export async function importStudies(storage: Storage, studies: readonly StudySnapshot[]): Promise<number[]> {
  for (const s of studies) {
    const clash = await storage.getStudyIdFromName(s.name).then(
      () => true,
      (e: unknown) => {
        if (e instanceof EngineError && e.code === 'not-found') return false;
        throw e;
      },
    );
    if (clash) throw new EngineError('duplicate', `Another study with name '${s.name}' already exists.`);
  }
  // Attrs naming trials by id (dashboard notes, GA parent caches) are written after the trials, with their new ids.
  const withoutNotes = studies.map((s) => ({
    ...s,
    systemAttrs: Object.fromEntries(Object.entries(s.systemAttrs).filter(([k]) => !hasTrialIds(k))),
  }));
  const created: number[] = [];
  try {
    if (isBulkImporter(storage)) created.push(...(await storage.importStudies(withoutNotes)));
    else {
      for (const s of withoutNotes) {
        const id = await storage.createNewStudy(s.directions, s.name);
        created.push(id);
        for (const [k, v] of Object.entries(s.userAttrs)) await storage.setStudyUserAttr(id, k, v);
        for (const [k, v] of Object.entries(s.systemAttrs)) await storage.setStudySystemAttr(id, k, v);
        for (const t of s.trials) await storage.createNewTrial(id, t);
      }
    }
    for (const [i, s] of studies.entries()) {
      if (s.trialIds === undefined || !Object.keys(s.systemAttrs).some(hasTrialIds)) continue;
      const id = created[i] as number;
      const now = await storage.getAllTrials(id);
      const map = new Map(s.trialIds.map((old, k) => [old, (now[k] as { trialId: number }).trialId]));
      const notes = remapTrialIdAttrs(
        Object.fromEntries(Object.entries(s.systemAttrs).filter(([k]) => hasTrialIds(k))),
        map,
      );
      for (const [k, v] of Object.entries(notes)) await storage.setStudySystemAttr(id, k, v);
    }
  } catch (e) {
    for (const id of created) await storage.deleteStudy(id).catch(() => undefined);
    throw e;
  }
  return created;
}

/** Imports every study of an Optuna journal text; nothing is written unless all of it is valid. */
export async function importJournal(text: string, storage: Storage, opts: ParseOptions = {}): Promise<ImportResult> {
  const { studies, skipped, tornTail, warnings } = readJournalStudies(text, opts);
  const studyIds = await importStudies(storage, studies);
  return { studyIds, studyNames: studies.map((s) => s.name), skipped, tornTail, warnings };
}
