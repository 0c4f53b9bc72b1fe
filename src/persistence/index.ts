/**
 * Public surface of browser persistence: study journals and the library catalog in IndexedDB, the Web
 * Locks that keep one writer per study, and the trained-network store. Node backends are in `node/`.
 */
export { IdbStorage, openIdbStorage, DEFAULT_DB_NAME } from './idb-storage.ts';
export { heldLockNames, holdLock, holdWorkerLock, journalLockName, liveWorkers, webLocks } from './idb-locks.ts';
export { ModelStore, ModelStoreError, MODEL_DB_NAME, type StoredNetworkSummary } from './model-store.ts';
export {
  InferenceStore,
  INFERENCE_DB_NAME,
  type InferenceNetworkRef,
  type InferenceRunRecord,
  type InferenceRunSummary,
} from './inference-store.ts';
export {
  FINAL_RUN_DB_NAME,
  FinalRunStore,
  finalRunId,
  type FinalRunRecord,
  type FinalRunSettings,
  type FinalRunStatus,
} from './final-run-store.ts';
