import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { run } from '../../../../src/cli/commands/config.ts';
import { defaultStudyConfig } from '../../../../src/study-config/index.ts';

function capture(): { out: () => string } {
  let buf = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    buf += String(chunk);
    return true;
  });
  return { out: () => buf };
}

afterEach(() => vi.restoreAllMocks());

it('config default prints the notebook configuration', async () => {
  const c = capture();
  expect(await run(['default'])).toBe(0);
  expect(JSON.parse(c.out())).toEqual(defaultStudyConfig());
});

it('config default --preset smoke --json prints one line', async () => {
  const c = capture();
  expect(await run(['default', '--preset', 'smoke', '--json'])).toBe(0);
  const lines = c.out().trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]!).nTrials).toBe(3);
});

it('config default rejects an unknown preset, naming it', async () => {
  await expect(run(['default', '--preset', 'huge'])).rejects.toThrow("unknown preset 'huge'");
});

it('config validate reports problems with paths and exits 1', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
  const good = path.join(dir, 'good.json');
  const bad = path.join(dir, 'bad.json');
  writeFileSync(good, JSON.stringify(defaultStudyConfig()));
  const broken = { ...defaultStudyConfig(), epochs: 0 };
  writeFileSync(bad, JSON.stringify(broken));
  const c = capture();
  expect(await run(['validate', good, '--json'])).toBe(0);
  expect(await run(['validate', bad, '--json'])).toBe(1);
  const [ok, ko] = c
    .out()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(ok).toEqual({ valid: true, errors: [] });
  expect(ko.valid).toBe(false);
  expect(ko.errors).toEqual([{ path: 'epochs', message: 'Enter a whole number of at least 1 (got 0)' }]);
});

it('config link prints a link that carries the file exactly, and refuses an invalid file', async () => {
  const { decodeStudyLink } = await import('../../../../src/study-config/index.ts');
  const { parseHash } = await import('../../../../src/state/routes.ts');
  const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
  const good = path.join(dir, 'good.json');
  const config = { ...defaultStudyConfig(), name: 'class 3b', seed: 99 };
  writeFileSync(good, JSON.stringify(config));
  const c = capture();
  expect(await run(['link', good, '--base', 'https://lab.example/dmc/'])).toBe(0);
  const url = new URL(c.out().trim());
  expect(url.origin + url.pathname).toBe('https://lab.example/dmc/');
  const route = parseHash(url.hash);
  expect(route.view === 'setup' ? await decodeStudyLink(route.link!) : null).toEqual(config);
  const bad = path.join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ ...config, epochs: 0 }));
  await expect(run(['link', bad])).rejects.toThrow(
    /not a valid study configuration, so no link was made:\nepochs: Enter a whole number/,
  );
});

it('config validate takes a Pareto study with NSGA-II and a budget, and refuses one with a pruner', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
  const pareto = {
    ...defaultStudyConfig(),
    objective: { type: 'pareto', metrics: ['nrmse', 'calibration', 'contraction'] },
    sampler: { ...defaultStudyConfig().sampler, type: 'nsga2', populationSize: 20 },
    budget: { maxParams: 1_500_000, maxMemoryMB: 2000 },
  };
  const good = path.join(dir, 'pareto.json');
  writeFileSync(good, JSON.stringify(pareto));
  const bad = path.join(dir, 'pareto-pruned.json');
  writeFileSync(bad, JSON.stringify({ ...pareto, pruner: { type: 'median' } }));
  const c = capture();
  expect(await run(['validate', good])).toBe(0);
  expect(await run(['validate', bad])).toBe(1);
  expect(c.out()).toContain('pruner.type: A Pareto (multi-objective) study cannot prune');
});
