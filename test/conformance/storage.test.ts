/** Binds the storage conformance suite to every Node-runnable Storage implementation. */
import { InMemoryStorage } from '../../src/engine/storages/in-memory.ts';
import { JournalStorage, MemoryJournalBackend } from '../../src/engine/storages/journal/index.ts';
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
