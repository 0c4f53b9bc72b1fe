/**
 * Setup view: the notebook configuration by default, invalid input flagged at its
 * field in plain words with Start disabled (text typed into a number field kept as typed), the time
 * estimate for the detected backend, the configuration saved as JSON and loaded back, a broken file
 * refused with the reason, and a name another study has answered with the next free one.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultStudyConfig } from '../../src/study-config/index.ts';
import { openApp, screenshot, type App } from './harness.ts';

let app: App;
let page: Page;

beforeAll(async () => {
  app = await openApp({ route: '#/setup', downloads: true });
  page = app.page;
  await page.getByTestId('start-study').waitFor({ timeout: 60_000 });
});
afterAll(() => app?.close());

const errorAt = (p: string) => page.locator(`[data-testid="config-error"][data-path="${p}"]`);
const JOURNAL = path.resolve('test/fixtures/journal/optuna31-demo.log');
const estimateText = async () => (await page.getByTestId('time-estimate').textContent()) ?? '';

it('starts from the notebook configuration, valid', async () => {
  expect(await page.locator('#cfg-nTrials').inputValue()).toBe('10');
  expect(await page.locator('#cfg-epochs').inputValue()).toBe('10');
  expect(await page.locator('[id="cfg-simulator.prior.A.mean"]').inputValue()).toBe('70.8');
  expect(await page.locator('[id="cfg-searchSpace.summary_dim.low"]').inputValue()).toBe('4');
  expect(await page.getByTestId('start-study').isDisabled()).toBe(false);
  expect(await page.getByTestId('config-issues').count()).toBe(0);
});

it('shows a time estimate for the detected backend before Start, updating as fields change', async () => {
  // Headless Chromium has no GPU: training plans wasm (SwiftShader WebGPU is slower), so there is a figure.
  await page.waitForFunction(
    () => /per trial on (wasm|cpu)/.test(document.querySelector('[data-testid="time-estimate"]')?.textContent ?? ''),
    null,
    { timeout: 60_000 },
  );
  const before = await estimateText();
  expect(before).toMatch(/^≈ [\d.]+(–[\d.]+)? (s|min|h) per trial on (wasm|cpu), ≈ .+ for the study$/);
  await page.locator('#cfg-epochs').fill('40');
  await page.waitForFunction((b) => document.querySelector('[data-testid="time-estimate"]')?.textContent !== b, before);
  expect(await estimateText()).toMatch(/per trial on (wasm|cpu)/);
  await screenshot(page, 'setup-estimate');
  await page.locator('#cfg-epochs').fill('10');
  await page.waitForFunction((b) => document.querySelector('[data-testid="time-estimate"]')?.textContent === b, before);
});

it('flags invalid input at the field and blocks Start', async () => {
  await page.locator('[id="cfg-simulator.prior.tau.sd"]').fill('-4');
  await page.locator('[id="cfg-searchSpace.lr.low"]').fill('0.01');
  await page.locator('[id="cfg-data.validationSets"]').fill('1');
  await page.locator('[id="cfg-searchSpace.batch_size.choices"]').fill('16, 32, big');
  await page.locator('#cfg-epochs').fill('abc');
  expect(await page.getByTestId('start-study').isDisabled()).toBe(true);
  expect(await page.locator('[id="cfg-simulator.prior.tau.sd"]').getAttribute('aria-invalid')).toBe('true');
  expect(await page.getByTestId('config-error-cell').nth(1).textContent()).toBe(
    'Enter a number greater than 0 (got -4)',
  );
  expect(await errorAt('searchSpace.lr').textContent()).toBe('Low must not exceed high (0.01 > 0.001)');
  expect(await errorAt('data.validationSets').textContent()).toBe('Enter a whole number of at least 2 (got 1)');
  expect(await errorAt('searchSpace.batch_size').textContent()).toContain("'big' is not a number");
  // Text in a number field stays as typed and is named in the message (no emptied field, no NaN).
  expect(await page.locator('#cfg-epochs').inputValue()).toBe('abc');
  expect(await errorAt('epochs').textContent()).toBe("'abc' is not a number");
  expect(await page.locator('#cfg-epochs').getAttribute('aria-invalid')).toBe('true');
  expect(await page.getByTestId('config-issues').textContent()).toMatch(/5 problems/);
  expect(await estimateText()).toBe('The time estimate appears when every field is valid.');
  await screenshot(page, 'setup-invalid');
  // The list of problems moves focus to the field.
  await page.getByTestId('config-issues').getByRole('button', { name: 'data.validationSets' }).click();
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('cfg-data.validationSets');
});

it('a preset replaces the form and makes it valid again', async () => {
  await page.getByTestId('preset-smoke').click();
  expect(await page.getByTestId('start-study').isDisabled()).toBe(false);
  expect(await page.locator('#cfg-nTrials').inputValue()).toBe('3');
  expect(await page.locator('#cfg-epochs').inputValue()).toBe('2');
});

it('saves the configuration as JSON and loads it back', async () => {
  await page.locator('#cfg-name').fill('saved-config');
  await page.locator('#cfg-seed').fill('77');
  await page.getByTestId('network-matmul-f16').check();
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-config').click()]);
  const saved = JSON.parse(readFileSync((await dl.path())!, 'utf8'));
  expect(dl.suggestedFilename()).toBe('saved-config.study.json');
  expect(saved).toMatchObject({ version: 2, name: 'saved-config', seed: 77, nTrials: 3, network: { matmulF16: true } });
  await page.getByTestId('preset-notebook').click();
  expect(await page.locator('#cfg-seed').inputValue()).toBe('2025');
  expect(await page.getByTestId('network-matmul-f16').isChecked()).toBe(false);
  const file = path.resolve('test-output/e2e-config.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(saved));
  await page.getByTestId('file-input').setInputFiles(file);
  await page.waitForFunction(() => (document.getElementById('cfg-seed') as HTMLInputElement | null)?.value === '77');
  expect(await page.locator('#cfg-name').inputValue()).toBe('saved-config');
  expect(await page.getByTestId('network-matmul-f16').isChecked()).toBe(true);
});

it('refuses a broken configuration file and says why', async () => {
  const bad = { ...defaultStudyConfig(), epochs: 0, typo: true };
  const file = path.resolve('test-output/e2e-bad-config.json');
  writeFileSync(file, JSON.stringify(bad));
  await page.getByTestId('file-input').setInputFiles(file);
  const msg = page.getByText(/is not a valid study configuration/);
  await msg.waitFor();
  const text = await msg.textContent();
  expect(text).toContain('epochs: Enter a whole number of at least 1 (got 0)');
  expect(text).toContain("typo: Unknown setting 'typo'");
  expect(await page.locator('#cfg-name').inputValue()).toBe('saved-config'); // unchanged
});

it('offers the next free name when another study has the name, next to the Name field', async () => {
  // An imported Optuna journal puts a study named "demo" into the library.
  await page.goto(app.url + '#/', { waitUntil: 'commit' });
  await page.getByTestId('file-input').setInputFiles(JOURNAL);
  await page.waitForURL(/#\/results\/\d+$/, { timeout: 30_000 });
  await page.goto(app.url + '#/setup', { waitUntil: 'commit' });
  await page.locator('#cfg-name').fill('demo');
  const clash = page.getByTestId('name-clash');
  await clash.waitFor();
  expect(await clash.locator('span').textContent()).toBe("A study named 'demo' exists — use 'demo-2'?");
  expect(await page.getByTestId('start-study').isDisabled()).toBe(true);
  await screenshot(page, 'setup-name-clash');
  await page.getByTestId('use-free-name').click();
  expect(await page.locator('#cfg-name').inputValue()).toBe('demo-2');
  expect(await clash.count()).toBe(0);
  expect(await page.getByTestId('start-study').isDisabled()).toBe(false);
});

it('a study link opens the exact setup in another browser, runs nothing, and a damaged link is refused', async () => {
  await page.goto(app.url + '#/setup', { waitUntil: 'commit' });
  await page.getByTestId('preset-cpu').click();
  await page.locator('#cfg-name').fill('class-flanker');
  await page.locator('#cfg-seed').fill('4242');
  await page.getByTestId('share-link').click();
  const url = await page.getByTestId('share-url').inputValue();
  expect(url).toMatch(/#\/setup\?study=v1\.[A-Za-z0-9_-]+$/);
  // A student's browser: a fresh context (its own, empty library) opens the link.
  const student = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const other = await student.newPage();
    const errors: string[] = [];
    other.on('pageerror', (e) => errors.push(String(e)));
    await other.goto(url, { waitUntil: 'commit' });
    await other.getByTestId('link-note').waitFor({ timeout: 60_000 });
    expect(await other.getByTestId('link-note').textContent()).toContain(
      'This setup (“class-flanker”) came from a study link',
    );
    expect(await other.locator('#cfg-name').inputValue()).toBe('class-flanker');
    expect(await other.locator('#cfg-seed').inputValue()).toBe('4242');
    expect(await other.locator('#cfg-nTrials').inputValue()).toBe('4');
    expect(await other.locator('[id="cfg-simulator.numObs.fixed"]').inputValue()).toBe('50');
    // Nothing ran: still on Setup with Start offered (checked below: the library is empty).
    await other.waitForTimeout(1000);
    expect(new URL(other.url()).hash).toMatch(/^#\/setup\?study=/);
    expect(await other.getByTestId('start-study').isDisabled()).toBe(false);
    await screenshot(other, 'setup-from-link');
    // A link cut short in a chat message: refused in plain words, the form left as it was.
    await other.goto(url.slice(0, url.length - 40), { waitUntil: 'commit' });
    await other.getByTestId('link-refused').waitFor({ timeout: 30_000 });
    expect(await other.getByTestId('link-refused').textContent()).toMatch(/The study link was refused.*damaged/);
    expect(await other.locator('#cfg-name').inputValue()).toBe('class-flanker');
    await screenshot(other, 'setup-link-refused');
    await other.goto(new URL(url).origin + '/#/', { waitUntil: 'commit' });
    await other.getByTestId('library-empty').waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);
  } finally {
    await student.close();
  }
});

it('had no page errors and no foreign requests', () => {
  expect(app.seen.errors).toEqual([]);
  expect(app.seen.foreign).toEqual([]);
});
