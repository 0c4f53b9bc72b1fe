import { describe, expect, it } from 'vitest';
import { href, parseHash, type Route } from '../../../src/state/routes.ts';
import { planBackend, type BackendProbe } from '../../../src/state/adapters/backend-probe.ts';

describe('hash routes', () => {
  it.each<[string, Route]>([
    ['', { view: 'home' }],
    ['#', { view: 'home' }],
    ['#/', { view: 'home' }],
    ['#/simulate', { view: 'simulate' }],
    ['#/simulate/', { view: 'simulate' }],
    ['#/setup', { view: 'setup', fromStudy: null }],
    ['#/setup/4', { view: 'setup', fromStudy: 4 }],
    ['#/run', { view: 'run', studyId: null }],
    ['#/run/0', { view: 'run', studyId: 0 }],
    ['#/results/12', { view: 'results', studyId: 12 }],
    ['#/results/x', { view: 'not-found', hash: '#/results/x' }],
    ['#/results/1/2', { view: 'not-found', hash: '#/results/1/2' }],
    ['#/simulate/3', { view: 'not-found', hash: '#/simulate/3' }],
    ['#/infer', { view: 'infer' }],
    ['#/infer/2', { view: 'not-found', hash: '#/infer/2' }],
    ['#/elsewhere', { view: 'not-found', hash: '#/elsewhere' }],
    ['#/setup?study=v1.abc_-', { view: 'setup', fromStudy: null, link: 'v1.abc_-' }],
    ['#/setup/?study=v1.x', { view: 'setup', fromStudy: null, link: 'v1.x' }],
    ['#/setup/3?study=v1.x', { view: 'not-found', hash: '#/setup/3?study=v1.x' }],
    ['#/setup?other=1', { view: 'not-found', hash: '#/setup?other=1' }],
    ['#/setup?study=v1.x&more=2', { view: 'not-found', hash: '#/setup?study=v1.x&more=2' }],
    // A study's results take its trial filter (trial-filter.ts names parts it cannot read).
    ['#/results/2?study=v1.x', { view: 'results', studyId: 2, filter: 'study=v1.x' }],
    ['#/results/2?state=COMPLETE&top=5', { view: 'results', studyId: 2, filter: 'state=COMPLETE&top=5' }],
    ['#/results/2?', { view: 'results', studyId: 2 }],
    ['#/results?top=5', { view: 'not-found', hash: '#/results?top=5' }],
    ['#/results/x?top=5', { view: 'not-found', hash: '#/results/x?top=5' }],
    ['#/compare?studies=3,5', { view: 'compare', studies: [3, 5] }],
    ['#/compare/?studies=0,12,7', { view: 'compare', studies: [0, 12, 7] }],
    ['#/compare?studies=3,x', { view: 'not-found', hash: '#/compare?studies=3,x' }],
    ['#/compare?studies=', { view: 'not-found', hash: '#/compare?studies=' }],
    ['#/compare?studies=3&more=1', { view: 'not-found', hash: '#/compare?studies=3&more=1' }],
    ['#/compare/2?studies=3', { view: 'not-found', hash: '#/compare/2?studies=3' }],
  ])('%s', (hash, route) => {
    expect(parseHash(hash)).toEqual(route);
  });

  it('href and parseHash are inverse', () => {
    const routes: Exclude<Route, { view: 'not-found' }>[] = [
      { view: 'home' },
      { view: 'simulate' },
      { view: 'setup', fromStudy: null },
      { view: 'setup', fromStudy: 7 },
      { view: 'setup', fromStudy: null, link: 'v1.AbC-_9' },
      { view: 'run', studyId: null },
      { view: 'run', studyId: 3 },
      { view: 'results', studyId: 0 },
      { view: 'results', studyId: 4, filter: 'state=COMPLETE&p.lr=1e-4..1e-3&top=best' },
      { view: 'infer' },
      { view: 'compare', studies: [4, 1] },
    ];
    for (const r of routes) expect(parseHash(href(r))).toEqual(r);
  });
});

describe('planBackend (docs/design/gpu-path.md#rules-the-code-keeps)', () => {
  const probes = (
    gpu: Partial<BackendProbe>,
    others: Partial<Record<'webgl' | 'wasm', boolean>> = {},
  ): BackendProbe[] => [
    { backend: 'webgpu', available: false, detail: 'no adapter', ...gpu },
    { backend: 'webgl', available: others.webgl ?? true, detail: 'gl' },
    { backend: 'wasm', available: others.wasm ?? true, detail: 'wasm' },
    { backend: 'cpu', available: true, detail: 'js' },
  ];

  it('uses WebGPU on a hardware adapter, with no notice', () => {
    expect(planBackend(probes({ available: true, hardware: true, detail: 'adapter nvidia' }))).toEqual({
      backend: 'webgpu',
      fallbackReason: null,
    });
  });

  it('prefers wasm over a software WebGPU adapter and says why', () => {
    const p = planBackend(probes({ available: true, hardware: false, detail: 'software adapter only (swiftshader)' }));
    expect(p.backend).toBe('wasm');
    expect(p.fallbackReason).toContain('software adapter');
  });

  it('falls back wasm → webgl → cpu', () => {
    expect(planBackend(probes({}, { wasm: false })).backend).toBe('webgl');
    expect(planBackend(probes({}, { wasm: false, webgl: false })).backend).toBe('cpu');
    expect(planBackend(probes({ detail: 'navigator.gpu is missing' })).fallbackReason).toBe(
      'WebGPU unavailable: navigator.gpu is missing',
    );
  });

  it('honours an explicit preference when that backend is available', () => {
    expect(planBackend(probes({}), 'webgl')).toEqual({ backend: 'webgl', fallbackReason: null });
    expect(planBackend(probes({}, { webgl: false }), 'webgl').backend).toBe('wasm');
  });
});
