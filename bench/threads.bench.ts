/**
 * `npm run bench -- threads [--obs 50,500 --embed 64 --batch 64 --steps 3 --repeats 2 --threads 1,2]`:
 * wasm training steps in headless Chromium under cross-origin isolation, per thread count. Node's
 * tfjs-backend-wasm has no threads (tfjs issue 3830), so this runs in the browser: the Vite dev server
 * (which sends COOP/COEP) serves bench/threads-step.worker.ts, one fresh worker per measurement. Thread
 * counts alternate within each repeat so that load from other work on the machine falls on both.
 */
import { parseArgs } from 'node:util';
import { launch, serveDev } from '../test/e2e/harness.ts';

interface Measure {
  obs: number;
  threads: number;
  repeat: number;
  reportedThreads: number | null;
  warmupMs: number;
  ms: number[];
  medianMs: number;
}

export async function run(args: readonly string[]): Promise<Record<string, unknown>> {
  const { values: a } = parseArgs({
    args: [...args],
    options: {
      obs: { type: 'string', default: '50,500' },
      embed: { type: 'string', default: '64' },
      batch: { type: 'string', default: '64' },
      steps: { type: 'string', default: '3' },
      repeats: { type: 'string', default: '2' },
      threads: { type: 'string', default: '1,2' },
    },
    strict: false,
  });
  const list = (s: unknown): number[] => String(s).split(',').map(Number);
  const served = await serveDev();
  const browser = await launch();
  const measures: Measure[] = [];
  try {
    const page = await browser.newPage();
    await page.goto(served.url + 'favicon.svg');
    const isolated = await page.evaluate(() => crossOriginIsolated);
    if (!isolated) throw new Error('the dev server page is not cross-origin isolated: no wasm threads to measure');
    for (const obs of list(a.obs)) {
      for (let repeat = 0; repeat < Number(a.repeats); repeat++) {
        for (const threads of list(a.threads)) {
          const req = { threads, batch: Number(a.batch), obs, embed: Number(a.embed), steps: Number(a.steps) };
          const r = await page.evaluate(
            (req) =>
              new Promise<{ ok: boolean; error?: string; threads?: number | null; warmupMs?: number; ms?: number[] }>(
                (resolve) => {
                  const w = new Worker('/bench/threads-step.worker.ts', { type: 'module' });
                  w.onmessage = (ev) => {
                    w.terminate();
                    resolve(ev.data);
                  };
                  w.onerror = (ev) => resolve({ ok: false, error: ev.message || 'worker failed to load' });
                  w.postMessage(req);
                },
              ),
            req,
          );
          if (!r.ok) throw new Error(`threads ${threads}, N ${obs}: ${r.error}`);
          const sorted = [...r.ms!].sort((x, y) => x - y);
          const m: Measure = {
            obs,
            threads,
            repeat,
            reportedThreads: r.threads ?? null,
            warmupMs: r.warmupMs!,
            ms: r.ms!,
            medianMs: sorted[Math.floor(sorted.length / 2)]!,
          };
          measures.push(m);
          process.stderr.write(
            `threads: N ${obs}, ${threads} thread(s) (tfjs: ${m.reportedThreads}), repeat ${repeat}: ${m.ms.map((x) => Math.round(x)).join(', ')} ms\n`,
          );
        }
      }
    }
  } finally {
    await browser.close();
    await served.close();
  }
  return { batch: Number(a.batch), embed: Number(a.embed), steps: Number(a.steps), measures };
}
