import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, serveDev, type Served } from './harness.ts';

let served: Served;
let browser: Browser;
beforeAll(async () => {
  served = await serveDev();
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await served?.close();
});

it('serves the app shell', async () => {
  const page = await browser.newPage();
  await page.goto(served.url, { waitUntil: 'commit' });
  await expect(page.locator('h1').first()).toBeDefined();
  await page.waitForSelector('h1');
  expect(await page.title()).toBe('dmc-tune');
});
