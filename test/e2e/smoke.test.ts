import { afterAll, beforeAll, expect, it } from 'vitest';
import { serveAndLaunch, type ServedBrowser } from './harness.ts';

let env: ServedBrowser;
beforeAll(async () => {
  env = await serveAndLaunch();
});
afterAll(() => env?.close());

it('serves the app shell', async () => {
  const page = await env.browser.newPage();
  await page.goto(env.url, { waitUntil: 'commit' });
  await expect(page.locator('h1').first()).toBeDefined();
  await page.waitForSelector('h1');
  expect(await page.title()).toBe('dmc-tune');
});
