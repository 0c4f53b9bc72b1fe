/** The Node journal file backend: Python-written files, torn tails, incremental reads, the .lock protocol. */
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JournalFileBackend } from '../../../../src/persistence/node/index.ts';
import { JournalStorage, MemoryJournalBackend, parseJournal } from '../../../../src/engine/storages/journal/index.ts';
import { TrialState } from '../../../../src/engine/types.ts';

const SAMPLE = readFileSync(new URL('../../../fixtures/journal/optuna31-demo.log', import.meta.url), 'utf8');
const dir = mkdtempSync(path.join(tmpdir(), 'dmc-filebackend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (content = ''): string => {
  const f = path.join(dir, `j${n++}.log`);
  writeFileSync(f, content);
  return f;
};

describe('JournalFileBackend', () => {
  it('reads a journal written by Python Optuna 3.1 exactly as the in-memory reader does', async () => {
    const b = await JournalFileBackend.open(file(SAMPLE));
    expect(await b.readLogs(0)).toEqual(parseJournal(SAMPLE));
    expect(await b.readLogs(20)).toEqual(parseJournal(SAMPLE).slice(20));
    expect(await b.readLogs(26)).toEqual([]);
  });

  it('creates a missing file, as Optuna does', async () => {
    const f = path.join(dir, 'new.log');
    const b = await JournalFileBackend.open(f);
    expect(existsSync(f)).toBe(true);
    expect(await b.readLogs(0)).toEqual([]);
  });

  it('ignores a torn last line and cuts it off before the next append', async () => {
    const f = file(SAMPLE + '{"op_code": 8, "worker_id": "crashed", "trial_id": 2, "user_a');
    const s = new JournalStorage(await JournalFileBackend.open(f));
    expect(await s.getAllTrials(0)).toHaveLength(3);
    const t = await s.createNewTrial(0);
    await s.setTrialStateValues(t, TrialState.COMPLETE, [0.5]);
    const text = readFileSync(f, 'utf8');
    expect(text.startsWith(SAMPLE)).toBe(true);
    expect(text).not.toContain('crashed');
    expect(text.endsWith('\n')).toBe(true);
    expect(parseJournal(text)).toHaveLength(28);
    const again = new JournalStorage(await JournalFileBackend.open(f));
    expect((await again.getAllTrials(0)).map((x) => x.state)).toEqual([1, 1, 2, 1]);
  });

  it('reads only what is new, and names the absolute line of a bad record appended later', async () => {
    const f = file(SAMPLE);
    const b = await JournalFileBackend.open(f);
    expect(await b.readLogs(0)).toHaveLength(26);
    appendFileSync(f, '{"op_code": 1, "worker_id": "x", "study_id": 5}\n');
    expect(await b.readLogs(26)).toEqual([{ op_code: 1, worker_id: 'x', study_id: 5 }]);
    // A bad last line is ignored (Optuna does too); with a record after it, it is damage.
    appendFileSync(f, '\n{"op_code": 1, "worker_id": "x", "study_id": 6}\n{oops}\n');
    expect(await b.readLogs(27)).toEqual([{ op_code: 1, worker_id: 'x', study_id: 6 }]);
    appendFileSync(f, '{"op_code": 1, "worker_id": "x", "study_id": 7}\n');
    await expect(b.readLogs(28)).rejects.toMatchObject({
      code: 'journal-format',
      message: expect.stringMatching(/^journal line 30: invalid JSON/),
    });
  });

  it('appends whole records under the .lock file and removes it afterwards', async () => {
    const f = file();
    const a = new JournalStorage(await JournalFileBackend.open(f));
    const b = new JournalStorage(await JournalFileBackend.open(f));
    const st = await a.createNewStudy([1], 'shared');
    await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const s = i % 2 ? a : b;
        const t = await s.createNewTrial(st);
        await s.setTrialStateValues(t, TrialState.COMPLETE, [i]);
      }),
    );
    expect((await a.getAllTrials(st)).map((t) => t.state)).toEqual(Array(8).fill(TrialState.COMPLETE));
    expect(readdirSync(dir).filter((x) => x.startsWith(path.basename(f)) && x !== path.basename(f))).toEqual([]);
    // Byte-identical to the same ops through the in-memory writer.
    expect(readFileSync(f, 'utf8')).toBe(MemoryJournalBackend.fromText(readFileSync(f, 'utf8')).text());
  });

  it('waits while another process holds the lock', async () => {
    const f = file();
    const lock = `${f}.lock`;
    writeFileSync(lock, '');
    const b = await JournalFileBackend.open(f);
    const s = new JournalStorage(b);
    let done = false;
    const pending = s.createNewStudy([1], 'waits').then(() => (done = true));
    await new Promise((r) => setTimeout(r, 150));
    expect(done).toBe(false);
    rmSync(lock);
    await pending;
    expect(await s.getStudyIdFromName('waits')).toBe(0);
  });

  it('breaks a lock left behind by a crashed writer', async () => {
    const f = file();
    const lock = `${f}.lock`;
    writeFileSync(lock, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const s = new JournalStorage(await JournalFileBackend.open(f, { staleLockMs: 30_000 }));
    await s.createNewStudy([2], 'after-crash');
    expect(existsSync(lock)).toBe(false);
    expect(parseJournal(readFileSync(f, 'utf8'))).toHaveLength(1);
  });
});
