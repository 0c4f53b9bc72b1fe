/**
 * Export fidelity, checked by Python Optuna (/usr/bin/python3, Debian's python3-optuna 3.1): a journal
 * Python wrote with values a JS number cannot carry — categorical float choices (1.0), ints beyond
 * 2^53, float-typed user attributes — is imported and exported compactly, and Python sees exactly the
 * same study in the export, types included.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  attrNumber,
  exportJournal,
  importJournal,
  isPyNumberBox,
  JournalStorage,
  MemoryJournalBackend,
} from '../../../src/engine/index.ts';
import { IdbStorage } from '../../../src/persistence/idb-storage.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.resolve(__dirname, '../../interop/optuna_types.py');
const dir = mkdtempSync(path.join(tmpdir(), 'dmc-fidelity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const py = (...args: string[]): string => execFileSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8' });

describe('compact export of a journal Python wrote', () => {
  const original = path.join(dir, 'python.log');
  py('write', original);
  const text = readFileSync(original, 'utf8');
  const described = py('describe', original);

  it('is the same study for Python, types included (in-memory journal)', async () => {
    expect(described).toContain("('c', 1.0)");
    expect(described).toContain("('big', 9007199254740993)");
    const storage = new JournalStorage(new MemoryJournalBackend());
    await importJournal(text, storage);
    const out = path.join(dir, 'export.log');
    writeFileSync(out, await exportJournal(storage));
    expect(py('describe', out)).toBe(described);
    // The app still reads the values as numbers.
    const t = (await storage.getAllTrials(0))[0]!;
    expect(isPyNumberBox(t.userAttrs['f'])).toBe(true);
    expect(attrNumber(t.userAttrs['f'])).toBe(1);
    expect(attrNumber(t.userAttrs['plain'])).toBe(0.5);
  });

  it('survives IndexedDB (structured clone) too', async () => {
    const storage = await IdbStorage.open(`fidelity-${Date.now()}`);
    try {
      await importJournal(text, storage);
      const out = path.join(dir, 'export-idb.log');
      const id = (await storage.getAllStudies())[0]!.studyId;
      writeFileSync(out, await exportJournal(storage, [id]));
      expect(py('describe', out)).toBe(described);
    } finally {
      await storage.close();
    }
  });
});
