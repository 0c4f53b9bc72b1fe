/** Binds the storage conformance suite to every Node-runnable Storage implementation. */
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { JournalFileBackend } from '../../src/persistence/node/index.ts';
import { InMemoryStorage } from '../../src/engine/storages/in-memory.ts';
import { JournalStorage, MemoryJournalBackend } from '../../src/engine/storages/journal/index.ts';
import { IdbStorage } from '../../src/persistence/idb-storage.ts';
import { runStorageConformance } from './storage-conformance.ts';

runStorageConformance('InMemoryStorage', { create: async () => new InMemoryStorage() });

runStorageConformance('JournalStorage(MemoryJournalBackend)', {
  create: async () => new JournalStorage(new MemoryJournalBackend()),
  reopen: async (s) => {
    const backend = (s as JournalStorage).backend;
    await s.close();
    return new JournalStorage(backend);
  },
  sibling: async (s) => new JournalStorage((s as JournalStorage).backend),
});

const dir = mkdtempSync(path.join(tmpdir(), 'dmc-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fileOf = (s: JournalStorage): string => (s.backend as JournalFileBackend).path;

runStorageConformance('JournalStorage(JournalFileBackend)', {
  create: async () => new JournalStorage(await JournalFileBackend.open(path.join(dir, `j${n++}.log`))),
  // A new backend object on the same file: a fresh process reading it from the start.
  reopen: async (s) => {
    await s.close();
    return new JournalStorage(await JournalFileBackend.open(fileOf(s as JournalStorage)));
  },
  sibling: async (s) => new JournalStorage(await JournalFileBackend.open(fileOf(s as JournalStorage))),
});

let dbs = 0;
runStorageConformance('IdbStorage(fake-indexeddb)', {
  create: async () => IdbStorage.open(`conformance-${dbs++}`),
  reopen: async (s) => {
    await s.close();
    return IdbStorage.open((s as IdbStorage).dbName);
  },
  sibling: async (s) => IdbStorage.open((s as IdbStorage).dbName),
});
