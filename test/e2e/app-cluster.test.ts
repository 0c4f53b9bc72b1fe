/**
 * Results → "Run on a cluster…": the button downloads one .zip with study.py, the NumPy simulator, the
 * study's journal (finished trials only), its training and validation sets (.npz, simulated in the page's
 * pool: the very arrays the CLI export writes from the same seed), README and the Slurm script; a dry-run
 * worker of that very study.py (Debian's python3-optuna 3.1) grows a copy of the journal (the exported one
 * is refused to it); importing it from the same panel adds the new trials to the table without duplicating the
 * old ones, a network file picked with it is linked to its trial (marked "cluster"), and a journal of another
 * study is refused.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clusterData, clusterExport, CONFIG_ATTR } from '../../src/cluster/index.ts';
import { readJournalStudies } from '../../src/engine/storages/journal/index.ts';
import { simulateBatch } from '../../src/sim/index.ts';
import { validateStudyConfig } from '../../src/study-config/index.ts';
import { openApp, screenshot, type App } from './harness.ts';

const FAILURES = path.resolve('test/fixtures/journal/failures.log');
const OTHER = path.resolve('test/fixtures/journal/optuna31-demo.log');
let app: App;
let page: Page;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-e2e-cluster-'));
  app = await openApp({ route: '', downloads: true });
  page = app.page;
  await page.getByTestId('library-empty').waitFor({ timeout: 60_000 });
  await page.getByTestId('file-input').setInputFiles(FAILURES);
  await page.waitForURL(/#\/results\/\d+$/, { timeout: 30_000 });
  await page.getByTestId('trials-table').waitFor();
});
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

const rows = () => page.locator('[data-testid="trials-table"] tbody tr[data-number]').count();

it('downloads the cluster export as one zip and takes the grown journal back', async () => {
  const before = await rows();
  await page.getByTestId('cluster-toggle').click();
  await page.getByTestId('cluster-panel').waitFor();
  await screenshot(page, 'results-cluster');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('cluster-download').click()]);
  expect(dl.suggestedFilename()).toBe('failures-cluster.zip');
  const files = unzipSync(new Uint8Array(readFileSync((await dl.path())!)));
  expect(Object.keys(files).sort()).toEqual(
    [
      'README.md',
      'dmc_network.py',
      'dmc_simulator.py',
      'journal.log',
      'requirements.txt',
      'slurm-array.sbatch',
      'study.py',
      'training.npz',
      'validation.npz',
    ].map((f) => `failures-cluster/${f}`),
  );
  // The page's data sets are the ones Node simulates from the same study seed (npy entries compared; zip dates
  // differ): trials equal, parameters up to the last bit of a double (Chromium's and Node's V8 round Math.exp /
  // Math.log differently in the last place, src/sim/batch.ts).
  const stored = readJournalStudies(readFileSync(FAILURES, 'utf8')).studies[0]!.userAttrs[CONFIG_ATTR];
  const checked = validateStudyConfig(stored);
  if (!('config' in checked)) throw new Error('the fixture study has no valid configuration');
  const fromNode = clusterExport(
    checked.config,
    null,
    undefined,
    await clusterData(checked.config, simulateBatch),
  ).files;
  for (const npz of ['training.npz', 'validation.npz']) {
    const want = unzipSync(fromNode.find((f) => f.path === npz)!.content as Uint8Array);
    const got = unzipSync(files[`failures-cluster/${npz}`]!);
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const [key, bytes] of Object.entries(want)) {
      if (Buffer.from(got[key]!).equals(Buffer.from(bytes))) continue;
      // Only float64 parameter columns may differ, in the last place.
      expect(strFromU8(bytes.slice(0, 128))).toContain("'descr': '<f8'");
      const [g, w] = [got[key]!, bytes].map((b) => new Float64Array(b.slice(128).buffer));
      w!.forEach((x, i) =>
        expect(Math.abs(g![i]! - x), `${npz} ${key}[${i}]`).toBeLessThanOrEqual(4 * Number.EPSILON * Math.abs(x)),
      );
    }
  }
  expect(await page.getByTestId('cluster-status').textContent()).toMatch(/finished trial\(s\) go to the cluster/);

  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), bytes);
  }
  const folder = path.join(dir, 'failures-cluster');
  expect(strFromU8(files['failures-cluster/study.py']!)).toContain('STUDY_NAME = "failures"');
  const refused = spawnSync('/usr/bin/python3', ['study.py', '--dry-run', '--n-trials', '2'], {
    cwd: folder,
    encoding: 'utf8',
  });
  expect(refused.stderr).toContain('Dry-run on a copy');
  copyFileSync(path.join(folder, 'journal.log'), path.join(folder, 'grown.log'));
  const args = ['study.py', '--dry-run', '--n-trials', '2', '--total-trials', '1000', '--storage', 'journal:grown.log'];
  const r = spawnSync('/usr/bin/python3', args, { cwd: folder, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);

  await page.getByTestId('cluster-import-input').setInputFiles(path.join(folder, 'grown.log'));
  await expect
    .poll(() => page.getByTestId('cluster-status').textContent(), { timeout: 20_000 })
    .toMatch(/Imported 2 new trial\(s\) from grown\.log/);
  await expect.poll(rows, { timeout: 20_000 }).toBe(before + 2);

  // The same file again, now with the network study.py saved for the cluster's last trial (a dry run trains
  // none: the fixture network stands in, carrying that trial's number and value): nothing new, one network
  // linked to the app's row of that trial and marked "cluster".
  const grown = readJournalStudies(readFileSync(path.join(folder, 'grown.log'), 'utf8')).studies[0]!;
  const last = grown.trials.length - 1;
  const net = JSON.parse(readFileSync('test/fixtures/inference/network-small.json', 'utf8')) as {
    metadata: Record<string, unknown>;
  };
  Object.assign(net.metadata, { source: 'cluster', trialNumber: last, L: grown.trials[last]!.values![0] });
  mkdirSync(path.join(folder, 'networks'));
  const netFile = path.join(folder, 'networks', `failures-trial-${last}.json`);
  writeFileSync(netFile, JSON.stringify(net));
  await page.getByTestId('cluster-import-input').setInputFiles([path.join(folder, 'grown.log'), netFile]);
  await expect
    .poll(() => page.getByTestId('cluster-status').textContent(), { timeout: 20_000 })
    .toMatch(/Imported 0 new trial\(s\) from grown\.log; 1 network\(s\) trained on the cluster/);
  expect(await rows()).toBe(before + 2);
  await expect.poll(() => page.getByTestId('trained-on-cluster').count(), { timeout: 20_000 }).toBe(1);
  await screenshot(page, 'results-cluster-networks');

  await page.getByTestId('cluster-import-input').setInputFiles(OTHER);
  await expect
    .poll(() => page.getByTestId('cluster-status').textContent(), { timeout: 20_000 })
    .toMatch(/"demo".*"failures"/);
  expect(await rows()).toBe(before + 2);
});
