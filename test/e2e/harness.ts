/**
 * End-to-end harness: serves the app with Vite (dev server, or the production build with `preview`)
 * and drives Debian's Chromium with playwright-core. Screenshots go to test-output/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createServer, preview, type PreviewServer, type ViteDevServer } from 'vite';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve('test-output/screenshots');

export interface Served {
  url: string;
  close(): Promise<void>;
}

/** Dev server on a free port (port 0 lets the OS choose, so test files never collide). */
export async function serveDev(): Promise<Served> {
  const server: ViteDevServer = await createServer({
    configFile: path.resolve('vite.config.ts'),
    // Vitest sets NODE_ENV=test, which is part of Vite's hash of pre-bundled dependencies: sharing
    // `npm start`'s cache would make its next start re-optimize them all, and say so.
    cacheDir: path.resolve('node_modules/.vite-e2e'),
    server: { host: '127.0.0.1', port: 0, strictPort: false },
    logLevel: 'error',
  });
  await server.listen();
  const addr = server.httpServer?.address();
  if (addr === null || addr === undefined || typeof addr === 'string') throw new Error('vite did not bind');
  return { url: `http://127.0.0.1:${addr.port}/`, close: () => server.close() };
}

/** Preview of an existing `dist/` build (run `vite build` first). */
export async function servePreview(): Promise<Served> {
  const server: PreviewServer = await preview({
    configFile: path.resolve('vite.config.ts'),
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
    logLevel: 'error',
  });
  const addr = server.httpServer.address();
  if (addr === null || typeof addr === 'string') throw new Error('vite preview did not bind');
  return {
    url: `http://127.0.0.1:${addr.port}/`,
    close: () => new Promise<void>((resolve) => server.httpServer.close(() => resolve())),
  };
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--enable-unsafe-webgpu'] });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  // A full-page capture draws the sticky header where the page is scrolled to: scroll to the top first.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Collects console errors and requests to other origins, so tests can assert there are none. */
export function watch(context: BrowserContext, origin: string): { errors: string[]; foreign: string[] } {
  const errors: string[] = [];
  const foreign: string[] = [];
  context.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) foreign.push(u);
  });
  context.on('page', (p) => p.on('pageerror', (e) => errors.push(String(e))));
  return { errors, foreign };
}

export interface AppOptions {
  /** Serve the production build (`vite preview`, build first) instead of the dev server. */
  preview?: boolean;
  /** Hash route to open first (e.g. '#/setup'); no navigation when undefined. */
  route?: string;
  /** Let the page download files (CSV, PNG, journal, network). */
  downloads?: boolean;
  /** Viewport; default 1280×900 so screenshots are comparable. */
  viewport?: { width: number; height: number } | null;
}

/** One served app, one browser, one context and page, with console errors and foreign requests watched. */
export interface App {
  url: string;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  seen: { errors: string[]; foreign: string[] };
  close(): Promise<void>;
}

/** A served app and one headless Chromium, closed together. */
export interface ServedBrowser {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function serveAndLaunch(opts: { preview?: boolean } = {}): Promise<ServedBrowser> {
  const served = opts.preview === true ? await servePreview() : await serveDev();
  const browser = await launch();
  return {
    url: served.url,
    browser,
    close: async () => {
      await browser.close();
      await served.close();
    },
  };
}

export async function openApp(opts: AppOptions = {}): Promise<App> {
  const { url, browser, close } = await serveAndLaunch(opts);
  const viewport = opts.viewport === undefined ? { width: 1280, height: 900 } : opts.viewport;
  const context = await browser.newContext({
    ...(viewport === null ? {} : { viewport }),
    acceptDownloads: opts.downloads === true,
  });
  const seen = watch(context, url.replace(/\/$/, ''));
  const page = await context.newPage();
  if (opts.route !== undefined) await page.goto(url + opts.route, { waitUntil: 'commit' });
  return { url, browser, context, page, seen, close };
}
