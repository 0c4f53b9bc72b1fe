/**
 * App shell in real headless Chromium (dev server): loads without console errors or foreign requests,
 * shows the tfjs backend (with the fallback notice on this GPU-less machine, where WebGPU only has the
 * SwiftShader software adapter), and routes between the views by hash and by keyboard.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, screenshot, type App } from './harness.ts';

let app: App;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  app = await openApp({ viewport: null });
  page = app.page;
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  await page.goto(app.url, { waitUntil: 'commit' });
});
afterAll(() => app?.close());

it('shows the backend in use and why it is not WebGPU', async () => {
  const name = page.getByTestId('backend-name');
  await name.waitFor({ timeout: 30_000 });
  // SwiftShader's WebGPU adapter is software: training falls back to wasm (docs/design/gpu-path.md#rules-the-code-keeps).
  expect(await name.textContent()).toBe('wasm');
  const notice = page.getByTestId('backend-fallback');
  expect(await notice.textContent()).toMatch(/software/);
  await screenshot(page, 'home');
});

it('routes by hash and marks the current view', async () => {
  await page.goto(app.url + '#/simulate', { waitUntil: 'commit' });
  await page.locator('nav a[aria-current="page"]', { hasText: 'Simulate' }).waitFor();
  await page.goto(app.url + '#/nowhere', { waitUntil: 'commit' });
  await page.getByText('No such page').waitFor();
});

it('is keyboard usable: Tab reaches the skip link and the navigation', async () => {
  await page.goto(app.url + '#/', { waitUntil: 'commit' });
  await page.getByTestId('backend-name').waitFor();
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Simulate');
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/simulate$/);
});

it('logged no console errors and requested nothing from another origin', () => {
  expect(app.seen.errors).toEqual([]);
  expect(consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
  expect(app.seen.foreign).toEqual([]);
});
