/**
 * Optuna journal storage: the op format, its reader/writer, replay, the JournalStorage over any
 * JournalBackend, and journal import/export. See docs/design/study-engine.md#journal-storage.
 */
export { JournalOpCode, isStudyOp, isTrialOp } from './ops.ts';
export type {
  CreateStudyOp,
  CreateTrialOp,
  DeleteStudyOp,
  JournalOp,
  SetStudySystemAttrOp,
  SetStudyUserAttrOp,
  SetTrialIntermediateValueOp,
  SetTrialParamOp,
  SetTrialStateValuesOp,
  SetTrialSystemAttrOp,
  SetTrialUserAttrOp,
  StudyOp,
  TrialOp,
} from './ops.ts';
export {
  JournalDamageError,
  lineError,
  parseJournal,
  parseJournalDetailed,
  serializeJournal,
  serializeOp,
  type JournalWarning,
  type ParsedJournal,
  type ParseOptions,
} from './format.ts';
export {
  attrNumber,
  isPyNumberBox,
  parsePyJson,
  pyFloat,
  pyJson,
  pyObject,
  COMPACT,
  PYTHON_DEFAULT,
  type PyJsonStyle,
  type PyNumberBox,
} from './pyjson.ts';
export { MemoryJournalBackend, Mutex, type JournalBackend } from './backend.ts';
export { JournalStorage, newWorkerId, type JournalStorageOptions } from './journal-storage.ts';
export { JournalReplay } from './replay.ts';
export { journalNow } from './clock.ts';
export { compactOps, snapshotStudy, isBulkImporter, type BulkImporter, type StudySnapshot } from './snapshot.ts';
export {
  EXPORT_WORKER_ID,
  exportJournal,
  exportStudyJournal,
  importJournal,
  importStudies,
  isJournalOpSource,
  readJournalStudies,
  type ExportOptions,
  type ImportResult,
  type JournalOpSource,
} from './transfer.ts';
