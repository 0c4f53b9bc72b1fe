/**
 * Bringing a grown journal back: which of its trials are new to the app's study. A trial is identified
 * by its start time and internal parameter values — both survive Optuna's copies between journal and RDB
 * unchanged — not by its number, which differs when the app and the cluster both added trials after the
 * export. Only finished trials are taken: a trial still running on the cluster comes with a later import.
 */
import {
  checkDistributionCompatibility,
  isFinished,
  toInternalRepr,
  type Distribution,
  type FrozenTrial,
  type JsonValue,
  type TrialTemplate,
} from '../engine/index.ts';
import { readJournalStudies, type StudySnapshot } from '../engine/index.ts';
import { validateStudyConfig } from '../study-config/index.ts';
import { CONFIG_ATTR } from './journal.ts';
import { ClusterError } from './types.ts';

export interface MergeTarget {
  readonly name: string;
  readonly userAttrs: Readonly<Record<string, JsonValue>>;
  readonly trials: readonly FrozenTrial[];
}

export interface MergePlan {
  /** Name of the journal's study that was matched (differs from the app's when renamed with --study-name). */
  readonly journalStudyName: string;
  /** Finished trials not yet in the app, in the journal's order. */
  readonly newTrials: readonly TrialTemplate[];
  /** Trials of the journal the app already holds. */
  readonly alreadyPresent: number;
  /** Trials of the journal still running or waiting, left for a later import. */
  readonly unfinished: number;
  /** Operations Optuna's replay rules skip, with their line. */
  readonly skipped: readonly { readonly line: number; readonly reason: string }[];
  /** Identity of each of the journal study's trials, indexed by its number there (the number a network file names). */
  readonly journalTrialKeys: readonly string[];
}

/** Second precision is not enough (two workers can start within one), so the full microseconds are kept. */
/**
 * The start time as far as it survives a trip through an RDB: the app (like Optuna 3) writes naive local
 * times, Optuna >= 4 reads those as the cluster node's local time and writes them back in UTC with an offset
 * ("...+00:00"). Zone offsets are whole quarter hours, so the minute within the quarter hour, the seconds and
 * the microseconds stay; with the parameters that still tells trials apart.
 */
export function startTimeKey(datetimeStart: string | null): string | null {
  const m = datetimeStart === null ? null : /T\d\d:(\d\d):(\d\d(?:\.\d*)?)/.exec(datetimeStart);
  return m === null ? datetimeStart : `${Number(m[1]) % 15}:${Number(m[2]).toFixed(6)}`;
}

function trialKey(datetimeStart: string | null, paramsInternal: Readonly<Record<string, number>>): string {
  const params = Object.keys(paramsInternal)
    .sort()
    .map((k) => [k, paramsInternal[k]]);
  return JSON.stringify([startTimeKey(datetimeStart), params]);
}

/** A trial's identity across copies (start time + internal parameters), as `templateKey` gives for the journal's. */
export function frozenKey(t: FrozenTrial): string {
  const internal: Record<string, number> = {};
  for (const [k, d] of Object.entries(t.distributions)) internal[k] = toInternalRepr(d, t.params[k]);
  return trialKey(t.datetimeStart, internal);
}

export function templateKey(t: TrialTemplate): string {
  return trialKey(t.datetimeStart ?? null, t.paramsInternal ?? {});
}

/** JSON with sorted keys, so configurations compare equal whatever order Python wrote them in. */
function canonical(v: JsonValue | undefined): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'undefined';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, JsonValue>)[k])}`)
    .join(',')}}`;
}

/**
 * The configuration as the app reads it (defaults of fields added since it was written filled in), so a
 * study exported before a new optional field existed still matches its own grown journal; the raw value
 * where it does not validate.
 */
function configWithoutName(v: JsonValue | undefined): string | null {
  if (v === undefined || v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const read = validateStudyConfig(v);
  const { name: _name, ...rest } = 'config' in read ? (read.config as unknown as Record<string, JsonValue>) : v;
  return canonical(rest);
}

function sharesTrials(study: StudySnapshot, keys: ReadonlySet<string>): boolean {
  return study.trials.some((t) => keys.has(templateKey(t)));
}

/**
 * The journal's study that continues `target`: the one with its name, or a single study that shares
 * trials with it (renamed on the cluster). Refused when the name matches but the study is evidently
 * another one: a different configuration, or none of the app's finished trials in it.
 */
function matchStudy(target: MergeTarget, studies: readonly StudySnapshot[], keys: ReadonlySet<string>): StudySnapshot {
  const names = studies.map((s) => `"${s.name}"`).join(', ');
  const byName = studies.find((s) => s.name === target.name);
  const candidate = byName ?? (studies.length === 1 && sharesTrials(studies[0]!, keys) ? studies[0]! : undefined);
  if (candidate === undefined) {
    throw new ClusterError(
      `The journal holds ${studies.length === 0 ? 'no study' : `study ${names}`}, not this study "${target.name}". Import it from Home as a study of its own.`,
    );
  }
  const mine = configWithoutName(target.userAttrs[CONFIG_ATTR]);
  const theirs = configWithoutName(candidate.userAttrs[CONFIG_ATTR]);
  const finishedHere = target.trials.filter((t) => isFinished(t.state)).length;
  if ((mine !== null && theirs !== null && mine !== theirs) || (finishedHere > 0 && !sharesTrials(candidate, keys))) {
    const why =
      mine !== null && theirs !== null && mine !== theirs
        ? 'its configuration differs'
        : `none of this study's ${finishedHere} finished trials is in it`;
    throw new ClusterError(
      `The journal's study "${candidate.name}" is not this study "${target.name}": ${why}. Import it from Home as a study of its own.`,
    );
  }
  return candidate;
}

export function planClusterMerge(target: MergeTarget, journalText: string): MergePlan {
  const { studies, skipped } = readJournalStudies(journalText);
  const keys = new Set(target.trials.map(frozenKey));
  const study = matchStudy(target, studies, keys);
  const known = new Map<string, Distribution>();
  for (const t of target.trials) for (const [k, d] of Object.entries(t.distributions)) known.set(k, d);
  const newTrials: TrialTemplate[] = [];
  let alreadyPresent = 0;
  let unfinished = 0;
  for (const t of study.trials) {
    if (keys.has(templateKey(t))) alreadyPresent++;
    else if (t.state === undefined || !isFinished(t.state)) unfinished++;
    else {
      // Checked before anything is written, so a bad journal leaves the study as it was.
      for (const [k, d] of Object.entries(t.distributions ?? {})) {
        const prev = known.get(k);
        if (prev !== undefined) checkDistributionCompatibility(prev, d);
        else known.set(k, d);
      }
      newTrials.push(t);
    }
  }
  return {
    journalStudyName: study.name,
    newTrials,
    alreadyPresent,
    unfinished,
    skipped,
    journalTrialKeys: study.trials.map(templateKey),
  };
}
